//! A picture under a map (satellite imagery, tiles): what the renderer asks of it. Reading and
//! reprojecting the picture is [`crate::imagery`]'s job; the renderer knows no file format.

use super::scene::Raster;
use super::view::MapView;

/// A backdrop drawn under a map's symbols, in place of the plain land colour.
pub trait Backdrop {
    /// The picture for the map frame of `view`: page pixels covering `view.frame`, transparent
    /// where the backdrop has no data. The error says what failed and how to fix it.
    fn picture(&self, view: &MapView) -> Result<Raster, String>;
    /// What the legend calls the backdrop, with its date when known
    /// ("Satellite image: Copernicus Sentinel-2, 2024-03-02").
    fn legend(&self) -> String;
    /// The credits printed with the map's sources ("Imagery: …", "© OpenStreetMap contributors").
    fn credits(&self) -> Vec<String>;
}
