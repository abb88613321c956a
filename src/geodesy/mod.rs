//! Geodesic measures on the WGS84 ellipsoid, exact to GeographicLib's double
//! precision (≈15 nm for point to point).
//!
//! All points are `geo_types::Point` in lon/lat degrees (`x` = longitude,
//! `y` = latitude); distances are metres along the ellipsoid; azimuths and
//! bearings are degrees clockwise from true north in `[0, 360)`.
//!
//! Polygon edges are geodesics, as in PostGIS `geography`.
//! [`point_to_polygon`] finds the nearest point of each edge by iterating
//! GeographicLib's direct and inverse solutions until the connecting geodesic
//! meets the edge at a right angle, so the distance is exact, not planar.

mod buffer;
mod circle;
mod local;
mod polygon;
mod ring;

pub use buffer::{densify_curve, densify_geodesic, geodesic_band, geodesic_buffer};
pub use circle::{geodesic_circle, geodesic_sector, vertices_for_accuracy};
pub use local::{LocalFrame, NEAR_FIELD_M};
pub use polygon::{
    nearest_on_edge, point_to_multipolygon, point_to_polygon, polygon_distance_bounds, EdgeNearest,
    PolygonNearest,
};
pub use ring::{
    bulge_m, continuous, crosses_antimeridian, interior_point, is_ccw, lon_near, ring_problem,
    signed_area2, unwrapped, MAX_RING_EXTENT_M, MIN_CURVATURE_RADIUS_M,
};

use geo_types::Point;
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use std::sync::OnceLock;

/// WGS84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Mean Earth radius (IUGG R1), metres: used only for first guesses and bounds.
pub const MEAN_RADIUS_M: f64 = 6_371_008.8;

/// The shared WGS84 geodesic solver.
pub fn wgs84() -> &'static Geodesic {
    static GEOD: OnceLock<Geodesic> = OnceLock::new();
    GEOD.get_or_init(|| Geodesic::new(WGS84_A, WGS84_F))
}

/// WGS84 lon/lat degrees (height 0) → Earth-centred, Earth-fixed (ECEF) metres.
#[inline]
pub fn ecef(c: geo_types::Coord<f64>) -> [f64; 3] {
    let (lat, lon) = (c.y.to_radians(), c.x.to_radians());
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let (sl, cl) = lat.sin_cos();
    let n = WGS84_A / (1.0 - e2 * sl * sl).sqrt();
    let (so, co) = lon.sin_cos();
    [n * cl * co, n * cl * so, n * (1.0 - e2) * sl]
}

/// Geodesic distance between two points, metres.
///
/// ```
/// use geo_types::point;
/// // A quarter of the equator is a·π/2 = 10 018 754.171 m.
/// let d = impactmap::geodesy::distance_m(point!(x: 0.0, y: 0.0), point!(x: 90.0, y: 0.0));
/// assert!((d - 10_018_754.171_394).abs() < 1e-6);
/// ```
pub fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    wgs84().inverse(a.y(), a.x(), b.y(), b.x())
}

/// Distance (m), forward azimuth at `a` and forward azimuth at `b` (degrees).
pub fn inverse(a: Point<f64>, b: Point<f64>) -> (f64, f64, f64) {
    let (s12, azi1, azi2, _a12) = wgs84().inverse(a.y(), a.x(), b.y(), b.x());
    (s12, azi1, azi2)
}

/// Forward azimuth from `from` to `to`, degrees clockwise from true north in `[0, 360)`.
///
/// ```
/// use geo_types::point;
/// let b = impactmap::geodesy::bearing_deg(point!(x: 30.0, y: 50.0), point!(x: 30.0, y: 50.1));
/// assert!(b.abs() < 1e-9); // due north
/// ```
pub fn bearing_deg(from: Point<f64>, to: Point<f64>) -> f64 {
    normalize_deg(inverse(from, to).1)
}

/// The point `distance_m` metres from `from` along azimuth `bearing_deg`.
pub fn destination(from: Point<f64>, bearing_deg: f64, distance_m: f64) -> Point<f64> {
    let (lat, lon) = wgs84().direct(from.y(), from.x(), bearing_deg, distance_m);
    Point::new(lon, lat)
}

/// The point at `distance_m` along azimuth `bearing_deg`, with the forward azimuth there (degrees).
pub fn destination_with_azimuth(
    from: Point<f64>,
    bearing_deg: f64,
    distance_m: f64,
) -> (Point<f64>, f64) {
    let (lat, lon, azi2) = wgs84().direct(from.y(), from.x(), bearing_deg, distance_m);
    (Point::new(lon, lat), azi2)
}

/// An angle in degrees brought into `[0, 360)`.
pub fn normalize_deg(deg: f64) -> f64 {
    let r = deg.rem_euclid(360.0);
    if r >= 360.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::point;

    #[test]
    fn cardinal_bearings() {
        let o = point!(x: 30.5, y: 50.45);
        let cases = [(0.0, 0.0), (90.0, 90.0), (180.0, 180.0), (270.0, 270.0)];
        for (az, expected) in cases {
            let p = destination(o, az, 1000.0);
            let b = bearing_deg(o, p);
            assert!((b - expected).abs() < 1e-9, "azimuth {az}: got {b}");
            assert!((distance_m(o, p) - 1000.0).abs() < 1e-8);
        }
    }

    #[test]
    fn equator_arc_is_a_times_angle() {
        // Along the equator (a geodesic for short arcs) s = a·Δλ.
        let d = distance_m(point!(x: 10.0, y: 0.0), point!(x: 10.001, y: 0.0));
        assert!((d - WGS84_A * 0.001_f64.to_radians()).abs() < 1e-9);
    }
}
