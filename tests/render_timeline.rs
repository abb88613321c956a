//! Checks on the timeline chart: size, markers and distance bars where the dates and distances
//! put them, the notification date, the SVG's content and determinism.

mod render_common;

use chrono::{Datelike, NaiveDate};
use impactmap::render::{
    build_timeline, encode, Format, Page, Paper, TimelineLayout, TimelineSpec,
};
use impactmap::style;
use render_common::{case, decode_png};

fn layout(spec: &TimelineSpec) -> (impactmap::render::Scene, TimelineLayout) {
    let (s, i, r) = case();
    build_timeline(spec, &s, &i, &r).unwrap()
}

/// x of a calendar day's middle and y of a distance, from the axis ranges alone.
fn x_of(l: &TimelineLayout, d: NaiveDate) -> f64 {
    let (a, b) = l.axis_days;
    l.plot.x0 + (d.num_days_from_ce() as f64 + 0.5 - a) / (b - a) * l.plot.width()
}

fn y_of(l: &TimelineLayout, m: f64) -> f64 {
    let (a, b) = l.axis_m;
    l.plot.y1 - (m - a) / (b - a) * l.plot.height()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn markers_and_distance_bars_sit_at_their_dates_and_distances() {
    let spec = TimelineSpec {
        page: Page::paper(Paper::A4, true, 300.0).unwrap(),
        ..Default::default()
    };
    let (scene, l) = layout(&spec);
    let pic = decode_png(&encode(&scene, Format::Png).unwrap());
    assert_eq!((pic.width, pic.height), (3508, 2480));
    // (incident, date, nominal m, min m, max m, weapon colour)
    let expected = [
        (
            "kharkiv_2022_03_10",
            "2022-03-10",
            0.0,
            0.0,
            0.0,
            style::weapon_style(impactmap::model::WeaponCategory::AirStrike).0,
        ),
        (
            "kyiv_2024_01_02",
            "2024-01-02",
            26.25,
            21.0,
            31.5,
            style::weapon_style(impactmap::model::WeaponCategory::HypersonicMissile).0,
        ),
        (
            "kyiv_2025_08_28",
            "2025-08-28",
            50.0,
            40.0,
            60.0,
            style::weapon_style(impactmap::model::WeaponCategory::AirStrike).0,
        ),
        (
            "kyiv_2025_11_14",
            "2025-11-14",
            0.0,
            0.0,
            0.0,
            style::weapon_style(impactmap::model::WeaponCategory::BallisticMissile).0,
        ),
    ];
    for (id, d, nominal, min, max, colour) in expected {
        let (x, y) = (x_of(&l, date(d)), y_of(&l, nominal));
        let mark = l.marks.iter().find(|m| m.incident == id).unwrap();
        assert!(
            (mark.centre.x - x).abs() < 1e-6 && (mark.centre.y - y).abs() < 1e-6,
            "{id}"
        );
        assert_eq!(
            pic.pixel(x, y),
            (colour.0, colour.1, colour.2),
            "{id} marker colour"
        );
        if max > min {
            // The bar runs from min to max: its pixels just inside the caps are the weapon colour.
            let (top, bottom) = (y_of(&l, max), y_of(&l, min));
            assert!(
                (mark.range_px.0 - top).abs() < 1e-6 && (mark.range_px.1 - bottom).abs() < 1e-6
            );
            for yy in [top + 3.0, bottom - 3.0] {
                assert_eq!(
                    pic.pixel(x, yy),
                    (colour.0, colour.1, colour.2),
                    "{id} bar at {yy}"
                );
            }
        }
    }
    // The notification month (April 2022) starts at its first day, before the 2024 and 2025
    // incidents and after the March 2022 one.
    let (label, x) = &l.notified[0];
    assert_eq!(label, "Apr 2022");
    let first = date("2022-04-01").num_days_from_ce() as f64;
    let (a, b) = l.axis_days;
    assert!((x - (l.plot.x0 + (first - a) / (b - a) * l.plot.width())).abs() < 1e-6);
    assert!(*x > x_of(&l, date("2022-03-10")) && *x < x_of(&l, date("2024-01-02")));
}

#[test]
fn svg_holds_title_legend_and_labels_and_bytes_repeat() {
    let spec = TimelineSpec::default();
    let (scene, l) = layout(&spec);
    let svg = String::from_utf8(encode(&scene, Format::Svg).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("aria-label"))
        .collect();
    let all = texts.join(" ");
    assert!(texts.contains(&l.title.0.as_str()));
    for e in &l.legend {
        assert!(all.contains(e.as_str()), "legend entry {e}");
    }
    assert!(all.contains("2 Jan 2024 · 26 m (21–32 m)"), "{all}");
    assert!(all.contains("Coordinates notified: Apr 2022"));
    // Every text drawn is there once more as invisible text (find-in-page), never painted.
    let invisible: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .collect();
    assert!(invisible
        .iter()
        .any(|n| n.text() == Some(l.title.0.as_str())));
    assert!(invisible
        .iter()
        .all(|n| n.attribute("fill-opacity") == Some("0")));
    let (again, _) = layout(&spec);
    assert_eq!(
        encode(&scene, Format::Png).unwrap(),
        encode(&again, Format::Png).unwrap()
    );
    assert_eq!(svg.into_bytes(), encode(&again, Format::Svg).unwrap());
}

#[test]
fn one_site_only_and_labels_do_not_overlap() {
    let spec = TimelineSpec {
        site: Some("az_embassy_kyiv".into()),
        ..Default::default()
    };
    let (_, l) = layout(&spec);
    assert_eq!(l.marks.len(), 3);
    let all = layout(&TimelineSpec::default()).1;
    assert_eq!(all.marks.len(), 6);
    for l in [l, all] {
        let rects: Vec<_> = l.labels.iter().map(|p| p.rect).collect();
        assert_eq!(impactmap::render::labels::any_overlap(&rects), None);
        for r in &rects {
            assert!(l.plot.contains_rect(r));
        }
    }
    let (s, i, r) = case();
    let err = build_timeline(
        &TimelineSpec {
            site: Some("nope".into()),
            ..Default::default()
        },
        &s,
        &i,
        &r,
    )
    .unwrap_err();
    assert!(err.to_string().contains("nope"));
}
