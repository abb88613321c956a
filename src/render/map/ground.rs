//! The ground under a large-scale map: land use, parks, water, buildings, railways and streets
//! (at their width on the ground through the map's scale, never narrower than a minimum), place
//! names and street names along the streets. All muted, so the evidence stays on top.

use super::Ctx;
use crate::render::font::measure;
use crate::render::geom::{pt, Pt, Rect};
use crate::render::ground::{AreaClass, Ground, GroundSource, LineClass, RoadClass};
use crate::render::labels::{LabelLine, LabelLook, LabelRequest, PlacedLabel, Placer};
use crate::render::scene::{Anchor, Entry, Item, LineStyle, Paint, Text, Weight};
use crate::render::RenderError;
use crate::style::Rgb;
use geo_types::{Coord, LineString};

/// Ground is read and drawn only on maps showing at most this far either side of the centre,
/// metres: beyond, a whole-country extract would be read for one map.
pub(super) const GROUND_MAX_HALF_WIDTH_M: f64 = 10_000.0;

const LAND_USE: Rgb = Rgb(0xef, 0xec, 0xe5);
const GREEN: Rgb = Rgb(0xe0, 0xea, 0xd4);
const WATER: Rgb = Rgb(0xd2, 0xe2, 0xee);
const BUILDING: Rgb = Rgb(0xdd, 0xd6, 0xcb);
const BUILDING_EDGE: Rgb = Rgb(0xc9, 0xc0, 0xb3);
const RAIL: Rgb = Rgb(0xb4, 0xae, 0xa6);
/// Street fill (also the pixels the tests look for).
pub const ROAD: Rgb = Rgb(0xff, 0xff, 0xff);
/// Street casing.
pub const ROAD_CASING: Rgb = Rgb(0xd8, 0xd1, 0xc6);
const PATH: Rgb = Rgb(0xc4, 0xbc, 0xb0);
const NAME: Rgb = Rgb(0x77, 0x72, 0x6b);

/// A named street that may be labelled: its lines on the page, pixels.
pub(super) struct Street {
    name: String,
    lines: Vec<Vec<Pt>>,
    /// Distance of its nearest vertex from the map's centre, pixels.
    dist: f64,
}

impl Ctx<'_> {
    /// Reads the ground of the frame (with a margin) from `source` and draws it, if the map's
    /// scale is large enough. Returns the credits of what was drawn.
    pub(super) fn draw_ground(
        &mut self,
        source: &dyn GroundSource,
        half_width_m: f64,
    ) -> Result<Vec<String>, RenderError> {
        if half_width_m > GROUND_MAX_HALF_WIDTH_M {
            return Ok(Vec::new());
        }
        let f = self.view.frame.inflate(0.15 * self.view.frame.width());
        let corners = [
            pt(f.x0, f.y0),
            pt(f.x1, f.y0),
            pt(f.x1, f.y1),
            pt(f.x0, f.y1),
        ];
        let ll: Vec<Coord<f64>> = corners
            .iter()
            .map(|p| self.view.from_px(*p))
            .collect::<Result<_, _>>()?;
        let bbox = [
            ll.iter().map(|c| c.x).fold(f64::MAX, f64::min),
            ll.iter().map(|c| c.y).fold(f64::MAX, f64::min),
            ll.iter().map(|c| c.x).fold(f64::MIN, f64::max),
            ll.iter().map(|c| c.y).fold(f64::MIN, f64::max),
        ];
        let layers = source.ground(bbox).map_err(RenderError::Spec)?;
        let mut credits: Vec<String> = Vec::new();
        for g in &layers {
            self.draw_ground_layer(g)?;
            if !g.is_empty() && !credits.contains(&g.attribution) {
                credits.push(g.attribution.clone());
            }
        }
        self.ground_end = self.scene.entries.len();
        Ok(credits)
    }

    fn line_px(&self, l: &LineString<f64>) -> Result<Vec<Pt>, RenderError> {
        self.ring_px(l)
    }

    fn draw_ground_layer(&mut self, g: &Ground) -> Result<(), RenderError> {
        let u = self.u;
        for a in &g.areas {
            let rings = self.polygon_px(&a.polygon)?;
            let colour = match a.class {
                AreaClass::LandUse => LAND_USE,
                AreaClass::Green => GREEN,
                AreaClass::Water => WATER,
                AreaClass::Building => BUILDING,
            };
            self.scene
                .fill_polygons(std::slice::from_ref(&rings), Paint::solid(colour));
            if a.class == AreaClass::Building {
                for r in rings {
                    let edge = LineStyle::solid(Paint::solid(BUILDING_EDGE), 0.3 * u);
                    self.scene.line(r, true, edge);
                }
            }
        }
        for l in &g.lines {
            let pts = self.line_px(&l.line)?;
            let m = self.view.m_per_px;
            let style = match l.class {
                LineClass::River => LineStyle::solid(Paint::solid(WATER), (12.0 / m).max(1.5 * u)),
                LineClass::Stream => LineStyle::solid(Paint::solid(WATER), (3.0 / m).max(0.8 * u)),
                LineClass::Railway => LineStyle::solid(Paint::solid(RAIL), 0.9 * u),
                LineClass::Tram => LineStyle::solid(Paint::solid(RAIL), 0.5 * u),
            };
            self.scene.line(pts, false, style);
        }
        let mut roads: Vec<(RoadClass, bool, Vec<Pt>)> = g
            .roads
            .iter()
            .map(|r| Ok((r.class, r.tunnel, self.line_px(&r.line)?)))
            .collect::<Result<_, RenderError>>()?;
        // Least important first, so that main streets are drawn over side streets.
        roads.sort_by_key(|r| std::cmp::Reverse(r.0));
        let width = |c: RoadClass| (c.width_m() / self.view.m_per_px).max(c.min_width_pt() * u);
        let opacity = |tunnel: bool| if tunnel { 0.4 } else { 1.0 };
        for (class, tunnel, pts) in roads.iter().filter(|r| r.0 != RoadClass::Path) {
            let casing = Paint::with(ROAD_CASING, opacity(*tunnel));
            let style = LineStyle::solid(casing, width(*class) + 0.8 * u);
            self.scene.line(pts.clone(), false, style);
        }
        for (class, tunnel, pts) in &roads {
            let style = if *class == RoadClass::Path {
                let w = width(*class).min(1.0 * u);
                LineStyle::dashed(Paint::with(PATH, opacity(*tunnel)), w, 1.5 * w, w)
            } else {
                LineStyle::solid(Paint::with(ROAD, opacity(*tunnel)), width(*class))
            };
            self.scene.line(pts.clone(), false, style);
        }
        self.street_names(g)?;
        for p in &g.places {
            let at = self.px(p.position.0)?;
            if !self.view.frame.contains(at) {
                continue;
            }
            let line = if p.rank <= 2 {
                LabelLine::bold(&p.name)
            } else {
                LabelLine::plain(&p.name)
            };
            self.labels.push(LabelRequest {
                key: format!("place:{}", p.name),
                name: p.name.clone(),
                lines: vec![line],
                size: 6.5 * u,
                anchors: vec![(at, 0.0)],
                priority: 2000 + u32::from(p.rank),
                look: LabelLook::Halo,
                leader: false,
                centred: true,
                colour: NAME,
                note_if_dropped: false,
            });
        }
        Ok(())
    }

    /// Collects the named streets in the frame, nearest the centre first.
    fn street_names(&mut self, g: &Ground) -> Result<(), RenderError> {
        let centre = self.view.frame.centre();
        for r in g.roads.iter().filter(|r| r.class != RoadClass::Path) {
            let Some(name) = r.name.as_deref() else {
                continue;
            };
            let line = self.line_px(&r.line)?;
            let dist = line.iter().map(|p| p.dist(centre)).fold(f64::MAX, f64::min);
            match self.streets.iter_mut().find(|s| s.name == name) {
                Some(s) => {
                    s.dist = s.dist.min(dist);
                    s.lines.push(line);
                }
                None => self.streets.push(Street {
                    name: name.to_string(),
                    lines: vec![line],
                    dist,
                }),
            }
        }
        for s in &mut self.streets {
            s.lines = join_lines(std::mem::take(&mut s.lines));
        }
        Ok(())
    }

    /// Places the street names along their streets, nearest the centre first, clear of every
    /// label placed before and of each other, and draws them just over the ground. Returns the
    /// boxes they take (several per name, along the street).
    pub(super) fn place_street_names(&mut self, placer: &mut Placer) -> Vec<PlacedLabel> {
        let size = 5.5 * self.u;
        let mut streets = std::mem::take(&mut self.streets);
        streets.sort_by(|a, b| a.dist.total_cmp(&b.dist).then_with(|| a.name.cmp(&b.name)));
        let centre = self.view.frame.centre();
        let mut texts = Vec::new();
        let mut boxes = Vec::new();
        for s in &streets {
            let m = measure(&s.name, size, Weight::Regular);
            let len = m.width + 0.6 * size;
            let mut candidates: Vec<(Pt, f64)> = s
                .lines
                .iter()
                .flat_map(|l| straight_runs(l, len, 0.25 * size))
                .collect();
            candidates.sort_by(|a, b| a.0.dist(centre).total_cmp(&b.0.dist(centre)));
            let key = format!("street:{}", s.name);
            for (mid, angle) in candidates {
                let rects = boxes_along(mid, angle, len, 1.5 * size);
                if placer.claim(&key, &rects) {
                    let (sin, cos) = angle.to_radians().sin_cos();
                    let down = (m.ascent - m.descent) / 2.0;
                    texts.push(Entry {
                        item: Item::Text(Text {
                            text: s.name.clone(),
                            at: pt(mid.x - down * sin, mid.y + down * cos),
                            size,
                            weight: Weight::Regular,
                            anchor: Anchor::Middle,
                            angle_deg: angle,
                            paint: Paint::solid(NAME),
                            halo: Some((ROAD, 0.2 * size)),
                        }),
                        clip: Some(self.view.frame),
                    });
                    boxes.extend(rects.into_iter().map(|rect| PlacedLabel {
                        key: key.clone(),
                        rect,
                        leader: None,
                    }));
                    break;
                }
            }
        }
        let at = self.ground_end;
        self.scene.entries.splice(at..at, texts);
        boxes
    }
}

/// Joins lines that meet end to end (the ways of one street, split at every crossing) into
/// longer lines, so that a name finds a straight run across a crossing.
fn join_lines(mut lines: Vec<Vec<Pt>>) -> Vec<Vec<Pt>> {
    let mut out: Vec<Vec<Pt>> = Vec::new();
    while let Some(mut line) = lines.pop() {
        loop {
            let (first, last) = (line[0], line[line.len() - 1]);
            let Some(i) = lines.iter().position(|l| {
                let (a, b) = (l[0], l[l.len() - 1]);
                a == last || b == last || a == first || b == first
            }) else {
                break;
            };
            let mut other = lines.swap_remove(i);
            if other[0] == last {
                line.extend(other.drain(1..));
            } else if other[other.len() - 1] == last {
                other.reverse();
                line.extend(other.drain(1..));
            } else {
                if other[0] == first {
                    other.reverse();
                }
                other.extend(line.drain(1..));
                line = other;
            }
        }
        out.push(line);
    }
    out
}

/// Places along `line` (pixels) where a label `len` pixels long can lie straight (no vertex
/// further than `tolerance` from the chord): the middle and the angle of each, degrees
/// clockwise, turned so that the text reads left to right.
fn straight_runs(line: &[Pt], len: f64, tolerance: f64) -> Vec<(Pt, f64)> {
    let mut cum = vec![0.0];
    for w in line.windows(2) {
        cum.push(cum.last().copied().unwrap_or(0.0) + w[0].dist(w[1]));
    }
    let total = cum.last().copied().unwrap_or(0.0);
    let at = |s: f64| -> Pt {
        let i = cum.partition_point(|c| *c <= s).clamp(1, line.len() - 1);
        let t = (s - cum[i - 1]) / (cum[i] - cum[i - 1]).max(1e-9);
        line[i - 1].lerp(line[i], t.clamp(0.0, 1.0))
    };
    let mut out = Vec::new();
    let mut s = 0.0;
    while s + len <= total {
        let (a, b) = (at(s), at(s + len));
        let chord = a.dist(b);
        let straight = chord >= 0.97 * len
            && (0..line.len())
                .filter(|&i| cum[i] > s && cum[i] < s + len)
                .all(|i| distance_to_line(line[i], a, b) <= tolerance);
        if straight {
            let mut angle = (b.y - a.y).atan2(b.x - a.x).to_degrees();
            if angle > 90.0 {
                angle -= 180.0;
            } else if angle < -90.0 {
                angle += 180.0;
            }
            out.push((a.lerp(b, 0.5), angle));
        }
        s += len / 3.0;
    }
    out
}

fn distance_to_line(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let l = (dx * dx + dy * dy).sqrt().max(1e-9);
    ((p.x - a.x) * dy - (p.y - a.y) * dx).abs() / l
}

/// Squares of side `side` along a label `len` long centred on `mid` at `angle` degrees, spaced
/// so that no two overlap: the room a turned label takes, as the placer counts it.
fn boxes_along(mid: Pt, angle: f64, len: f64, side: f64) -> Vec<Rect> {
    let (sin, cos) = angle.to_radians().sin_cos();
    // A hair more than the side, so that rounding never makes neighbours overlap.
    let step = side / cos.abs().max(sin.abs()) * (1.0 + 1e-9);
    let n = (len / step).ceil().max(1.0) as usize;
    (0..n)
        .map(|k| {
            let t = (k as f64 - (n - 1) as f64 / 2.0) * step;
            Rect::around(pt(mid.x + t * cos, mid.y + t * sin), side / 2.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lie_on_straight_runs_and_read_left_to_right() {
        // An L: 100 px going left, then 100 px going down.
        let line = [pt(200.0, 100.0), pt(100.0, 100.0), pt(100.0, 200.0)];
        let runs = straight_runs(&line, 60.0, 1.0);
        assert!(!runs.is_empty());
        for (mid, angle) in &runs {
            let horizontal = (mid.y - 100.0).abs() < 1e-9 && angle.abs() < 1e-9;
            let vertical = (mid.x - 100.0).abs() < 1e-9 && (angle.abs() - 90.0).abs() < 1e-9;
            assert!(horizontal || vertical, "{mid:?} {angle}");
        }
        // No run across the corner.
        assert!(runs
            .iter()
            .all(|(m, _)| m.dist(pt(100.0, 100.0)) >= 30.0 - 1e-9));
        let boxes = boxes_along(pt(0.0, 0.0), 45.0, 100.0, 10.0);
        assert_eq!(crate::render::labels::any_overlap(&boxes), None);
        assert_eq!(boxes.len(), 8);
    }
}
