//! The proximity engine: the spatial index and the queries that make result
//! rows, for incidents in one batch or a stream of batches.
//!
//! Distances are geodesic on WGS84 in metres (see [`crate::geodesy`]).
//!
//! ```
//! use impactmap::io::{csv::CsvColumns, read};
//! use impactmap::proximity::{Engine, Options};
//!
//! let sites = read::sites_from_bytes(
//!     br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "emb",
//!         "properties": {"name": "Embassy", "kind": "embassy"},
//!         "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}}]}"#,
//!     "sites.geojson",
//! )?;
//! let csv = b"id,date,latitude,longitude\nk1,2024-05-01,1.0,0.0\n";
//! let incidents = read::incidents_from_reader(&csv[..], "strikes.csv", &sites, &CsvColumns::default())?;
//! let engine = Engine::new(&sites, Options::default());
//! let rows = engine.rows(&incidents)?;
//! // A 1-degree meridian arc at the equator is 110 574.389 m (WGS84).
//! assert!((rows[0].distance.nominal - 110_574.389).abs() < 0.001);
//! assert_eq!(sites[rows[0].site].id, "emb");
//! assert_eq!(incidents[rows[0].incident].id, "k1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::model::{IncidentIdx, Interval, SiteIdx};
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
    /// The incident, in the slice the rows were computed from.
    pub incident: IncidentIdx,
    /// The site, in the slice the engine was built over.
    pub site: SiteIdx,
    /// The part of the site the figure refers to: the part a relative or within
    /// location names, else the site feature's own part.
    pub part: Option<String>,
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

mod index;
mod packed;

pub use index::{ecef, exact, SiteHit, SiteIndex};

use crate::geodesy::distance_m;
use crate::model::{Incident, Location, Site, SiteGeometry, StepLength};
use crate::shapes::{self, Footprint, PartMatch, Referent};
use geo::CoordsIter;
use rayon::prelude::*;

/// What to compute.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report every site within this distance (metres) instead of only the nearest.
    pub max_distance_m: Option<f64>,
    /// Step-length assumption for distances given in steps.
    pub steps: StepLength,
}

/// A site reference that names no site.
#[derive(Debug, thiserror::Error)]
#[error("incident `{incident}` refers to site `{site}`, which is not in the sites file: add the site or fix the reference")]
pub struct UnknownSite {
    /// The incident's id.
    pub incident: String,
    /// The site id it names.
    pub site: String,
}

/// The proximity engine: the sites' index and what to compute. It answers
/// incidents in batches on all cores, taking them along the index's Hilbert
/// curve so that neighbouring queries share the parts of the tree and the
/// sites they read; rows come back in incident order.
pub struct Engine<'a> {
    index: SiteIndex<'a>,
    options: Options,
}

impl<'a> Engine<'a> {
    /// Indexes the sites (on all cores) for these options.
    pub fn new(sites: &'a [Site], options: Options) -> Self {
        Engine {
            index: SiteIndex::new(sites),
            options,
        }
    }

    /// The sites the rows refer to.
    pub fn sites(&self) -> &'a [Site] {
        self.index.sites()
    }

    /// The sites' spatial index.
    pub fn index(&self) -> &SiteIndex<'a> {
        &self.index
    }

    /// What is computed.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The proximity rows: for each incident, its nearest site (or every
    /// site within `max_distance_m`). Relative and within locations are
    /// reported against the site (and part) they name. Rows come in incident
    /// order, then by distance. The first unknown site in incident order is
    /// the error.
    pub fn rows(&self, incidents: &[Incident]) -> Result<Vec<ProximityRow>, UnknownSite> {
        Ok(self
            .rows_by_incident(incidents)?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Each incident's rows (see [`Engine::rows`]), in incident order.
    pub fn rows_by_incident(
        &self,
        incidents: &[Incident],
    ) -> Result<Vec<Vec<ProximityRow>>, UnknownSite> {
        self.rows_numbered_from(0, incidents)
    }

    /// Streaming: computes a batch's rows and appends the batch to
    /// `incidents` and its rows to `rows`, numbered after the incidents
    /// already there. On an error nothing is appended.
    pub fn extend(
        &self,
        incidents: &mut Vec<Incident>,
        rows: &mut Vec<ProximityRow>,
        batch: Vec<Incident>,
    ) -> Result<(), UnknownSite> {
        let computed = self.rows_numbered_from(incidents.len(), &batch)?;
        rows.extend(computed.into_iter().flatten());
        incidents.extend(batch);
        Ok(())
    }

    /// Each incident's rows, the first incident numbered `first`.
    fn rows_numbered_from(
        &self,
        first: usize,
        incidents: &[Incident],
    ) -> Result<Vec<Vec<ProximityRow>>, UnknownSite> {
        let mut order: Vec<(u32, u32)> = incidents
            .par_iter()
            .enumerate()
            .map(|(i, incident)| {
                let key = match &incident.location {
                    Location::Point { point, .. } => self.index.curve_key(*point),
                    _ => u32::MAX,
                };
                (key, i as u32)
            })
            .collect();
        order.par_sort_unstable();
        let computed: Vec<(u32, Result<Vec<ProximityRow>, UnknownSite>)> = order
            .par_iter()
            .map(|&(_, i)| {
                let at = IncidentIdx::new(first + i as usize);
                (i, self.rows_for(at, &incidents[i as usize]))
            })
            .collect();
        let mut rows = vec![Vec::new(); incidents.len()];
        let mut first_error: Option<(u32, UnknownSite)> = None;
        for (i, r) in computed {
            match r {
                Ok(r) => rows[i as usize] = r,
                Err(e) if first_error.as_ref().is_none_or(|(j, _)| i < *j) => {
                    first_error = Some((i, e))
                }
                Err(_) => {}
            }
        }
        match first_error {
            Some((_, e)) => Err(e),
            None => Ok(rows),
        }
    }

    /// The rows for one incident, which is `i` in its slice.
    pub fn rows_for(
        &self,
        i: IncidentIdx,
        incident: &Incident,
    ) -> Result<Vec<ProximityRow>, UnknownSite> {
        let (index, options) = (&self.index, &self.options);
        let sites = index.sites();
        let mut part_match = None;
        let mut rows = match &incident.location {
            Location::Point {
                point,
                uncertainty_m,
            } => {
                let hits = candidates(index, *point, *uncertainty_m, options);
                hits.into_iter()
                    .map(|h| point_row(sites, i, h, *point, *uncertainty_m))
                    .collect()
            }
            Location::Relative {
                site,
                part,
                distance,
                bearing_deg,
                ..
            } => {
                let r = reference(index, incident, site, part.as_deref())?;
                part_match = Some(r.part);
                let interval = distance.interval_m(&options.steps);
                // Without a bearing the impact may be anywhere in the band: no point to measure
                // from, no nearest point. With one, the point at the stated distance that way.
                let described = bearing_deg.and_then(|b| {
                    shapes::described_point(&Footprint::of(sites, &r.features), b, interval.nominal)
                });
                vec![ProximityRow {
                    incident: i,
                    site: SiteIdx::new(r.site),
                    part: None,
                    inside: if interval.min > 0.0 {
                        Ternary::No
                    } else {
                        Ternary::Possible
                    },
                    distance: interval,
                    bearing_deg: *bearing_deg,
                    nearest: described.map(|(_, nearest)| nearest),
                    from: described.map(|(from, _)| from),
                    after_notification: None,
                    basis: String::new(),
                }]
            }
            Location::Within { site, part, .. } => {
                let r = reference(index, incident, site, part.as_deref())?;
                part_match = Some(r.part);
                vec![ProximityRow {
                    incident: i,
                    site: SiteIdx::new(r.site),
                    part: None,
                    distance: Interval::exact(0.0),
                    inside: Ternary::Yes,
                    bearing_deg: None,
                    nearest: None,
                    from: None,
                    after_notification: None,
                    basis: String::new(),
                }]
            }
            Location::Area { area, centre, .. } => {
                // Everything is measured from the area's centre; the area's reach
                // (its farthest vertex from the centre) bounds the interval.
                let reach = area
                    .coords_iter()
                    .map(|c| distance_m(*centre, Point(c)))
                    .fold(0.0, f64::max);
                let hits = candidates(index, *centre, reach, options);
                hits.into_iter()
                    .map(|h| {
                        let mut row = point_row(sites, i, h, *centre, reach);
                        if row.distance.min == 0.0 {
                            row.inside = Ternary::Possible;
                        }
                        row
                    })
                    .collect()
            }
        };
        for row in &mut rows {
            let site = &sites[row.site];
            // A mapped part in its mapped spelling; an unmapped one as the source names it.
            row.part = match (part_match, incident.location.reference()) {
                (Some(PartMatch::NotMapped), Some((_, named))) => named.map(str::to_string),
                _ => site.part.as_deref().map(str::to_string),
            };
            row.after_notification = site
                .notified
                .as_ref()
                .map(|n| Ternary::from_option(incident.start.is_after(n)));
            row.basis = basis(incident, site, part_match, row, &options.steps);
        }
        Ok(rows)
    }
}

/// Computes the proximity rows with a new [`Engine`] (see [`Engine::rows`]).
pub fn run(
    sites: &[Site],
    incidents: &[Incident],
    options: &Options,
) -> Result<Vec<ProximityRow>, UnknownSite> {
    Engine::new(sites, options.clone()).rows(incidents)
}

/// Sites to report for a point with an uncertainty radius: the nearest, or all
/// that may lie within the maximum distance.
fn candidates(index: &SiteIndex, p: Point<f64>, spread_m: f64, options: &Options) -> Vec<SiteHit> {
    match options.max_distance_m {
        None => index.nearest(p).into_iter().collect(),
        Some(max) => {
            let slack = spread_m + index.max_position_uncertainty_m();
            index
                .within(p, max + slack)
                .into_iter()
                .filter(|h| {
                    h.nearest.distance_m - spread_m - index.sites()[h.site].position_uncertainty_m
                        <= max
                })
                .collect()
        }
    }
}

fn point_row(
    sites: &[Site],
    i: IncidentIdx,
    hit: SiteHit,
    p: Point<f64>,
    uncertainty_m: f64,
) -> ProximityRow {
    let site = &sites[hit.site];
    let n = hit.nearest;
    let spread = uncertainty_m + site.position_uncertainty_m;
    let is_area = matches!(
        site.geometry,
        SiteGeometry::Polygon(_) | SiteGeometry::MultiPolygon(_)
    );
    let inside = if n.inside {
        if n.boundary_distance_m >= spread {
            Ternary::Yes
        } else {
            Ternary::Possible
        }
    } else if n.distance_m <= spread && (is_area || site.position_uncertainty_m > 0.0) {
        Ternary::Possible
    } else {
        Ternary::No
    };
    ProximityRow {
        incident: i,
        site: hit.site,
        part: None,
        distance: Interval::exact(n.distance_m).widened(spread),
        inside,
        bearing_deg: n.bearing_deg,
        nearest: Some(n.nearest_point(p)),
        from: Some(p),
        after_notification: None,
        basis: String::new(),
    }
}

/// The site features a relative or within location names, by the one rule
/// of [`shapes::resolve`].
fn reference(
    index: &SiteIndex,
    incident: &Incident,
    id: &str,
    part: Option<&str>,
) -> Result<Referent, UnknownSite> {
    let same_id = index.with_id(id).map(SiteIdx::index);
    shapes::resolve(index.sites(), same_id, part).ok_or_else(|| UnknownSite {
        incident: incident.id.clone(),
        site: id.to_string(),
    })
}

/// What a row's figure rests on, in words.
fn basis(
    incident: &Incident,
    site: &Site,
    part_match: Option<PartMatch>,
    row: &ProximityRow,
    steps: &StepLength,
) -> String {
    use std::fmt::Write;
    // Parts joined by "; ", written into one string (writing to a String cannot fail).
    let mut out = String::with_capacity(96);
    let next = |out: &mut String| {
        if !out.is_empty() {
            out.push_str("; ");
        }
    };
    match &incident.location {
        Location::Point { uncertainty_m, .. } => {
            if *uncertainty_m > 0.0 {
                let _ = write!(out, "impact point ±{} m", trim(*uncertainty_m));
            } else {
                out.push_str("impact point as given");
            }
        }
        Location::Relative {
            part,
            distance,
            as_described,
            ..
        } => {
            let _ = write!(
                out,
                "as described: {} {} ",
                trim(distance.value),
                distance.unit.as_str()
            );
            let _ = write!(out, "from {}", named(part.as_deref(), part_match));
            if distance.tolerance > 0.0 {
                let _ = write!(
                    out,
                    " ±{} {}",
                    trim(distance.tolerance),
                    distance.unit.as_str()
                );
            }
            if distance.unit == crate::model::DistanceUnit::Steps {
                let _ = write!(out, "; {steps}");
            }
            if let Some(words) = as_described {
                let _ = write!(out, "; \"{words}\"");
            }
        }
        Location::Within {
            part, as_described, ..
        } => {
            let _ = write!(
                out,
                "inside {} as described",
                named(part.as_deref(), part_match)
            );
            if let Some(words) = as_described {
                let _ = write!(out, ": \"{words}\"");
            }
        }
        Location::Area { name, .. } => {
            out.push_str("location known only as an area");
            if let Some(n) = name {
                let _ = write!(out, " ({n})");
            }
            out.push_str("; measured from its centre, interval spans the area");
        }
    }
    if site.position_uncertainty_m > 0.0
        && matches!(
            incident.location,
            Location::Point { .. } | Location::Area { .. }
        )
    {
        next(&mut out);
        let _ = write!(
            out,
            "site position ±{} m",
            trim(site.position_uncertainty_m)
        );
    }
    if let Some(note) = &site.details().footprint {
        next(&mut out);
        out.push_str(note);
    }
    next(&mut out);
    let _ = write!(
        out,
        "date {} ({} precision)",
        incident.start.original,
        incident.start.precision.as_str()
    );
    if let (Some(after), Some(n)) = (row.after_notification, &site.notified) {
        let word = match after {
            Ternary::Yes => "after",
            Ternary::No => "before",
            Ternary::Possible => "possibly after",
        };
        next(&mut out);
        let _ = write!(out, "{word} notification of {}", n.original);
    }
    if !incident.sources.is_empty() {
        next(&mut out);
        out.push_str("sources: ");
        for (k, s) in incident.sources.iter().enumerate() {
            if k > 0 {
                out.push_str("; ");
            }
            out.push_str(&s.title);
            if let Some(p) = &s.published {
                let _ = write!(out, " ({p})");
            }
        }
    }
    out
}

/// "the site", or "the administrative building", with a note when no feature
/// maps that part.
fn named(part: Option<&str>, part_match: Option<PartMatch>) -> String {
    match (part, part_match) {
        (Some(p), Some(PartMatch::NotMapped)) => {
            format!("the {p} (not mapped separately: the whole site stands for it)")
        }
        (Some(p), _) => format!("the {p}"),
        (None, _) => "the site".into(),
    }
}

/// A given number as given: the shortest form that reads back to the same
/// value (`5`, `2.5`, `0.0004`), never rounded.
fn trim(v: f64) -> String {
    format!("{v}")
}
