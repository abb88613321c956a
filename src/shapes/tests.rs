use super::*;
use crate::geodesy::{bearing_deg, point_to_multipolygon};
use geo_types::{point, polygon, Polygon};

/// An L-shaped building in Kyiv, about 85 m × 55 m.
fn l_building() -> Polygon<f64> {
    polygon![
        (x: 30.5000, y: 50.4500), (x: 30.5012, y: 50.4500), (x: 30.5012, y: 50.4503),
        (x: 30.5004, y: 50.4503), (x: 30.5004, y: 50.4508), (x: 30.5000, y: 50.4508),
    ]
}

fn footprint() -> Footprint {
    Footprint {
        points: vec![],
        polygons: vec![l_building()],
        position_uncertainty_m: 0.0,
    }
}

/// Smallest difference between two bearings, degrees.
fn bearing_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[test]
fn the_described_point_is_at_the_stated_distance_along_the_bearing() {
    let f = footprint();
    let anchor = f.anchor().unwrap();
    for b in [0.0, 45.0, 100.0, 200.0, 300.0] {
        let (from, nearest) = described_point(&f, b, 26.25).unwrap();
        // Measured independently of the search: distance to the polygon and bearing from the anchor.
        let d = point_to_multipolygon(from, &MultiPolygon(vec![l_building()])).distance_m;
        assert!((d - 26.25).abs() < 1e-5, "bearing {b}: {d} m");
        assert!(bearing_gap(bearing_deg(anchor, from), b) < 1e-9);
        assert!((distance_m(from, nearest) - 26.25).abs() < 1e-5);
    }
    // A point site: the destination point itself.
    let p = point!(x: 30.5, y: 50.45);
    let f = Footprint {
        points: vec![p],
        ..Footprint::default()
    };
    let (from, nearest) = described_point(&f, 90.0, 100.0).unwrap();
    assert_eq!(nearest, p);
    assert!((distance_m(p, from) - 100.0).abs() < 1e-8);
}

#[test]
fn a_sector_is_the_band_within_the_bearing() {
    // 50 ± 10 m at 30° ± 22.5°.
    let i = Interval {
        nominal: 50.0,
        min: 40.0,
        max: 60.0,
    };
    let (area, nominal) = sector(&footprint(), i, 30.0, BEARING_HALF_WIDTH_DEG).unwrap();
    let anchor = footprint().anchor().unwrap();
    let fp = MultiPolygon(vec![l_building()]);
    let tol = outline_tolerance_m(60.0);
    let mut vertices = 0;
    for c in area.0.iter().flat_map(|p| p.exterior().0.iter()) {
        let d = point_to_multipolygon(Point(*c), &fp).distance_m;
        assert!((40.0 - tol..=60.0 + tol).contains(&d), "{d} m");
        let b = bearing_deg(anchor, Point(*c));
        assert!(bearing_gap(b, 30.0) <= 22.5 + 1e-6, "{b}°");
        vertices += 1;
    }
    assert!(vertices > 20);
    // The nominal outline is in the sector, at 50 m.
    assert!(!nominal.0.is_empty());
    for c in nominal.0.iter().flat_map(|l| l.0.iter()) {
        let d = point_to_multipolygon(Point(*c), &fp).distance_m;
        assert!((d - 50.0).abs() <= tol, "{d} m");
        assert!(bearing_gap(bearing_deg(anchor, Point(*c)), 30.0) <= 22.5 + 1e-6);
    }
}

#[test]
fn an_area_circle_has_its_vertices_at_the_radius_and_chords_within_5_cm() {
    let centre = point!(x: 30.5234, y: 50.4501);
    let circle = area_circle(centre, 2_000.0);
    let ring = &circle.0[0].exterior().0;
    assert!(ring.len() > 100, "{} vertices", ring.len());
    for w in ring.windows(2) {
        let vertex = distance_m(centre, Point(w[0]));
        assert!((vertex - 2_000.0).abs() < 1e-6, "vertex at {vertex} m");
        // The middle of a 2 km circle's chord sags the most; 1e-4 m allows
        // for taking it in lon/lat.
        let middle = distance_m(centre, Point((w[0] + w[1]) / 2.0));
        assert!(
            middle < 2_000.0 && middle > 2_000.0 - 0.05 - 1e-4,
            "chord middle at {middle} m"
        );
    }
}
