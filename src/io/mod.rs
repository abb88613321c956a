//! Readers and writers, one module per format (atomic file writing is in [`crate::util`]).
//!
//! Every reader reports bad input as an [`InputError`] naming the file, the
//! feature or line, the field, what is wrong and how to fix it.

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod basemap;
pub mod basemap_sources;
pub mod csv;
mod error;
#[cfg(feature = "arrow")]
pub mod geoarrow;
pub mod geojson;
#[cfg(feature = "geoparquet")]
pub mod geoparquet;
pub mod geotiff;
pub mod layers;
pub mod markdown;
pub mod osm;
pub mod ownership;
pub mod read;
pub mod stream;
pub mod table;
/// Whole text files (the case configuration, read by the report).
#[cfg(any(feature = "report", test))]
pub(crate) mod text;
pub mod tiles;
pub mod valid;

pub use error::InputError;
