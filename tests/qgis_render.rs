//! The bundled case's layers drawn by QGIS itself (headless, through PyQGIS)
//! with the styles impactmap writes beside them: they must open as map
//! layers, and look as the report's detail map does — the distance bands
//! around the embassy visible inside its 300 m position circle, which the
//! incident "within" the embassy outlines but does not fill.
//!
//! Needs QGIS's Python bindings (Debian: `apt-get install python3-qgis`), run
//! with `$IMPACTMAP_QGIS_PYTHON` (default: Debian's `/usr/bin/python3`).

mod common;

use std::path::Path;
use std::process::Command;

fn qgis_python() -> String {
    std::env::var("IMPACTMAP_QGIS_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_string())
}

/// A point `east_m` metres east of the embassy's recorded point, as `LON,LAT`
/// (one degree of longitude is 70.9 km at its latitude).
fn east_of_embassy(east_m: f64) -> String {
    let (lon, lat) = (30.49056162, 50.46082135);
    let per_degree = 111_320.0 * f64::to_radians(lat).cos();
    format!("{},{lat}", lon + east_m / per_degree)
}

#[test]
fn qgis_draws_the_bands_inside_the_embassy_circle() {
    if !common::tool_available(
        &[&qgis_python(), "-c", "import qgis.core"],
        "apt-get install python3-qgis (QGIS's Python bindings)",
    ) {
        return;
    }
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let dir = tempfile::tempdir().unwrap();
    let layers = dir.path().join("layers");
    let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .arg("layers")
        .arg("--sites")
        .arg(case.join("sites.geojson"))
        .arg("--incidents")
        .arg(case.join("incidents.geojson"))
        .arg("-o")
        .arg(&layers)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.path().join("embassy.png");
    // The air strike's band (40–60 m) at 50 m, the missile's (21–32 m) at 26 m,
    // and 150 m out, where only the position circle lies.
    let samples = [50.0, 26.0, 150.0].map(east_of_embassy);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qgis/render_layers.py");
    let out = Command::new(qgis_python())
        .arg(script)
        .arg(&layers)
        .arg(&png)
        .arg("30.4856,50.4578,30.4955,50.4638")
        .args(&samples)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("problem:"), "{stdout}");
    for layer in ["sites", "incident_areas", "rings", "uncertainty"] {
        assert!(
            stdout.contains(&format!("layer {layer} ")),
            "{layer} not drawn: {stdout}"
        );
    }
    let colours: Vec<[f64; 3]> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("sample "))
        .map(|l| {
            let v: Vec<f64> = l.split(' ').map(|x| x.parse().unwrap()).collect();
            [v[2], v[3], v[4]]
        })
        .collect();
    assert_eq!(colours.len(), 3, "{stdout}");
    let [band_50, band_26, circle] = [colours[0], colours[1], colours[2]];
    // Outside the bands, only the site's position circle (the palette's
    // uncertainty orange, 240,140,0 at 22 %) lies over the white ground: the
    // "within" incident does not fill it.
    let expected = [240.0, 140.0, 0.0].map(|c| 255.0 - (255.0 - c) * 56.0 / 255.0);
    for k in 0..3 {
        assert!(
            (circle[k] - expected[k]).abs() <= 3.0,
            "150 m east: {circle:?}, expected the position circle's {expected:?}"
        );
    }
    // The bands show through: each differs clearly from the circle alone.
    let apart = |a: [f64; 3], b: [f64; 3]| (0..3).map(|k| (a[k] - b[k]).abs()).fold(0.0, f64::max);
    assert!(
        apart(band_50, circle) > 25.0,
        "50 m: {band_50:?} vs {circle:?}"
    );
    assert!(
        apart(band_26, circle) > 25.0,
        "26 m: {band_26:?} vs {circle:?}"
    );
    assert!(apart(band_26, band_50) > 25.0, "{band_26:?} vs {band_50:?}");
}
