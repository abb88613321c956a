//! One large site end to end: a 200,000-corner polygon read from GeoJSON by
//! `impactmap proximity` (through the parallel reader for a FeatureCollection
//! and the streaming one for one Feature per line), its distances checked
//! against the oracle of `tests/common`, and a crossing in it reported with
//! the position where it is.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use geo_types::{Coord, Point, Polygon};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use impactmap::geodesy::destination;
use impactmap::workload;

const CORNERS: usize = 200_000;
const WAVES: usize = 50;
const RADIUS_M: f64 = 5_000.0;

fn centre() -> Point<f64> {
    Point::new(30.5234, 50.4501)
}

/// The star of `workload::wavy_ring`: corner `i` lies at bearing −360°·i/n;
/// wave crests (1.25 × radius) at i = n/(4·waves), troughs (0.75 ×) at 3n/(4·waves).
fn star() -> Polygon<f64> {
    workload::wavy_ring(centre(), RADIUS_M, WAVES, CORNERS)
}

fn bearing_of_corner(i: usize) -> f64 {
    -360.0 * i as f64 / CORNERS as f64
}

fn write_sites(path: &Path, polygon: &Polygon<f64>) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    workload::write_sites_geojson(&mut file, std::slice::from_ref(polygon)).unwrap();
}

fn write_incidents(path: &Path, points: &[(&str, Point<f64>)]) {
    let features: Vec<String> = points
        .iter()
        .map(|(id, p)| {
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","start":"2024-01-02"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                p.x(),
                p.y()
            )
        })
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    std::fs::write(path, text).unwrap();
}

fn proximity(sites: &Path, incidents: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args(["proximity", "--quiet", "--sites"])
        .arg(sites)
        .arg("--incidents")
        .arg(incidents)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

/// (incident id, distance_m, inside) per row of a proximity CSV.
fn rows(out: &Path) -> Vec<(String, f64, String)> {
    let mut reader = csv::Reader::from_path(out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, distance, inside) = (col("incident_id"), col("distance_m"), col("inside"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                r[distance].parse().unwrap(),
                r[inside].to_string(),
            )
        })
        .collect()
}

/// Oracle distance to the outline: the nearest corner by a full scan of
/// geodesic distances, then the oracle edge distance over the edges around it.
fn oracle_distance(p: Point<f64>, polygon: &Polygon<f64>) -> f64 {
    let g = Geodesic::wgs84();
    let ring = &polygon.exterior().0;
    let corners = ring.len() - 1;
    let nearest = (0..corners)
        .map(|i| {
            let d: f64 = g.inverse(p.y(), p.x(), ring[i].y, ring[i].x);
            (d, i)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap()
        .1;
    (0..100)
        .map(|k| (nearest + corners - 50 + k) % corners)
        .map(|i| common::oracle_edge(p, ring[i], ring[i + 1]))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn a_200k_corner_site_is_read_and_measured_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let polygon = star();
    let crest = bearing_of_corner(CORNERS / (4 * WAVES));
    let trough = bearing_of_corner(3 * CORNERS / (4 * WAVES));
    let incidents = [
        ("centre", centre()),
        (
            "inside_crest",
            destination(centre(), crest, 1.25 * RADIUS_M - 50.0),
        ),
        (
            "inside_trough",
            destination(centre(), trough, 0.70 * RADIUS_M),
        ),
        (
            "beyond_crest",
            destination(centre(), crest, 1.25 * RADIUS_M + 300.0),
        ),
        ("in_trough", destination(centre(), trough, 0.85 * RADIUS_M)),
    ];
    let incidents_path = dir.path().join("incidents.geojson");
    write_incidents(&incidents_path, &incidents);

    // The same feature as a FeatureCollection (read in parallel) and as one
    // Feature per line (read as a stream).
    let collection = dir.path().join("star.geojson");
    write_sites(&collection, &polygon);
    let text = std::fs::read_to_string(&collection).unwrap();
    let feature_line = text.lines().nth(1).unwrap();
    let lines = dir.path().join("star.geojsonl");
    std::fs::write(&lines, format!("{feature_line}\n")).unwrap();

    let expected: Vec<(f64, &str)> = incidents
        .iter()
        .map(|(id, p)| match *id {
            "beyond_crest" | "in_trough" => (oracle_distance(*p, &polygon), "no"),
            _ => (0.0, "yes"),
        })
        .collect();
    // The constructions put the outside points where the oracle finds them.
    assert!((expected[3].0 - 300.0).abs() < 1.0, "{}", expected[3].0);
    assert!(
        expected[4].0 > 10.0 && expected[4].0 < 0.1 * RADIUS_M,
        "{}",
        expected[4].0
    );

    for sites in [&collection, &lines] {
        let out = dir.path().join("proximity.csv");
        let run = proximity(sites, &incidents_path, &out);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let got = rows(&out);
        assert_eq!(got.len(), incidents.len());
        for ((id, distance, inside), ((want_id, _), (want, want_inside))) in
            got.iter().zip(incidents.iter().zip(&expected))
        {
            assert_eq!(id, want_id);
            assert_eq!(inside, want_inside, "{id}");
            // The CSV carries at least millimetres.
            assert!(
                (distance - want).abs() < 1e-3,
                "{id}: {distance} m, oracle {want} m"
            );
        }
    }
}

#[test]
fn a_crossing_in_a_200k_corner_site_is_reported_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut polygon = star();
    // Corner 50,000 pulled across the star, 1 km beyond its far side: both its
    // edges now cross the outline.
    let moved = 50_000;
    let across = destination(centre(), bearing_of_corner(moved) + 180.0, 1.3 * RADIUS_M);
    // On the file's 1e-7° grid.
    let across = Coord {
        x: (across.x() * 1e7).round() / 1e7,
        y: (across.y() * 1e7).round() / 1e7,
    };
    polygon.exterior_mut(|r| r.0[moved] = across);
    let sites = dir.path().join("crossed.geojson");
    write_sites(&sites, &polygon);
    let incidents = dir.path().join("incidents.geojson");
    write_incidents(&incidents, &[("centre", centre())]);
    let out = dir.path().join("proximity.csv");

    let run = proximity(&sites, &incidents, &out);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
    let message = String::from_utf8_lossy(&run.stderr);
    assert!(
        message.contains("crossed.geojson")
            && message.contains("feature 1")
            && message.contains("exterior ring has a self-intersection at ["),
        "{message}"
    );
    // The position given lies on one of the two edges of the moved corner.
    let at = message.split("self-intersection at [").nth(1).unwrap();
    let at: Vec<f64> = at[..at.find(']').unwrap()]
        .split(", ")
        .map(|v| v.parse().unwrap())
        .collect();
    let at = Coord { x: at[0], y: at[1] };
    let ring = &polygon.exterior().0;
    let on_edge = |a: Coord<f64>, b: Coord<f64>| {
        let cross = (b.x - a.x) * (at.y - a.y) - (b.y - a.y) * (at.x - a.x);
        let length = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let within = (at.x - a.x) * (b.x - at.x) >= -1e-18 && (at.y - a.y) * (b.y - at.y) >= -1e-18;
        (cross / length).abs() < 1e-9 && within
    };
    assert!(
        on_edge(ring[moved - 1], ring[moved]) || on_edge(ring[moved], ring[moved + 1]),
        "{at:?} is on neither edge of the moved corner"
    );
}
