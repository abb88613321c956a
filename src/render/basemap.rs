//! The overview basemap as the renderer uses it: country outline, first-level regions, cities.
//! Reading it from files is [`crate::io::basemap`]'s job.

use geo_types::{MultiPolygon, Point};

/// A first-level administrative region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Identifier in the source.
    pub id: String,
    /// English name.
    pub name: String,
    /// Geometry, WGS84 lon/lat.
    pub area: MultiPolygon<f64>,
}

/// A city or town.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// Name.
    pub name: String,
    /// Position, WGS84 lon/lat.
    pub position: Point<f64>,
    /// Population, used only to rank labels.
    pub population: u64,
}

/// Background layers for overview maps and locator insets, generalised for small scales
/// (never used for distances).
#[derive(Debug, Clone, PartialEq)]
pub struct Basemap {
    /// The country outline.
    pub outline: MultiPolygon<f64>,
    /// First-level regions.
    pub regions: Vec<Region>,
    /// Cities, most populous first.
    pub cities: Vec<City>,
    /// Credits for the data, as printed on maps ("Natural Earth", "GeoNames (CC BY 4.0)").
    pub attribution: Vec<String>,
}

impl Basemap {
    /// No background at all (`--basemap none`).
    pub fn empty() -> Self {
        Basemap {
            outline: MultiPolygon(Vec::new()),
            regions: Vec::new(),
            cities: Vec::new(),
            attribution: Vec::new(),
        }
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.outline.0.is_empty() && self.regions.is_empty() && self.cities.is_empty()
    }
}
