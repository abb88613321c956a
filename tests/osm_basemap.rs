//! OpenStreetMap under the detail maps, on the real central-Helsinki extract: streets drawn
//! where the extract puts them (projected independently, through GDAL), the nearest named
//! streets labelled, no two labels overlapping, the same bytes on every run, the credit on the
//! map and in report.md.

mod common;
mod render_common;

use geo_types::{point, Coord};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use impactmap::io::basemap_sources::{BasemapSource, Basemaps};
use impactmap::model::{Site, SiteGeometry};
use impactmap::render::labels::any_overlap;
use impactmap::render::{
    build_map_over, write_scene, Backgrounds, Basemap, MapLayout, MapSpec, Page, Scene,
};
use osmpbf::{Element, ElementReader};
use render_common::decode_png;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Embassy of the Netherlands as OpenStreetMap maps it (node 617993191).
const SITE: (f64, f64) = (24.9442849, 60.1663786);
const RADIUS_M: f64 = 250.0;

fn extract() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm/real/helsinki.osm.pbf")
}

fn site() -> Site {
    Site::new(
        "nl_embassy",
        "embassy",
        SiteGeometry::Point(point! { x: SITE.0, y: SITE.1 }),
    )
}

fn draw(lang: Option<&str>) -> (Scene, MapLayout) {
    let basemaps = Basemaps::load(&[BasemapSource::OsmPbf(extract())], lang).unwrap();
    let spec = MapSpec {
        page: Page::pixels(1400, 990, None).unwrap(),
        ..MapSpec::detail("nl_embassy", Some(RADIUS_M))
    };
    build_map_over(
        &spec,
        &[site()],
        &[],
        &[],
        &Backgrounds {
            ground: &basemaps,
            ..Backgrounds::basemap(&Basemap::empty())
        },
    )
    .unwrap()
}

/// A street of the extract: its name(s) and its nodes, lon/lat.
struct Way {
    id: i64,
    highway: String,
    names: HashMap<String, String>,
    nodes: Vec<Coord<f64>>,
}

/// Every `highway` way of the extract with its nodes, read straight with osmpbf.
fn streets() -> Vec<Way> {
    let mut nodes: HashMap<i64, Coord<f64>> = HashMap::new();
    // Id, highway value, tags, node ids.
    type RawWay = (i64, String, HashMap<String, String>, Vec<i64>);
    let mut ways: Vec<RawWay> = Vec::new();
    ElementReader::from_path(extract())
        .unwrap()
        .for_each(|e| match e {
            Element::DenseNode(n) => {
                nodes.insert(
                    n.id(),
                    Coord {
                        x: n.lon(),
                        y: n.lat(),
                    },
                );
            }
            Element::Node(n) => {
                nodes.insert(
                    n.id(),
                    Coord {
                        x: n.lon(),
                        y: n.lat(),
                    },
                );
            }
            Element::Way(w) => {
                let tags: HashMap<String, String> = w
                    .tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                if let Some(h) = tags.get("highway") {
                    ways.push((w.id(), h.clone(), tags.clone(), w.refs().collect()));
                }
            }
            _ => {}
        })
        .unwrap();
    ways.into_iter()
        .map(|(id, highway, names, refs)| Way {
            id,
            highway,
            names,
            nodes: refs.iter().filter_map(|r| nodes.get(r).copied()).collect(),
        })
        .collect()
}

/// Lon/lat → page pixels with GDAL (`gdaltransform`) and the layout's affine step, as a world
/// file states it: x = frame centre + (E − E0) / m_per_px, y = frame centre − (N − N0) / m_per_px.
fn to_page_with_gdal(layout: &MapLayout, points: &[Coord<f64>]) -> Vec<(f64, f64)> {
    let proj = format!(
        "+proj=sterea +lat_0={} +lon_0={} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
        SITE.1, SITE.0
    );
    let input: String = points
        .iter()
        .map(|c| format!("{} {}\n", c.x, c.y))
        .collect();
    let mut child = Command::new("gdaltransform")
        .args([
            "-s_srs",
            "+proj=longlat +ellps=WGS84 +no_defs",
            "-t_srs",
            &proj,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let mid = layout.frame.centre();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|t| t.parse().unwrap()).collect();
            (
                mid.x + (v[0] - layout.centre_xy.x) / layout.m_per_px,
                mid.y - (v[1] - layout.centre_xy.y) / layout.m_per_px,
            )
        })
        .collect()
}

fn is_street_fill((r, g, b): (u8, u8, u8)) -> bool {
    r >= 0xfb && g >= 0xfb && b >= 0xfb
}

#[test]
fn streets_are_drawn_where_the_extract_puts_them() {
    if !common::tool_available(&["gdaltransform", "--version"], "apt install gdal-bin") {
        return;
    }
    let (scene, layout) = draw(None);
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("map.png");
    write_scene(&scene, &png).unwrap();
    let pic = decode_png(&std::fs::read(&png).unwrap());
    // Middles of the segments of the vehicle streets (drawn at least 5 px wide here).
    let mids: Vec<Coord<f64>> = streets()
        .iter()
        .filter(|w| {
            matches!(
                w.highway.as_str(),
                "primary" | "secondary" | "tertiary" | "residential" | "unclassified"
            )
        })
        .flat_map(|w| {
            w.nodes
                .windows(2)
                .map(|s| Coord {
                    x: (s[0].x + s[1].x) / 2.0,
                    y: (s[0].y + s[1].y) / 2.0,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let inner = layout.frame.inflate(-10.0);
    let on_page: Vec<(f64, f64)> = to_page_with_gdal(&layout, &mids)
        .into_iter()
        .filter(|&(x, y)| {
            // Not under a label (street names are drawn on their streets) or a symbol.
            let p = impactmap::render::geom::pt(x, y);
            inner.contains(p)
                && !layout.labels.iter().any(|l| l.rect.contains(p))
                && !layout
                    .symbols
                    .iter()
                    .any(|s| s.rect.inflate(2.0).contains(p))
        })
        .collect();
    assert!(
        on_page.len() > 200,
        "{} street points in the frame",
        on_page.len()
    );
    let hits = on_page
        .iter()
        .filter(|&&(x, y)| is_street_fill(pic.pixel(x, y)))
        .count();
    let share = hits as f64 / on_page.len() as f64;
    // A few points lie on a crossing street's casing.
    assert!(
        share > 0.9,
        "{hits} of {} street points are street-coloured",
        on_page.len()
    );
    // Control: a grid over the frame is mostly not street.
    let mut grid = 0;
    let mut white = 0;
    for i in 0..40 {
        for j in 0..30 {
            let x = inner.x0 + inner.width() * (i as f64 + 0.5) / 40.0;
            let y = inner.y0 + inner.height() * (j as f64 + 0.5) / 30.0;
            grid += 1;
            white += usize::from(is_street_fill(pic.pixel(x, y)));
        }
    }
    assert!((white as f64) < 0.4 * grid as f64, "{white} of {grid}");
    eprintln!(
        "{hits} of {} street points street-coloured; {white} of {grid} grid points",
        on_page.len()
    );
}

/// Named vehicle streets by their distance from the site, nearest first (metres, geodesic, to
/// the nearest node), each name once.
fn named_streets_by_distance(lang: Option<&str>) -> Vec<(String, f64)> {
    let mut best: HashMap<String, f64> = HashMap::new();
    for w in streets() {
        if matches!(
            w.highway.as_str(),
            "footway" | "path" | "cycleway" | "steps" | "pedestrian" | "track" | "bridleway"
        ) {
            continue;
        }
        let name = lang
            .and_then(|l| w.names.get(&format!("name:{l}")))
            .or_else(|| w.names.get("name"));
        let Some(name) = name else { continue };
        for c in &w.nodes {
            let d: f64 = Geodesic::wgs84().inverse(SITE.1, SITE.0, c.y, c.x);
            let e = best.entry(name.clone()).or_insert(f64::MAX);
            *e = e.min(d);
        }
    }
    let mut v: Vec<(String, f64)> = best.into_iter().collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

fn street_labels(layout: &MapLayout) -> Vec<String> {
    let mut v: Vec<String> = layout
        .labels
        .iter()
        .filter_map(|l| l.key.strip_prefix("street:").map(str::to_string))
        .collect();
    v.dedup();
    v
}

#[test]
fn the_nearest_named_streets_are_labelled_and_no_labels_collide() {
    let (scene, layout) = draw(None);
    let nearest = named_streets_by_distance(None);
    let labelled = street_labels(&layout);
    eprintln!("nearest: {:?}", &nearest[..6]);
    eprintln!("labelled: {labelled:?}");
    for (name, d) in &nearest[..4] {
        assert!(
            labelled.contains(name),
            "{name} ({d:.0} m) is not labelled: {labelled:?}"
        );
    }
    assert!(labelled.len() >= 8, "{labelled:?}");
    // Every label, street names included, clear of every other and inside the frame.
    let rects: Vec<_> = layout.labels.iter().map(|l| l.rect).collect();
    assert_eq!(any_overlap(&rects), None);
    for l in &layout.labels {
        assert!(layout.frame.contains_rect(&l.rect), "{l:?}");
    }
    // The names are drawn along the streets: turned texts, each name once.
    let turned = scene.texts().filter(|t| t.angle_deg.abs() > 1.0).count();
    assert!(turned > 0);
    for name in &labelled {
        assert_eq!(
            scene.texts().filter(|t| &t.text == name).count(),
            1,
            "{name}"
        );
    }
}

#[test]
fn label_language_prefers_the_names_in_that_language() {
    let (_, layout) = draw(Some("sv"));
    let labelled = street_labels(&layout);
    let swedish = named_streets_by_distance(Some("sv"));
    let finnish = named_streets_by_distance(None);
    let (sv, fi) = (&swedish[0].0, &finnish[0].0);
    assert_ne!(sv, fi, "the nearest street has a Swedish name in Helsinki");
    assert!(labelled.contains(sv), "{sv}: {labelled:?}");
    assert!(!labelled.contains(fi), "{fi}: {labelled:?}");
}

#[test]
fn reruns_are_byte_identical_and_the_map_credits_openstreetmap() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for i in 0..2 {
        let (scene, layout) = draw(None);
        assert!(layout.attribution.contains("© OpenStreetMap contributors"));
        assert!(scene
            .texts()
            .any(|t| t.text.contains("© OpenStreetMap contributors")));
        for ext in ["png", "svg"] {
            let path = dir.path().join(format!("map{i}.{ext}"));
            write_scene(&scene, &path).unwrap();
            bytes.push(std::fs::read(&path).unwrap());
        }
    }
    assert!(bytes[0] == bytes[2] && bytes[1] == bytes[3]);
}

#[test]
fn report_draws_the_case_basemap_and_credits_it() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/helsinki-example");
    let outputs = tempfile::tempdir().unwrap();
    let out = outputs.path().join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .arg("report")
        .arg(&case)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("© OpenStreetMap contributors"), "{md}");
    // Context features never become sites: the table names the one site only.
    let rows = common::read_csv(&out.join("proximity.csv"));
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["site_id"] == "nl_embassy_helsinki"));
    let sites = std::fs::read_to_string(out.join("layers/sites.geojson")).unwrap();
    assert_eq!(sites.matches("\"Feature\"").count(), 1, "{sites}");
    // The extract drawn from is hashed into the manifest as an input (checked with coreutils).
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let extract = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "helsinki.osm.pbf")
        .unwrap_or_else(|| panic!("no extract among the inputs: {manifest}"));
    let sum = Command::new("sha256sum")
        .arg(case.join("helsinki.osm.pbf"))
        .output()
        .unwrap();
    let sum = String::from_utf8(sum.stdout).unwrap();
    assert_eq!(extract["sha256"], sum.split_whitespace().next().unwrap());
}

#[test]
fn a_source_that_is_not_a_basemap_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, b"not a map").unwrap();
    let e = BasemapSource::parse(notes.to_str().unwrap(), Path::new("")).unwrap_err();
    assert!(e.to_string().contains("is not a basemap source"), "{e}");
    let e = BasemapSource::parse("missing.osm.pbf", dir.path()).unwrap_err();
    assert!(e.to_string().contains("no such file"), "{e}");
    let both = [BasemapSource::None, BasemapSource::World];
    assert!(Basemaps::load(&both, None).is_err());
    // A broken extract is named in the message.
    let bad = dir.path().join("bad.osm.pbf");
    std::fs::write(&bad, b"not a pbf").unwrap();
    let basemaps = Basemaps::load(&[BasemapSource::OsmPbf(bad)], None).unwrap();
    let spec = MapSpec::detail("nl_embassy", Some(RADIUS_M));
    let e = build_map_over(
        &spec,
        &[site()],
        &[],
        &[],
        &Backgrounds {
            ground: &basemaps,
            ..Backgrounds::basemap(&Basemap::empty())
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("bad.osm.pbf"), "{e}");
}

#[test]
fn only_the_streets_of_the_extent_are_read_and_whole() {
    // The north-east quarter of the extract.
    let bbox = [24.9443, 60.1716, 24.9534, 60.1791];
    let inside =
        |c: &Coord<f64>| c.x >= bbox[0] && c.x <= bbox[2] && c.y >= bbox[1] && c.y <= bbox[3];
    let drawn = [
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "residential",
        "unclassified",
        "living_street",
        "road",
        "service",
        "pedestrian",
        "footway",
        "path",
        "cycleway",
        "steps",
        "track",
        "bridleway",
    ];
    let all = streets();
    let mut expected: Vec<(i64, usize)> = all
        .iter()
        .filter(|w| drawn.contains(&w.highway.trim_end_matches("_link")))
        .filter(|w| w.nodes.iter().any(inside))
        // A way clipped by the extract down to one node is no line.
        .filter(|w| w.nodes.len() >= 2)
        .map(|w| (w.id, w.nodes.len()))
        .collect();
    expected.sort_unstable();
    let ground = impactmap::io::osm::read_ground(&extract(), bbox, None).unwrap();
    let mut read: Vec<(i64, usize)> = ground
        .roads
        .iter()
        .map(|r| (r.id, r.line.0.len()))
        .collect();
    read.sort_unstable();
    // Pedestrian areas (area=yes) are not streets.
    let areas: Vec<i64> = all
        .iter()
        .filter(|w| w.names.get("area").is_some_and(|v| v == "yes"))
        .map(|w| w.id)
        .collect();
    expected.retain(|(id, _)| !areas.contains(id));
    assert!(
        read.len() > 100 && read.len() < all.len() / 2,
        "{}",
        read.len()
    );
    // Every street with a node inside, with all its nodes (those outside the box too).
    assert_eq!(read, expected);
}
