//! Checks on the report maps themselves: decoded pictures, pixel colours at independently
//! projected positions, the scale bar against geodesic distances, the north arrow against the
//! Lambert conic's convergence formula, the SVG's content, determinism and label overlaps.

mod common;
mod render_common;

use geographiclib_rs::{Geodesic, InverseGeodesic};
use impactmap::io::basemap;
use impactmap::model::{Incident, Location, Site, WeaponCategory};
use impactmap::proximity::ProximityRow;
use impactmap::render::geom::Rect;
use impactmap::render::{
    build_map, encode, Extent, Format, MapLayout, MapSpec, Page, Paper, Scene,
};
use impactmap::style;
use render_common::{case, decode_png, footprint_case, project, unproject, KYIV};

fn a4_300() -> Page {
    Page::paper(Paper::A4, true, 300.0).unwrap()
}

fn map(spec: &MapSpec, data: &(Vec<Site>, Vec<Incident>, Vec<ProximityRow>)) -> (Scene, MapLayout) {
    build_map(spec, &data.0, &data.1, &data.2, &basemap::bundled()).unwrap()
}

fn detail_kyiv(page: Page) -> MapSpec {
    MapSpec {
        page,
        ..MapSpec::detail("az_embassy_kyiv", None)
    }
}

fn overview(page: Page) -> MapSpec {
    MapSpec {
        page,
        ..MapSpec::overview(Extent::Country)
    }
}

/// Page pixel of a lon/lat point, computed from the layout's projection and scale with
/// proj4rs directly.
fn expected_px(l: &MapLayout, lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = project(&l.projection.proj_string(), lon, lat);
    let c = l.frame.centre();
    (
        c.x + (x - l.centre_xy.x) / l.m_per_px,
        c.y - (y - l.centre_xy.y) / l.m_per_px,
    )
}

fn to_lon_lat(l: &MapLayout, px: f64, py: f64) -> (f64, f64) {
    let c = l.frame.centre();
    unproject(
        &l.projection.proj_string(),
        l.centre_xy.x + (px - c.x) * l.m_per_px,
        l.centre_xy.y - (py - c.y) * l.m_per_px,
    )
}

fn rgb(c: style::Rgb) -> (u8, u8, u8) {
    (c.0, c.1, c.2)
}

#[test]
fn a4_landscape_at_300_dpi_decodes_at_3508_by_2480_with_its_resolution() {
    let (scene, _) = map(&detail_kyiv(a4_300()), &case());
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    assert_eq!((pic.width, pic.height), (3508, 2480));
    // 300 dpi = 11811 pixels per metre.
    assert_eq!(pic.ppm, Some(11811));
    let small = Page::pixels(1200, 800, None).unwrap();
    let pic = decode_png(&encode(&map(&overview(small), &case()).0, Format::Png).unwrap());
    assert_eq!((pic.width, pic.height, pic.ppm), (1200, 800, None));
}

#[test]
fn site_and_impact_symbols_are_at_their_projected_pixels() {
    // Overview: the three site markers.
    let data = case();
    let (scene, l) = map(&overview(Page::default()), &data);
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    let mut checked = 0;
    for s in data.0.iter().filter(|s| s.part.is_none()) {
        let impactmap::model::SiteGeometry::Point(p) = s.geometry else {
            panic!("point sites")
        };
        let (x, y) = expected_px(&l, p.x(), p.y());
        let mark = l
            .symbols
            .iter()
            .find(|m| m.key == format!("site:{}", s.id))
            .expect("site drawn");
        assert!(
            (mark.centre.x - x).abs() < 0.01 && (mark.centre.y - y).abs() < 0.01,
            "{}: {:?} vs {x},{y}",
            s.id,
            mark.centre
        );
        assert_eq!(
            pic.pixel(x, y),
            rgb(style::site_style(&s.kind).0),
            "site {} at {x},{y}",
            s.id
        );
        checked += 1;
    }
    assert_eq!(checked, 3);

    // Detail: a footprint and a point impact with its marker, link and uncertainty circle.
    let data = footprint_case();
    let spec = MapSpec {
        page: a4_300(),
        ..MapSpec::detail("hospital_1", None)
    };
    let (scene, l) = map(&spec, &data);
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    let Location::Point { point, .. } = data.1[0].location else {
        unreachable!()
    };
    let (x, y) = expected_px(&l, point.x(), point.y());
    assert_eq!(
        pic.pixel(x, y),
        rgb(style::weapon_style(WeaponCategory::AttackDrone).0)
    );
    // Just outside the marker but inside the 40 m circle: the uncertainty tint over the map.
    let k = 1.0 / l.m_per_px; // pixels per metre near the centre (stereographic, k0 = 1)
    let (r, g, b) = pic.pixel(x, y - 30.0 * k);
    assert!(
        r > g && g > b,
        "uncertainty tint expected, got {:?}",
        (r, g, b)
    );
    // The footprint's centre is filled with the hospital colour over the land.
    let (fx, fy) = expected_px(&l, 30.5205, 50.4503);
    let (r, g, b) = pic.pixel(fx, fy);
    let site = style::site_style("hospital").0;
    assert!(
        g > r && g > b && (g as i32 - site.1 as i32).abs() < 90,
        "{:?}",
        (r, g, b)
    );
}

/// A scale label in metres: `50 m`, `2.5 km`.
fn parse_length(label: &str) -> f64 {
    let (num, unit) = label.split_once(' ').unwrap();
    let v: f64 = num.parse().unwrap();
    match unit {
        "m" => v,
        "km" => v * 1000.0,
        _ => panic!("unit {unit}"),
    }
}

#[test]
fn scale_bar_length_matches_its_label_within_one_percent() {
    let geod = Geodesic::wgs84();
    for (spec, data) in [
        (detail_kyiv(a4_300()), case()),
        (overview(Page::default()), case()),
        (overview(Page::pixels(1400, 900, None).unwrap()), case()),
        (
            MapSpec {
                page: Page::default(),
                ..MapSpec::detail("az_honorary_consulate_kharkiv", None)
            },
            case(),
        ),
    ] {
        let (scene, l) = map(&spec, &data);
        let bar = &l.scale_bar;
        let label_m = parse_length(&bar.label);
        let (lon0, lat0) = to_lon_lat(&l, bar.start.x, bar.start.y);
        let (lon1, lat1) = to_lon_lat(&l, bar.end.x, bar.end.y);
        let d: f64 = geod.inverse(lat0, lon0, lat1, lon1);
        assert!(
            (d - label_m).abs() / label_m < 0.01,
            "{}: bar {d} m, label {}",
            l.title.0,
            bar.label
        );
        // The label is a round length: 1, 2 or 5 times a power of ten.
        let e = 10f64.powf(label_m.log10().floor());
        assert!(
            [1.0, 2.0, 5.0]
                .iter()
                .any(|k| (label_m / e - k).abs() < 1e-9),
            "{}",
            bar.label
        );
        // The bar is drawn: its first half is dark (within two levels) in a pixel row the bar
        // covers whole (a row reaching past its lower edge blends with the background; which
        // rows the bar covers depends on where the frame puts it).
        let pic = decode_png(&encode(&scene, Format::Png).unwrap());
        let dark = rgb(style::FRAME);
        for t in [0.1, 0.25, 0.4] {
            let x = bar.start.x + t * (bar.end.x - bar.start.x);
            let rows: Vec<_> = [0.5, 1.0, 1.5]
                .iter()
                .map(|k| pic.pixel(x, bar.start.y - k))
                .collect();
            assert!(
                rows.iter()
                    .any(|p| [(p.0, dark.0), (p.1, dark.1), (p.2, dark.2)]
                        .iter()
                        .all(|&(a, b)| a.abs_diff(b) <= 2)),
                "bar pixels at x {x} above {}: {rows:?}, not {dark:?}",
                bar.start.y
            );
        }
    }
}

/// The cone constant of the ellipsoidal Lambert conic (Snyder 1987, eqs. 14-15, 15-8, 15-9).
fn lcc_n(p1: f64, p2: f64) -> f64 {
    let e2 = 0.006_694_379_990_141_317_f64; // WGS84
    let e = e2.sqrt();
    let m = |p: f64| p.to_radians().cos() / (1.0 - e2 * p.to_radians().sin().powi(2)).sqrt();
    let t = |p: f64| {
        let s = p.to_radians().sin();
        (std::f64::consts::FRAC_PI_4 - p.to_radians() / 2.0).tan()
            / ((1.0 - e * s) / (1.0 + e * s)).powf(e / 2.0)
    };
    (m(p1).ln() - m(p2).ln()) / (t(p1).ln() - t(p2).ln())
}

#[test]
fn north_arrow_turns_by_the_projections_convergence() {
    // Overview in the Lambert conic: true north is turned by -n·(λ - λ0) from page up.
    let (_, l) = map(&overview(Page::default()), &case());
    let impactmap::projection::ProjectionDef::LambertConformalConic {
        lon0, lat1, lat2, ..
    } = l.projection
    else {
        panic!("the country map is a Lambert conic")
    };
    let a = &l.north_arrow;
    let expected = -lcc_n(lat1, lat2) * (a.at.x - lon0);
    let drawn = (a.tip.x - a.base.x).atan2(a.base.y - a.tip.y).to_degrees();
    assert!(
        expected.abs() > 3.0,
        "the arrow stands far enough east to show the turn: {expected}"
    );
    assert!(
        (drawn - expected).abs() < 0.02,
        "drawn {drawn}°, expected {expected}°"
    );
    // The arrow stands where it says (its recorded position is under its middle).
    let mid = ((a.tip.x + a.base.x) / 2.0, (a.tip.y + a.base.y) / 2.0);
    let (lon, lat) = to_lon_lat(&l, mid.0, mid.1);
    assert!((lon - a.at.x).abs() < 1e-6 && (lat - a.at.y).abs() < 1e-6);

    // Detail map, stereographic centred on the site: convergence ≈ -Δλ·sin φ (a thousandth of
    // a degree here; the sign as for the conic: east of the centre, north leans west).
    let (_, l) = map(&detail_kyiv(Page::default()), &case());
    let a = &l.north_arrow;
    let expected = -(a.at.x - KYIV.0) * KYIV.1.to_radians().sin();
    let drawn = (a.tip.x - a.base.x).atan2(a.base.y - a.tip.y).to_degrees();
    assert!(
        (drawn - expected).abs() < 1e-3,
        "drawn {drawn}°, expected {expected}°"
    );
}

#[test]
fn svg_parses_and_holds_title_legend_and_scale_label_as_outlined_text() {
    for spec in [detail_kyiv(Page::default()), overview(Page::default())] {
        let (scene, l) = map(&spec, &case());
        let svg = String::from_utf8(encode(&scene, Format::Svg).unwrap()).unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        // What is seen is outlines; the words are there once more as invisible text, for
        // find-in-page: one per drawn text, the same characters, never painted.
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("g"))
            .filter_map(|n| n.attribute("aria-label"))
            .filter(|l| !l.trim().is_empty())
            .collect();
        let invisible: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .collect();
        assert_eq!(
            invisible
                .iter()
                .map(|n| n.text().unwrap())
                .collect::<Vec<_>>(),
            labels
        );
        assert!(invisible
            .iter()
            .all(|n| n.attribute("fill-opacity") == Some("0")
                && n.attribute("aria-hidden") == Some("true")));
        let root = doc.root_element();
        assert_eq!(
            root.attribute("viewBox"),
            Some(format!("0 0 {} {}", scene.width, scene.height).as_str())
        );
        let texts: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("aria-label"))
            .collect();
        let all = texts.join(" ");
        assert!(texts.contains(&l.title.0.as_str()), "title");
        for entry in &l.legend {
            assert!(
                all.contains(entry.as_str()),
                "legend entry `{entry}` missing"
            );
        }
        assert!(texts.contains(&l.scale_bar.label.as_str()), "scale label");
        assert!(texts.contains(&"N"));
        // Every text is drawn from glyph outlines defined in the file.
        let defined: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        for g in doc
            .descendants()
            .filter(|n| n.attribute("aria-label").is_some())
        {
            let uses: Vec<&str> = g
                .descendants()
                .filter(|n| n.has_tag_name("use"))
                .filter_map(|n| n.attribute(("http://www.w3.org/1999/xlink", "href")))
                .collect();
            assert!(!uses.is_empty());
            assert!(
                uses.iter()
                    .all(|u| defined.contains(&u.trim_start_matches('#'))),
                "{uses:?}"
            );
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for spec in [detail_kyiv(Page::default()), overview(Page::default())] {
        let (a, _) = map(&spec, &case());
        let (b, _) = map(&spec, &case());
        assert_eq!(
            encode(&a, Format::Png).unwrap(),
            encode(&b, Format::Png).unwrap()
        );
        assert_eq!(
            encode(&a, Format::Svg).unwrap(),
            encode(&b, Format::Svg).unwrap()
        );
    }
    // Through the file writer too.
    let dir = tempfile::tempdir().unwrap();
    let data = case();
    let b = basemap::bundled();
    let spec = detail_kyiv(Page::default());
    for name in ["a.png", "b.png"] {
        impactmap::render::render_map(&spec, &data.0, &data.1, &data.2, &b, &dir.path().join(name))
            .unwrap();
    }
    assert_eq!(
        std::fs::read(dir.path().join("a.png")).unwrap(),
        std::fs::read(dir.path().join("b.png")).unwrap()
    );
}

/// Many point incidents around Kyiv, for crowded labels.
fn crowded() -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let (mut sites, mut incidents, mut rows) = case();
    let mut rng = impactmap::workload::Lcg(7);
    let mut next = || rng.next_f64();
    for i in 0..60 {
        let p = geo_types::point!(x: KYIV.0 + (next() - 0.5) * 0.004, y: KYIV.1 + (next() - 0.5) * 0.0025);
        let mut inc = render_common::incident(
            &format!("p{i:02}"),
            &format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            "drone",
            WeaponCategory::AttackDrone,
            Location::Point {
                point: p,
                uncertainty_m: 10.0,
            },
        );
        inc.sources.clear();
        incidents.push(inc);
        let d = impactmap::geodesy::distance_m(p, geo_types::point!(x: KYIV.0, y: KYIV.1));
        let mut r = render_common::row(
            incidents.len() - 1,
            0,
            impactmap::model::Interval::exact(d).widened(10.0),
            impactmap::proximity::Ternary::No,
            None,
        );
        r.from = Some(p);
        r.nearest = Some(geo_types::point!(x: KYIV.0, y: KYIV.1));
        rows.push(r);
    }
    sites.truncate(3);
    (sites, incidents, rows)
}

fn assert_no_overlaps(l: &MapLayout) {
    let labels: Vec<Rect> = l.labels.iter().map(|p| p.rect).collect();
    assert!(!labels.is_empty());
    for (i, a) in labels.iter().enumerate() {
        assert!(
            l.frame.contains_rect(a),
            "label {} leaves the frame",
            l.labels[i].key
        );
        for (j, b) in labels.iter().enumerate().skip(i + 1) {
            assert!(
                !a.overlaps(b),
                "labels {} and {} overlap",
                l.labels[i].key,
                l.labels[j].key
            );
        }
        for s in &l.symbols {
            // A footprint may hold its own site's label; markers may not be covered.
            let footprint = s.rect.width() > 60.0;
            assert!(
                footprint || !a.overlaps(&s.rect),
                "label {} covers symbol {}",
                l.labels[i].key,
                s.key
            );
        }
        for f in &l.furniture {
            assert!(
                !a.overlaps(f),
                "label {} covers map furniture",
                l.labels[i].key
            );
        }
        if let Some((p, q)) = l.labels[i].leader {
            for (j, b) in labels.iter().enumerate() {
                assert!(
                    j == i || !b.hits_segment(p, q),
                    "leader of {} crosses label {}",
                    l.labels[i].key,
                    l.labels[j].key
                );
            }
        }
    }
}

#[test]
fn labels_never_overlap_each_other_symbols_or_furniture() {
    let small = Page::pixels(1000, 700, None).unwrap();
    for (spec, data) in [
        (detail_kyiv(Page::default()), case()),
        (
            detail_kyiv(Page::paper(Paper::A3, false, 100.0).unwrap()),
            case(),
        ),
        (detail_kyiv(small), case()),
        (overview(Page::default()), case()),
        (overview(small), case()),
        (
            MapSpec {
                page: Page::default(),
                ..MapSpec::detail("hospital_1", None)
            },
            footprint_case(),
        ),
        (detail_kyiv(Page::default()), crowded()),
        (detail_kyiv(small), crowded()),
    ] {
        let (_, l) = map(&spec, &data);
        assert_no_overlaps(&l);
    }
    // In the crowded map some labels had to go, and the map says so.
    let (_, l) = map(&detail_kyiv(small), &crowded());
    assert!(!l.dropped.is_empty());
    assert!(
        l.notes
            .iter()
            .any(|n| n.contains("left out for lack of room")),
        "{:?}",
        l.notes
    );
}

#[test]
fn the_legend_lists_exactly_the_symbols_shown() {
    let (_, l) = map(&detail_kyiv(Page::default()), &case());
    assert_eq!(
        l.legend,
        [
            "Diplomatic mission",
            "Ballistic missile: colour of band or ring",
            "Hypersonic missile: colour of band or ring",
            "Air strike / guided bomb: colour of band or ring",
            "Distance reported from the site: band = range, dashed = stated value",
            "Incident inside the site (exact point not known)",
            "Distance from the site",
        ]
    );
    let (_, l) = map(&overview(Page::default()), &case());
    for e in [
        "Energy facility",
        "Attack drone",
        "City or town (",
        "First-level region border",
        "Ukraine: state border and coast",
    ] {
        assert!(
            l.legend.iter().any(|x| x.starts_with(e)),
            "{e} missing from {:?}",
            l.legend
        );
    }
    assert!(
        !l.legend.iter().any(|x| x.starts_with("Distance reported")),
        "no bands on the overview"
    );
    let spec = MapSpec {
        page: Page::default(),
        ..MapSpec::detail("hospital_1", None)
    };
    let (_, l) = map(&spec, &footprint_case());
    assert!(l.legend.iter().any(|x| x == "Hospital: footprint"));
    assert!(
        !l.legend.iter().any(|x| x == "Hospital"),
        "the footprint is drawn, not a marker"
    );
    assert!(l
        .legend
        .iter()
        .any(|x| x.starts_with("Possible error of the impact")));
}

#[test]
fn maps_carry_sources_attribution_and_approximate_location_notes() {
    let (_, l) = map(&detail_kyiv(Page::default()), &case());
    assert!(
        l.sources
            .contains("Ministry of Foreign Affairs of Azerbaijan")
            && l.sources.contains("Data as of 14 Nov 2025")
    );
    assert!(l.attribution.contains("Natural Earth") && l.attribution.contains("GeoNames"));
    assert!(l
        .notes
        .iter()
        .any(|n| n.contains("possibly off by up to 300 m")));
    assert!(l
        .notes
        .iter()
        .any(|n| n.contains("1 step = 0.75 m (0.6–0.9 m)")));
    assert!(l.notes.iter().any(|n| n.contains("not as a point")));
    assert_eq!(
        l.title.0,
        "Incidents at and near the Embassy of the Republic of Azerbaijan in Ukraine"
    );
    assert!(
        l.title.1.contains("2 Jan 2024 – 14 Nov 2025"),
        "{}",
        l.title.1
    );
}

#[test]
fn bad_requests_are_refused_with_what_to_do() {
    let data = case();
    let b = basemap::bundled();
    let err = build_map(
        &MapSpec::detail("nope", None),
        &data.0,
        &data.1,
        &data.2,
        &b,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("nope") && err.contains("az_embassy_kyiv"),
        "{err}"
    );
    let err = build_map(
        &MapSpec::detail("az_embassy_kyiv", Some(-5.0)),
        &data.0,
        &data.1,
        &data.2,
        &b,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("--radius"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let err = impactmap::render::render_map(
        &overview(Page::default()),
        &data.0,
        &data.1,
        &data.2,
        &b,
        &dir.path().join("map.jpg"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(".png or .svg"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );
    // No basemap at all still gives a complete map.
    let (_, l) = build_map(
        &overview(Page::default()),
        &data.0,
        &data.1,
        &data.2,
        &impactmap::render::Basemap::empty(),
    )
    .unwrap();
    assert!(l.attribution.is_empty());
}

#[test]
fn svg_looks_like_the_png_in_another_renderer() {
    // An independent SVG renderer (librsvg's rsvg-convert), when installed, draws the SVG; it
    // must match the PNG written from the same scene up to anti-aliasing differences.
    if !common::tool_available(
        &["rsvg-convert", "--version"],
        "Debian: apt-get install librsvg2-bin",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in [
        ("detail", detail_kyiv(Page::default())),
        ("overview", overview(Page::default())),
    ] {
        let (scene, _) = map(&spec, &case());
        let svg = dir.path().join(format!("{name}.svg"));
        std::fs::write(&svg, encode(&scene, Format::Svg).unwrap()).unwrap();
        let out = dir.path().join(format!("{name}-rsvg.png"));
        let status = std::process::Command::new("rsvg-convert")
            .args([
                "-b",
                "white",
                "-w",
                &scene.width.to_string(),
                "-h",
                &scene.height.to_string(),
            ])
            .arg("-o")
            .arg(&out)
            .arg(&svg)
            .status()
            .unwrap();
        assert!(status.success());
        let theirs = std::fs::read(&out).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(theirs));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let ours = decode_png(&encode(&scene, Format::Png).unwrap());
        assert_eq!((info.width, info.height), (ours.width, ours.height));
        let (mut total, mut far) = (0u64, 0usize);
        let n = (ours.width * ours.height) as usize;
        for i in 0..n {
            for c in 0..3 {
                let d = (ours.rgb[i * 3 + c] as i32 - buf[i * channels + c] as i32).unsigned_abs();
                total += d as u64;
                if d > 64 {
                    far += 1;
                }
            }
        }
        let mean = total as f64 / (3 * n) as f64;
        assert!(mean < 0.6, "{name}: mean difference {mean:.2} levels");
        assert!(
            (far as f64) < 0.0005 * (3 * n) as f64,
            "{name}: {far} channel values differ by more than 64"
        );
        eprintln!(
            "{name}: mean difference {mean:.3} levels, {far} of {} values differ by more than 64",
            3 * n
        );
    }
}

#[test]
fn a_direction_given_by_the_source_limits_the_band_to_a_sector() {
    // 100–140 m north-east of a point site: tinted to the north-east, not to the south-west.
    let (mut sites, mut incidents, mut rows) = case();
    sites.truncate(1);
    incidents.truncate(0);
    rows.clear();
    incidents.push(render_common::incident(
        "ne",
        "2024-03-01",
        "drone",
        WeaponCategory::AttackDrone,
        Location::Relative {
            site: "az_embassy_kyiv".into(),
            part: None,
            distance: impactmap::model::RelativeDistance {
                value: 120.0,
                unit: impactmap::model::DistanceUnit::Metres,
                tolerance: 20.0,
            },
            bearing_deg: Some(45.0),
            as_described: None,
        },
    ));
    let (scene, l) = map(&detail_kyiv(Page::default()), &(sites, incidents, rows));
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    let at = |az: f64| {
        let p = impactmap::geodesy::destination(geo_types::point!(x: KYIV.0, y: KYIV.1), az, 110.0);
        let (x, y) = expected_px(&l, p.x(), p.y());
        pic.pixel(x, y)
    };
    // The band's tint: the drone colour at the incident opacity over the land.
    let blend = |l: u8, c: u8| {
        (l as f64 + (c as f64 - l as f64) * style::INCIDENT_FILL_OPACITY).round() as i32
    };
    let (land, drone) = (
        style::LAND,
        style::weapon_style(WeaponCategory::AttackDrone).0,
    );
    let tint = (
        blend(land.0, drone.0),
        blend(land.1, drone.1),
        blend(land.2, drone.2),
    );
    let tinted = |c: (u8, u8, u8)| {
        (c.0 as i32 - tint.0).abs() <= 1
            && (c.1 as i32 - tint.1).abs() <= 1
            && (c.2 as i32 - tint.2).abs() <= 1
    };
    assert!(
        tinted(at(45.0)),
        "inside the sector: {:?} vs {tint:?}",
        at(45.0)
    );
    assert!(tinted(at(60.0)), "inside the sector");
    for az in [90.0, 180.0, 225.0, 300.0] {
        assert!(!tinted(at(az)), "outside the sector at {az}°");
    }
    assert!(
        l.notes.iter().any(|n| n.contains("±22.5°")),
        "{:?}",
        l.notes
    );
}

/// A hospital in Beirut (the American University of Beirut Medical Center, about 35.4853° E,
/// 33.8975° N) and two strikes near it, with the engine's rows; `more` adds further sites.
fn beirut_case(more: Vec<Site>) -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    use geo_types::point;
    use impactmap::model::SiteGeometry;
    use render_common::{incident, site};
    let mut sites = vec![site(
        "aubmc",
        None,
        "American University of Beirut Medical Center",
        "hospital",
        SiteGeometry::Point(point!(x: 35.4853, y: 33.8975)),
        50.0,
    )];
    sites.extend(more);
    let at = |lon: f64, lat: f64| Location::Point {
        point: point!(x: lon, y: lat),
        uncertainty_m: 30.0,
    };
    let incidents = vec![
        incident(
            "b1",
            "2024-10-03",
            "Air strike",
            WeaponCategory::AirStrike,
            at(35.4880, 33.8990),
        ),
        incident(
            "b2",
            "2024-10-05",
            "Air strike",
            WeaponCategory::AirStrike,
            at(35.4822, 33.8951),
        ),
    ];
    let engine = impactmap::proximity::Engine::new(&sites, Default::default());
    let rows = engine.rows(&incidents).unwrap();
    (sites, incidents, rows)
}

#[test]
fn a_beirut_case_gets_an_overview_and_an_inset_of_lebanon() {
    let data = beirut_case(Vec::new());
    let (scene, l) = map(&overview(Page::default()), &data);
    assert_eq!(l.title.0, "Incidents at protected sites in Lebanon");
    assert_eq!(l.countries, vec!["Lebanon".to_string()]);
    assert!(
        l.legend
            .iter()
            .any(|x| x == "Lebanon: state border and coast"),
        "{:?}",
        l.legend
    );
    // Beirut (GeoNames 35.50157° E, 33.89332° N), projected independently with proj4rs, lies in
    // the frame, and its label is placed.
    let (bx, by) = expected_px(&l, 35.50157, 33.89332);
    assert!(
        l.frame.contains(impactmap::render::geom::pt(bx, by)),
        "{bx},{by} outside {:?}",
        l.frame
    );
    assert!(l.labels.iter().any(|p| p.key == "city:Beirut"));
    // The whole country is in the frame: near its northern border (36.55° E, 34.60° N) and its
    // southern border at the coast (35.15° E, 33.12° N).
    for (lon, lat) in [(36.55, 34.60), (35.15, 33.12)] {
        let (x, y) = expected_px(&l, lon, lat);
        assert!(
            l.frame.contains(impactmap::render::geom::pt(x, y)),
            "({lon}, {lat}) outside"
        );
    }
    // Colours at independently projected points: Lebanese land (Bekaa valley), Syria (muted),
    // the Mediterranean.
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    for ((lon, lat), colour, what) in [
        ((35.95, 33.80), style::LAND, "Lebanon"),
        ((36.50, 33.20), style::OUTSIDE, "Syria"),
        ((35.30, 34.00), style::WATER, "the sea"),
    ] {
        let (x, y) = expected_px(&l, lon, lat);
        assert_eq!(pic.pixel(x, y), rgb(colour), "{what} at ({lon}, {lat})");
    }
    // Syria's capital is drawn where GeoNames puts it (Damascus, 36.29128° E, 33.5102° N).
    let (x, y) = expected_px(&l, 36.29128, 33.5102);
    assert_eq!(pic.pixel(x, y), rgb(style::CITY), "Damascus at {x},{y}");

    // The detail map's inset shows Lebanon, with the locator in it.
    let spec = MapSpec {
        page: Page::default(),
        ..MapSpec::detail("aubmc", None)
    };
    let (scene, l) = map(&spec, &data);
    let inset = l.inset.expect("an inset");
    assert_eq!(inset.country, "Lebanon");
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    let (mut land, mut locator) = (0, 0);
    let f = inset.frame;
    for y in (f.y0 as u32..f.y1 as u32).step_by(2) {
        for x in (f.x0 as u32..f.x1 as u32).step_by(2) {
            let p = pic.pixel(x as f64, y as f64);
            land += (p == rgb(style::LAND)) as u32;
            locator += (p == rgb(style::LOCATOR)) as u32;
        }
    }
    assert!(land > 100 && locator > 0, "land {land}, locator {locator}");
}

#[test]
fn a_case_across_two_countries_names_both() {
    use geo_types::point;
    use impactmap::model::SiteGeometry;
    // A second hospital in Damascus (GeoNames 36.29128° E, 33.5102° N).
    let damascus = render_common::site(
        "damascus_hospital",
        None,
        "Al Mujtahed Hospital",
        "hospital",
        SiteGeometry::Point(point!(x: 36.2913, y: 33.5102)),
        50.0,
    );
    let data = beirut_case(vec![damascus]);
    let (_, l) = map(&overview(Page::default()), &data);
    assert_eq!(
        l.title.0,
        "Incidents at protected sites in Lebanon and Syria"
    );
    let (x, y) = expected_px(&l, 36.29128, 33.5102);
    assert!(l.frame.contains(impactmap::render::geom::pt(x, y)));
}

#[test]
fn the_bundled_case_draws_ukraine_with_crimea() {
    let (scene, l) = map(&overview(Page::default()), &case());
    assert_eq!(l.title.0, "Incidents at protected sites in Ukraine");
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    // Northern Crimea's steppe and the Kerch peninsula: Ukraine's land colour, not muted.
    for (lon, lat) in [(33.9, 45.6), (35.9, 45.3)] {
        let (x, y) = expected_px(&l, lon, lat);
        assert_eq!(pic.pixel(x, y), rgb(style::LAND), "({lon}, {lat})");
    }
    // Kyiv is the capital: its label is placed, in bold.
    assert!(l.labels.iter().any(|p| p.key == "city:Kyiv"));
    // A neighbour's capital is drawn where GeoNames puts it (Chisinau, 28.85938° E, 47.00902° N),
    // projected independently with proj4rs.
    let (x, y) = expected_px(&l, 28.85938, 47.00902);
    assert_eq!(pic.pixel(x, y), rgb(style::CITY), "Chisinau at {x},{y}");
}
