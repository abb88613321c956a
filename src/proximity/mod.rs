//! The spatial index and the queries that make result rows.
//!
//! Distances are geodesic on WGS84 in metres (see [`crate::geodesy`]).

use crate::model::Interval;
use geo_types::Point;

/// Three-valued answer for facts that uncertainty may leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ternary {
    /// Certainly.
    Yes,
    /// Certainly not.
    No,
    /// Cannot be told from the data.
    Possible,
}

impl Ternary {
    /// `yes`, `no` or `possible`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Possible => "possible",
        }
    }

    /// From a maybe-known boolean: `None` is `Possible`.
    pub fn from_option(b: Option<bool>) -> Self {
        match b {
            Some(true) => Self::Yes,
            Some(false) => Self::No,
            None => Self::Possible,
        }
    }
}

/// One result row: an incident against one site (the nearest, or one within
/// the maximum distance).
#[derive(Debug, Clone, PartialEq)]
pub struct ProximityRow {
    /// Index into the incidents slice the rows were computed from.
    pub incident: usize,
    /// Index into the sites slice.
    pub site: usize,
    /// Distance from the incident to the site, metres: nominal with interval; 0 inside.
    pub distance: Interval,
    /// Whether the incident is inside the site.
    pub inside: Ternary,
    /// Bearing from the site's nearest point to the incident, degrees clockwise
    /// from true north (`None` inside, or when the source gives no direction).
    pub bearing_deg: Option<f64>,
    /// The site's point nearest the incident, WGS84 lon/lat (`None` when not defined,
    /// e.g. a relative location without bearing).
    pub nearest: Option<Point<f64>>,
    /// The incident's point the distance is measured from: the impact, or the point of
    /// its area nearest the site (`None` for relative and within locations).
    pub from: Option<Point<f64>>,
    /// Whether the incident came after the site's notification (`None` if never notified).
    pub after_notification: Option<Ternary>,
    /// What the figure rests on: location kind, precision, assumptions, sources.
    pub basis: String,
}
