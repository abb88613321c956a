//! Protected sites: embassies, consulates, energy facilities, hospitals.

use super::DateSpan;
use compact_str::CompactString;
use geo_types::{Geometry, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

/// Short text of a site (id, name, kind): up to 24 bytes are stored inline,
/// so a million sites do not mean millions of small allocations.
pub type Text = CompactString;

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
/// pair (`id`, `part`) is unique. The struct is kept small (168 bytes): an
/// OpenStreetMap extract gives millions of sites.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Stable identifier used in every output (`az_embassy_kyiv`).
    pub id: Text,
    /// Part name ("administrative building"), `None` for the whole site.
    pub part: Option<Text>,
    /// Display name.
    pub name: Text,
    /// Kind: embassy, consulate, residence, energy, hospital, …
    pub kind: Text,
    /// Geometry, WGS84 lon/lat.
    pub geometry: SiteGeometry,
    /// How far the site's own position may be off, metres (0 = surveyed).
    pub position_uncertainty_m: f64,
    /// When the site's coordinates were formally notified to a party.
    pub notified: Option<Box<DateSpan>>,
    /// Address, operator, position source and other properties: most sites
    /// have none, so they take one pointer.
    pub details: Option<Box<SiteDetails>>,
}

/// The less common attributes of a [`Site`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteDetails {
    /// Street address, if known.
    pub address: Option<String>,
    /// Operating state or organisation.
    pub operator: Option<String>,
    /// Where the position comes from.
    pub position_source: Option<String>,
    /// How the site got its footprint, or why it stayed a point
    /// ("footprint: OSM way/123, matched within 12 m of the recorded point"),
    /// printed in the basis of every figure measured to it.
    pub footprint: Option<String>,
    /// Every other property of the input feature, kept for outputs.
    pub properties: Map<String, Value>,
}

impl SiteDetails {
    /// `None` when there is nothing to keep.
    pub fn boxed(self) -> Option<Box<SiteDetails>> {
        (self != SiteDetails::default()).then(|| Box::new(self))
    }
}

/// Details of a site that has none.
static NO_DETAILS: std::sync::LazyLock<SiteDetails> =
    std::sync::LazyLock::new(SiteDetails::default);

impl Site {
    /// A site with just an id, a kind and a geometry (name = id, nothing notified).
    pub fn new(id: &str, kind: &str, geometry: SiteGeometry) -> Site {
        Site {
            id: id.into(),
            part: None,
            name: id.into(),
            kind: kind.into(),
            geometry,
            position_uncertainty_m: 0.0,
            notified: None,
            details: None,
        }
    }

    /// Address, operator, position source and other properties (all empty when absent).
    pub fn details(&self) -> &SiteDetails {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }

    /// The details, to be changed (created empty when absent).
    pub fn details_mut(&mut self) -> &mut SiteDetails {
        self.details.get_or_insert_with(Default::default)
    }

    /// Street address, if known.
    pub fn address(&self) -> Option<&str> {
        self.details().address.as_deref()
    }

    /// Operating state or organisation.
    pub fn operator(&self) -> Option<&str> {
        self.details().operator.as_deref()
    }

    /// Where the position comes from.
    pub fn position_source(&self) -> Option<&str> {
        self.details().position_source.as_deref()
    }

    /// The input feature's other properties, in input order.
    pub fn properties(&self) -> &Map<String, Value> {
        &self.details().properties
    }

    /// `id` or `id/part`, as used in messages.
    pub fn label(&self) -> String {
        match &self.part {
            Some(part) => format!("{} / {}", self.id, part),
            None => self.id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_stays_small() {
        // A national extract holds millions of sites: every byte here is
        // megabytes there. Short texts stay inline.
        assert!(std::mem::size_of::<Site>() <= 168);
        let s = Site::new(
            "way/123456789012",
            "building",
            SiteGeometry::Point(Point::new(30.0, 50.0)),
        );
        assert!(!s.id.is_heap_allocated() && !s.name.is_heap_allocated());
        assert_eq!(s.label(), "way/123456789012");
        assert_eq!(s.properties().len(), 0);
    }
}
