//! End-to-end: `impactmap proximity` on OpenStreetMap sites, on incidents
//! streamed through standard input, and quiet in pipes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
}

fn osm_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm/sites.osm.pbf")
}

/// Writes the fixture's sites as GeoJSON through the library, for the stdin tests.
fn sites_file(dir: &Path) -> PathBuf {
    let path = dir.join("sites.geojson");
    let w = impactmap::workload::generate(&impactmap::workload::Spec::new(50, 0));
    let mut f = std::fs::File::create(&path).unwrap();
    impactmap::workload::write_sites_geojson(&mut f, &w.footprints).unwrap();
    path
}

fn column(csv: &str, name: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let i = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    rdr.records().map(|r| r.unwrap()[i].to_string()).collect()
}

#[test]
fn osm_sites_with_tags() {
    let dir = tempfile::tempdir().unwrap();
    // One impact due south of the embassy node by 0.0000898° of latitude: with the
    // meridional radius M = a(1−e²)/(1−e²sin²φ)^1.5 = 6 373 463 m at 50.46°N, one
    // degree is 111 237.2 m, so 9.989 m;
    // one in the courtyard hole of relation 301, one inside way 101.
    let incidents = dir.path().join("incidents.csv");
    std::fs::write(
        &incidents,
        "id,date,latitude,longitude\nnear,2024-01-01,50.4607316,30.4905616\nhole,2024-01-02,50.4502,30.5102\nin,2024-01-03,50.45005,30.5001\n",
    )
    .unwrap();
    let out = bin()
        .args(["proximity", "--sites-osm"])
        .arg(osm_fixture())
        .args([
            "--tag",
            "building",
            "--tag",
            "amenity=embassy",
            "--incidents",
        ])
        .arg(&incidents)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("relation/302") && stderr.contains("relation/303"),
        "{stderr}"
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        column(&csv, "site_id"),
        ["node/201", "relation/301", "way/101"]
    );
    let d: Vec<f64> = column(&csv, "distance_m")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!((d[0] - 9.989).abs() < 0.002, "{}", d[0]);
    // The hole is 0.0002° across: its centre is 0.0001° of longitude (7.1 m) from its east and west edges.
    assert!((d[1] - 7.1).abs() < 0.05, "{}", d[1]);
    assert_eq!(d[2], 0.0);
    assert_eq!(column(&csv, "inside"), ["no", "no", "yes"]);
}

#[test]
fn osm_without_a_tag_is_a_usage_error() {
    let out = bin()
        .args(["proximity", "--sites-osm"])
        .arg(osm_fixture())
        .args(["--incidents", "x.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["proximity", "--sites-osm"])
        .arg(osm_fixture())
        .args(["--tag", "=x", "--incidents", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEY=VALUE"));
}

/// Rows come out while standard input is still open, for each framing.
#[test]
fn stdin_rows_come_as_incidents_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let sites = sites_file(dir.path());
    let w = impactmap::workload::generate(&impactmap::workload::Spec::new(50, 3));
    let mut ndjson = Vec::new();
    impactmap::workload::write_incidents_geojson(&mut ndjson, &w.impacts).unwrap();
    let features: Vec<String> = String::from_utf8(ndjson)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("{\"type\":\"Feature\""))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect();
    let mut csv = Vec::new();
    impactmap::workload::write_incidents_csv(&mut csv, &w.impacts).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let csv_lines: Vec<&str> = csv.lines().collect();
    let framings: [(&str, Vec<String>); 3] = [
        (
            "ndjson",
            features.iter().map(|f| format!("{f}\n")).collect(),
        ),
        (
            "rfc8142",
            features.iter().map(|f| format!("\x1e{f}\n")).collect(),
        ),
        (
            "csv",
            std::iter::once(format!("{}\n{}\n", csv_lines[0], csv_lines[1]))
                .chain(csv_lines[2..].iter().map(|l| format!("{l}\n")))
                .collect(),
        ),
    ];
    for (name, chunks) in framings {
        let mut child = bin()
            .args(["proximity", "--sites"])
            .arg(&sites)
            .args(["--incidents", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.next().unwrap().unwrap().starts_with("incident_id,"));
        for (i, chunk) in chunks.iter().enumerate() {
            stdin.write_all(chunk.as_bytes()).unwrap();
            stdin.flush().unwrap();
            // The row for this incident arrives before the next is sent.
            let started = Instant::now();
            let line = lines.next().unwrap().unwrap();
            assert!(
                line.starts_with(&impactmap::workload::incident_id(i)),
                "{name}: {line}"
            );
            assert!(started.elapsed() < Duration::from_secs(20), "{name}");
        }
        drop(stdin);
        assert!(lines.next().is_none());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{name}");
        // Nothing on standard error when it is not a terminal: no progress bar.
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn streamed_and_whole_file_results_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let sites = sites_file(dir.path());
    let w = impactmap::workload::generate(&impactmap::workload::Spec::new(50, 200));
    let incidents = dir.path().join("incidents.geojson");
    let mut f = std::fs::File::create(&incidents).unwrap();
    impactmap::workload::write_incidents_geojson(&mut f, &w.impacts).unwrap();
    let whole = dir.path().join("whole.csv");
    let status = bin()
        .args(["proximity", "--quiet", "--sites"])
        .arg(&sites)
        .arg("--incidents")
        .arg(&incidents)
        .arg("-o")
        .arg(&whole)
        .status()
        .unwrap();
    assert!(status.success());
    let piped = bin()
        .args(["proximity", "--sites"])
        .arg(&sites)
        .args(["--incidents", "-"])
        .stdin(std::fs::File::open(&incidents).unwrap())
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert_eq!(
        std::fs::read_to_string(&whole).unwrap(),
        String::from_utf8(piped.stdout).unwrap()
    );
}
