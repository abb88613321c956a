//! Exact geodesic distance from a point to polygon edges and polygons.

use super::{destination_with_azimuth, inverse, normalize_deg, LocalFrame, MEAN_RADIUS_M};
use geo_types::{LineString, MultiPolygon, Point, Polygon};

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
    let (len, azi_a, _) = inverse(a, b);
    if len < 1e-9 {
        let (d, _, _) = inverse(p, a);
        return EdgeNearest {
            point: a,
            distance_m: d,
            edge_azimuth_deg: azi_a,
            at_vertex: true,
        };
    }
    let mut s = t0 * len;
    let mut best = EdgeNearest {
        point: a,
        distance_m: f64::INFINITY,
        edge_azimuth_deg: azi_a,
        at_vertex: true,
    };
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
        }
        if d < 1e-12 {
            break;
        }
        // Spherical right triangle: along-track offset from x to the foot of the
        // perpendicular from p. Its error is second order in d/R, so this
        // converges to the ellipsoidal foot in a few steps.
        let theta = (azi_line - azi_px).to_radians();
        let delta = d / MEAN_RADIUS_M;
        let step = -MEAN_RADIUS_M * (delta.tan() * theta.cos()).atan();
        let next = (s + step).clamp(0.0, len);
        if (next - s).abs() < 1e-9 {
            break;
        }
        s = next;
    }
    best
}

/// Ring of a polygon as a slice of coordinates, closed (first == last).
fn rings(poly: &Polygon<f64>) -> impl Iterator<Item = (bool, &LineString<f64>)> {
    std::iter::once((true, poly.exterior())).chain(poly.interiors().iter().map(|r| (false, r)))
}

/// Twice the signed planar area of a ring in lon/lat: positive when counter-clockwise.
fn signed_area2(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// Exact geodesic distance from `p` to a polygon whose edges are geodesics.
///
/// Inside or on the boundary gives exactly 0. Candidates are ranked in a local
/// frame with a proven error margin, so the exact refinement runs on only the
/// few edges that can be nearest, and the true nearest edge is never skipped.
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
    let (crossings, min_upper) = (scan.crossings, scan.upper);
    let mut best: Option<(EdgeNearest, bool, &LineString<f64>, f64)> = None;
    let mut bound = min_upper;
    for (exterior, ring) in rings(poly) {
        for w in ring.0.windows(2) {
            let (ax, ay) = frame.project(w[0]);
            let (bx, by) = frame.project(w[1]);
            let (lower, _) = edge_bounds(&frame, ax, ay, bx, by);
            if lower > bound {
                continue;
            }
            let e = refine_edge(
                p,
                Point(w[0]),
                Point(w[1]),
                planar_parameter(ax, ay, bx, by),
            );
            if best
                .as_ref()
                .is_none_or(|(b, ..)| e.distance_m < b.distance_m)
            {
                let len = (bx - ax).hypot(by - ay);
                best = Some((e, exterior, ring, len));
                bound = bound.min(e.distance_m);
            }
        }
    }
    let Some((edge, exterior, ring, len)) = best else {
        return PolygonNearest {
            distance_m: f64::INFINITY,
            boundary_distance_m: f64::INFINITY,
            inside: false,
            boundary_point: p,
            bearing_deg: None,
        };
    };
    let d = edge.distance_m;
    let inside = if d < ON_BOUNDARY_M {
        true
    } else if !edge.at_vertex && d < frame.sag_m(len) {
        // So close to an edge that the straight lon/lat edge of the parity test
        // and the true geodesic edge may disagree: decide by the side of the
        // geodesic edge the point lies on (interior is left of an exterior ring
        // running counter-clockwise, and of a hole running clockwise).
        let (_, az_xp, _) = inverse(edge.point, p);
        let left = (az_xp - edge.edge_azimuth_deg).to_radians().sin() < 0.0;
        let ccw = signed_area2(ring) > 0.0;
        left == (ccw == exterior)
    } else {
        crossings
    };
    let bearing_deg = (d >= ON_BOUNDARY_M).then(|| normalize_deg(inverse(edge.point, p).1));
    PolygonNearest {
        distance_m: if inside { 0.0 } else { d },
        boundary_distance_m: d,
        inside,
        boundary_point: edge.point,
        bearing_deg: if inside { None } else { bearing_deg },
    }
}

/// Bounds (m) on [`point_to_polygon`]'s distance from the frame's origin to
/// `poly`, from the local frame alone (no geodesic is solved): cheap enough to
/// rank many candidates and refine only those that can be nearest.
///
/// The lower bound is 0 wherever the point may be inside: the planar parity
/// test says so, or some edge is too close for that test to be trusted (the
/// band where [`point_to_polygon`] decides by the side of the geodesic edge).
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
    let lower = if scan.crossings || scan.near_edge {
        0.0
    } else {
        scan.lower
    };
    (lower, scan.upper)
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
}

fn scan_edges(frame: &LocalFrame, poly: &Polygon<f64>) -> EdgeScan {
    let mut scan = EdgeScan {
        crossings: false,
        lower: f64::INFINITY,
        upper: f64::INFINITY,
        near_edge: false,
    };
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
            scan.lower = scan.lower.min(lo);
            scan.upper = scan.upper.min(hi);
        }
    }
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
}
