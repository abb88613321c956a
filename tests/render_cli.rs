//! `impactmap render` and `impactmap timeline` on the bundled case, through the binary.

mod render_common;

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args(args)
        .arg("--sites")
        .arg(case.join("sites.geojson"))
        .arg("--incidents")
        .arg(case.join("incidents.geojson"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn render_and_timeline_write_pictures_of_the_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("embassy.png");
    let (code, err) = run(&[
        "render",
        "--focus",
        "az_embassy_kyiv",
        "--size",
        "1200x800",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let pic = render_common::decode_png(&std::fs::read(&png).unwrap());
    assert_eq!((pic.width, pic.height), (1200, 800));

    let svg = dir.path().join("overview.svg");
    let (code, err) = run(&[
        "render",
        "--extent",
        "country",
        "--paper",
        "a3",
        "--dpi",
        "100",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    // A3 portrait: 297 × 420 mm (to the pixel: 1169 × 1654 at 100 dpi).
    let mm = |a: &str| {
        doc.root_element()
            .attribute(a)
            .unwrap()
            .trim_end_matches("mm")
            .parse::<f64>()
            .unwrap()
    };
    assert!((mm("width") - 297.0).abs() < 0.26 && (mm("height") - 420.0).abs() < 0.26);

    let tl = dir.path().join("timeline.png");
    let (code, err) = run(&[
        "timeline",
        "--paper",
        "a4",
        "--landscape",
        "--dpi",
        "150",
        "-o",
        tl.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let pic = render_common::decode_png(&std::fs::read(&tl).unwrap());
    assert_eq!((pic.width, pic.height, pic.ppm), (1754, 1240, Some(5906)));
}

#[test]
fn bad_options_exit_2_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let o = out.to_str().unwrap();
    for (args, says) in [
        (vec!["render", "--focus", "nope", "-o", o], "known ids"),
        (
            vec!["render", "--extent", "30,50", "-o", o],
            "LON0,LAT0,LON1,LAT1",
        ),
        (vec!["render", "--size", "big", "-o", o], "WIDTHxHEIGHT"),
        (vec!["render", "--paper", "letter", "-o", o], "a4 or a3"),
        (
            vec!["render", "--basemap", "/nonexistent-folder", "-o", o],
            "basemap",
        ),
        (
            vec!["render", "-o", dir.path().join("x.gif").to_str().unwrap()],
            ".png or .svg",
        ),
        (vec!["timeline", "--site", "nope", "-o", o], "nope"),
    ] {
        let (code, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial output"
    );
}
