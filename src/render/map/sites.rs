//! Sites on a map: footprints, symbols and labels, and the distance rings around the site of a
//! detail map.

use super::text::short_address;
use super::{geometry_centre, Ctx, SymbolMark};
use crate::model::{Location, StepLength};
use crate::render::font::wrap;
use crate::render::furniture;
use crate::render::geom::{pt, Pt, Rect};
use crate::render::labels::{LabelLine, LabelLook, LabelRequest};
use crate::render::scene::{LineStyle, Paint, Weight};
use crate::render::symbols::{draw_marker, site_group, LegendKey};
use crate::render::RenderError;
use crate::shapes;
use crate::style;
use geo_types::MultiPolygon;
impl Ctx<'_> {
    pub(super) fn draw_rings(
        &mut self,
        focus: &str,
        radius: f64,
        rings: Option<&[f64]>,
        shown: &[usize],
    ) -> Result<(), RenderError> {
        let u = self.u;
        let Some(uncertainty) = self
            .referenced_site(focus, None)
            .map(|s| s.position_uncertainty_m)
        else {
            return Ok(());
        };
        let mut ds: Vec<f64> = rings
            .map(<[f64]>::to_vec)
            .unwrap_or_else(|| default_rings(radius));
        // A ring on top of a reported distance would read as part of it: leave such rings out.
        let reported: Vec<f64> = shown
            .iter()
            .filter_map(|&i| match &self.incidents[i].location {
                Location::Relative {
                    site: s, distance, ..
                } if s == focus => Some(distance.interval_m(&StepLength::default()).nominal),
                _ => None,
            })
            .collect();
        if rings.is_none() {
            ds.retain(|d| {
                !reported
                    .iter()
                    .chain([&uncertainty])
                    .any(|r| (r - d).abs() < 0.12 * d)
            });
        }
        let style_ring = LineStyle::dashed(Paint::solid(style::RING), 0.6 * u, 3.0 * u, 2.0 * u);
        for d in ds {
            let ring =
                shapes::distance_ring(self.sites, focus, d).unwrap_or_else(|| MultiPolygon(vec![]));
            let outlines: Vec<Vec<Pt>> =
                self.multipolygon_px(&ring)?.into_iter().flatten().collect();
            let Some(first) = outlines.first() else {
                continue;
            };
            // Label anchors on the ring, upper right first.
            let n = first.len();
            let anchors: Vec<(Pt, f64)> = [0.125, 0.375, 0.875, 0.625, 0.0, 0.25, 0.5, 0.75]
                .iter()
                .map(|t| (first[((t * n as f64) as usize).min(n - 1)], 0.0))
                .collect();
            let first_entry = self.scene.entries.len();
            for ring in outlines {
                self.scene.line(ring, true, style_ring.clone());
            }
            self.ring_entries
                .push((format!("ring:{d}"), first_entry..self.scene.entries.len()));
            self.legend.insert(LegendKey::DistanceRing);
            self.labels.push(LabelRequest {
                key: format!("ring:{d}"),
                name: furniture::format_length(d),
                lines: vec![LabelLine::plain(furniture::format_length(d))],
                size: 6.5 * u,
                anchors,
                priority: 500,
                look: LabelLook::Halo,
                leader: false,
                centred: true,
                colour: style::RING,
                note_if_dropped: false,
            });
        }
        Ok(())
    }

    pub(super) fn draw_sites(&mut self, focus: Option<&str>) -> Result<(), RenderError> {
        let u = self.u;
        let frame = self.view.frame;
        let mut seen: Vec<(String, Pt)> = Vec::new();
        // Uncertainty circles and footprints first, markers on top.
        for s in self.sites {
            let (colour, _) = style::site_style(&s.kind);
            if s.position_uncertainty_m > 0.0
                && (s.part.is_none() || self.sites.iter().all(|o| o.id != s.id || o.part.is_some()))
            {
                let outline = shapes::site_uncertainty(s).unwrap_or_else(|| MultiPolygon(vec![]));
                let rings = self.multipolygon_px(&outline)?;
                let pts = || rings.iter().flatten().flatten().copied();
                let visible = pts().any(|p| frame.contains(p));
                if visible && Rect::bounding(pts()).is_some_and(|b| b.width() > 4.0 * u) {
                    for ring in rings.into_iter().flatten() {
                        self.scene.line(
                            ring,
                            true,
                            LineStyle::dashed(Paint::solid(colour), 0.7 * u, 2.5 * u, 1.8 * u),
                        );
                    }
                    self.legend.insert(LegendKey::SiteUncertainty);
                }
            }
            for p in s.geometry.polygons() {
                let rings = self.polygon_px(p)?;
                if rings.iter().flatten().any(|q| frame.contains(*q)) {
                    self.legend
                        .insert(LegendKey::Footprint(site_group(&s.kind)));
                }
                self.scene.fill_polygons(
                    std::slice::from_ref(&rings),
                    Paint::with(colour, style::SITE_FILL_OPACITY),
                );
                for r in rings {
                    self.scene
                        .line(r, true, LineStyle::solid(Paint::solid(colour), 0.8 * u));
                }
            }
        }
        let mut site_ids: Vec<&str> = Vec::new();
        for s in self.sites {
            if !site_ids.contains(&s.id.as_str()) {
                site_ids.push(&s.id);
            }
        }
        for s in self.sites {
            let (colour, marker) = style::site_style(&s.kind);
            let centre = geometry_centre(&s.geometry);
            let p = self.px(centre.0)?;
            if !frame.contains(p) {
                continue;
            }
            let is_focus = focus == Some(s.id.as_str());
            let polygon = !s.geometry.polygons().is_empty();
            let size = if is_focus { 10.0 * u } else { 8.0 * u };
            let key = match &s.part {
                Some(part) => format!("site:{}/{}", s.id, part),
                None => format!("site:{}", s.id),
            };
            // Parts recorded at the site's own point add nothing to draw.
            if seen.iter().any(|(id, q)| id == s.id && q.dist(p) < 1.0) {
                continue;
            }
            seen.push((s.id.to_string(), p));

            let rect = if polygon {
                let mut pts = Vec::new();
                for poly in s.geometry.polygons() {
                    pts.extend(self.ring_px(poly.exterior())?);
                }
                let b = Rect::bounding(pts).unwrap_or_else(|| Rect::around(p, 1.0));
                if b.width().max(b.height()) < 6.0 * u {
                    self.legend.insert(LegendKey::Site(site_group(&s.kind)));
                    draw_marker(&mut self.scene, marker, p, size, colour, 0.6 * u)
                } else {
                    b
                }
            } else {
                self.legend.insert(LegendKey::Site(site_group(&s.kind)));
                draw_marker(&mut self.scene, marker, p, size, colour, 0.6 * u)
            };
            if polygon && rect.width() > 2.0 {
                self.soft_obstacle([pt(rect.x0, rect.y0), pt(rect.x1, rect.y1)]);
            } else {
                self.obstacles.push(rect);
            }
            self.symbols.push(SymbolMark {
                key: key.clone(),
                centre: p,
                rect,
                colour,
            });
            let (lines, priority) = match (&s.part, is_focus) {
                (Some(part), _) => (vec![LabelLine::plain(part.clone())], 300),
                (None, true) => {
                    let mut l = vec![LabelLine::bold(s.name.clone())];
                    if let Some(a) = short_address(s) {
                        l.push(LabelLine::plain(a));
                    }
                    (l, 0)
                }
                (None, false) if focus.is_some() => (vec![LabelLine::plain(s.name.clone())], 200),
                (None, false) => {
                    // Long names on two lines, so the block finds room near its site.
                    let mut l: Vec<LabelLine> = wrap(&s.name, 7.0 * u, Weight::Bold, 150.0 * u)
                        .into_iter()
                        .map(LabelLine::bold)
                        .collect();
                    l.extend(self.incident_list(&s.id));
                    (
                        l,
                        10 + site_ids.iter().position(|i| *i == s.id).unwrap_or(0) as u32,
                    )
                }
            };
            let clear = rect.width().hypot(rect.height()) / 2.0;
            self.labels.push(LabelRequest::callout(
                key,
                s.name.to_string(),
                lines,
                if is_focus { 8.0 * u } else { 7.0 * u },
                vec![(p, clear)],
                priority,
            ));
        }
        Ok(())
    }
}

/// Distances for rings: round values up to the radius, the largest four.
pub(super) fn default_rings(radius_m: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut e = 1.0;
    while e <= 1e6 {
        for k in [1.0, 2.5, 5.0] {
            let d = k * e * 10.0;
            if d <= 0.9 * radius_m {
                v.push(d);
            }
        }
        e *= 10.0;
    }
    let n = v.len();
    v.split_off(n.saturating_sub(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rings_are_round_and_inside_the_radius() {
        assert_eq!(default_rings(390.0), vec![50.0, 100.0, 250.0]);
        assert_eq!(default_rings(13_000.0), vec![2_500.0, 5_000.0, 10_000.0]);
    }
}
