//! End-to-end: `impactmap report` on the bundled case writes every part of the
//! report, with the figures checked against hand computation, and a failed run
//! leaves the previous report untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
}

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions")
}

#[test]
fn report_on_the_bundled_case() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .arg("report")
        .arg(case_dir())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "proximity.csv",
        "proximity.md",
        "proximity.json",
        "report.md",
        "timeline.png",
        "timeline.svg",
        "maps/overview.png",
        "maps/overview.svg",
        "maps/detail-az_embassy_kyiv.png",
        "maps/detail-az_embassy_kyiv.svg",
        "maps/detail-az_embassy_kyiv.pgw",
        "maps/detail-az_embassy_kyiv.prj",
        "maps/overview.pgw",
        "layers/incident_areas.geojson",
        "layers/incident_areas.qml",
        "layers/rings.geojson",
        "layers/layers.gpkg",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Layers with no geometry to draw are not written as GeoJSON, and report.md says so.
    for f in ["incidents", "links", "site_footprints"] {
        assert!(!out.join(format!("layers/{f}.geojson")).exists(), "{f}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("Not written as GeoJSON, having no geometry to draw")
            && md.contains("`links` (no features)"),
        "{md}"
    );
    // PNG signature and the page size from case.toml: A4 landscape at 200 dpi.
    let png = std::fs::read(out.join("maps/detail-az_embassy_kyiv.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    );
    assert_eq!(
        (w, h),
        (
            (297.0_f64 / 25.4 * 200.0).round() as u32,
            (210.0_f64 / 25.4 * 200.0).round() as u32
        )
    );

    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // 35 steps × 0.75 m = 26.25 m, 35 × 0.6 = 21 m, 35 × 0.9 = 31.5 m.
    assert!(md.contains("26 m (21–32 m)"));
    assert!(md.contains("50 m (40–60 m)"));
    assert!(md.contains("3 of them at or near the Embassy of the Republic of Azerbaijan in Ukraine came after its coordinates were notified (Apr 2022)"));
    assert!(md.contains("![Detail map: Embassy of the Republic of Azerbaijan in Ukraine](maps/detail-az_embassy_kyiv.png)"));
    assert!(md.contains("1 step = 0.75 m (0.6–0.9 m)"));
    assert!(md.contains("https://www.azernews.az/nation/190303.html"));
    // Every picture the report links to exists.
    for line in md.lines().filter(|l| l.starts_with("![")) {
        let target = line.rsplit_once("](").unwrap().1.trim_end_matches(')');
        assert!(out.join(target).is_file(), "{target}");
    }
    // The folder holds nothing but the report (no temporary leftovers beside it).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn failed_report_keeps_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    for f in ["sites.geojson", "incidents.geojson"] {
        std::fs::copy(case_dir().join(f), case.join(f)).unwrap();
    }
    let out = dir.path().join("out");
    let report = || {
        bin()
            .arg("report")
            .arg(&case)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap()
    };
    // Without case.toml, the defaults: overview plus a detail map per site with incidents.
    let o = report();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("maps/detail-socar_depot_odesa.png").is_file());
    let previous = std::fs::read(out.join("report.md")).unwrap();

    std::fs::write(case.join("case.toml"), "titel = \"typo\"\n").unwrap();
    let o = report();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("case.toml") && err.contains("titel"), "{err}");
    assert_eq!(std::fs::read(out.join("report.md")).unwrap(), previous);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary folder left behind"
    );
}
