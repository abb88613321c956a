//! # impactmap
//!
//! Incident-proximity mapping: defensible, exact figures for how close strikes
//! (missiles, drones, air raids) landed to protected sites (embassies,
//! consulates, energy facilities, hospitals), with their provenance, plus
//! QGIS-ready layers and report maps.
//!
//! Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326, RFC 7946
//! axis order: `x` = longitude, `y` = latitude). Distances are geodesic on the
//! WGS84 ellipsoid, in metres; bearings are degrees clockwise from true north.
//!
//! Data flows one way: [`io`] reads files into the [`model`], [`proximity`]
//! computes figures with [`geodesy`], [`shapes`] and [`layers`] give them
//! their geometry and layer features, and the writers in [`io`] and
//! [`render`] turn them into tables, layer files and maps. [`view`] (a map's
//! projection and page pixels) sits below both, so that the imagery readers
//! in [`io`] fit a map without depending on the renderer.
//!
//! The engine the `impactmap` program runs is [`proximity::Engine`]: incidents
//! in one batch or as a stream, answered on all cores; [`io::read`] reads
//! them from a path, bytes or a stream, and [`io::table::CsvStream`] writes
//! the table as they come. Every error converts into [`Error`], which says
//! whether the input is at fault ([`Error::is_input`]).
//!
//! Features: `cli` (default) builds the program (clap, indicatif, mimalloc,
//! memory-mapped input) and turns on `report`, the report of a case folder
//! (reads `case.toml`). A library user may take neither:
//! `impactmap = { version = "0.1", default-features = false }`.
//!
//! ```
//! use impactmap::geodesy::{distance_m, point_to_polygon};
//! use geo_types::{point, polygon};
//!
//! // A 1-degree meridian arc at the equator is 110 574.389 m (WGS84).
//! let d = distance_m(point!(x: 0.0, y: 0.0), point!(x: 0.0, y: 1.0));
//! assert!((d - 110_574.389).abs() < 0.001);
//!
//! // A point inside a footprint is 0 m from it.
//! let square = polygon![(x: 30.0, y: 50.0), (x: 30.001, y: 50.0), (x: 30.001, y: 50.001), (x: 30.0, y: 50.001)];
//! assert_eq!(point_to_polygon(point!(x: 30.0005, y: 50.0005), &square).distance_m, 0.0);
//! ```

pub mod basemap;
pub mod error;
pub mod geodesy;
pub mod imagery;
pub mod io;
pub mod layers;
pub mod model;
pub mod projection;
pub mod proximity;
pub mod render;
#[cfg(feature = "report")]
pub mod report;
pub mod shapes;
pub mod style;
pub mod util;
pub mod view;
#[cfg(any(test, feature = "workload"))]
pub mod workload;

pub use error::Error;
pub use model::{Incident, Location, Site};
