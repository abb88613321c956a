//! Geodesic buffers: the set of points within a distance of points and
//! polygons, measured along the WGS84 ellipsoid.
//!
//! The outline is traced at the exact geodesic distance: every vertex lies
//! exactly `radius_m` from the input (up to GeographicLib's double precision),
//! and vertices are inserted until each straight lon/lat chord between two
//! of them stays within `max_error_m` of the true curve.
//!
//! A polygon's buffer is built from its raw offset curve: along each edge,
//! the points reached by walking `radius_m` perpendicular to the geodesic
//! edge; around each convex vertex, a geodesic arc centred on the vertex;
//! at each reflex vertex, the vertex itself. The region the raw curve winds
//! around a positive number of times is the buffer (the winding-number
//! offset method); self-overlaps are resolved with `i_overlay`'s positive
//! fill rule. Holes shrink by the same construction turned inwards.

use super::{
    destination, destination_with_azimuth, distance_m, geodesic_circle, inverse, normalize_deg,
    signed_area2, vertices_for_accuracy,
};
use geo::BooleanOps;
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};

/// Most times a chord is halved while tracing an outline (2^16 pieces per edge).
const MAX_DEPTH: u32 = 16;

/// Points of the curve `f(t)` for `t` in `[t0, t1]`, after `f(t0)` and up to
/// and including `f(t1)`, dense enough that the straight lon/lat chord
/// between consecutive points passes within `max_error_m` (metres, geodesic)
/// of the curve at the chord's middle parameter.
///
/// The curve is assumed smooth with curvature of one sign between `t0` and
/// `t1` (a geodesic, an offset of a geodesic, an arc), so the error is
/// largest near the middle.
pub fn densify_curve(
    f: &impl Fn(f64) -> Point<f64>,
    t0: f64,
    t1: f64,
    max_error_m: f64,
    out: &mut Vec<Coord<f64>>,
) {
    let (a, b) = (f(t0), f(t1));
    refine(f, (t0, a), (t1, b), max_error_m, 0, out);
}

fn refine(
    f: &impl Fn(f64) -> Point<f64>,
    (t0, a): (f64, Point<f64>),
    (t1, b): (f64, Point<f64>),
    tol: f64,
    depth: u32,
    out: &mut Vec<Coord<f64>>,
) {
    let tm = 0.5 * (t0 + t1);
    let m = f(tm);
    let chord_mid = Point::new(0.5 * (a.x() + b.x()), 0.5 * (a.y() + b.y()));
    if depth >= MAX_DEPTH || distance_m(m, chord_mid) <= tol {
        out.push(b.0);
    } else {
        refine(f, (t0, a), (tm, m), tol, depth + 1, out);
        refine(f, (tm, m), (t1, b), tol, depth + 1, out);
    }
}

/// The geodesic from `a` to `b` as a line string whose lon/lat chords stay
/// within `max_error_m` of the geodesic (both ends included).
pub fn densify_geodesic(a: Point<f64>, b: Point<f64>, max_error_m: f64) -> LineString<f64> {
    let (len, azi, _) = inverse(a, b);
    let mut pts = vec![a.0];
    if len > 0.0 {
        densify_curve(&|s| destination(a, azi, s), 0.0, len, max_error_m, &mut pts);
    } else {
        pts.push(b.0);
    }
    LineString(pts)
}

/// The distinct vertices of a ring, counter-clockwise, without the closing repeat.
fn ccw_vertices(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut v: Vec<Coord<f64>> = ring.0.clone();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v.dedup();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    if signed_area2(&v) < 0.0 {
        v.reverse();
    }
    v
}

/// Which side of a counter-clockwise ring the raw offset curve runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Outside (right of travel): grows an exterior ring.
    Out,
    /// Inside (left of travel): shrinks the region a ring encloses.
    In,
}

/// The raw offset curve of a counter-clockwise ring (vertices without the
/// closing repeat) at geodesic distance `r` on `side`. It may cross itself;
/// its positive-winding region is the grown (or shrunk) region.
fn raw_offset(
    vertices: &[Coord<f64>],
    r: f64,
    side: Side,
    tol: f64,
    convex: &mut bool,
) -> Vec<Coord<f64>> {
    let n = vertices.len();
    let normal = if side == Side::Out { 90.0 } else { -90.0 };
    let arc_steps_full = vertices_for_accuracy(r, tol) as f64;
    // Per edge: start point, forward azimuth at start, length, azimuth at end.
    let edges: Vec<(Point<f64>, f64, f64, f64)> = (0..n)
        .filter_map(|i| {
            let (a, b) = (Point(vertices[i]), Point(vertices[(i + 1) % n]));
            let (len, az_a, az_b) = inverse(a, b);
            (len > 1e-9).then_some((a, az_a, len, az_b))
        })
        .collect();
    let mut out = Vec::new();
    *convex = true;
    for (k, &(a, az_a, len, az_b)) in edges.iter().enumerate() {
        // Offset of the edge: walk along the edge, then perpendicular.
        let offset = |s: f64| {
            let (x, az) = destination_with_azimuth(a, az_a, s);
            destination(x, az + normal, r)
        };
        out.push(offset(0.0).0);
        densify_curve(&offset, 0.0, len, tol, &mut out);
        // Join to the next edge around the shared vertex.
        let (b, az_next, ..) = edges[(k + 1) % edges.len()];
        let turn = normalize_deg(az_next - az_b + 180.0) - 180.0; // > 0: turning right
        let outer_turn = if side == Side::Out {
            turn < 0.0
        } else {
            turn > 0.0
        };
        if turn.abs() < 1e-9 {
            continue;
        }
        if outer_turn {
            // Arc around the vertex from the end normal of this edge to the
            // start normal of the next one.
            let (from, sweep) = (az_b + normal, turn);
            let steps = ((arc_steps_full * sweep.abs() / 360.0).ceil() as usize).max(1);
            for i in 1..steps {
                let az = from + sweep * i as f64 / steps as f64;
                out.push(destination(b, az, r).0);
            }
        } else {
            *convex = false;
            out.push(b.0);
        }
    }
    out
}

/// Closes a list of coordinates into a ring.
fn closed(mut v: Vec<Coord<f64>>) -> Vec<Coord<f64>> {
    if let Some(first) = v.first().copied() {
        if v.last() != Some(&first) {
            v.push(first);
        }
    }
    v
}

fn to_path(v: &[Coord<f64>]) -> Vec<[f64; 2]> {
    v.iter().map(|c| [c.x, c.y]).collect()
}

/// Shapes from `i_overlay` (outer contour first, then holes; implicitly closed) as a MultiPolygon.
fn from_shapes(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> MultiPolygon<f64> {
    let ring = |c: &Vec<[f64; 2]>| {
        LineString(closed(
            c.iter().map(|p| Coord { x: p[0], y: p[1] }).collect(),
        ))
    };
    MultiPolygon(
        shapes
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| Polygon::new(ring(&s[0]), s[1..].iter().map(ring).collect()))
            .collect(),
    )
}

/// The region a set of closed paths winds around a positive number of times.
fn positive_fill(paths: &[Vec<[f64; 2]>]) -> MultiPolygon<f64> {
    let shapes =
        FloatOverlay::with_subj_custom(&paths.to_vec(), OverlayOptions::ogc(), Default::default())
            .overlay(OverlayRule::Subject, FillRule::Positive);
    from_shapes(shapes)
}

/// One polygon's contribution to a buffer.
enum Piece {
    /// Its raw offset curve (to be filled with the others), and whether the polygon is convex.
    Raw(Vec<[f64; 2]>, bool),
    /// Its finished buffer (a polygon with holes: grown exterior minus shrunk holes).
    Done(MultiPolygon<f64>),
}

/// The geodesic buffer of one polygon at `radius_m` (> 0), outline within `max_error_m`.
fn buffer_polygon(poly: &Polygon<f64>, radius_m: f64, max_error_m: f64) -> Option<Piece> {
    let ext = ccw_vertices(poly.exterior());
    if ext.len() < 3 {
        return None;
    }
    let mut convex = true;
    let outline = to_path(&raw_offset(
        &ext,
        radius_m,
        Side::Out,
        max_error_m,
        &mut convex,
    ));
    let holes: Vec<Vec<[f64; 2]>> = poly
        .interiors()
        .iter()
        .map(ccw_vertices)
        .filter(|h| h.len() >= 3)
        .map(|h| to_path(&raw_offset(&h, radius_m, Side::In, max_error_m, &mut true)))
        .collect();
    if holes.is_empty() {
        return Some(Piece::Raw(outline, convex));
    }
    let grown = positive_fill(&[outline]);
    let shrunk = positive_fill(&holes);
    Some(Piece::Done(grown.difference(&shrunk)))
}

/// The geodesic buffer at `radius_m` metres of a set of points and polygons
/// (WGS84 lon/lat): every point within `radius_m` of any of them.
///
/// Outline vertices are exactly `radius_m` from the input; chords stay within
/// `max_error_m` of the true outline. Exterior rings come out counter-clockwise.
/// A radius of 0 gives the polygons themselves (points vanish).
///
/// ```
/// use geo_types::{point, polygon, Point};
/// use impactmap::geodesy::{geodesic_buffer, point_to_polygon};
/// let footprint = polygon![(x: 30.490, y: 50.460), (x: 30.491, y: 50.460), (x: 30.491, y: 50.4605), (x: 30.490, y: 50.4605)];
/// let b = geodesic_buffer(&[], std::slice::from_ref(&footprint), 100.0, 0.05);
/// for v in &b.0[0].exterior().0 {
///     let d = point_to_polygon(Point(*v), &footprint).distance_m;
///     assert!((d - 100.0).abs() < 1e-6);
/// }
/// ```
pub fn geodesic_buffer(
    points: &[Point<f64>],
    polygons: &[Polygon<f64>],
    radius_m: f64,
    max_error_m: f64,
) -> MultiPolygon<f64> {
    if radius_m <= 0.0 {
        return MultiPolygon(polygons.to_vec());
    }
    let mut raw: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut done: Vec<MultiPolygon<f64>> = Vec::new();
    let mut all_convex = true;
    for poly in polygons {
        match buffer_polygon(poly, radius_m, max_error_m) {
            Some(Piece::Raw(path, convex)) => {
                all_convex &= convex;
                raw.push(path);
            }
            Some(Piece::Done(mp)) => done.push(mp),
            None => {}
        }
    }
    for p in points {
        let mut ring = geodesic_circle(*p, radius_m, max_error_m)
            .exterior()
            .0
            .clone();
        ring.pop();
        raw.push(to_path(&ring));
    }
    // One convex polygon (or one point) needs no overlay: its raw curve is simple.
    if done.is_empty() && raw.len() == 1 && all_convex {
        let ring: Vec<Coord<f64>> = raw[0].iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
        return MultiPolygon(vec![Polygon::new(LineString(closed(ring)), vec![])]);
    }
    let mut result = if raw.is_empty() {
        MultiPolygon(vec![])
    } else {
        positive_fill(&raw)
    };
    for mp in done {
        result = if result.0.is_empty() {
            mp
        } else {
            result.union(&mp)
        };
    }
    result
}

/// The band between `inner_m` and `outer_m` metres of a set of points and
/// polygons: the outer buffer minus the inner one (the polygons themselves
/// when `inner_m` is 0).
pub fn geodesic_band(
    points: &[Point<f64>],
    polygons: &[Polygon<f64>],
    inner_m: f64,
    outer_m: f64,
    max_error_m: f64,
) -> MultiPolygon<f64> {
    let outer = geodesic_buffer(points, polygons, outer_m, max_error_m);
    if inner_m <= 0.0 {
        if polygons.is_empty() {
            return outer;
        }
        return outer.difference(&MultiPolygon(polygons.to_vec()));
    }
    outer.difference(&geodesic_buffer(points, polygons, inner_m, max_error_m))
}

#[cfg(test)]
mod tests {
    use super::super::{point_to_multipolygon, point_to_polygon};
    use super::*;
    use geo_types::{point, polygon};

    /// Checks every vertex and chord midpoint of every ring against the exact distance.
    fn assert_outline(
        b: &MultiPolygon<f64>,
        dist: impl Fn(Point<f64>) -> f64,
        r: f64,
        tol: f64,
    ) -> usize {
        let mut checked = 0;
        for poly in &b.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for w in ring.0.windows(2) {
                    let v = dist(Point(w[0]));
                    let m = dist(Point::new(0.5 * (w[0].x + w[1].x), 0.5 * (w[0].y + w[1].y)));
                    // Vertices are exact except where two arcs cross (also exact up to the chord error).
                    assert!((v - r).abs() <= tol + 1e-6, "vertex at {v} m, want {r}");
                    assert!(
                        (m - r).abs() <= tol + 1e-6,
                        "chord midpoint at {m} m, want {r}"
                    );
                    checked += 1;
                }
            }
        }
        checked
    }

    #[test]
    fn circle_around_point_is_exact() {
        let c = point!(x: 30.49056162, y: 50.46082135);
        for r in [50.0_f64, 100.0, 250.0, 500.0] {
            let tol = (0.001 * r).min(0.05);
            let b = geodesic_buffer(&[c], &[], r, tol);
            assert_eq!(b.0.len(), 1);
            let n = assert_outline(&b, |p| distance_m(c, p), r, tol);
            assert!(n >= 16);
            assert!(signed_area2(b.0[0].exterior()) > 0.0);
        }
    }

    #[test]
    fn buffer_of_l_shaped_footprint_follows_exact_distance() {
        // An L-shaped (non-convex) building of about 70 m × 55 m in Kyiv.
        let l = polygon![
            (x: 30.4900, y: 50.4600), (x: 30.4910, y: 50.4600), (x: 30.4910, y: 50.4602),
            (x: 30.4903, y: 50.4602), (x: 30.4903, y: 50.4605), (x: 30.4900, y: 50.4605),
        ];
        for r in [10.0_f64, 50.0, 250.0] {
            let tol = (0.001 * r).min(0.05);
            let b = geodesic_buffer(&[], std::slice::from_ref(&l), r, tol);
            assert_eq!(b.0.len(), 1, "one piece at {r} m");
            assert_outline(&b, |p| point_to_polygon(p, &l).distance_m, r, tol);
            assert!(signed_area2(b.0[0].exterior()) > 0.0);
        }
    }

    #[test]
    fn hole_shrinks_then_closes() {
        // A courtyard building: 200 m square with a 100 m square courtyard.
        let outer = polygon![(x: 30.0, y: 50.0), (x: 30.0028, y: 50.0), (x: 30.0028, y: 50.0018), (x: 30.0, y: 50.0018)];
        let hole = LineString(vec![
            Coord {
                x: 30.0007,
                y: 50.00045,
            },
            Coord {
                x: 30.0007,
                y: 50.00135,
            },
            Coord {
                x: 30.0021,
                y: 50.00135,
            },
            Coord {
                x: 30.0021,
                y: 50.00045,
            },
            Coord {
                x: 30.0007,
                y: 50.00045,
            },
        ]);
        let poly = Polygon::new(outer.exterior().clone(), vec![hole]);
        let dist = |p: Point<f64>| point_to_polygon(p, &poly).distance_m;
        let b = geodesic_buffer(&[], std::slice::from_ref(&poly), 20.0, 0.02);
        assert_eq!(b.0.len(), 1);
        assert_eq!(
            b.0[0].interiors().len(),
            1,
            "a 100 m courtyard survives a 20 m buffer"
        );
        assert_outline(&b, dist, 20.0, 0.02);
        let b = geodesic_buffer(&[], std::slice::from_ref(&poly), 60.0, 0.05);
        assert_eq!(b.0[0].interiors().len(), 0, "and closes at 60 m");
    }

    #[test]
    fn separate_pieces_merge_when_close() {
        let a = polygon![(x: 30.0, y: 50.0), (x: 30.0005, y: 50.0), (x: 30.0005, y: 50.0005), (x: 30.0, y: 50.0005)];
        let b = polygon![(x: 30.0015, y: 50.0), (x: 30.002, y: 50.0), (x: 30.002, y: 50.0005), (x: 30.0015, y: 50.0005)];
        let mp = MultiPolygon(vec![a.clone(), b.clone()]);
        let dist = |p: Point<f64>| point_to_multipolygon(p, &mp).distance_m;
        // The gap is about 71.6 m: 30 m buffers stay apart, 40 m ones merge.
        assert_eq!(geodesic_buffer(&[], &mp.0, 30.0, 0.03).0.len(), 2);
        let merged = geodesic_buffer(&[point!(x: 30.001, y: 50.002)], &mp.0, 40.0, 0.04);
        assert_eq!(
            merged.0.len(),
            2,
            "the two footprints merge; the point stays apart"
        );
        assert_outline(
            &merged,
            |p| dist(p).min(distance_m(point!(x: 30.001, y: 50.002), p)),
            40.0,
            0.04,
        );
    }

    #[test]
    fn band_excludes_the_inside() {
        let c = point!(x: 30.5, y: 50.45);
        let band = geodesic_band(&[c], &[], 21.0, 31.5, 0.02);
        assert_eq!(band.0.len(), 1);
        assert_eq!(band.0[0].interiors().len(), 1);
        let inner = &band.0[0].interiors()[0];
        for v in &inner.0 {
            assert!((distance_m(c, Point(*v)) - 21.0).abs() < 1e-6);
        }
    }

    #[test]
    fn long_geodesic_is_densified() {
        let a = point!(x: 30.0, y: 50.0);
        let b = point!(x: 32.0, y: 50.0);
        let line = densify_geodesic(a, b, 0.05);
        assert!(line.0.len() > 10);
        let (_, azi, _) = inverse(a, b);
        for w in line.0.windows(2) {
            let mid = Point::new(0.5 * (w[0].x + w[1].x), 0.5 * (w[0].y + w[1].y));
            // Distance from the chord midpoint to the geodesic: project onto it.
            let n = super::super::nearest_on_edge(mid, a, b);
            assert!(n.distance_m < 0.05 + 1e-6, "{}", n.distance_m);
        }
        let _ = azi;
    }
}
