//! Exact geodesic distance from a point to polygon edges and polygons.

use super::{
    bulge_m, destination_with_azimuth, ecef, inverse, is_ccw, normalize_deg, LocalFrame,
    MEAN_RADIUS_M,
};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};

/// A point closer than this to the boundary (metres) is on it, hence inside.
pub const ON_BOUNDARY_M: f64 = 1e-6;

/// The nearest point of one geodesic edge to a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeNearest {
    /// Nearest point on the edge, lon/lat degrees.
    pub point: Point<f64>,
    /// Geodesic distance from the query point to it, metres.
    pub distance_m: f64,
    /// Forward azimuth of the edge at the nearest point, degrees.
    pub edge_azimuth_deg: f64,
    /// Whether the nearest point is one of the edge's ends.
    pub at_vertex: bool,
}

/// The nearest point of a polygon (or multipolygon) to a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolygonNearest {
    /// Distance to the polygon, metres: 0 inside or on the boundary.
    pub distance_m: f64,
    /// Distance to the boundary, metres (how deep inside, when inside).
    pub boundary_distance_m: f64,
    /// Whether the point is inside or on the boundary.
    pub inside: bool,
    /// Nearest boundary point, lon/lat degrees.
    pub boundary_point: Point<f64>,
    /// Bearing from the nearest boundary point to the query point, degrees
    /// (`None` when the two coincide).
    pub bearing_deg: Option<f64>,
}

impl PolygonNearest {
    /// The polygon's nearest point to the query: the query itself when inside.
    pub fn nearest_point(&self, query: Point<f64>) -> Point<f64> {
        if self.inside {
            query
        } else {
            self.boundary_point
        }
    }
}

/// Nearest point of the geodesic edge `a`–`b` to `p`: exact to about 1 nm.
///
/// ```
/// use geo_types::point;
/// use impactmap::geodesy::{nearest_on_edge, WGS84_A};
/// // The equator is a geodesic; the meridian through the query meets it at a right angle.
/// let n = nearest_on_edge(point!(x: 0.001, y: 0.0), point!(x: 0.0, y: -1.0), point!(x: 0.0, y: 1.0));
/// assert!((n.distance_m - WGS84_A * 0.001_f64.to_radians()).abs() < 1e-6);
/// ```
pub fn nearest_on_edge(p: Point<f64>, a: Point<f64>, b: Point<f64>) -> EdgeNearest {
    let frame = LocalFrame::new(p);
    let (ax, ay) = frame.project(a.0);
    let (bx, by) = frame.project(b.0);
    refine_edge(p, a, b, planar_parameter(ax, ay, bx, by))
}

/// Parameter `t` in `[0, 1]` of the point of segment A–B nearest the origin.
#[inline]
fn planar_parameter(ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    }
}

/// Planar distance from the origin to segment A–B.
#[inline]
fn planar_distance(ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let t = planar_parameter(ax, ay, bx, by);
    let (x, y) = (ax + t * (bx - ax), ay + t * (by - ay));
    (x * x + y * y).sqrt()
}

/// Walks along the geodesic from `a` to `b` until the geodesic from `p` meets
/// it at a right angle (or an end is reached). `t0` is a first guess in `[0, 1]`.
fn refine_edge(p: Point<f64>, a: Point<f64>, b: Point<f64>, t0: f64) -> EdgeNearest {
    refine(p, a, b, t0).0
}

/// Where on an edge its nearest point lies.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OnEdge {
    Start,
    Interior,
    End,
}

/// [`refine_edge`], telling also where on the edge the nearest point lies.
fn refine(p: Point<f64>, a: Point<f64>, b: Point<f64>, t0: f64) -> (EdgeNearest, OnEdge) {
    let (len, azi_a, _) = inverse(a, b);
    if len < 1e-9 {
        let (d, _, _) = inverse(p, a);
        let at_a = EdgeNearest {
            point: a,
            distance_m: d,
            edge_azimuth_deg: azi_a,
            at_vertex: true,
        };
        return (at_a, OnEdge::Start);
    }
    let mut s = t0 * len;
    let mut best = EdgeNearest {
        point: a,
        distance_m: f64::INFINITY,
        edge_azimuth_deg: azi_a,
        at_vertex: true,
    };
    let mut best_s = 0.0;
    for _ in 0..30 {
        let (x, azi_line) = destination_with_azimuth(a, azi_a, s);
        let (d, _, azi_px) = inverse(p, x);
        let at_vertex = s <= 0.0 || s >= len;
        let here = EdgeNearest {
            point: x,
            distance_m: d,
            edge_azimuth_deg: azi_line,
            at_vertex,
        };
        if d < best.distance_m {
            best = here;
            best_s = s;
        }
        if d < 1e-12 {
            break;
        }
        // Spherical right triangle: along-track offset from x to the foot of the
        // perpendicular from p nearest p (beyond a quarter meridian too, hence
        // atan2). Its error is second order in d/R, so this converges to the
        // ellipsoidal foot in a few steps.
        let theta = (azi_line - azi_px).to_radians();
        let delta = d / MEAN_RADIUS_M;
        let step = -MEAN_RADIUS_M * (delta.sin() * theta.cos()).atan2(delta.cos());
        let next = (s + step).clamp(0.0, len);
        if (next - s).abs() < 1e-9 {
            break;
        }
        s = next;
    }
    let mut on = match best_s {
        s if s <= 0.0 => OnEdge::Start,
        s if s >= len => OnEdge::End,
        _ => OnEdge::Interior,
    };
    // Far away the distance along the edge can have a maximum inside it (near
    // the antipode of the query's foot) and a minimum at each end: when the
    // edge may reach a quarter meridian (with 10 % margin) from `p`, the ends
    // are measured too.
    if best.distance_m + len > 0.45 * std::f64::consts::PI * MEAN_RADIUS_M {
        for (end, end_on) in [(a, OnEdge::Start), (b, OnEdge::End)] {
            let (d, _, _) = inverse(p, end);
            if d < best.distance_m {
                let edge_azimuth_deg = match end_on {
                    OnEdge::Start => azi_a,
                    _ => inverse(a, b).2,
                };
                best = EdgeNearest {
                    point: end,
                    distance_m: d,
                    edge_azimuth_deg,
                    at_vertex: true,
                };
                on = end_on;
            }
        }
    }
    (best, on)
}

/// Ring of a polygon as a slice of coordinates, closed (first == last).
fn rings(poly: &Polygon<f64>) -> impl Iterator<Item = (bool, &LineString<f64>)> {
    std::iter::once((true, poly.exterior())).chain(poly.interiors().iter().map(|r| (false, r)))
}

/// The nearest boundary point found so far: the edge's figures, the ring,
/// the edge's index in it, and where on the edge.
struct Nearest<'a> {
    edge: EdgeNearest,
    exterior: bool,
    ring: &'a LineString<f64>,
    index: usize,
    on: OnEdge,
}

/// Exact geodesic distance from `p` to a polygon whose edges are geodesics.
///
/// Inside or on the boundary gives exactly 0. Candidates are ranked with
/// proven bounds (a local frame near the query, Earth-centred chords farther
/// away or across the frame's seam), so the exact refinement runs on only the
/// few edges that can be nearest, and the true nearest edge is never skipped.
/// Inside is decided by planar parity in the local frame where that is proven,
/// else by the side of the nearest boundary point (edge or vertex) the query
/// lies on, which holds at any distance.
///
/// ```
/// use geo_types::{point, polygon};
/// use impactmap::geodesy::{point_to_polygon, distance_m};
/// let sq = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)];
/// // Due south of the bottom edge (on the equator, itself a geodesic): the meridian arc.
/// let q = point!(x: 0.005, y: -0.001);
/// let n = point_to_polygon(q, &sq);
/// assert!((n.distance_m - distance_m(q, point!(x: 0.005, y: 0.0))).abs() < 1e-7);
/// assert!(!n.inside);
/// assert!((n.bearing_deg.unwrap() - 180.0).abs() < 1e-9);
/// ```
pub fn point_to_polygon(p: Point<f64>, poly: &Polygon<f64>) -> PolygonNearest {
    let frame = LocalFrame::new(p);
    let scan = scan_edges(&frame, poly);
    let far = (!scan.near).then(|| ecef(p.0));
    let mut best: Option<Nearest> = None;
    let mut bound = match far {
        None => scan.upper,
        // Any vertex is no nearer than the nearest boundary point.
        Some(_) => poly
            .exterior()
            .0
            .first()
            .map_or(f64::INFINITY, |&v| inverse(p, Point(v)).0),
    };
    for (exterior, ring) in rings(poly) {
        for (index, w) in ring.0.windows(2).enumerate() {
            let (ax, ay) = frame.project(w[0]);
            let (bx, by) = frame.project(w[1]);
            let lower = match far {
                None => edge_bounds(&frame, ax, ay, bx, by).0,
                Some(q) => chord_lower_bound(q, w[0], w[1]),
            };
            if lower > bound {
                continue;
            }
            let t0 = match far {
                None => planar_parameter(ax, ay, bx, by),
                Some(_) => 0.5,
            };
            let (edge, on) = refine(p, Point(w[0]), Point(w[1]), t0);
            if best
                .as_ref()
                .is_none_or(|b| edge.distance_m < b.edge.distance_m)
            {
                bound = bound.min(edge.distance_m);
                best = Some(Nearest {
                    edge,
                    exterior,
                    ring,
                    index,
                    on,
                });
            }
        }
    }
    let Some(nearest) = best else {
        return PolygonNearest {
            distance_m: f64::INFINITY,
            boundary_distance_m: f64::INFINITY,
            inside: false,
            boundary_point: p,
            bearing_deg: None,
        };
    };
    let edge = nearest.edge;
    let d = edge.distance_m;
    let to_p = (d >= ON_BOUNDARY_M).then(|| inverse(edge.point, p).1);
    let inside = match to_p {
        None => true,
        // Parity in the local frame is proven away from every edge's sag band.
        Some(_) if scan.near && !scan.near_edge => scan.crossings,
        Some(azimuth) => inside_by_nearest(&nearest, azimuth),
    };
    PolygonNearest {
        distance_m: if inside { 0.0 } else { d },
        boundary_distance_m: d,
        inside,
        boundary_point: edge.point,
        bearing_deg: if inside {
            None
        } else {
            to_p.map(normalize_deg)
        },
    }
}

/// Whether the query is inside, from its nearest boundary point and the
/// azimuth there towards the query (degrees). No boundary point lies between
/// the two (it would be nearer), so the query is on the side the boundary
/// turns to at that point: the side of the geodesic edge, or at a vertex, the
/// wedge between its two edges. The interior is left of an exterior ring
/// running counter-clockwise, and of a hole running clockwise.
fn inside_by_nearest(n: &Nearest, azimuth_to_p: f64) -> bool {
    let coords = &n.ring.0;
    let left = match n.on {
        OnEdge::Interior => (azimuth_to_p - n.edge.edge_azimuth_deg).to_radians().sin() < 0.0,
        OnEdge::Start | OnEdge::End => {
            let k = if n.on == OnEdge::Start {
                n.index
            } else {
                n.index + 1
            };
            let vertex = coords[k];
            let last = coords.len() - 1;
            // The neighbouring distinct vertices, round the closed ring.
            let step = |from: usize, forward: bool| {
                let mut i = from;
                for _ in 0..last {
                    i = match (forward, i) {
                        (true, i) if i >= last => 1,
                        (true, i) => i + 1,
                        (false, 0) => last - 1,
                        (false, i) => i - 1,
                    };
                    if coords[i] != vertex {
                        break;
                    }
                }
                Point(coords[i])
            };
            let (next, prev) = (step(k, true), step(k, false));
            let az_next = inverse(Point(vertex), next).1;
            let az_prev = inverse(Point(vertex), prev).1;
            // Turning counter-clockwise (azimuth decreasing) from the way on
            // to the way back sweeps the left-hand wedge.
            (az_next - azimuth_to_p).rem_euclid(360.0) < (az_next - az_prev).rem_euclid(360.0)
        }
    };
    left == (is_ccw(coords) == n.exterior)
}

/// A lower bound (m) on the geodesic distance from the point at ECEF `q` to
/// the geodesic edge `a`–`b`: the chord to the segment between the ends,
/// less how far the edge can bulge out of it (0 when that is not proven).
fn chord_lower_bound(q: [f64; 3], a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (ea, eb) = (ecef(a), ecef(b));
    let ab: [f64; 3] = std::array::from_fn(|k| eb[k] - ea[k]);
    let aq: [f64; 3] = std::array::from_fn(|k| q[k] - ea[k]);
    let dot = |u: &[f64; 3], v: &[f64; 3]| u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    let len2 = dot(&ab, &ab);
    let t = if len2 > 0.0 {
        (dot(&aq, &ab) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let off: [f64; 3] = std::array::from_fn(|k| aq[k] - t * ab[k]);
    match bulge_m(len2.sqrt()) {
        Some(bulge) => (dot(&off, &off).sqrt() - bulge).max(0.0),
        None => 0.0,
    }
}

/// Bounds (m) on [`point_to_polygon`]'s distance from the frame's origin to
/// `poly`, without solving a geodesic near the origin: cheap enough to rank
/// many candidates and refine only those that can be nearest.
///
/// Near the origin the bounds come from the local frame, and the lower bound
/// is 0 wherever the point may be inside: the planar parity test says so, or
/// some edge is too close for that test to be trusted (the band where
/// [`point_to_polygon`] decides by the side of the geodesic edge). Farther, or
/// across the frame's seam, the lower bound is the chord to the Earth-centred
/// box that holds the polygon's surface, and the upper bound the distance to
/// a vertex.
///
/// ```
/// use geo_types::{point, polygon};
/// use impactmap::geodesy::{point_to_polygon, polygon_distance_bounds, LocalFrame};
/// let sq = polygon![(x: 30.0, y: 50.0), (x: 30.001, y: 50.0), (x: 30.001, y: 50.001), (x: 30.0, y: 50.001)];
/// let q = point!(x: 30.002, y: 50.0005);
/// let (lower, upper) = polygon_distance_bounds(&LocalFrame::new(q), &sq);
/// let d = point_to_polygon(q, &sq).distance_m;
/// assert!(lower <= d && d <= upper);
/// assert!(upper - lower < 0.05, "{lower} {upper}"); // a few millimetres either side at 70 m
/// ```
pub fn polygon_distance_bounds(frame: &LocalFrame, poly: &Polygon<f64>) -> (f64, f64) {
    let scan = scan_edges(frame, poly);
    if !scan.near {
        return far_bounds(frame.origin(), poly);
    }
    let lower = if scan.crossings || scan.near_edge {
        0.0
    } else {
        scan.lower
    };
    (lower, scan.upper)
}

/// Bounds (m) on the distance from `p` to a polygon at any distance: the chord
/// to the Earth-centred box of its exterior's vertices, padded by how far the
/// surface between them can bulge (0 when `p` is in the box), and the
/// geodesic distance to its first vertex.
fn far_bounds(p: Point<f64>, poly: &Polygon<f64>) -> (f64, f64) {
    let Some(&first) = poly.exterior().0.first() else {
        return (f64::INFINITY, f64::INFINITY);
    };
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for c in &poly.exterior().0 {
        let e = ecef(*c);
        for k in 0..3 {
            lo[k] = lo[k].min(e[k]);
            hi[k] = hi[k].max(e[k]);
        }
    }
    let diagonal = (0..3).map(|k| (hi[k] - lo[k]).powi(2)).sum::<f64>().sqrt();
    let upper = inverse(p, Point(first)).0;
    let Some(pad) = bulge_m(diagonal) else {
        return (0.0, upper);
    };
    let q = ecef(p.0);
    let outside2: f64 = (0..3)
        .map(|k| {
            ((lo[k] - pad) - q[k])
                .max(q[k] - (hi[k] + pad))
                .max(0.0)
                .powi(2)
        })
        .sum();
    (outside2.sqrt(), upper)
}

/// What one pass over a polygon's edges in the local frame tells.
struct EdgeScan {
    /// Planar parity test: the origin is inside the straight-edged polygon.
    crossings: bool,
    /// Smallest lower and upper bounds on the distance to an edge, metres.
    lower: f64,
    upper: f64,
    /// Some edge may be closer than its sag, where parity is not to be trusted.
    near_edge: bool,
    /// The whole polygon is within the frame's proven reach and off its seam,
    /// so that all of the above hold.
    near: bool,
}

fn scan_edges(frame: &LocalFrame, poly: &Polygon<f64>) -> EdgeScan {
    let mut scan = EdgeScan {
        crossings: false,
        lower: f64::INFINITY,
        upper: f64::INFINITY,
        near_edge: false,
        near: true,
    };
    let mut reach2: f64 = 0.0;
    for (_, ring) in rings(poly) {
        for w in ring.0.windows(2) {
            let (ax, ay) = frame.project(w[0]);
            let (bx, by) = frame.project(w[1]);
            if (ay > 0.0) != (by > 0.0) && 0.0 < (bx - ax) * (-ay) / (by - ay) + ax {
                scan.crossings = !scan.crossings;
            }
            let (lo, hi) = edge_bounds(frame, ax, ay, bx, by);
            scan.near_edge |=
                lo < frame.sag_m(((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).sqrt());
            scan.near &= !frame.tears(ax, bx);
            reach2 = reach2.max(ax * ax + ay * ay);
            scan.lower = scan.lower.min(lo);
            scan.upper = scan.upper.min(hi);
        }
    }
    scan.near &= frame.holds(reach2.sqrt() * 1.01 + 1.0);
    scan
}

/// Lower and upper bounds on the true distance to an edge from its planar distance.
#[inline]
fn edge_bounds(frame: &LocalFrame, ax: f64, ay: f64, bx: f64, by: f64) -> (f64, f64) {
    let approx = planar_distance(ax, ay, bx, by);
    // Plain square roots: `hypot`'s overflow guard costs time and is not
    // needed for distances in metres.
    let len = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).sqrt();
    let reach = (ax * ax + ay * ay).max(bx * bx + by * by).sqrt() * 1.01 + 1.0;
    let eps = frame.relative_error(reach);
    let delta = frame.sag_m(len * (1.0 + eps));
    (
        (approx / (1.0 + eps) - delta).max(0.0),
        approx * (1.0 + eps) + delta,
    )
}

/// Exact geodesic distance from `p` to a multipolygon: the minimum over its
/// polygons, 0 inside any of them.
pub fn point_to_multipolygon(p: Point<f64>, mp: &MultiPolygon<f64>) -> PolygonNearest {
    let mut best: Option<PolygonNearest> = None;
    for poly in &mp.0 {
        let n = point_to_polygon(p, poly);
        let better = match &best {
            None => true,
            Some(b) => {
                (n.inside && !b.inside)
                    || (n.inside == b.inside
                        && if n.inside {
                            n.boundary_distance_m > b.boundary_distance_m
                        } else {
                            n.distance_m < b.distance_m
                        })
            }
        };
        if better {
            best = Some(n);
        }
    }
    best.unwrap_or(PolygonNearest {
        distance_m: f64::INFINITY,
        boundary_distance_m: f64::INFINITY,
        inside: false,
        boundary_point: p,
        bearing_deg: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{destination, distance_m, WGS84_A, WGS84_F};
    use super::*;
    use geo_types::{point, polygon};

    fn square(lon: f64, lat: f64, side_deg: f64) -> Polygon<f64> {
        polygon![
            (x: lon, y: lat),
            (x: lon + side_deg, y: lat),
            (x: lon + side_deg, y: lat + side_deg),
            (x: lon, y: lat + side_deg),
        ]
    }

    #[test]
    fn inside_boundary_and_vertex_give_zero() {
        let sq = square(30.49, 50.46, 0.001);
        // Centre, a vertex, and a point on the western edge (a meridian, hence a geodesic).
        for q in [
            point!(x: 30.4905, y: 50.4605),
            point!(x: 30.49, y: 50.46),
            point!(x: 30.49, y: 50.4605),
        ] {
            let n = point_to_polygon(q, &sq);
            assert_eq!(n.distance_m, 0.0, "{q:?}");
            assert!(n.inside);
        }
    }

    #[test]
    fn geodesic_edge_bulges_poleward_of_the_parallel() {
        // The southern edge runs along 50.46°N between two vertices, but as a
        // geodesic it bulges north by L²·tanφ/(8N) at mid-edge, so the point on
        // the parallel half-way is just outside, by that sagitta (≈0.12 mm).
        let sq = square(30.49, 50.46, 0.001);
        let (a, b) = (point!(x: 30.49, y: 50.46), point!(x: 30.491, y: 50.46));
        let len = distance_m(a, b);
        let phi = 50.46_f64.to_radians();
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let n = WGS84_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let sagitta = len * len * phi.tan() / (8.0 * n);
        let r = point_to_polygon(point!(x: 30.4905, y: 50.46), &sq);
        assert!(!r.inside);
        assert!(
            (r.distance_m - sagitta).abs() < 0.01 * sagitta,
            "{} vs {}",
            r.distance_m,
            sagitta
        );
        assert!((r.bearing_deg.unwrap() - 180.0).abs() < 1e-6);
    }

    #[test]
    fn equator_edge_distance_is_meridian_arc() {
        // Bottom edge on the equator; a point due north of the square's top is
        // measured to the top edge, a point due south to the equator.
        let sq = square(0.0, 0.0, 0.01);
        let q = point!(x: 0.004, y: -0.002);
        let n = point_to_polygon(q, &sq);
        assert!((n.distance_m - distance_m(q, point!(x: 0.004, y: 0.0))).abs() < 1e-7);
        assert!((n.boundary_point.x() - 0.004).abs() < 1e-10);
    }

    #[test]
    fn meridian_edge_distance_is_equator_arc() {
        let sq = polygon![(x: 0.0, y: -1.0), (x: 1.0, y: -1.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let n = point_to_polygon(point!(x: -0.002, y: 0.0), &sq);
        assert!(
            (n.distance_m - WGS84_A * 0.002_f64.to_radians()).abs() < 1e-7,
            "{}",
            n.distance_m
        );
        assert!((n.bearing_deg.unwrap() - 270.0).abs() < 1e-9);
        assert!(n.boundary_point.y().abs() < 1e-12);
    }

    #[test]
    fn vertex_is_nearest_outside_a_corner() {
        let sq = square(30.0, 50.0, 0.001);
        let corner = point!(x: 30.001, y: 50.001);
        let q = destination(corner, 45.0, 20.0);
        let n = point_to_polygon(q, &sq);
        assert!((n.distance_m - 20.0).abs() < 1e-6, "{}", n.distance_m);
        assert!((n.bearing_deg.unwrap() - 45.0).abs() < 0.01);
    }

    #[test]
    fn hole_is_outside() {
        let outer = square(30.0, 50.0, 0.01);
        let hole = square(30.004, 50.004, 0.002);
        let mut ring = hole.exterior().clone();
        ring.0.reverse();
        let poly = Polygon::new(outer.exterior().clone(), vec![ring]);
        let n = point_to_polygon(point!(x: 30.005, y: 50.005), &poly);
        assert!(!n.inside);
        // The hole is 0.002° wide, so the centre is 0.001° of latitude from its north/south edges
        // or 0.001° of longitude from east/west ones; the nearest is the east/west edge (shorter).
        let expected = distance_m(point!(x: 30.005, y: 50.005), point!(x: 30.004, y: 50.005));
        assert!(n.distance_m <= expected + 1e-6 && n.distance_m > expected * 0.99);
    }

    #[test]
    fn long_east_west_edge_sliver_is_decided_by_the_geodesic() {
        // A 2° wide box at 50°N: its northern edge is a geodesic that bulges
        // north of the parallel by hundreds of metres at the middle. A point on
        // the parallel 50.001°N at mid-edge lies inside the geodesic polygon
        // although the straight lon/lat edge would put it outside.
        let poly = polygon![(x: 30.0, y: 49.0), (x: 32.0, y: 49.0), (x: 32.0, y: 50.0), (x: 30.0, y: 50.0)];
        let q = point!(x: 31.0, y: 50.001);
        let n = point_to_polygon(q, &poly);
        assert!(n.inside, "{n:?}");
        assert!(n.boundary_distance_m > 100.0);
    }

    fn dateline_square() -> Polygon<f64> {
        polygon![(x: 179.9, y: 50.0), (x: -179.9, y: 50.0), (x: -179.9, y: 50.2), (x: 179.9, y: 50.2)]
    }

    #[test]
    fn square_across_the_antimeridian_is_measured_over_the_pole() {
        // From (0, 50) the nearest point is on the top edge at 180°: along the
        // meridian over the pole, 79.8° of latitude (less the edge's poleward
        // bulge of a few metres), about 8,870 km.
        let sq = dateline_square();
        let n = point_to_polygon(point!(x: 0.0, y: 50.0), &sq);
        assert!(!n.inside);
        let over_pole = distance_m(point!(x: 0.0, y: 50.0), point!(x: 0.0, y: 90.0))
            + distance_m(point!(x: 180.0, y: 90.0), point!(x: 180.0, y: 50.2));
        assert!(
            n.distance_m < over_pole && n.distance_m > over_pole - 10.0,
            "{} vs {over_pole}",
            n.distance_m
        );
        assert!((n.boundary_point.x().abs() - 180.0).abs() < 1e-6, "{n:?}");
        assert!(point_to_polygon(point!(x: -179.95, y: 50.1), &sq).inside);
        assert!(point_to_polygon(point!(x: 179.95, y: 50.1), &sq).inside);
        // Just north of the top edge, on either side of the antimeridian.
        for lon in [179.95, -179.95] {
            let n = point_to_polygon(point!(x: lon, y: 50.21), &sq);
            assert!(!n.inside);
            assert!((n.distance_m - 1112.0).abs() < 10.0, "{}", n.distance_m);
        }
    }

    #[test]
    fn antipode_of_an_equator_square_is_half_a_meridian_away() {
        // The antipode of the square's centre: every way round is about half
        // a meridian, less the square's half-width (55 km) and a little more
        // (near-antipodal geodesics on the ellipsoid are shorter than the meridian).
        let sq =
            polygon![(x: 10.0, y: -0.5), (x: 11.0, y: -0.5), (x: 11.0, y: 0.5), (x: 10.0, y: 0.5)];
        let n = point_to_polygon(point!(x: -169.5, y: 0.0), &sq);
        assert!(!n.inside);
        let half_meridian = distance_m(point!(x: 0.0, y: -90.0), point!(x: 0.0, y: 90.0));
        assert!(
            n.distance_m > half_meridian - 80_000.0 && n.distance_m < half_meridian - 55_000.0,
            "{}",
            n.distance_m
        );
        // Every vertex and the far side are farther.
        for v in &sq.exterior().0 {
            assert!(distance_m(point!(x: -169.5, y: 0.0), Point(*v)) >= n.distance_m);
        }
    }

    #[test]
    fn inside_far_from_the_frame_is_decided_by_the_nearest_vertex_wedge() {
        // A 600 km L-shaped polygon: the notch is outside, nearest to the edge
        // along 3°N (which bulges north of the parallel); the reflex corner is
        // nearest to points inside beyond it.
        let l = polygon![
            (x: 0.0, y: 0.0), (x: 6.0, y: 0.0), (x: 6.0, y: 3.0), (x: 3.0, y: 3.0),
            (x: 3.0, y: 6.0), (x: 0.0, y: 6.0)
        ];
        let notch = point_to_polygon(point!(x: 4.0, y: 4.0), &l);
        assert!(!notch.inside);
        assert!(
            notch.boundary_point.y() > 3.0 && notch.boundary_point.y() < 3.01,
            "{notch:?}"
        );
        assert!(point_to_polygon(point!(x: 2.5, y: 2.5), &l).inside);
        assert!(point_to_polygon(point!(x: 1.0, y: 5.0), &l).inside);
        assert!(!point_to_polygon(point!(x: 7.0, y: 1.0), &l).inside);
    }
}
