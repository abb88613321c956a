//! What a drawn map shows and where: the figures a report quotes and the checks read.

use crate::projection::ProjectionDef;
use crate::render::furniture::{NorthArrow, ScaleBar};
use crate::render::geom::{Pt, Rect};
use crate::render::labels::{DroppedLabel, PlacedLabel};
use crate::style::Rgb;
use geo_types::Coord;
/// A symbol as placed on the page (for reports and checks).
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolMark {
    /// `site:ID`, `site:ID/PART`, `incident:ID`, `city:NAME`.
    pub key: String,
    /// Centre, pixels.
    pub centre: Pt,
    /// Box, pixels.
    pub rect: Rect,
    /// Fill colour at the centre.
    pub colour: Rgb,
}

/// What a map shows and where: the figures a report quotes and the checks read.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLayout {
    /// The map projection.
    pub projection: ProjectionDef,
    /// The map frame on the page, pixels.
    pub frame: Rect,
    /// Projected coordinates (metres) at the frame's centre.
    pub centre_xy: Coord<f64>,
    /// Projected metres per pixel.
    pub m_per_px: f64,
    /// Title and subtitle.
    pub title: (String, String),
    /// Legend entries, in order.
    pub legend: Vec<String>,
    /// The scale bar.
    pub scale_bar: ScaleBar,
    /// The north arrow.
    pub north_arrow: NorthArrow,
    /// Symbols placed.
    pub symbols: Vec<SymbolMark>,
    /// Labels placed.
    pub labels: Vec<PlacedLabel>,
    /// Labels left out for lack of room.
    pub dropped: Vec<DroppedLabel>,
    /// Furniture boxes inside the map frame (scale bar, north arrow), pixels.
    pub furniture: Vec<Rect>,
    /// Notes printed on the map.
    pub notes: Vec<String>,
    /// The source line.
    pub sources: String,
    /// The attribution line.
    pub attribution: String,
    /// The countries the map shows as its own (an overview's from its sites and incidents, a
    /// detail map's from its site), by name.
    pub countries: Vec<String>,
    /// The locator inset of a detail map.
    pub inset: Option<Inset>,
}

/// A detail map's locator inset.
#[derive(Debug, Clone, PartialEq)]
pub struct Inset {
    /// Its frame on the page, pixels.
    pub frame: Rect,
    /// The country it shows.
    pub country: String,
}
