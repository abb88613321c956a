//! Protected sites: embassies, consulates, energy facilities, hospitals.

use super::DateSpan;
use geo_types::{Geometry, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

/// A site's geometry in WGS84 lon/lat degrees.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteGeometry {
    /// A marker (a geocoded address or a Wikidata coordinate).
    Point(Point<f64>),
    /// A footprint or compound perimeter, exterior counter-clockwise, holes clockwise.
    Polygon(Polygon<f64>),
    /// Several footprints of one site or part.
    MultiPolygon(MultiPolygon<f64>),
}

impl SiteGeometry {
    /// The geometry as a `geo_types::Geometry`.
    pub fn to_geometry(&self) -> Geometry<f64> {
        match self {
            Self::Point(p) => Geometry::Point(*p),
            Self::Polygon(p) => Geometry::Polygon(p.clone()),
            Self::MultiPolygon(m) => Geometry::MultiPolygon(m.clone()),
        }
    }

    /// The polygons of the geometry (none for a point).
    pub fn polygons(&self) -> &[Polygon<f64>] {
        match self {
            Self::Point(_) => &[],
            Self::Polygon(p) => std::slice::from_ref(p),
            Self::MultiPolygon(m) => &m.0,
        }
    }

    /// GeoJSON geometry type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Point(_) => "Point",
            Self::Polygon(_) => "Polygon",
            Self::MultiPolygon(_) => "MultiPolygon",
        }
    }
}

/// One protected site, or one named part of it (a building, the perimeter).
///
/// Several `Site` values may share an `id` with different `part` names; the
/// pair (`id`, `part`) is unique.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Stable identifier used in every output (`az_embassy_kyiv`).
    pub id: String,
    /// Part name ("administrative building"), `None` for the whole site.
    pub part: Option<String>,
    /// Display name.
    pub name: String,
    /// Kind: embassy, consulate, residence, energy, hospital, …
    pub kind: String,
    /// Street address, if known.
    pub address: Option<String>,
    /// Operating state or organisation.
    pub operator: Option<String>,
    /// Geometry, WGS84 lon/lat.
    pub geometry: SiteGeometry,
    /// How far the site's own position may be off, metres (0 = surveyed).
    pub position_uncertainty_m: f64,
    /// Where the position comes from.
    pub position_source: Option<String>,
    /// When the site's coordinates were formally notified to a party.
    pub notified: Option<DateSpan>,
    /// Every other property of the input feature, kept for outputs.
    pub properties: Map<String, Value>,
}

impl Site {
    /// `id` or `id/part`, as used in messages.
    pub fn label(&self) -> String {
        match &self.part {
            Some(part) => format!("{} / {}", self.id, part),
            None => self.id.clone(),
        }
    }
}
