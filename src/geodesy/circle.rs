//! Geodesic circles and sectors, densified to a stated accuracy.

use super::destination;
use geo_types::{Coord, LineString, Point, Polygon};

/// How many vertices a polygon needs so that its chords stay within
/// `max_error_m` of a circle of radius `radius_m` (sagitta r·(1 − cos(π/n))).
pub fn vertices_for_accuracy(radius_m: f64, max_error_m: f64) -> usize {
    if radius_m <= 0.0 {
        return 4;
    }
    let ratio = (1.0 - max_error_m / radius_m).clamp(-1.0, 1.0);
    let n = (std::f64::consts::PI / ratio.acos()).ceil() as usize;
    n.clamp(16, 4096)
}

/// A geodesic circle: every vertex is exactly `radius_m` from `centre`, with
/// enough vertices that the outline stays within `max_error_m` of the true
/// circle. Counter-clockwise, closed.
pub fn geodesic_circle(centre: Point<f64>, radius_m: f64, max_error_m: f64) -> Polygon<f64> {
    let n = vertices_for_accuracy(radius_m, max_error_m);
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|i| destination(centre, -(i as f64) * 360.0 / n as f64, radius_m).0)
        .collect();
    pts.push(pts[0]);
    Polygon::new(LineString(pts), vec![])
}

/// An annular sector between radii `inner_m` and `outer_m` (metres) and
/// bearings `from_deg` to `to_deg` clockwise (degrees), counter-clockwise, closed.
/// With `inner_m == 0` it is a pie slice.
pub fn geodesic_sector(
    centre: Point<f64>,
    inner_m: f64,
    outer_m: f64,
    from_deg: f64,
    to_deg: f64,
    max_error_m: f64,
) -> Polygon<f64> {
    let mut span = (to_deg - from_deg).rem_euclid(360.0);
    if span == 0.0 {
        span = 360.0;
    }
    let steps = ((vertices_for_accuracy(outer_m, max_error_m) as f64 * span / 360.0).ceil()
        as usize)
        .max(2);
    // Outer arc clockwise would make the ring clockwise; walk the outer arc
    // from `to` back to `from` (counter-clockwise), then the inner arc forward.
    let mut pts: Vec<Coord<f64>> = (0..=steps)
        .map(|i| destination(centre, to_deg - span * i as f64 / steps as f64, outer_m).0)
        .collect();
    if inner_m > 0.0 {
        pts.extend(
            (0..=steps)
                .map(|i| destination(centre, from_deg + span * i as f64 / steps as f64, inner_m).0),
        );
    } else {
        pts.push(centre.0);
    }
    pts.push(pts[0]);
    Polygon::new(LineString(pts), vec![])
}

#[cfg(test)]
mod tests {
    use super::super::distance_m;
    use super::*;
    use geo_types::point;

    #[test]
    fn circle_vertices_are_on_the_radius_and_chords_within_tolerance() {
        let c = point!(x: 30.49, y: 50.46);
        let circle = geodesic_circle(c, 500.0, 0.05);
        let ring = &circle.exterior().0;
        for v in ring {
            assert!((distance_m(c, Point(*v)) - 500.0).abs() < 1e-6);
        }
        // Mid-chord points are within 5 cm of the circle.
        for w in ring.windows(2) {
            let mid = point!(x: (w[0].x + w[1].x) / 2.0, y: (w[0].y + w[1].y) / 2.0);
            assert!(500.0 - distance_m(c, mid) < 0.05 + 1e-3);
        }
    }
}
