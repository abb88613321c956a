//! Framing a map: the projection and scale of a detail map around its site (and its radius),
//! or of an overview fitted to its extent.

use super::place::Place;
use super::{site_centre, Extent, Focus, MapKind, MapSpec};
use crate::geodesy;
use crate::model::{Incident, Location, Site, StepLength};
use crate::projection::ProjectionDef;
use crate::proximity::ProximityRow;
use crate::render::geom::{Pt, Rect};
use crate::render::view::{projection_for_extent, MapView};
use crate::render::RenderError;
use geo_types::{coord, Coord, Point};
/// The view of a map drawn in `area` (pixels) and, for a detail map, the site it is centred
/// on: a stereographic projection centred on the site with the radius given or found by
/// [`default_radius`], or an overview's projection fitted to its extent (the frame shrunk to
/// the extent's shape): a box, or the case's `place` (its countries and positions). `u` is
/// pixels per point.
pub(super) fn frame(
    spec: &MapSpec,
    area: Rect,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    place: &Place,
    u: f64,
) -> Result<(MapView, Option<Focus>), RenderError> {
    Ok(match &spec.kind {
        MapKind::Detail { focus, radius_m } => {
            let parts: Vec<&Site> = sites.iter().filter(|s| s.id == *focus).collect();
            if parts.is_empty() {
                let mut ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
                ids.dedup();
                return Err(RenderError::Spec(format!(
                    "--focus `{focus}` is not a site id in the sites file; known ids: {}",
                    ids.join(", ")
                )));
            }
            let centre = site_centre(&parts);
            let radius = match radius_m {
                Some(r) if r.is_finite() && *r > 0.0 => *r,
                Some(r) => {
                    return Err(RenderError::Spec(format!(
                        "--radius {r} is not a positive number of metres"
                    )))
                }
                None => default_radius(centre, &parts, incidents, rows, sites),
            };
            let def = ProjectionDef::Stereographic {
                lon0: centre.x(),
                lat0: centre.y(),
            };
            let half = area.width().min(area.height()) / 2.0;
            (
                MapView::new(def, area, coord! {x: 0.0, y: 0.0}, radius / half)?,
                Some(Focus {
                    id: focus.clone(),
                    radius_m: radius,
                }),
            )
        }
        MapKind::Overview { extent } => {
            let outline: Vec<Coord<f64>> = match extent {
                Extent::Country => place.outline(),
                Extent::BBox(b) => bbox_ring(*b, 16),
            };
            let bbox = bounds(&outline).ok_or_else(|| {
                RenderError::Spec(
                    "no site or incident has a position: give an overview --extent as LON0,LAT0,LON1,LAT1"
                        .into(),
                )
            })?;
            let def = projection_for_extent(bbox);
            let pad = 6.0 * u;
            let fitted = MapView::fit(def, area, &outline, pad)?;
            // Shrink the frame to the content's shape, keeping its top left corner.
            let px: Vec<Pt> = outline
                .iter()
                .map(|c| fitted.to_px(*c))
                .collect::<Result<_, _>>()?;
            let content = Rect::bounding(px).unwrap_or(area).inflate(pad);
            let frame = Rect::xywh(
                area.x0,
                area.y0,
                content.width().min(area.width()),
                content.height().min(area.height()),
            );
            (
                MapView::new(def, frame, fitted.centre_xy, fitted.m_per_px)?,
                None,
            )
        }
    })
}

/// A radius for a detail map: two and a half times the reach of the incidents placed around the
/// site (distance bands, impact points), or, when none are, the site's position uncertainty with
/// a margin; never under 100 m and always holding the site's own footprint.
fn default_radius(
    centre: Point<f64>,
    parts: &[&Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    sites: &[Site],
) -> f64 {
    let mut extent: f64 = 0.0;
    let mut uncertainty: f64 = 0.0;
    for s in parts {
        uncertainty = uncertainty.max(s.position_uncertainty_m);
        for p in s.geometry.polygons() {
            for c in &p.exterior().0 {
                extent = extent.max(geodesy::distance_m(centre, Point(*c)));
            }
        }
    }
    let id = &parts[0].id;
    let mut reach: f64 = 0.0;
    for (i, inc) in incidents.iter().enumerate() {
        let row = rows.iter().find(|w| w.incident == i);
        match &inc.location {
            Location::Relative { site, distance, .. } if site == id => {
                let d = row
                    .map(|w| w.distance.max)
                    .unwrap_or_else(|| distance.interval_m(&StepLength::default()).max);
                reach = reach.max(extent + d);
            }
            Location::Point {
                point,
                uncertainty_m,
            } if row.is_some_and(|w| sites.get(w.site.index()).is_some_and(|s| s.id == id)) => {
                reach = reach.max(geodesy::distance_m(centre, *point) + uncertainty_m);
            }
            _ => {}
        }
    }
    let r = if reach > 0.0 {
        2.5 * reach
    } else {
        1.3 * uncertainty.max(extent)
    };
    r.max(1.5 * extent).max(100.0)
}

/// West, south, east, north of lon/lat points, degrees.
pub(super) fn bounds(points: &[Coord<f64>]) -> Option<[f64; 4]> {
    let first = points.first()?;
    Some(
        points
            .iter()
            .fold([first.x, first.y, first.x, first.y], |[w, s, e, n], c| {
                [w.min(c.x), s.min(c.y), e.max(c.x), n.max(c.y)]
            }),
    )
}

fn bbox_ring(b: [f64; 4], n: usize) -> Vec<Coord<f64>> {
    let [w, s, e, nn] = b;
    let mut out = Vec::new();
    for i in 0..n {
        let t = i as f64 / n as f64;
        out.push(coord! {x: w + (e - w) * t, y: s});
        out.push(coord! {x: e, y: s + (nn - s) * t});
        out.push(coord! {x: e - (e - w) * t, y: nn});
        out.push(coord! {x: w, y: nn - (nn - s) * t});
    }
    out
}
