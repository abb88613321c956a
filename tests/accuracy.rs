//! Accuracy of the geodesic layer against independent references: Karney's
//! geodesic test set, and a dense-sampling oracle for point-to-polygon distance.

mod common;

use common::{oracle_boundary, random_polygon, Rng};
use geo::Contains;
use geo_types::Point;
use impactmap::geodesy::{destination, distance_m, point_to_polygon, LocalFrame};

/// Karney's test set, kept in the project (CC0; see `tests/data/geodtest/README.md`).
fn geodtest_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/geodtest/GeodTest-short.dat")
}

#[test]
fn geodesic_layer_matches_karney_test_set() {
    let path = geodtest_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (mut max_ds, mut max_dpos, mut lines) = (0.0_f64, 0.0_f64, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        let (lat1, lon1, azi1, lat2, lon2, s12) = (v[0], v[1], v[2], v[3], v[4], v[6]);
        let a = Point::new(lon1, lat1);
        let b = Point::new(lon2, lat2);
        max_ds = max_ds.max((distance_m(a, b) - s12).abs());
        // Direct problem: the destination lands on the reference point.
        let d = destination(a, azi1, s12);
        max_dpos = max_dpos.max(distance_m(d, b));
        lines += 1;
    }
    eprintln!("GeodTest-short: {lines} lines, max |Δs12| = {max_ds:.3e} m, max direct miss = {max_dpos:.3e} m");
    assert_eq!(lines, 10_000);
    assert!(max_ds < 1e-7, "inverse off by {max_ds} m");
    assert!(max_dpos < 1e-7, "direct off by {max_dpos} m");
}

/// Random footprints and query points up to 100 km away, at latitudes from the
/// equator to 70°, both hemispheres: the library's exact distance agrees with
/// the sampling oracle to 0.1 mm, and inside/outside agrees with a planar
/// point-in-polygon test wherever the two notions of edge cannot differ.
#[test]
fn point_to_polygon_matches_dense_sampling_oracle() {
    let mut rng = Rng(20251114);
    let centres = [
        (30.49, 50.46),
        (36.25, 49.98),
        (30.74, 46.49),
        (0.0, 0.0),
        (18.0, 69.6),
        (-58.4, -34.6),
    ];
    let mut max_err = 0.0_f64;
    let mut checked = 0;
    for &(lon, lat) in &centres {
        for k in 0..40 {
            let c = Point::new(lon + rng.range(-0.1, 0.1), lat + rng.range(-0.1, 0.1));
            let size = if k % 4 == 0 { 2000.0 } else { 25.0 };
            let poly = random_polygon(&mut rng, c, size);
            for j in 0..6 {
                let reach = [5.0, 30.0, 300.0, 3000.0, 30_000.0, 100_000.0][j];
                let q = destination(c, rng.range(0.0, 360.0), rng.range(0.0, reach));
                let got = point_to_polygon(q, &poly);
                let boundary = oracle_boundary(q, &poly);
                let err = (got.boundary_distance_m - boundary).abs();
                max_err = max_err.max(err);
                assert!(err < 1e-4, "off by {err} m at {q:?} (oracle {boundary} m)");
                let frame = LocalFrame::new(q);
                let len_max = 2.0 * size;
                if boundary > frame.sag_m(len_max) {
                    assert_eq!(got.inside, poly.contains(&q), "inside/outside at {q:?}");
                }
                if got.inside {
                    assert_eq!(got.distance_m, 0.0);
                } else {
                    assert_eq!(got.distance_m, got.boundary_distance_m);
                }
                checked += 1;
            }
        }
    }
    eprintln!("point_to_polygon vs oracle: {checked} cases, max error {max_err:.2e} m");
}

/// The nearest boundary point returned is really at the reported distance, and
/// the bearing points from it to the query.
#[test]
fn nearest_point_and_bearing_are_consistent() {
    let mut rng = Rng(7);
    for _ in 0..200 {
        let c = Point::new(30.5 + rng.range(-0.2, 0.2), 50.45 + rng.range(-0.2, 0.2));
        let poly = random_polygon(&mut rng, c, 40.0);
        let q = destination(c, rng.range(0.0, 360.0), rng.range(60.0, 2000.0));
        let n = point_to_polygon(q, &poly);
        assert!(!n.inside);
        assert!((distance_m(n.boundary_point, q) - n.distance_m).abs() < 1e-8);
        let back = destination(n.boundary_point, n.bearing_deg.unwrap(), n.distance_m);
        assert!(distance_m(back, q) < 1e-6);
    }
}
