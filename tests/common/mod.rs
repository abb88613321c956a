//! Shared helpers for the integration tests: a deterministic random source and
//! an independent oracle for geodesic point-to-polygon distance.
#![allow(dead_code)]

use geo_types::{Coord, LineString, Point, Polygon};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

/// SplitMix64: small, deterministic, good enough for test workloads.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn geod() -> Geodesic {
    Geodesic::wgs84()
}

/// A random building-like polygon (4–9 vertices, star-shaped, counter-clockwise)
/// around `centre`, of radius up to `size_m` metres, built with geodesic
/// destinations so it has real metric size at any latitude.
pub fn random_polygon(rng: &mut Rng, centre: Point<f64>, size_m: f64) -> Polygon<f64> {
    let g = geod();
    let n = 4 + (rng.next_u64() % 6) as usize;
    let start = rng.range(0.0, 360.0);
    let mut coords: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            // Counter-clockwise: azimuths decrease.
            let az = start - i as f64 * 360.0 / n as f64 + rng.range(-10.0, 10.0);
            let r = size_m * rng.range(0.4, 1.0);
            let (lat, lon): (f64, f64) = g.direct(centre.y(), centre.x(), az, r);
            Coord { x: lon, y: lat }
        })
        .collect();
    coords.push(coords[0]);
    Polygon::new(LineString(coords), vec![])
}

/// Oracle: the minimum geodesic distance from `p` to the geodesic edge a–b,
/// by sampling the edge densely (GeographicLib direct) and refining the best
/// sample with a golden-section search. Independent of the library's
/// perpendicular-foot iteration.
pub fn oracle_edge(p: Point<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let g = geod();
    let (len, azi, _azi2, _a12): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let dist_at = |s: f64| -> f64 {
        let (lat, lon): (f64, f64) = g.direct(a.y, a.x, azi, s);
        g.inverse(p.y(), p.x(), lat, lon)
    };
    if len == 0.0 {
        return dist_at(0.0);
    }
    let n: usize = 64;
    let mut best_i: usize = 0;
    let mut best = f64::INFINITY;
    for i in 0..=n {
        let d = dist_at(len * i as f64 / n as f64);
        if d < best {
            best = d;
            best_i = i;
        }
    }
    let (mut lo, mut hi) = (
        len * (best_i.saturating_sub(1)) as f64 / n as f64,
        len * ((best_i + 1).min(n)) as f64 / n as f64,
    );
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..200 {
        let m1 = hi - phi * (hi - lo);
        let m2 = lo + phi * (hi - lo);
        if dist_at(m1) < dist_at(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
        if hi - lo < 1e-10 {
            break;
        }
    }
    best.min(dist_at((lo + hi) / 2.0))
        .min(dist_at(0.0))
        .min(dist_at(len))
}

/// Oracle distance from `p` to a polygon's boundary (all rings).
pub fn oracle_boundary(p: Point<f64>, poly: &Polygon<f64>) -> f64 {
    std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .flat_map(|r| r.0.windows(2).map(|w| oracle_edge(p, w[0], w[1])))
        .fold(f64::INFINITY, f64::min)
}

/// Whether an external tool that a test compares against is present.
///
/// `probe` is the command that proves it (for example `["ogrinfo", "--version"]`)
/// and `install` says how to get it. When the tool is missing the test is
/// skipped with a message on standard error; with `IMPACTMAP_REQUIRE_TOOLS=1`
/// in the environment (as the CI run sets it) a missing tool fails the test
/// instead, so no check is ever skipped silently.
pub fn tool_available(probe: &[&str], install: &str) -> bool {
    let ok = std::process::Command::new(probe[0])
        .args(&probe[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    let required = std::env::var("IMPACTMAP_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "`{}` is required (IMPACTMAP_REQUIRE_TOOLS=1) but missing: {install}",
        probe[0]
    );
    eprintln!("skipped: `{}` is not installed ({install})", probe[0]);
    false
}

/// A CSV file's rows as column name → cell maps.
pub fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The impactmap program set to run `command` (`proximity`, `layers`, …) on
/// a sites file and an incidents file; add the outputs and options.
pub fn impactmap_on(
    command: &str,
    sites: &std::path::Path,
    incidents: &std::path::Path,
) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_impactmap"));
    c.arg(command)
        .arg("--sites")
        .arg(sites)
        .arg("--incidents")
        .arg(incidents);
    c
}
