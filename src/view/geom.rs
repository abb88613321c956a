//! Page geometry: points and rectangles in pixels (origin top left, y down), outlines made of
//! lines and Bézier curves, flattening and clipping.

/// A point on the page, pixels (x right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pt {
    /// Pixels from the left edge.
    pub x: f64,
    /// Pixels from the top edge.
    pub y: f64,
}

/// Shorthand for [`Pt`].
pub const fn pt(x: f64, y: f64) -> Pt {
    Pt { x, y }
}

impl Pt {
    /// Distance to another point, pixels.
    pub fn dist(self, o: Pt) -> f64 {
        (self.x - o.x).hypot(self.y - o.y)
    }

    /// This point moved by `(dx, dy)`.
    pub fn offset(self, dx: f64, dy: f64) -> Pt {
        pt(self.x + dx, self.y + dy)
    }

    /// Linear interpolation towards `o` (`t = 0` here, `t = 1` at `o`).
    pub fn lerp(self, o: Pt, t: f64) -> Pt {
        pt(self.x + (o.x - self.x) * t, self.y + (o.y - self.y) * t)
    }
}

/// An axis-aligned rectangle, pixels: `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    /// The rectangle from its left, top, right, bottom edges (swapped into order if needed).
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    /// The rectangle at (`x`, `y`) top left with a width and height.
    pub fn xywh(x: f64, y: f64, w: f64, h: f64) -> Self {
        Rect::new(x, y, x + w, y + h)
    }

    /// A square of half-side `r` around `c`.
    pub fn around(c: Pt, r: f64) -> Self {
        Rect::new(c.x - r, c.y - r, c.x + r, c.y + r)
    }

    /// Width, pixels.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height, pixels.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Centre point.
    pub fn centre(&self) -> Pt {
        pt((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Whether the interiors overlap (rectangles that only touch do not).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `o` lies entirely inside this rectangle.
    pub fn contains_rect(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    /// Whether `p` lies inside or on the edge.
    pub fn contains(&self, p: Pt) -> bool {
        p.x >= self.x0 && p.x <= self.x1 && p.y >= self.y0 && p.y <= self.y1
    }

    /// Grown by `d` on every side (shrunk if negative).
    pub fn inflate(&self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// The common part, if any.
    pub fn intersection(&self, o: &Rect) -> Option<Rect> {
        let r = Rect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        };
        (r.x0 < r.x1 && r.y0 < r.y1).then_some(r)
    }

    /// Bounding box of points (`None` if there are none).
    pub fn bounding(points: impl IntoIterator<Item = Pt>) -> Option<Rect> {
        points.into_iter().fold(None, |acc: Option<Rect>, p| {
            Some(match acc {
                None => Rect {
                    x0: p.x,
                    y0: p.y,
                    x1: p.x,
                    y1: p.y,
                },
                Some(r) => Rect {
                    x0: r.x0.min(p.x),
                    y0: r.y0.min(p.y),
                    x1: r.x1.max(p.x),
                    y1: r.y1.max(p.y),
                },
            })
        })
    }

    /// Distance from `p` to the rectangle (0 inside), pixels.
    pub fn distance_to(&self, p: Pt) -> f64 {
        let dx = (self.x0 - p.x).max(0.0).max(p.x - self.x1);
        let dy = (self.y0 - p.y).max(0.0).max(p.y - self.y1);
        dx.hypot(dy)
    }

    /// Whether the segment `a`–`b` crosses the rectangle's interior.
    pub fn hits_segment(&self, a: Pt, b: Pt) -> bool {
        clip_segment(a, b, self)
            .is_some_and(|(p, q)| p.dist(q) > 1e-9 || self.inflate(-1e-9).contains(p))
    }
}

/// Whether the segments `a`–`b` and `c`–`d` cross (touching ends do not count).
pub fn segments_cross(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let orient = |p: Pt, q: Pt, r: Pt| (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// One piece of an outline, continuing from the previous end point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seg {
    /// Straight line to the point.
    Line(Pt),
    /// Quadratic Bézier: control, end.
    Quad(Pt, Pt),
    /// Cubic Bézier: two controls, end.
    Cubic(Pt, Pt, Pt),
}

/// A closed outline: a start point and segments back to it (the closing line is implied).
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    /// First point.
    pub start: Pt,
    /// The segments in order.
    pub segs: Vec<Seg>,
}

impl Contour {
    /// A polygon ring through the points (closing point optional).
    pub fn polygon(points: &[Pt]) -> Contour {
        let mut pts = points;
        if pts.len() > 1 && pts[0] == pts[pts.len() - 1] {
            pts = &pts[..pts.len() - 1];
        }
        Contour {
            start: pts.first().copied().unwrap_or_default(),
            segs: pts.iter().skip(1).map(|p| Seg::Line(*p)).collect(),
        }
    }

    /// The outline as a polygon, curves flattened to within `tolerance` pixels (no closing point).
    pub fn flatten(&self, tolerance: f64) -> Vec<Pt> {
        let mut out = vec![self.start];
        let mut cur = self.start;
        for s in &self.segs {
            match *s {
                Seg::Line(p) => {
                    out.push(p);
                    cur = p;
                }
                Seg::Quad(c, p) => {
                    let n = curve_steps(cur.dist(c) + c.dist(p), tolerance);
                    for i in 1..=n {
                        let t = i as f64 / n as f64;
                        out.push(cur.lerp(c, t).lerp(c.lerp(p, t), t));
                    }
                    cur = p;
                }
                Seg::Cubic(c1, c2, p) => {
                    let n = curve_steps(cur.dist(c1) + c1.dist(c2) + c2.dist(p), tolerance);
                    for i in 1..=n {
                        let t = i as f64 / n as f64;
                        let (a, b, c) = (cur.lerp(c1, t), c1.lerp(c2, t), c2.lerp(p, t));
                        out.push(a.lerp(b, t).lerp(b.lerp(c, t), t));
                    }
                    cur = p;
                }
            }
        }
        if out.len() > 1 && out[0] == out[out.len() - 1] {
            out.pop();
        }
        out
    }

    /// Every point the outline passes through or is pulled towards (for bounds).
    pub fn control_points(&self) -> impl Iterator<Item = Pt> + '_ {
        std::iter::once(self.start).chain(self.segs.iter().flat_map(|s| match *s {
            Seg::Line(p) => vec![p],
            Seg::Quad(c, p) => vec![c, p],
            Seg::Cubic(a, b, p) => vec![a, b, p],
        }))
    }
}

fn curve_steps(length: f64, tolerance: f64) -> usize {
    ((length / tolerance.max(1e-3)).sqrt().ceil() as usize).clamp(1, 64)
}

/// Twice the signed area of a ring, pixels²: positive when clockwise on the page (y down).
pub fn signed_area2(ring: &[Pt]) -> f64 {
    crate::geodesy::signed_area2(ring.iter().map(|p| geo_types::coord! { x: p.x, y: p.y }))
}

/// A ring turned to the wanted direction: `clockwise` on the page (y down) or not.
pub fn orient(mut ring: Vec<Pt>, clockwise: bool) -> Vec<Pt> {
    if (signed_area2(&ring) > 0.0) != clockwise {
        ring.reverse();
    }
    ring
}

/// Clips a polygon ring to a rectangle (Sutherland–Hodgman). The result may run along the
/// rectangle's edges; it keeps the ring's direction.
pub fn clip_ring(ring: &[Pt], r: &Rect) -> Vec<Pt> {
    let mut pts: Vec<Pt> = ring.to_vec();
    type Inside = fn(Pt, &Rect) -> bool;
    type Cross = fn(Pt, Pt, &Rect) -> Pt;
    let edges: [(Inside, Cross); 4] = [
        (
            |p, r| p.x >= r.x0,
            |a, b, r| a.lerp(b, (r.x0 - a.x) / (b.x - a.x)),
        ),
        (
            |p, r| p.x <= r.x1,
            |a, b, r| a.lerp(b, (r.x1 - a.x) / (b.x - a.x)),
        ),
        (
            |p, r| p.y >= r.y0,
            |a, b, r| a.lerp(b, (r.y0 - a.y) / (b.y - a.y)),
        ),
        (
            |p, r| p.y <= r.y1,
            |a, b, r| a.lerp(b, (r.y1 - a.y) / (b.y - a.y)),
        ),
    ];
    for (inside, cross) in edges {
        if pts.is_empty() {
            break;
        }
        let input = std::mem::take(&mut pts);
        let n = input.len();
        for i in 0..n {
            let (cur, prev) = (input[i], input[(i + n - 1) % n]);
            match (inside(cur, r), inside(prev, r)) {
                (true, true) => pts.push(cur),
                (true, false) => {
                    pts.push(cross(prev, cur, r));
                    pts.push(cur);
                }
                (false, true) => pts.push(cross(prev, cur, r)),
                (false, false) => {}
            }
        }
    }
    pts
}

/// Clips the segment `a`–`b` to a rectangle (Liang–Barsky); `None` when it misses.
pub fn clip_segment(a: Pt, b: Pt, r: &Rect) -> Option<(Pt, Pt)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.x - r.x0),
        (dx, r.x1 - a.x),
        (-dy, a.y - r.y0),
        (dy, r.y1 - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((a.lerp(b, t0), a.lerp(b, t1)))
}

/// A regular polygon approximating a circle of radius `r` around `c`, clockwise on the page,
/// with chords within `tolerance` pixels of the circle.
pub fn circle_ring(c: Pt, r: f64, tolerance: f64) -> Vec<Pt> {
    let n = if r <= tolerance {
        8
    } else {
        ((std::f64::consts::PI / (1.0 - tolerance / r).acos()).ceil() as usize).clamp(8, 720)
    };
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            pt(c.x + r * a.cos(), c.y + r * a.sin())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangles_that_touch_do_not_overlap() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(!a.overlaps(&Rect::new(10.0, 0.0, 20.0, 10.0)));
        assert!(a.overlaps(&Rect::new(9.9, 9.9, 20.0, 20.0)));
        assert!(a.hits_segment(pt(-5.0, 5.0), pt(15.0, 5.0)));
        assert!(!a.hits_segment(pt(-5.0, 15.0), pt(15.0, 15.0)));
    }

    #[test]
    fn crossing_segments() {
        assert!(segments_cross(
            pt(0.0, 0.0),
            pt(10.0, 10.0),
            pt(0.0, 10.0),
            pt(10.0, 0.0)
        ));
        assert!(!segments_cross(
            pt(0.0, 0.0),
            pt(10.0, 0.0),
            pt(0.0, 1.0),
            pt(10.0, 1.0)
        ));
        assert!(!segments_cross(
            pt(0.0, 0.0),
            pt(5.0, 5.0),
            pt(5.0, 5.0),
            pt(10.0, 0.0)
        ));
    }

    #[test]
    fn clipping_a_square_keeps_the_inside_area() {
        let sq = [
            pt(-10.0, -10.0),
            pt(10.0, -10.0),
            pt(10.0, 10.0),
            pt(-10.0, 10.0),
        ];
        let c = clip_ring(&sq, &Rect::new(0.0, 0.0, 100.0, 100.0));
        assert!((signed_area2(&c).abs() - 200.0).abs() < 1e-9);
        assert!(signed_area2(&orient(c, true)) > 0.0);
    }

    #[test]
    fn flattened_quarter_circle_stays_within_tolerance() {
        // A cubic approximating a quarter circle of radius 100 (k = 0.5523).
        let k = 55.228_474_983_079_34;
        let c = Contour {
            start: pt(100.0, 0.0),
            segs: vec![Seg::Cubic(pt(100.0, k), pt(k, 100.0), pt(0.0, 100.0))],
        };
        for p in c.flatten(0.1) {
            assert!((p.dist(pt(0.0, 0.0)) - 100.0).abs() < 0.1);
        }
    }
}
