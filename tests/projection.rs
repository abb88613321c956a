//! Projection engines checked against independent references:
//! GeographicLib geodesics (`impactmap::geodesy`), a Krüger-series transverse
//! Mercator written here from Karney (2011), a published UTM value, and — with
//! the `proj` feature — real PROJ.

use geo_types::{coord, Coord, Point};
use impactmap::geodesy::{self, WGS84_A, WGS84_F};
use impactmap::projection::{self, grid_convergence_deg, ProjectionDef};

const KYIV: Point<f64> = Point(Coord {
    x: 30.5234,
    y: 50.4501,
});
const KHARKIV: Point<f64> = Point(Coord { x: 36.23, y: 49.99 });
const ODESA: Point<f64> = Point(Coord { x: 30.73, y: 46.48 });

/// Points at `distances_m` from `centre` in eight directions (plus the centre).
fn ring_points(centre: Point<f64>, distances_m: &[f64]) -> Vec<Point<f64>> {
    let mut pts = vec![centre];
    for &d in distances_m {
        for k in 0..8 {
            pts.push(geodesy::destination(centre, 22.5 + 45.0 * k as f64, d));
        }
    }
    pts
}

fn c(p: Point<f64>) -> Coord<f64> {
    p.0
}

/// Transverse Mercator by Krüger's series to sixth order in n (Karney 2011,
/// "Transverse Mercator with an accuracy of a few nanometers", eqs. 7–11, 35):
/// returns (x, y, convergence γ in degrees, point scale k) for `lon`, `lat`
/// degrees with central meridian `lon0`, scale `k0`, origin on the equator.
fn kruger_tm(lon: f64, lat: f64, lon0: f64, k0: f64) -> (f64, f64, f64, f64) {
    let f = WGS84_F;
    let e2 = f * (2.0 - f);
    let e = e2.sqrt();
    let n = f / (2.0 - f);
    let (n2, n3, n4, n5, n6) = (n * n, n.powi(3), n.powi(4), n.powi(5), n.powi(6));
    let a_rect = WGS84_A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
    let alpha = [
        n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
            + 7891.0 * n6 / 37800.0,
        13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
            - 1983433.0 * n6 / 1935360.0,
        61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0 + 167603.0 * n6 / 181440.0,
        49561.0 * n4 / 161280.0 - 179.0 * n5 / 168.0 + 6601661.0 * n6 / 7257600.0,
        34729.0 * n5 / 80640.0 - 3418889.0 * n6 / 1995840.0,
        212378941.0 * n6 / 319334400.0,
    ];
    let phi = lat.to_radians();
    let lam = (lon - lon0).to_radians();
    // Conformal latitude via its tangent τ'.
    let tau = phi.tan();
    let sigma = (e * (e * tau / (1.0 + tau * tau).sqrt()).atanh()).sinh();
    let tau_p = tau * (1.0 + sigma * sigma).sqrt() - sigma * (1.0 + tau * tau).sqrt();
    let xi_p = tau_p.atan2(lam.cos());
    let eta_p = (lam.sin() / (tau_p * tau_p + lam.cos().powi(2)).sqrt()).asinh();
    let (mut xi, mut eta, mut p, mut q) = (xi_p, eta_p, 1.0, 0.0);
    for (j, a) in alpha.iter().enumerate() {
        let m = 2.0 * (j + 1) as f64;
        xi += a * (m * xi_p).sin() * (m * eta_p).cosh();
        eta += a * (m * xi_p).cos() * (m * eta_p).sinh();
        p += m * a * (m * xi_p).cos() * (m * eta_p).cosh();
        q += m * a * (m * xi_p).sin() * (m * eta_p).sinh();
    }
    let gamma = (tau_p / (1.0 + tau_p * tau_p).sqrt() * lam.tan()).atan() + q.atan2(p);
    let k = k0
        * (a_rect / WGS84_A)
        * (p * p + q * q).sqrt()
        * (1.0 - e2 * phi.sin().powi(2)).sqrt()
        * (1.0 + tau * tau).sqrt()
        / (tau_p * tau_p + lam.cos().powi(2)).sqrt();
    (k0 * a_rect * eta, k0 * a_rect * xi, gamma.to_degrees(), k)
}

/// Distance in metres between two lon/lat points, for round-trip errors.
fn metres(a: Coord<f64>, b: Coord<f64>) -> f64 {
    geodesy::distance_m(Point(a), Point(b))
}

#[test]
fn aeqd_distance_from_centre_is_the_geodesic_distance() {
    let aeqd = projection::engine(&ProjectionDef::AzimuthalEquidistant {
        lon0: KYIV.x(),
        lat0: KYIV.y(),
    })
    .unwrap();
    let mut worst: f64 = 0.0;
    for p in ring_points(KYIV, &[1_000.0, 10_000.0, 50_000.0]) {
        let xy = aeqd.forward(c(p)).unwrap();
        let (s, azi, _) = geodesy::inverse(KYIV, p);
        let err = (xy.x.hypot(xy.y) - s).abs();
        worst = worst.max(err);
        assert!(
            err < 1e-3,
            "{p:?}: planar {} vs geodesic {s} m",
            xy.x.hypot(xy.y)
        );
        if s > 0.0 {
            // Directions from the centre are geodesic azimuths too.
            let dir = xy.x.atan2(xy.y).to_degrees();
            let d_az = (dir - azi + 540.0).rem_euclid(360.0) - 180.0;
            assert!(
                d_az.abs() < 1e-9,
                "{p:?}: direction {dir}° vs azimuth {azi}°"
            );
        }
    }
    eprintln!("AEQD at Kyiv: worst |planar − geodesic| distance from centre = {worst:.3e} m");
}

#[test]
fn utm_matches_published_geographiclib_value() {
    // GeoConvert(1), GeographicLib's exact transverse Mercator: the manual gives
    // 33.3° N 44.4° E as "38n 444140.54 3684706.36" (rounded to 1 cm).
    let utm = projection::engine(&ProjectionDef::utm_for(44.4, 33.3)).unwrap();
    assert_eq!(
        ProjectionDef::utm_for(44.4, 33.3),
        ProjectionDef::Utm {
            zone: 38,
            north: true
        }
    );
    let en = utm.forward(coord! { x: 44.4, y: 33.3 }).unwrap();
    assert!((en.x - 444_140.54).abs() <= 0.005, "easting {}", en.x);
    assert!((en.y - 3_684_706.36).abs() <= 0.005, "northing {}", en.y);
}

#[test]
fn utm_36n_at_kyiv_matches_the_kruger_series() {
    let def = ProjectionDef::utm_for(KYIV.x(), KYIV.y());
    assert_eq!(
        def,
        ProjectionDef::Utm {
            zone: 36,
            north: true
        }
    );
    let utm = projection::engine(&def).unwrap();
    let mut worst: f64 = 0.0;
    for p in ring_points(KYIV, &[1_000.0, 10_000.0, 50_000.0]) {
        let (x, y, gamma, _k) = kruger_tm(p.x(), p.y(), 33.0, 0.9996);
        let en = utm.forward(c(p)).unwrap();
        let err = (en.x - (x + 500_000.0)).hypot(en.y - y);
        worst = worst.max(err);
        assert!(
            err < 1e-6,
            "{p:?}: engine ({}, {}) vs series ({}, {y})",
            en.x,
            en.y,
            x + 500_000.0
        );
        let conv = grid_convergence_deg(utm.as_ref(), p.x(), p.y());
        assert!(
            (conv - gamma).abs() < 1e-7,
            "{p:?}: convergence {conv}° vs series {gamma}°"
        );
    }
    // PROJ's `proj -V +proj=utm +zone=36 +ellps=WGS84` at Kyiv prints
    // convergence −1.91011895° (negative: west of the central meridian) and
    // scale 0.99997963.
    let (_, _, gamma, k) = kruger_tm(KYIV.x(), KYIV.y(), 33.0, 0.9996);
    assert!(
        (gamma - -1.910_118_95).abs() < 1e-8,
        "Kyiv convergence {gamma}°"
    );
    assert!((k - 0.999_979_63).abs() < 1e-8, "Kyiv scale {k}");
    let conv = grid_convergence_deg(utm.as_ref(), KYIV.x(), KYIV.y());
    assert!(
        (conv - -1.910_118_95).abs() < 1e-8,
        "Kyiv convergence {conv}°"
    );
    eprintln!("UTM 36N around Kyiv: worst |engine − Krüger series| = {worst:.3e} m");
}

#[test]
fn utm_scale_matches_geodesic_distances() {
    // Over a 10 m step the ratio of grid to geodesic distance is the point scale
    // at the midpoint (to ~1e-10); GeographicLib measures the geodesic.
    let utm = projection::engine(&ProjectionDef::Utm {
        zone: 36,
        north: true,
    })
    .unwrap();
    for p in ring_points(KYIV, &[10_000.0, 50_000.0]) {
        for az in [0.0, 60.0, 90.0, 135.0] {
            let q = geodesy::destination(p, az, 10.0);
            let mid = geodesy::destination(p, az, 5.0);
            let (a, b) = (utm.forward(c(p)).unwrap(), utm.forward(c(q)).unwrap());
            let ratio = (b.x - a.x).hypot(b.y - a.y) / 10.0;
            let (_, _, _, k) = kruger_tm(mid.x(), mid.y(), 33.0, 0.9996);
            assert!(
                (ratio - k).abs() < 1e-8,
                "{p:?} az {az}: grid/geodesic {ratio} vs k {k}"
            );
        }
    }
}

/// `proj4rs` inverts Lambert conformal conic with Snyder's fixed-point
/// iteration for the latitude, stopped once a step is below 1e-10 rad; the
/// latitude it returns can be off by ~2e-13 rad (about 1.4 µm on the ground).
/// PROJ 9 solves the same equation by Newton's method to full precision.
const LCC_INVERSE_TOLERANCE_M: f64 = 1e-5;

#[test]
fn round_trips_within_a_micrometre() {
    let mut worst_ll: f64 = 0.0;
    let mut worst_xy: f64 = 0.0;
    let mut worst_lcc: f64 = 0.0;
    for centre in [KYIV, KHARKIV, ODESA] {
        for def in all_defs(centre) {
            let p = projection::engine(&def).unwrap();
            let lcc = matches!(def, ProjectionDef::LambertConformalConic { .. });
            let tolerance = if lcc { LCC_INVERSE_TOLERANCE_M } else { 1e-6 };
            for q in ring_points(centre, &[1.0, 1_000.0, 10_000.0, 50_000.0]) {
                let xy = p.forward(c(q)).unwrap();
                let back = p.inverse(xy).unwrap();
                let e_ll = metres(back, c(q));
                let xy2 = p.forward(back).unwrap();
                let e_xy = (xy2.x - xy.x).hypot(xy2.y - xy.y);
                if lcc {
                    worst_lcc = worst_lcc.max(e_ll.max(e_xy));
                } else {
                    worst_ll = worst_ll.max(e_ll);
                    worst_xy = worst_xy.max(e_xy);
                }
                assert!(
                    e_ll < tolerance && e_xy < tolerance,
                    "{def:?} at {q:?}: {e_ll} m / {e_xy} m"
                );
            }
        }
    }
    eprintln!("round trips: worst {worst_ll:.3e} m on the ground, {worst_xy:.3e} m in the grid; LCC {worst_lcc:.3e} m");
}

#[test]
fn convergence_is_zero_on_the_central_meridian_and_symmetric() {
    let tm = projection::engine(&ProjectionDef::TransverseMercator {
        lon0: 31.0,
        lat0: 0.0,
        k0: 1.0,
    })
    .unwrap();
    assert!(grid_convergence_deg(tm.as_ref(), 31.0, 50.0).abs() < 1e-9);
    let east = grid_convergence_deg(tm.as_ref(), 32.0, 50.0);
    let west = grid_convergence_deg(tm.as_ref(), 30.0, 50.0);
    assert!(
        east > 0.0 && (east + west).abs() < 1e-9,
        "east {east}°, west {west}°"
    );
    // AEQD: at the centre grid north is true north.
    let aeqd = projection::engine(&ProjectionDef::AzimuthalEquidistant {
        lon0: 31.0,
        lat0: 50.0,
    })
    .unwrap();
    assert!(grid_convergence_deg(aeqd.as_ref(), 31.0, 50.0).abs() < 1e-9);
    // Outside the domain: NaN, not a panic.
    assert!(grid_convergence_deg(tm.as_ref(), f64::NAN, 50.0).is_nan());
}

#[test]
fn bad_coordinates_are_errors_not_panics() {
    let p = projection::engine(&ProjectionDef::Utm {
        zone: 36,
        north: true,
    })
    .unwrap();
    assert!(p.forward(coord! { x: f64::NAN, y: 50.0 }).is_err());
    assert!(p.forward(coord! { x: 30.0, y: 91.0 }).is_err());
    assert!(p.inverse(coord! { x: f64::INFINITY, y: 0.0 }).is_err());
}

/// Every kind of projection the crate defines, centred on or near `centre`.
fn all_defs(centre: Point<f64>) -> Vec<ProjectionDef> {
    let (lon0, lat0) = (centre.x(), centre.y());
    let mut defs = agreement_defs(centre);
    defs.push(ProjectionDef::Stereographic { lon0, lat0 });
    defs.push(ProjectionDef::LambertConformalConic {
        lon0,
        lat0,
        lat1: lat0 - 1.0,
        lat2: lat0 + 1.0,
    });
    defs
}

/// The projections both engines must agree on to 1 µm: UTM, transverse
/// Mercator (centred, and on a whole-degree meridian with origin at the
/// equator) and azimuthal equidistant.
fn agreement_defs(centre: Point<f64>) -> Vec<ProjectionDef> {
    let (lon0, lat0) = (centre.x(), centre.y());
    vec![
        ProjectionDef::utm_for(lon0, lat0),
        ProjectionDef::TransverseMercator {
            lon0,
            lat0,
            k0: 1.0,
        },
        ProjectionDef::TransverseMercator {
            lon0: lon0.round(),
            lat0: 0.0,
            k0: 0.9999,
        },
        ProjectionDef::AzimuthalEquidistant { lon0, lat0 },
    ]
}

#[cfg(feature = "proj")]
mod engines_agree {
    use super::*;

    /// Largest forward (grid metres) and inverse (ground metres) difference
    /// between the two engines for `def` at points around `centre`.
    fn max_difference(def: &ProjectionDef, centre: Point<f64>) -> (f64, f64) {
        let a = projection::proj4rs(def).unwrap();
        let b = projection::proj(def).unwrap();
        let (mut fwd, mut inv): (f64, f64) = (0.0, 0.0);
        for q in ring_points(
            centre,
            &[10.0, 1_000.0, 5_000.0, 10_000.0, 25_000.0, 50_000.0],
        ) {
            let (xa, xb) = (a.forward(c(q)).unwrap(), b.forward(c(q)).unwrap());
            fwd = fwd.max((xa.x - xb.x).hypot(xa.y - xb.y));
            let (la, lb) = (a.inverse(xa).unwrap(), b.inverse(xa).unwrap());
            inv = inv.max(metres(la, lb));
        }
        (fwd, inv)
    }

    #[test]
    fn utm_tm_aeqd_agree_to_a_micrometre() {
        for (name, centre) in [("Kyiv", KYIV), ("Kharkiv", KHARKIV), ("Odesa", ODESA)] {
            for def in agreement_defs(centre) {
                let (fwd, inv) = max_difference(&def, centre);
                eprintln!(
                    "{name} {}: forward {fwd:.3e} m, inverse {inv:.3e} m",
                    def.proj_string()
                );
                assert!(
                    fwd < 1e-6 && inv < 1e-6,
                    "{name} {def:?}: forward {fwd} m, inverse {inv} m"
                );
            }
        }
    }

    #[test]
    fn stereographic_agrees_and_lcc_agrees_forward() {
        for (name, centre) in [("Kyiv", KYIV), ("Kharkiv", KHARKIV), ("Odesa", ODESA)] {
            for def in all_defs(centre)
                .into_iter()
                .skip(agreement_defs(centre).len())
            {
                let (fwd, inv) = max_difference(&def, centre);
                eprintln!(
                    "{name} {}: forward {fwd:.3e} m, inverse {inv:.3e} m",
                    def.proj_string()
                );
                let inv_tolerance = match def {
                    ProjectionDef::LambertConformalConic { .. } => LCC_INVERSE_TOLERANCE_M,
                    _ => 1e-6,
                };
                assert!(
                    fwd < 1e-6 && inv < inv_tolerance,
                    "{name} {def:?}: forward {fwd} m, inverse {inv} m"
                );
            }
        }
    }
}
