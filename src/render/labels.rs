//! Label placement: each label tries candidate positions around its anchor (eight directions
//! close by, then further out with a leader line) and takes the first that stays inside the map
//! and clear of every symbol, every piece of map furniture and every label placed before it.
//! Labels are placed in order of importance; a label with no free position is left out and
//! listed, so the map can say so.

use super::font::{measure, Metrics};
use super::geom::{pt, Pt, Rect};
use super::scene::{Anchor, LineStyle, Paint, Scene, Text, Weight};
use super::symbols::draw_marker;
use crate::style::{self, Marker, Rgb};

/// One line of a label, optionally led by a marker (for lists of incidents).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelLine {
    /// The text.
    pub text: String,
    /// Its weight.
    pub weight: Weight,
    /// A marker drawn before the text.
    pub marker: Option<(Marker, Rgb)>,
}

impl LabelLine {
    /// A plain line.
    pub fn plain(text: impl Into<String>) -> Self {
        LabelLine {
            text: text.into(),
            weight: Weight::Regular,
            marker: None,
        }
    }

    /// A bold line.
    pub fn bold(text: impl Into<String>) -> Self {
        LabelLine {
            text: text.into(),
            weight: Weight::Bold,
            marker: None,
        }
    }
}

/// How a label looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelLook {
    /// Text with a white halo.
    Halo,
    /// Text in a white box with a thin border.
    Boxed,
}

/// A label to place.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRequest {
    /// Stable key (`site:ID`, `incident:ID`, `ring:100`, `city:Kyiv`).
    pub key: String,
    /// What it names, for the note on labels left out.
    pub name: String,
    /// Lines of text.
    pub lines: Vec<LabelLine>,
    /// Em size, pixels.
    pub size: f64,
    /// Points the label may sit by, each with the radius it must keep clear of (the symbol).
    pub anchors: Vec<(Pt, f64)>,
    /// Lower is more important: placed first, dropped last.
    pub priority: u32,
    /// Looks.
    pub look: LabelLook,
    /// Whether the label may move away from its anchor with a leader line.
    pub leader: bool,
    /// Whether the label sits centred on its anchor (labels on rings).
    pub centred: bool,
    /// Text colour.
    pub colour: Rgb,
    /// Whether leaving it out is worth a note on the map.
    pub note_if_dropped: bool,
}

impl LabelRequest {
    /// A boxed label in the text colour that may move away from its anchors
    /// with a leader line, noted on the map if it has to be left out: the look
    /// of site and incident labels.
    pub fn callout(
        key: String,
        name: String,
        lines: Vec<LabelLine>,
        size: f64,
        anchors: Vec<(Pt, f64)>,
        priority: u32,
    ) -> Self {
        LabelRequest {
            key,
            name,
            lines,
            size,
            anchors,
            priority,
            look: LabelLook::Boxed,
            leader: true,
            centred: false,
            colour: style::TEXT,
            note_if_dropped: true,
        }
    }
}

/// Where a label went.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    /// The request's key.
    pub key: String,
    /// Its box on the page, pixels.
    pub rect: Rect,
    /// Leader line from the anchor to the box, if the label was moved away.
    pub leader: Option<(Pt, Pt)>,
}

/// A label left out for lack of room.
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedLabel {
    /// The request's key.
    pub key: String,
    /// What it names.
    pub name: String,
    /// Whether to mention it on the map.
    pub note: bool,
}

/// Places labels inside `bounds`, clear of obstacles and of each other.
#[derive(Debug, Clone)]
pub struct Placer {
    bounds: Rect,
    obstacles: Vec<Rect>,
    areas: Vec<Rect>,
    lines: Vec<(Pt, Pt)>,
    placed: Vec<PlacedLabel>,
    dropped: Vec<DroppedLabel>,
}

impl Placer {
    /// A placer for labels that must stay inside `bounds`.
    pub fn new(bounds: Rect) -> Self {
        Placer {
            bounds,
            obstacles: Vec::new(),
            areas: Vec::new(),
            lines: Vec::new(),
            placed: Vec::new(),
            dropped: Vec::new(),
        }
    }

    /// Adds a rectangle no label may overlap (a symbol, a piece of furniture).
    pub fn add_obstacle(&mut self, r: Rect) {
        self.obstacles.push(r);
    }

    /// Adds an area no label may cover, though leader lines may cross it (a distance band).
    pub fn add_area(&mut self, r: Rect) {
        self.areas.push(r);
    }

    /// The areas so far.
    pub fn areas(&self) -> &[Rect] {
        &self.areas
    }

    /// Adds a line segment no label may cross (a link between an impact and its site).
    pub fn add_line_obstacle(&mut self, a: Pt, b: Pt) {
        self.lines.push((a, b));
    }

    /// The obstacles so far.
    pub fn obstacles(&self) -> &[Rect] {
        &self.obstacles
    }

    /// Labels placed so far.
    pub fn placed(&self) -> &[PlacedLabel] {
        &self.placed
    }

    /// Labels left out so far.
    pub fn dropped(&self) -> &[DroppedLabel] {
        &self.dropped
    }

    /// Takes the boxes `rects` (pixels) for one label of the map's ground if every one is free:
    /// inside the bounds, clear of every obstacle, line and label placed so far (a label along a
    /// street counts as boxes along its line). It may lie under an area (a distance band): it
    /// is drawn under the evidence. Returns whether it did.
    pub fn claim(&mut self, key: &str, rects: &[Rect]) -> bool {
        let areas = std::mem::take(&mut self.areas);
        let free = !rects.is_empty() && rects.iter().all(|r| self.free(r, None));
        self.areas = areas;
        if !free {
            return false;
        }
        self.placed.extend(rects.iter().map(|&rect| PlacedLabel {
            key: key.to_string(),
            rect,
            leader: None,
        }));
        true
    }

    /// Places the requests, most important first (ties by key, so the result is stable), and
    /// returns each placed request with its position.
    ///
    /// When labels are left out, the placement is tried again with those labels first (a
    /// label placed early can block a later one that had fewer free positions); the new
    /// placement is kept only if it leaves fewer labels out.
    pub fn place_all(
        &mut self,
        mut requests: Vec<LabelRequest>,
    ) -> Vec<(LabelRequest, PlacedLabel)> {
        requests.sort_by(|a, b| a.priority.cmp(&b.priority).then_with(|| a.key.cmp(&b.key)));
        let start = self.clone();
        let mut best = self.place_in_order(&requests);
        for _ in 0..3 {
            // Only labels worth a note are tried first (not city names, say).
            let dropped_keys: Vec<&str> = self
                .dropped
                .iter()
                .filter(|d| d.note)
                .map(|d| d.key.as_str())
                .collect();
            if dropped_keys.is_empty() {
                break;
            }
            let (first, rest): (Vec<&LabelRequest>, Vec<&LabelRequest>) = requests
                .iter()
                .partition(|r| dropped_keys.contains(&r.key.as_str()));
            let order: Vec<LabelRequest> = first.into_iter().chain(rest).cloned().collect();
            let before = std::mem::replace(self, start.clone());
            let attempt = self.place_in_order(&order);
            if self.loss() < before.loss() {
                best = attempt;
                requests = order;
            } else {
                *self = before;
                break;
            }
        }
        best
    }

    /// Labels left out: those worth a note first, then all.
    fn loss(&self) -> (usize, usize) {
        (
            self.dropped.iter().filter(|d| d.note).count(),
            self.dropped.len(),
        )
    }

    fn place_in_order(&mut self, requests: &[LabelRequest]) -> Vec<(LabelRequest, PlacedLabel)> {
        let mut out = Vec::new();
        for r in requests {
            match self.place(r) {
                Some(p) => {
                    self.placed.push(p.clone());
                    out.push((r.clone(), p));
                }
                None => self.dropped.push(DroppedLabel {
                    key: r.key.clone(),
                    name: r.name.clone(),
                    note: r.note_if_dropped,
                }),
            }
        }
        out
    }

    fn place(&self, r: &LabelRequest) -> Option<PlacedLabel> {
        let (w, h) = label_size(r);
        for &(a, clear) in &r.anchors {
            if r.centred {
                let rect = Rect::xywh(a.x - w / 2.0, a.y - h / 2.0, w, h);
                if self.free(&rect, None) {
                    return Some(PlacedLabel {
                        key: r.key.clone(),
                        rect,
                        leader: None,
                    });
                }
                continue;
            }
            let gap = 0.25 * r.size;
            for rect in around(a, clear + gap, w, h) {
                if self.free(&rect, None) {
                    return Some(PlacedLabel {
                        key: r.key.clone(),
                        rect,
                        leader: None,
                    });
                }
            }
        }
        if !r.leader || r.centred {
            return None;
        }
        for step in [2.5, 5.0, 8.0, 12.0, 18.0, 26.0] {
            for &(a, clear) in &r.anchors {
                for rect in around16(a, clear + step * r.size, w, h) {
                    let end = nearest_on_rect(&rect, a);
                    let start = a.lerp(end, (clear / a.dist(end)).min(1.0));
                    if self.free(&rect, Some((start, end))) {
                        return Some(PlacedLabel {
                            key: r.key.clone(),
                            rect,
                            leader: Some((start, end)),
                        });
                    }
                }
            }
        }
        None
    }

    fn free(&self, rect: &Rect, leader: Option<(Pt, Pt)>) -> bool {
        if !self.bounds.contains_rect(rect) {
            return false;
        }
        let clash =
            |o: &Rect| o.overlaps(rect) || leader.is_some_and(|(a, b)| o.hits_segment(a, b));
        // Leaders already drawn: no box on them, no new leader across them.
        let crosses_leader = self.placed.iter().filter_map(|p| p.leader).any(|(a, b)| {
            rect.hits_segment(a, b)
                || leader.is_some_and(|(c, d)| super::geom::segments_cross(a, b, c, d))
        });
        !self.obstacles.iter().any(clash)
            && !self.areas.iter().any(|o| o.overlaps(rect))
            && !self.placed.iter().any(|p| clash(&p.rect))
            && !self.lines.iter().any(|(a, b)| rect.hits_segment(*a, *b))
            && !crosses_leader
    }
}

/// Line height as a multiple of the em size.
const LINE_HEIGHT: f64 = 1.25;

fn padding(r: &LabelRequest) -> f64 {
    match r.look {
        LabelLook::Boxed => 0.35 * r.size,
        LabelLook::Halo => 0.1 * r.size,
    }
}

fn marker_width(r: &LabelRequest) -> f64 {
    if r.lines.iter().any(|l| l.marker.is_some()) {
        1.3 * r.size
    } else {
        0.0
    }
}

/// Width and height of a label's box, pixels.
pub fn label_size(r: &LabelRequest) -> (f64, f64) {
    let p = padding(r);
    let text_w = r
        .lines
        .iter()
        .map(|l| measure(&l.text, r.size, l.weight).width)
        .fold(0.0, f64::max);
    (
        text_w + marker_width(r) + 2.0 * p,
        r.lines.len() as f64 * LINE_HEIGHT * r.size + 2.0 * p,
    )
}

/// Boxes of size `w`×`h` around `a` at distance `d`, in order of preference: right, upper right,
/// lower right, left, upper left, lower left, above, below.
fn around(a: Pt, d: f64, w: f64, h: f64) -> [Rect; 8] {
    let k = d * std::f64::consts::FRAC_1_SQRT_2;
    [
        Rect::xywh(a.x + d, a.y - h / 2.0, w, h),
        Rect::xywh(a.x + k, a.y - k - h, w, h),
        Rect::xywh(a.x + k, a.y + k, w, h),
        Rect::xywh(a.x - d - w, a.y - h / 2.0, w, h),
        Rect::xywh(a.x - k - w, a.y - k - h, w, h),
        Rect::xywh(a.x - k - w, a.y + k, w, h),
        Rect::xywh(a.x - w / 2.0, a.y - d - h, w, h),
        Rect::xywh(a.x - w / 2.0, a.y + d, w, h),
    ]
}

/// Boxes of size `w`×`h` whose edge or corner nearest `a` lies at distance `d` in sixteen
/// directions, starting east and alternating either side (east, then east-north-east and
/// east-south-east, …).
fn around16(a: Pt, d: f64, w: f64, h: f64) -> impl Iterator<Item = Rect> {
    const ORDER: [i32; 16] = [0, -1, 1, -2, 2, 8, 7, 9, 6, 10, -3, 3, -4, 4, -5, 5];
    ORDER.into_iter().map(move |k| {
        let t = k as f64 * std::f64::consts::PI / 8.0;
        let (s, c) = t.sin_cos();
        let p = pt(a.x + d * c, a.y + d * s);
        let k2 = std::f64::consts::SQRT_2;
        let centre = pt(
            p.x + w / 2.0 * (c * k2).clamp(-1.0, 1.0),
            p.y + h / 2.0 * (s * k2).clamp(-1.0, 1.0),
        );
        Rect::xywh(centre.x - w / 2.0, centre.y - h / 2.0, w, h)
    })
}

fn nearest_on_rect(r: &Rect, p: Pt) -> Pt {
    pt(p.x.clamp(r.x0, r.x1), p.y.clamp(r.y0, r.y1))
}

/// Draws a placed label: leader, box or halo, markers and text.
pub fn draw_label(scene: &mut Scene, r: &LabelRequest, p: &PlacedLabel, line_px: f64) {
    if let Some((a, b)) = p.leader {
        scene.line(
            vec![a, b],
            false,
            LineStyle::solid(Paint::solid(style::TEXT_MUTED), line_px),
        );
    }
    let pad = padding(r);
    if r.look == LabelLook::Boxed {
        scene.fill_rect(p.rect, Paint::solid(style::HALO));
        scene.stroke_rect(
            p.rect,
            LineStyle::solid(Paint::solid(Rgb(0x99, 0x99, 0x99)), line_px),
        );
    }
    let mw = marker_width(r);
    let halo = (r.look == LabelLook::Halo).then_some((style::HALO, 0.22 * r.size));
    for (i, l) in r.lines.iter().enumerate() {
        let top = p.rect.y0 + pad + i as f64 * LINE_HEIGHT * r.size;
        let m: Metrics = measure(&l.text, r.size, l.weight);
        // Centre the glyphs' ascent and descent in the line.
        let baseline = top + (LINE_HEIGHT * r.size + m.ascent - m.descent) / 2.0;
        if let Some((marker, colour)) = l.marker {
            let c = pt(
                p.rect.x0 + pad + 0.5 * r.size,
                top + LINE_HEIGHT * r.size / 2.0,
            );
            draw_marker(scene, marker, c, 0.85 * r.size, colour, line_px / 2.0);
        }
        scene.text(Text {
            text: l.text.clone(),
            at: pt(p.rect.x0 + pad + mw, baseline),
            size: r.size,
            weight: l.weight,
            anchor: Anchor::Start,
            angle_deg: 0.0,
            paint: Paint::solid(r.colour),
            halo,
        });
    }
}

/// Whether any two rectangles overlap (for checks on placed labels).
pub fn any_overlap(rects: &[Rect]) -> Option<(usize, usize)> {
    for i in 0..rects.len() {
        for j in i + 1..rects.len() {
            if rects[i].overlaps(&rects[j]) {
                return Some((i, j));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: &str, at: Pt, priority: u32) -> LabelRequest {
        LabelRequest {
            key: key.into(),
            name: key.into(),
            lines: vec![LabelLine::plain("Label text")],
            size: 12.0,
            anchors: vec![(at, 5.0)],
            priority,
            look: LabelLook::Halo,
            leader: true,
            centred: false,
            colour: style::TEXT,
            note_if_dropped: true,
        }
    }

    #[test]
    fn crowded_labels_move_apart_and_the_least_important_go() {
        let mut p = Placer::new(Rect::new(0.0, 0.0, 300.0, 200.0));
        p.add_obstacle(Rect::around(pt(150.0, 100.0), 5.0));
        let reqs: Vec<LabelRequest> = (0..40)
            .map(|i| req(&format!("l{i:02}"), pt(150.0, 100.0), i))
            .collect();
        let placed = p.place_all(reqs);
        // Right and left of the point, then above and below on leaders: the close labels
        // block every other leader from the same point.
        assert!(placed.len() >= 4, "{}", placed.len());
        assert!(!p.dropped().is_empty());
        // The most important ones were kept.
        assert_eq!(placed[0].1.key, "l00");
        let rects: Vec<Rect> = placed.iter().map(|(_, l)| l.rect).collect();
        assert_eq!(any_overlap(&rects), None);
        for r in &rects {
            assert!(!r.overlaps(&p.obstacles()[0]));
        }
        // Some went further out on leaders.
        assert!(placed.iter().any(|(_, l)| l.leader.is_some()));
    }
}
