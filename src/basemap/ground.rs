//! The ground under a detail map: streets, buildings, water, land use, railways and place
//! names, as an OpenStreetMap extract gives them (read by [`crate::io::osm::read_ground`]).
//! Coordinates are WGS84 lon/lat degrees. The ground is context, drawn muted under the
//! evidence: nothing in it is ever a site.

use geo_types::{LineString, Point, Polygon};

/// Street classes, from OSM's `highway` values, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// `motorway`, `motorway_link`.
    Motorway,
    /// `trunk`, `trunk_link`.
    Trunk,
    /// `primary`, `primary_link`.
    Primary,
    /// `secondary`, `secondary_link`.
    Secondary,
    /// `tertiary`, `tertiary_link`.
    Tertiary,
    /// `residential`, `unclassified`, `living_street`, `road`.
    Minor,
    /// `service`.
    Service,
    /// `pedestrian`, `footway`, `path`, `cycleway`, `steps`, `track`, `bridleway`.
    Path,
}

impl RoadClass {
    /// The class of a `highway` value, `None` for what is not drawn as a street.
    pub fn from_highway(v: &str) -> Option<Self> {
        Some(match v.trim_end_matches("_link") {
            "motorway" => RoadClass::Motorway,
            "trunk" => RoadClass::Trunk,
            "primary" => RoadClass::Primary,
            "secondary" => RoadClass::Secondary,
            "tertiary" => RoadClass::Tertiary,
            "residential" | "unclassified" | "living_street" | "road" => RoadClass::Minor,
            "service" => RoadClass::Service,
            "pedestrian" | "footway" | "path" | "cycleway" | "steps" | "track" | "bridleway" => {
                RoadClass::Path
            }
            _ => return None,
        })
    }

    /// Typical width of the carriageway on the ground, metres (drawn at the map's scale).
    pub fn width_m(self) -> f64 {
        match self {
            RoadClass::Motorway => 22.0,
            RoadClass::Trunk => 18.0,
            RoadClass::Primary => 15.0,
            RoadClass::Secondary => 12.0,
            RoadClass::Tertiary => 10.0,
            RoadClass::Minor => 8.0,
            RoadClass::Service => 5.0,
            RoadClass::Path => 2.5,
        }
    }

    /// Narrowest the street is drawn, points, so that it stays visible at small scales.
    pub fn min_width_pt(self) -> f64 {
        match self {
            RoadClass::Motorway | RoadClass::Trunk => 2.4,
            RoadClass::Primary => 2.0,
            RoadClass::Secondary | RoadClass::Tertiary => 1.6,
            RoadClass::Minor => 1.2,
            RoadClass::Service => 0.8,
            RoadClass::Path => 0.5,
        }
    }
}

/// A street.
#[derive(Debug, Clone, PartialEq)]
pub struct Road {
    /// OSM way id.
    pub id: i64,
    /// Class.
    pub class: RoadClass,
    /// The name shown (`name:xx` when asked for and present, else `name`).
    pub name: Option<String>,
    /// Whether it runs in a tunnel (drawn fainter).
    pub tunnel: bool,
    /// Its line, lon/lat.
    pub line: LineString<f64>,
}

/// What an area is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AreaClass {
    /// Built-up land use (`landuse=residential|commercial|retail|industrial|…`).
    LandUse,
    /// Parks and green land (`leisure=park|garden`, `landuse=grass|forest|…`, `natural=wood`).
    Green,
    /// Water (`natural=water`, `waterway=riverbank`, `landuse=reservoir|basin`).
    Water,
    /// A building.
    Building,
}

/// An area.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// What it is.
    pub class: AreaClass,
    /// Its outline with holes, lon/lat.
    pub polygon: Polygon<f64>,
}

/// What a line that is not a street is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LineClass {
    /// `waterway=river|canal`.
    River,
    /// `waterway=stream|ditch|drain`.
    Stream,
    /// `railway=rail|light_rail|narrow_gauge|subway` (not in tunnel).
    Railway,
    /// `railway=tram`.
    Tram,
}

/// A line that is not a street.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What it is.
    pub class: LineClass,
    /// Its line, lon/lat.
    pub line: LineString<f64>,
}

/// A named place (`place=suburb|quarter|neighbourhood|…` node).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Its name.
    pub name: String,
    /// Where it is, lon/lat.
    pub position: Point<f64>,
    /// Lower is more important: 0 city, 1 town, 2 suburb, 3 quarter, 4 neighbourhood, 5 other.
    pub rank: u8,
}

/// Everything of the ground read for one map, in the order drawn within each list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ground {
    /// Land use, parks, water and buildings.
    pub areas: Vec<Area>,
    /// Rivers, streams, railways.
    pub lines: Vec<Line>,
    /// Streets.
    pub roads: Vec<Road>,
    /// Place names.
    pub places: Vec<Place>,
    /// Credit printed on the map ("© OpenStreetMap contributors").
    pub attribution: String,
}

impl Ground {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty() && self.lines.is_empty() && self.roads.is_empty()
    }
}

/// Where the ground of a map comes from: given the map's extent (west, south, east, north,
/// degrees, with a margin), the layers to draw in order, bottom first. The message of an error
/// names the source and says what to do.
pub trait GroundSource {
    /// The ground inside `bbox`.
    fn ground(&self, bbox: [f64; 4]) -> Result<Vec<Ground>, String>;
}

/// No ground.
impl GroundSource for () {
    fn ground(&self, _bbox: [f64; 4]) -> Result<Vec<Ground>, String> {
        Ok(Vec::new())
    }
}
