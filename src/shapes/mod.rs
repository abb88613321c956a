//! Per-row lon/lat geometry, computed once, for every output to use.
//!
//! A described location has one geometry, whatever shows it: the QGIS layers
//! write these shapes and the maps project the same vertices, so a layer and a
//! map never disagree with each other or with the figure.
//!
//! - **relative** ("about 35 steps from the administrative building"): the
//!   geodesic band between the row's minimum and maximum distance around the
//!   named site's or part's footprint (an annulus around a point site); with a
//!   bearing, the part of that band within the bearing ± its half width, seen
//!   from the footprint's [anchor](Footprint::anchor). "d ± tol from the
//!   footprint" puts the impact in that band, so the row's interval *is* the
//!   band's radii.
//! - **within**: the named site's or part's polygons (buffered by its position
//!   uncertainty when it has one; a point site with one is its circle).
//! - **area**: the area as given.
//! - the **link** from the point a distance is measured from to the site's
//!   nearest point, **distance rings** around sites, **uncertainty** circles.
//!
//! Every shape is WGS84 lon/lat; exterior rings are counter-clockwise. Outline
//! vertices lie exactly at their distance; chords stay within
//! [`outline_tolerance_m`] of the true curve, including rounding to 7 decimals.
//! The module knows no files and no pictures, and no result rows either: it
//! takes a row's interval and points, so the proximity engine can use its
//! resolver and [`described_point`] to make the rows in the first place.

mod resolve;

pub use resolve::{resolve, resolve_id, same_part, Footprint, PartMatch, Referent};

use crate::geodesy::{
    densify_geodesic, destination, distance_m, geodesic_band, geodesic_buffer, geodesic_circle,
    geodesic_sector, normalize_deg,
};
use crate::model::{Incident, Interval, Location, Site, StepLength};
use geo::BooleanOps;
use geo_types::{LineString, MultiLineString, MultiPolygon, Point, Polygon};

/// Half the opening of the sector drawn for a direction a source gives,
/// degrees: sources give a direction, not a tolerance; 22.5° is one point of
/// an eight-point compass either side.
pub const BEARING_HALF_WIDTH_DEG: f64 = 22.5;

/// Largest error of an outline against the true geodesic curve, metres:
/// 0.1 % of the radius and at most 5 cm.
pub fn outline_tolerance_m(radius_m: f64) -> f64 {
    (0.001 * radius_m).min(0.05)
}

/// How far rounding a vertex to 7 decimals can move it, metres (half a unit
/// of 1e-7° in both lon and lat, at most 0.56 cm each).
pub const ROUNDING_M: f64 = 0.008;

/// The chord error outlines are traced with, so that a written outline (after
/// rounding to 7 decimals) stays within [`outline_tolerance_m`].
pub fn trace_tolerance_m(radius_m: f64) -> f64 {
    let t = outline_tolerance_m(radius_m);
    (t - ROUNDING_M).max(0.2 * t)
}

/// How shapes are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapeOptions {
    /// Step-length assumption for distances given in steps (used only when
    /// no proximity row gives the interval).
    pub steps: StepLength,
    /// Half the opening of a bearing's sector, degrees.
    pub bearing_half_width_deg: f64,
}

impl Default for ShapeOptions {
    fn default() -> Self {
        ShapeOptions {
            steps: StepLength::default(),
            bearing_half_width_deg: BEARING_HALF_WIDTH_DEG,
        }
    }
}

/// What a location's shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    /// Relative, no bearing: a band (or annulus) around the footprint.
    Band,
    /// Relative with a bearing: the band's sector.
    Sector,
    /// Within a site given as polygons.
    Footprint,
    /// Within a site whose position is uncertain: its circle or buffer.
    PositionBuffer,
    /// Area as given.
    Area,
}

/// The geometry of a relative, within or area location.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationShape {
    /// What it is.
    pub kind: ShapeKind,
    /// Where the incident may have happened, lon/lat.
    pub area: MultiPolygon<f64>,
    /// The stated distance's outline within the band or sector (relative
    /// locations only; empty otherwise), lon/lat.
    pub nominal: MultiLineString<f64>,
    /// The distance interval the band spans, metres (relative locations).
    pub interval: Option<Interval>,
    /// What the shape is, in words: "band 21–32 m around az_embassy_kyiv".
    pub description: String,
}

/// The shape of an incident's location, for the proximity row it is reported
/// with: `interval` is that row's distance interval (the band's radii);
/// without one, the described distance under `opts.steps`. `None` for impact points and
/// for locations that cannot be drawn (a point site without uncertainty,
/// an unknown site).
pub fn location_shape(
    sites: &[Site],
    incident: &Incident,
    interval: Option<Interval>,
    opts: &ShapeOptions,
) -> Option<LocationShape> {
    match &incident.location {
        Location::Point { .. } => None,
        Location::Area { area, name, .. } => Some(LocationShape {
            kind: ShapeKind::Area,
            area: area.clone(),
            nominal: MultiLineString(vec![]),
            interval: None,
            description: match name {
                Some(n) => format!("area {n}"),
                None => "area".into(),
            },
        }),
        Location::Within { site, part, .. } => {
            let r = resolve_id(sites, site, part.as_deref())?;
            let f = Footprint::of(sites, &r.features);
            let label = label(sites, &r);
            let u = f.position_uncertainty_m;
            if u > 0.0 {
                let what = if f.polygons.is_empty() {
                    POSITION_CIRCLE
                } else {
                    "site footprint with position uncertainty"
                };
                Some(LocationShape {
                    kind: ShapeKind::PositionBuffer,
                    area: geodesic_buffer(&f.points, &f.polygons, u, trace_tolerance_m(u)),
                    nominal: MultiLineString(vec![]),
                    interval: None,
                    description: format!("within {label}: {what} ({u:.0} m)"),
                })
            } else if !f.polygons.is_empty() {
                Some(LocationShape {
                    kind: ShapeKind::Footprint,
                    area: MultiPolygon(f.polygons),
                    nominal: MultiLineString(vec![]),
                    interval: None,
                    description: format!("within {label}: site footprint"),
                })
            } else {
                None
            }
        }
        Location::Relative {
            site,
            part,
            distance,
            bearing_deg,
            ..
        } => {
            let r = resolve_id(sites, site, part.as_deref())?;
            let f = Footprint::of(sites, &r.features);
            let i = interval.unwrap_or_else(|| distance.interval_m(&opts.steps));
            if i.max <= 0.0 {
                return None;
            }
            let label = label(sites, &r);
            let range = format!("{:.0}–{:.0} m", i.min, i.max);
            match bearing_deg {
                None => Some(LocationShape {
                    kind: ShapeKind::Band,
                    area: band(&f, i),
                    nominal: nominal_outline(&f, i),
                    interval: Some(i),
                    description: format!("band {range} around {label}"),
                }),
                Some(b) => {
                    let hw = opts.bearing_half_width_deg;
                    let (area, nominal) = sector(&f, i, *b, hw)?;
                    Some(LocationShape {
                        kind: ShapeKind::Sector,
                        area,
                        nominal,
                        interval: Some(i),
                        description: format!(
                            "sector {range} around {label}, bearing {:.0}° ± {hw}°",
                            normalize_deg(*b)
                        ),
                    })
                }
            }
        }
    }
}

/// What a `within` location's shape is called when the site is a point with
/// a position uncertainty: the circle of where the site may be.
pub const POSITION_CIRCLE: &str = "site position circle";

/// "site / part" for a mapped part, else the site id.
fn label(sites: &[Site], r: &Referent) -> String {
    let s = &sites[r.site];
    match (r.part, &s.part) {
        (PartMatch::Mapped, Some(p)) => format!("{} / {p}", s.id),
        _ => s.id.to_string(),
    }
}

/// The geodesic band between `i.min` and `i.max` metres around the footprint.
fn band(f: &Footprint, i: Interval) -> MultiPolygon<f64> {
    geodesic_band(
        &f.points,
        &f.polygons,
        i.min,
        i.max,
        trace_tolerance_m(i.max),
    )
}

/// Every ring of the footprint's buffer at the nominal distance.
fn nominal_outline(f: &Footprint, i: Interval) -> MultiLineString<f64> {
    if i.nominal <= 0.0 {
        return MultiLineString(vec![]);
    }
    let buffer = geodesic_buffer(
        &f.points,
        &f.polygons,
        i.nominal,
        trace_tolerance_m(i.nominal),
    );
    MultiLineString(
        buffer
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .cloned()
            .collect(),
    )
}

/// The band's part within `bearing ± half_width` degrees seen from the
/// footprint's anchor, with the nominal outline in it.
fn sector(
    f: &Footprint,
    i: Interval,
    bearing: f64,
    half_width: f64,
) -> Option<(MultiPolygon<f64>, MultiLineString<f64>)> {
    let anchor = f.anchor()?;
    let reach = i.max + f.reach_m(anchor) + 1.0;
    let wedge = MultiPolygon(vec![wedge(
        anchor,
        reach,
        bearing - half_width,
        bearing + half_width,
        trace_tolerance_m(i.max),
    )]);
    let area = band(f, i).intersection(&wedge);
    let nominal = wedge.clip(&nominal_outline(f, i), false);
    Some((area, nominal))
}

/// The directions from `from_deg` to `to_deg` (clockwise) out to `reach_m`
/// from `apex`, counter-clockwise: its sides are geodesics from the apex,
/// traced in short chords so that a point on a side is seen from the apex at
/// the side's bearing (a single lon/lat chord bends by ~1e-3° over 100 m).
fn wedge(apex: Point<f64>, reach_m: f64, from_deg: f64, to_deg: f64, tol: f64) -> Polygon<f64> {
    const SIDE_POINTS: usize = 32;
    let side = |bearing: f64| {
        (1..SIDE_POINTS)
            .map(move |k| destination(apex, bearing, reach_m * k as f64 / SIDE_POINTS as f64).0)
    };
    // The pie slice's outer arc runs from `to` back to `from`; drop its return to the apex.
    let pie = geodesic_sector(apex, 0.0, reach_m, from_deg, to_deg, tol);
    let arc = &pie.exterior().0[..pie.exterior().0.len() - 2];
    let mut ring = vec![apex.0];
    ring.extend(side(to_deg));
    ring.extend_from_slice(arc);
    ring.extend(side(from_deg).collect::<Vec<_>>().into_iter().rev());
    ring.push(apex.0);
    Polygon::new(LineString(ring), vec![])
}

/// For a relative location with a bearing: the point at the stated distance
/// from the footprint in that direction, and the footprint's nearest point to it.
///
/// The point lies on the geodesic from the footprint's [anchor](Footprint::anchor)
/// along the bearing, where its distance to the footprint first reaches
/// `distance_m` (found by stepping out, then bisection to 1 µm).
pub fn described_point(
    f: &Footprint,
    bearing_deg: f64,
    distance_m: f64,
) -> Option<(Point<f64>, Point<f64>)> {
    let anchor = f.anchor()?;
    if f.polygons.is_empty() {
        let from = destination(anchor, bearing_deg, distance_m);
        return Some((from, f.nearest_point(from)?));
    }
    let along = |s: f64| destination(anchor, bearing_deg, s);
    let gap = |s: f64| f.distance_m(along(s)) - distance_m;
    // At `reach + distance` the gap is ≥ 0 (triangle inequality): step out to
    // the first sign change, then bisect.
    let end = f.reach_m(anchor) + distance_m;
    let step = (end / 16.0).max(1e-3);
    let (mut lo, mut hi) = (0.0, step);
    while hi < end && gap(hi) < 0.0 {
        lo = hi;
        hi += step;
    }
    hi = hi.min(end);
    while hi - lo > 1e-6 {
        let mid = 0.5 * (lo + hi);
        if gap(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let from = along(hi);
    Some((from, f.nearest_point(from)?))
}

/// The link of a proximity row: the geodesic from the point its distance is
/// measured from to the site's nearest point, traced to 5 cm. `None` when the
/// row has no such points or they coincide (inside, touching).
pub fn link(from: Option<Point<f64>>, nearest: Option<Point<f64>>) -> Option<LineString<f64>> {
    let (from, to) = (from?, nearest?);
    if distance_m(from, to) < 0.01 {
        return None;
    }
    Some(densify_geodesic(from, to, 0.05))
}

/// Everything within `radius_m` metres of a site (the whole site, by the
/// rule of [`resolve`]). `None` when no site has the id.
pub fn distance_ring(sites: &[Site], id: &str, radius_m: f64) -> Option<MultiPolygon<f64>> {
    let r = resolve_id(sites, id, None)?;
    let f = Footprint::of(sites, &r.features);
    Some(geodesic_buffer(
        &f.points,
        &f.polygons,
        radius_m,
        trace_tolerance_m(radius_m),
    ))
}

/// The circle of an impact point's uncertainty: everything within
/// `radius_m` metres of `p`.
pub fn uncertainty_circle(p: Point<f64>, radius_m: f64) -> MultiPolygon<f64> {
    geodesic_buffer(&[p], &[], radius_m, trace_tolerance_m(radius_m))
}

/// The polygon of an area given as a centre and a radius in metres (a
/// district "within 2 km of the centre"): a geodesic circle with vertices at
/// exactly `radius_m`, its chords within 0.1 % of the radius (1 mm to 5 cm).
pub fn area_circle(centre: Point<f64>, radius_m: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![geodesic_circle(
        centre,
        radius_m,
        (radius_m * 1e-3).clamp(1e-3, 0.05),
    )])
}

/// Where a site feature may be, given its position uncertainty: its circle
/// (point) or buffer (polygons). `None` without uncertainty.
pub fn site_uncertainty(site: &Site) -> Option<MultiPolygon<f64>> {
    let u = site.position_uncertainty_m;
    if u <= 0.0 {
        return None;
    }
    let f = Footprint::of(std::slice::from_ref(site), &[0]);
    Some(geodesic_buffer(
        &f.points,
        &f.polygons,
        u,
        trace_tolerance_m(u),
    ))
}

#[cfg(test)]
mod tests;
