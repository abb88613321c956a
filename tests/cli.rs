//! End-to-end: the `impactmap proximity` command on the bundled case, and its
//! answers to bad input (exit code 2, a message naming file, feature and field,
//! and no output file left behind).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
}

fn case(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("geodata/azerbaijan-missions")
        .join(file)
}

/// Runs `impactmap proximity` on the bundled case, writing `out`.
fn proximity_on_bundled_case(out: &Path) -> std::process::ExitStatus {
    bin()
        .args(["proximity", "--sites"])
        .arg(case("sites.geojson"))
        .arg("--incidents")
        .arg(case("incidents.geojson"))
        .arg("-o")
        .arg(out)
        .status()
        .unwrap()
}

#[test]
fn bundled_case_gives_the_documented_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("proximity.csv");
    assert!(proximity_on_bundled_case(&out).success());
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with(
        "incident_id,incident_date,site_id,site_part,distance_m,distance_min_m,distance_max_m,inside,bearing_deg,nearest_lon,nearest_lat,location_kind,basis"
    ));
    let rows = common::read_csv(&out);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["incident_id"] == id)
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    let num = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();

    // 14 Nov 2025: fell on the territory of the embassy.
    let r = row("kyiv_2025_11_14");
    assert_eq!(
        (
            r["site_id"].as_str(),
            r["inside"].as_str(),
            num(r, "distance_m")
        ),
        ("az_embassy_kyiv", "yes", 0.0)
    );
    // 2 Jan 2024: about 35 steps at 0.6 / 0.75 / 0.9 m a step.
    let r = row("kyiv_2024_01_02");
    assert_eq!(r["site_part"], "administrative building");
    assert!((num(r, "distance_m") - 35.0 * 0.75).abs() < 1e-9);
    assert!((num(r, "distance_min_m") - 35.0 * 0.6).abs() < 1e-9);
    assert!((num(r, "distance_max_m") - 35.0 * 0.9).abs() < 1e-9);
    assert_eq!(r["inside"], "no");
    assert!(
        r["basis"].contains("0.75 m"),
        "the step assumption is printed: {}",
        r["basis"]
    );
    // 28 Aug 2025: about 50 m.
    let r = row("kyiv_2025_08_28");
    assert_eq!(num(r, "distance_m"), 50.0);
    // All three Kyiv strikes came after the April 2022 notification; Kharkiv's
    // site was never notified.
    for id in ["kyiv_2024_01_02", "kyiv_2025_08_28", "kyiv_2025_11_14"] {
        assert_eq!(row(id)["after_notification"], "yes", "{id}");
        assert!(row(id)["basis"].contains("after notification of 2022-04"));
    }
    assert_eq!(row("kharkiv_2022_03_10")["after_notification"], "");
    assert_eq!(rows.len(), 6);
}

#[test]
fn json_and_markdown_outputs_and_pipe_csv() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["json", "md"] {
        let out = dir.path().join(format!("p.{ext}"));
        assert!(proximity_on_bundled_case(&out).success());
        let text = std::fs::read_to_string(&out).unwrap();
        if ext == "json" {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let first = &v.as_array().unwrap()[1];
            assert_eq!(first["distance_m"].as_f64(), Some(26.25));
            assert!(first["bearing_deg"].is_null());
        } else {
            assert!(text.contains("| kyiv_2024_01_02 | 2024-01-02 | az_embassy_kyiv | administrative building | 26 m (21–32 m) |"));
        }
    }
    // In a pipe (not a terminal), stdout is CSV.
    let out = bin()
        .args(["proximity", "--sites"])
        .arg(case("sites.geojson"))
        .arg("--incidents")
        .arg(case("incidents.geojson"))
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("incident_id,incident_date,"));
}

/// Runs proximity on the given sites/incidents texts; returns the output and whether an output file appeared.
fn run_bad(sites: &str, incidents: &str, incidents_ext: &str) -> (Output, bool) {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("sites.geojson");
    let i = dir.path().join(format!("incidents.{incidents_ext}"));
    std::fs::write(&s, sites).unwrap();
    std::fs::write(&i, incidents).unwrap();
    let out_file = dir.path().join("out.csv");
    let out = bin()
        .args(["proximity", "--sites"])
        .arg(&s)
        .arg("--incidents")
        .arg(&i)
        .arg("-o")
        .arg(&out_file)
        .output()
        .unwrap();
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count() > 2;
    (out, leftovers)
}

const GOOD_SITES: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","id":"emb","properties":{"name":"Embassy"},"geometry":{"type":"Point","coordinates":[30.49,50.46]}}]}"#;
const GOOD_INCIDENTS: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","id":"a","properties":{"start":"2024-01-02"},"geometry":{"type":"Point","coordinates":[30.491,50.461]}}]}"#;

fn assert_bad(sites: &str, incidents: &str, ext: &str, needles: &[&str]) {
    let (out, leftovers) = run_bad(sites, incidents, ext);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "`{n}` not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!leftovers, "an output file was left behind");
}

#[test]
fn bad_input_is_reported_clearly() {
    // The good pair works.
    let (out, _) = run_bad(GOOD_SITES, GOOD_INCIDENTS, "geojson");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_bad(
        "{\"type\": \"FeatureCollection\", \"features\": [",
        GOOD_INCIDENTS,
        "geojson",
        &["sites.geojson", "line 1", "invalid JSON"],
    );
    assert_bad(
        r#"{"type":"Feature","properties":{},"geometry":null}"#,
        GOOD_INCIDENTS,
        "geojson",
        &["sites.geojson", "FeatureCollection"],
    );
    let out_of_range = GOOD_INCIDENTS.replace("[30.491,50.461]", "[30.491,150.461]");
    assert_bad(
        GOOD_SITES,
        &out_of_range,
        "geojson",
        &[
            "incidents.geojson",
            "feature 1 (id \"a\")",
            "geometry.coordinates",
            "swapped",
        ],
    );
    let projected = GOOD_INCIDENTS.replace("[30.491,50.461]", "[3394000.0,6517000.0]");
    assert_bad(GOOD_SITES, &projected, "geojson", &["projected"]);
    let nan = GOOD_INCIDENTS.replace("[30.491,50.461]", "[NaN,50.461]");
    assert_bad(GOOD_SITES, &nan, "geojson", &["incidents.geojson", "NaN"]);
    let unclosed = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"b","properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[30.49,50.46],[30.491,50.46],[30.491,50.461],[30.49,50.461]]]}}]}"#;
    assert_bad(
        unclosed,
        GOOD_INCIDENTS,
        "geojson",
        &["sites.geojson", "feature 1 (id \"b\")", "not closed"],
    );
    let bowtie = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"b","properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[30.49,50.46],[30.491,50.461],[30.491,50.46],[30.49,50.461],[30.49,50.46]]]}}]}"#;
    assert_bad(bowtie, GOOD_INCIDENTS, "geojson", &["self-intersection"]);
    let unknown = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"r","geometry":null,
      "properties":{"start":"2024-01-02","location":{"kind":"relative","relative_to":"nowhere","distance":50}}}]}"#;
    assert_bad(
        GOOD_SITES,
        unknown,
        "geojson",
        &[
            "feature 1 (id \"r\")",
            "location.relative_to",
            "unknown site `nowhere`",
            "emb",
        ],
    );
    let dup = GOOD_SITES.replace("]}", ",{\"type\":\"Feature\",\"id\":\"emb\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[30.5,50.5]}}]}");
    assert_bad(
        &dup,
        GOOD_INCIDENTS,
        "geojson",
        &["feature 2 (id \"emb\")", "duplicate site `emb`"],
    );
    let bad_date = GOOD_INCIDENTS.replace("2024-01-02", "02/01/2024");
    assert_bad(
        GOOD_SITES,
        &bad_date,
        "geojson",
        &["feature 1 (id \"a\")", "`start`", "YYYY-MM-DD"],
    );
    let crs = GOOD_SITES.replace(
        r#""features""#,
        r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32636"}},"features""#,
    );
    assert_bad(
        &crs,
        GOOD_INCIDENTS,
        "geojson",
        &["crs", "EPSG::32636", "ogr2ogr"],
    );
    assert_bad(
        GOOD_SITES,
        "id,date,lat,lon\na,2024-01-02,50.46,\n",
        "csv",
        &["incidents.csv", "line 2", "lon"],
    );
}

#[test]
fn legacy_wgs84_crs_is_accepted() {
    let crs = GOOD_SITES.replace(
        r#""features""#,
        r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features""#,
    );
    let (out, _) = run_bad(&crs, GOOD_INCIDENTS, "geojson");
    assert!(out.status.success());
}

#[test]
fn every_command_has_help_with_an_example() {
    let out = bin().args(["proximity", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--max-distance") && text.contains("Examples:"));
}

#[test]
fn an_unreadable_osm_extract_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.osm.pbf");
    let out = bin()
        .args(["proximity", "--tag", "building", "--sites-osm"])
        .arg(&missing)
        .arg("--incidents")
        .arg(case("incidents.geojson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("missing.osm.pbf").count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot read the OpenStreetMap extract"),
        "{stderr}"
    );
}

/// A cause whose text the message already gives is not printed again.
#[test]
fn an_error_says_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["render", "--focus", "az_embassy_kyiv", "--sites"])
        .arg(case("sites.geojson"))
        .arg("--incidents")
        .arg(case("incidents.geojson"))
        .arg("-o")
        .arg(dir.path().join("no-such-folder/map.png"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("creating a temporary file").count(),
        1,
        "{stderr}"
    );
}
