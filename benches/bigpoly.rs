//! One large site: time to read, validate, index and measure a polygon of
//! 10,000, 40,000 and 1,000,000 corners (a wavy star 40 km across at Kyiv,
//! written as a GeoJSON file), next to the quadratic check it replaced
//! (`geo`'s `Validation`), run up to 40,000 corners.
//!
//! `cargo bench --bench bigpoly`; `IMPACTMAP_BENCH_CORNERS=10000,40000,1000000`
//! sets the sizes (`cargo test --benches` runs 2,000 corners only). Prints one line per size; times in seconds, each the best
//! of three runs (the read once: it is the slowest).

use std::time::Instant;

use geo::Validation;
use geo_types::Point;
use impactmap::io::{geojson, valid};
use impactmap::proximity::SiteIndex;
use impactmap::workload;

/// Best wall time of `runs` runs of `f`, seconds, and its last result.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        out = Some(std::hint::black_box(f()));
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, out.expect("at least one run"))
}

/// The hard case for a sweep along longitude: a comb of `teeth` long thin
/// teeth pointing east (0.1° long, stacked north–south, each edge cut into
/// equal steps to give about `corners` corners), so that every meridian
/// crosses two edges per tooth. Counter-clockwise.
fn comb(teeth: usize, corners: usize) -> geo_types::Polygon<f64> {
    let steps = (corners / (2 * teeth)).max(1);
    let (west, east, pitch) = (30.0, 30.1, 1e-4);
    let mut ring = vec![geo_types::Coord { x: west, y: 50.0 }];
    for t in 0..teeth {
        let (south, north) = (50.0 + pitch * t as f64, 50.0 + pitch * (t as f64 + 0.5));
        let x = |k: usize| west + 0.001 + (east - west - 0.001) * k as f64 / steps as f64;
        ring.extend((0..=steps).map(|k| geo_types::Coord { x: x(k), y: south }));
        ring.extend(
            (0..=steps)
                .rev()
                .map(|k| geo_types::Coord { x: x(k), y: north }),
        );
    }
    ring.push(geo_types::Coord {
        x: west,
        y: 50.0 + pitch * teeth as f64,
    });
    ring.push(ring[0]);
    geo_types::Polygon::new(geo_types::LineString(ring), vec![])
}

fn main() {
    let sizes: Vec<usize> = std::env::var("IMPACTMAP_BENCH_CORNERS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            // `cargo test --benches` runs this once to prove it works (no
            // `--bench` argument): a small size only.
            if std::env::args().any(|a| a == "--bench") {
                vec![10_000, 40_000, 1_000_000]
            } else {
                vec![2_000]
            }
        });
    let centre = Point::new(30.5234, 50.4501);
    let dir = tempfile::tempdir().expect("temporary folder");
    // Queries: the centre (inside), and points 1, 10 and 100 km outside the widest wave.
    let queries: Vec<Point<f64>> = [0.0, 26_000.0, 35_000.0, 125_000.0]
        .iter()
        .flat_map(|&d| {
            (0..8).map(move |k| impactmap::geodesy::destination(centre, 45.0 * k as f64 + 7.0, d))
        })
        .collect();
    println!(
        "corners    file_MB  read_s  validate_s  geo_validation_s  index_s  measure_s_per_query"
    );
    for &n in &sizes {
        let polygon = workload::wavy_ring(centre, 20_000.0, 100, n);
        let path = dir.path().join(format!("star-{n}.geojson"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("file"));
        workload::write_sites_geojson(&mut file, std::slice::from_ref(&polygon)).expect("written");
        drop(file);
        let mb = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6);

        let (read_s, sites) = best_of(1, || geojson::read_sites(&path).expect("a valid site"));
        let (validate_s, checked) = best_of(3, || valid::check_polygon(&polygon));
        assert!(checked.is_ok(), "{checked:?}");
        let geo_s = if n <= 40_000 {
            let (s, ok) = best_of(1, || polygon.is_valid());
            assert!(ok);
            format!("{s:16.3}")
        } else {
            format!("{:>16}", "not run")
        };
        let (index_s, index) = best_of(3, || SiteIndex::new(&sites));
        let (measure_s, _) = best_of(3, || {
            queries
                .iter()
                .map(|&p| index.nearest(p).expect("one site").nearest.distance_m)
                .sum::<f64>()
        });
        println!(
            "{n:>9} {mb:>8.1} {read_s:7.3} {validate_s:11.3} {geo_s} {index_s:8.3} {:20.6}",
            measure_s / queries.len() as f64
        );
    }
    println!("comb of 1,000 teeth: corners  validate_s");
    for &n in &sizes {
        let polygon = comb(1000, n);
        let (validate_s, checked) = best_of(1, || valid::check_polygon(&polygon));
        assert!(checked.is_ok(), "{checked:?}");
        println!("{:>9} {validate_s:11.3}", polygon.exterior().0.len() - 1);
    }
}
