//! Incidents on a map, drawn as honestly as their location is known: a point with its
//! uncertainty circle, a distance band around the site for a relative location, the highlighted
//! site for "inside", the area for an area; and the links from impacts to sites.

use super::{geometry_centre, Ctx};
use crate::model::{Location, Site};
use crate::proximity::ProximityRow;
use crate::render::geom::{circle_ring, pt, Pt, Rect};
use crate::render::labels::{LabelLine, LabelLook, LabelRequest};
use crate::render::scene::{LineStyle, Paint, Weight};
use crate::render::symbols::LegendKey;
use crate::render::RenderError;
use crate::shapes::{self, ShapeOptions};
use crate::style;
use geo_types::LineString;
use std::collections::BTreeMap;
impl Ctx<'_> {
    /// Incidents to draw: those whose location falls in the frame (relative and within ones by
    /// their site), in date order.
    pub(super) fn shown_incidents(&self) -> Result<Vec<usize>, RenderError> {
        let frame = self.view.frame;
        let mut out = Vec::new();
        for (i, inc) in self.incidents.iter().enumerate() {
            let anchor = match &inc.location {
                Location::Point { point, .. } => Some(point.0),
                Location::Area { centre, area, .. } => {
                    let mut inside = frame.contains(self.px(centre.0)?);
                    for p in area.0.iter().flat_map(|p| p.exterior().0.iter()) {
                        inside |= frame.contains(self.px(*p)?);
                    }
                    if inside {
                        out.push(i);
                    }
                    continue;
                }
                Location::Relative { site, .. } | Location::Within { site, .. } => self
                    .sites
                    .iter()
                    .find(|s| s.id == site)
                    .map(|s| geometry_centre(&s.geometry).0),
            };
            if let Some(c) = anchor {
                if frame.contains(self.px(c)?) {
                    out.push(i);
                }
            }
        }
        out.sort_by(|a, b| {
            self.incidents[*a]
                .start
                .first
                .cmp(&self.incidents[*b].start.first)
                .then(a.cmp(b))
        });
        Ok(out)
    }

    /// The site feature a relative or within location names, by the one rule of
    /// [`shapes::resolve`].
    pub(super) fn referenced_site(&self, site: &str, part: Option<&str>) -> Option<&Site> {
        shapes::resolve_id(self.sites, site, part).map(|r| &self.sites[r.site])
    }

    pub(super) fn row_for(&self, incident: usize) -> Option<&ProximityRow> {
        self.rows
            .iter()
            .filter(|r| r.incident == incident)
            .min_by(|a, b| a.distance.nominal.total_cmp(&b.distance.nominal))
    }

    pub(super) fn draw_incidents(
        &mut self,
        shown: &[usize],
        detail: bool,
    ) -> Result<(), RenderError> {
        let u = self.u;
        let mut within_count: BTreeMap<String, usize> = BTreeMap::new();
        for &i in shown {
            let inc = &self.incidents[i];
            let cat = inc.weapon_category;
            let (colour, marker) = style::weapon_style(cat);
            let fill = Paint::with(colour, style::INCIDENT_FILL_OPACITY);
            let key = format!("incident:{}", inc.id);
            let mut anchors: Vec<(Pt, f64)> = Vec::new();
            match &inc.location {
                Location::Relative { bearing_deg, .. } => {
                    if !detail {
                        continue; // listed with their site on overview maps
                    }
                    let row = self.row_for(i);
                    let Some(shape) = shapes::location_shape(
                        self.sites,
                        inc,
                        row.map(|r| r.distance),
                        &ShapeOptions::default(),
                    ) else {
                        continue;
                    };
                    let polys = self.multipolygon_px(&shape.area)?;
                    self.sector_drawn |= bearing_deg.is_some();
                    self.scene.fill_polygons(&polys, fill);
                    for ring in polys.iter().flatten() {
                        self.scene.line(
                            ring.clone(),
                            true,
                            LineStyle::solid(Paint::with(colour, 0.8), 0.5 * u),
                        );
                    }
                    for line in &shape.nominal.0 {
                        self.scene.line(
                            self.ring_px(line)?,
                            line.is_closed() && bearing_deg.is_none(),
                            LineStyle::dashed(Paint::solid(colour), 0.9 * u, 3.0 * u, 1.5 * u),
                        );
                    }
                    self.legend.insert(LegendKey::RelativeBand);
                    self.legend.insert(LegendKey::WeaponColour(cat));
                    self.soft_obstacle(polys.iter().flatten().flatten().copied());
                    if let Some(outer) = polys.first().and_then(|p| p.first()) {
                        let n = outer.len();
                        for t in [0.1, 0.9, 0.4, 0.6, 0.25, 0.75, 0.0, 0.5] {
                            anchors.push((outer[((t * n as f64) as usize).min(n - 1)], 1.0 * u));
                        }
                    }
                }
                Location::Within { site, part, .. } => {
                    if !detail {
                        continue;
                    }
                    let Some(s) = self.referenced_site(site, part.as_deref()).cloned() else {
                        continue;
                    };
                    let k = within_count.entry(s.label()).or_insert(0);
                    let nth = *k as f64;
                    *k += 1;
                    self.legend.insert(LegendKey::Within);
                    self.legend.insert(LegendKey::WeaponColour(cat));
                    let shape =
                        shapes::location_shape(self.sites, inc, None, &ShapeOptions::default());
                    // A footprint (with its position uncertainty, if any) is drawn as the
                    // layers hold it; a point site gets a ring around its marker.
                    let area = shape
                        .filter(|_| !s.geometry.polygons().is_empty())
                        .map(|sh| sh.area);
                    if let Some(area) = area {
                        let polys = self.multipolygon_px(&area)?;
                        self.scene.fill_polygons(&polys, fill);
                        for r in polys.into_iter().flatten() {
                            self.scene.line(
                                r,
                                true,
                                LineStyle::solid(Paint::solid(colour), (1.4 + 0.8 * nth) * u),
                            );
                        }
                        anchors.push((self.px(geometry_centre(&s.geometry).0)?, 2.0 * u));
                    } else {
                        let c = self.px(geometry_centre(&s.geometry).0)?;
                        let r = 7.5 * u + nth * 2.2 * u;
                        self.scene.line(
                            circle_ring(c, r, 0.2),
                            true,
                            LineStyle::solid(Paint::solid(colour), 1.4 * u),
                        );
                        self.areas.push(Rect::around(c, r + 0.7 * u));
                        anchors.push((c, r + 1.0 * u));
                    }
                }
                Location::Area { area, centre, .. } => {
                    let polys: Vec<Vec<Vec<Pt>>> = area
                        .0
                        .iter()
                        .map(|p| self.polygon_px(p))
                        .collect::<Result<_, _>>()?;
                    self.scene.fill_polygons(&polys, fill);
                    for ring in polys.iter().flatten() {
                        self.scene.line(
                            ring.clone(),
                            true,
                            LineStyle::dashed(Paint::solid(colour), 0.7 * u, 2.5 * u, 1.5 * u),
                        );
                    }
                    self.legend.insert(LegendKey::Area);
                    self.legend.insert(LegendKey::Weapon(cat));
                    let c = self.px(centre.0)?;
                    self.incident_marker(&key, marker, c, 6.0 * u, colour);
                    anchors.push((c, 3.5 * u));
                    if let Some(outer) = polys.first().and_then(|p| p.first()) {
                        let frame = self.view.frame;
                        let step = (outer.len() / 12).max(1);
                        anchors.extend(
                            outer
                                .iter()
                                .step_by(step)
                                .filter(|p| frame.contains(**p))
                                .map(|p| (*p, 1.0 * u)),
                        );
                    }
                }
                Location::Point {
                    point,
                    uncertainty_m,
                } => {
                    let c = self.px(point.0)?;
                    if *uncertainty_m > 0.0 {
                        let circle = shapes::uncertainty_circle(*point, *uncertainty_m);
                        let ring = self.ring_px(circle.0[0].exterior())?;
                        if Rect::bounding(ring.iter().copied()).is_some_and(|b| b.width() > 3.0 * u)
                        {
                            self.scene.fill_ring(
                                ring.clone(),
                                Paint::with(style::UNCERTAINTY, style::UNCERTAINTY_OPACITY),
                            );
                            self.scene.line(
                                ring,
                                true,
                                LineStyle::solid(Paint::solid(style::UNCERTAINTY), 0.5 * u),
                            );
                            self.legend.insert(LegendKey::PointUncertainty);
                        }
                    }
                    if let Some(row) = self.row_for(i).cloned() {
                        if let Some(line) = shapes::link(row.from, row.nearest) {
                            if row.distance.nominal > 0.0 && (detail || shown.len() <= MAX_LABELLED)
                            {
                                self.draw_link(&line, &row, &key)?;
                            }
                        }
                    }
                    self.legend.insert(LegendKey::Weapon(cat));
                    self.incident_marker(&key, marker, c, 7.0 * u, colour);
                    anchors.push((c, 4.0 * u));
                }
            }
            if anchors.is_empty() || (!detail && shown.len() > MAX_LABELLED) {
                continue;
            }
            let lines = self.incident_label(i, detail);
            self.labels.push(LabelRequest::callout(
                key,
                inc.short_name(),
                lines,
                7.0 * u,
                anchors,
                if detail { 50 } else { 100 } + i as u32 % 100,
            ));
        }
        Ok(())
    }

    /// Draws the line from an impact to the nearest point of its site, with the distance along it
    /// when the line is long enough to carry it (the incident's label gives it in any case).
    pub(super) fn draw_link(
        &mut self,
        line: &LineString<f64>,
        row: &ProximityRow,
        key: &str,
    ) -> Result<(), RenderError> {
        let u = self.u;
        let pts = self.ring_px(line)?;
        for w in pts.windows(2) {
            self.line_obstacles.push((w[0], w[1]));
        }
        let anchors = [0.5, 0.375, 0.625, 0.25, 0.75]
            .iter()
            .map(|&t| (along(&pts, t), 0.5 * u))
            .collect();
        let (first, last) = (pts[0], pts[pts.len() - 1]);
        self.scene.line(
            pts,
            false,
            LineStyle::solid(Paint::solid(style::LINK), 0.7 * u),
        );
        self.legend.insert(LegendKey::Link);
        let size = 6.5 * u;
        let text = row.distance.to_string();
        if first.dist(last)
            < super::super::font::measure(&text, size, Weight::Regular).width + 6.0 * size
        {
            return Ok(());
        }
        self.labels.push(LabelRequest {
            key: format!("link:{key}"),
            name: format!("distance {}", row.distance),
            lines: vec![LabelLine::plain(row.distance.to_string())],
            size: 6.5 * u,
            anchors,
            priority: 2,
            look: LabelLook::Halo,
            leader: false,
            centred: false,
            colour: style::LINK,
            note_if_dropped: true,
        });
        Ok(())
    }
}

/// The point a fraction `t` of the way along a page polyline.
pub(super) fn along(pts: &[Pt], t: f64) -> Pt {
    let total: f64 = pts.windows(2).map(|w| w[0].dist(w[1])).sum();
    let mut left = t * total;
    for w in pts.windows(2) {
        let len = w[0].dist(w[1]);
        if len > 0.0 && left <= len {
            let k = left / len;
            return pt(
                w[0].x + (w[1].x - w[0].x) * k,
                w[0].y + (w[1].y - w[0].y) * k,
            );
        }
        left -= len;
    }
    pts[pts.len() - 1]
}

/// Overview maps label incident points one by one up to this many incidents.
pub(super) const MAX_LABELLED: usize = 200;
