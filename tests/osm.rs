//! The OpenStreetMap reader on a hand-written extract (`tests/data/osm/sites.osm`,
//! converted to PBF with `osmium cat sites.osm -o sites.osm.pbf`). Expected values
//! are worked out by hand from the XML (see the comment at its top).

mod common;

use geo_types::{Coord, LineString, Polygon};
use impactmap::io::osm::{read_sites, OsmSites, TagFilter};
use impactmap::model::SiteGeometry;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/osm")
        .join(name)
}

fn filters(specs: &[&str]) -> Vec<TagFilter> {
    specs.iter().map(|s| s.parse().unwrap()).collect()
}

fn read(path: &Path) -> OsmSites {
    read_sites(path, &filters(&["building", "amenity=embassy"])).unwrap()
}

/// Planar area in lon/lat degrees² (shoelace about the first vertex), signed:
/// positive counter-clockwise.
fn ring_area(ring: &LineString<f64>) -> f64 {
    let o = ring.0[0];
    let d: Vec<Coord<f64>> = ring.0.iter().map(|&c| c - o).collect();
    d.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

fn polygon_area(p: &Polygon<f64>) -> f64 {
    ring_area(p.exterior()) + p.interiors().iter().map(ring_area).sum::<f64>()
}

fn polygon_of<'a>(sites: &'a OsmSites, id: &str) -> &'a Polygon<f64> {
    let site = sites
        .sites
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("{id} missing"));
    match &site.geometry {
        SiteGeometry::Polygon(p) => p,
        other => panic!("{id}: expected a polygon, got {other:?}"),
    }
}

/// The ring's distinct vertices, rotated to start at the smallest (x, y).
fn canonical(ring: &LineString<f64>) -> Vec<(i64, i64)> {
    let v: Vec<(i64, i64)> = ring.0[..ring.0.len() - 1]
        .iter()
        .map(|c| ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64))
        .collect();
    let start = (0..v.len()).min_by_key(|&i| v[i]).unwrap();
    v[start..].iter().chain(&v[..start]).copied().collect()
}

fn e7(points: &[(f64, f64)]) -> Vec<(i64, i64)> {
    points
        .iter()
        .map(|(x, y)| ((x * 1e7_f64).round() as i64, (y * 1e7_f64).round() as i64))
        .collect()
}

#[test]
fn keeps_the_matching_elements_in_id_order() {
    let s = read(&fixture("sites.osm.pbf"));
    let ids: Vec<&str> = s.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "node/201",
            "way/101",
            "way/102",
            "relation/301",
            "relation/305"
        ]
    );
    let kinds: Vec<&str> = s.sites.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["embassy", "building", "building", "building", "building"]
    );
}

#[test]
fn embassy_node_is_a_point_with_its_tags() {
    let s = read(&fixture("sites.osm.pbf"));
    let e = &s.sites[0];
    assert_eq!(e.name, "Embassy of Testland");
    assert_eq!(e.address(), Some("Test Street 7, Kyiv"));
    assert_eq!(
        e.geometry,
        SiteGeometry::Point(geo_types::point!(x: 30.4905616, y: 50.4608214))
    );
    assert_eq!(e.properties()["amenity"], "embassy");
    assert_eq!(e.properties()["addr:city"], "Kyiv");
}

#[test]
fn closed_ways_are_counter_clockwise_polygons() {
    let s = read(&fixture("sites.osm.pbf"));
    // Drawn clockwise in the file; 0.0002° × 0.0001° = 2e-8 deg².
    let a = polygon_of(&s, "way/101");
    assert_eq!(a.exterior().0.len(), 5);
    assert!((ring_area(a.exterior()) - 2e-8).abs() < 1e-17);
    assert_eq!(
        canonical(a.exterior()),
        e7(&[
            (30.5, 50.45),
            (30.5002, 50.45),
            (30.5002, 50.4501),
            (30.5, 50.4501)
        ])
    );
    let site = s.sites.iter().find(|s| s.id == "way/101").unwrap();
    assert_eq!(site.name, "Block A");
    // The L-shape: six vertices, 0.0003 × 0.0001 + 0.0001 × 0.0002 = 5e-8 deg².
    let l = polygon_of(&s, "way/102");
    assert_eq!(l.exterior().0.len(), 7);
    assert!((polygon_area(l) - 5e-8).abs() < 1e-17);
    let office = s.sites.iter().find(|s| s.id == "way/102").unwrap();
    assert_eq!(
        (office.name.as_str(), office.operator()),
        ("way/102", Some("Test Ministry"))
    );
}

#[test]
fn multipolygon_with_split_outer_ring_and_a_hole() {
    let s = read(&fixture("sites.osm.pbf"));
    let p = polygon_of(&s, "relation/301");
    assert_eq!(p.exterior().0.len(), 5, "outer ring joined from two ways");
    assert_eq!(p.interiors().len(), 1, "the hole is kept");
    assert!(
        ring_area(p.exterior()) > 0.0 && ring_area(&p.interiors()[0]) < 0.0,
        "outer CCW, hole CW"
    );
    // 0.0004² − 0.0002² = 12e-8 deg².
    assert!(
        (polygon_area(p) - 12e-8).abs() < 1e-17,
        "{}",
        polygon_area(p)
    );
    assert_eq!(
        canonical(p.exterior()),
        e7(&[
            (30.51, 50.45),
            (30.5104, 50.45),
            (30.5104, 50.4504),
            (30.51, 50.4504)
        ])
    );
    assert_eq!(
        canonical(&p.interiors()[0]),
        e7(&[
            (30.5101, 50.4501),
            (30.5101, 50.4503),
            (30.5103, 50.4503),
            (30.5103, 50.4501)
        ])
    );
    // A point in the hole is outside the site; one in the courtyard's wall is inside.
    use impactmap::geodesy::point_to_polygon;
    assert!(!point_to_polygon(geo_types::point!(x: 30.5102, y: 50.4502), p).inside);
    assert!(point_to_polygon(geo_types::point!(x: 30.51005, y: 50.4502), p).inside);
}

#[test]
fn multipolygon_with_two_outers_is_a_multipolygon() {
    let s = read(&fixture("sites.osm.pbf"));
    let site = s.sites.iter().find(|s| s.id == "relation/305").unwrap();
    let SiteGeometry::MultiPolygon(mp) = &site.geometry else {
        panic!("{:?}", site.geometry)
    };
    assert_eq!(mp.0.len(), 2);
    for p in &mp.0 {
        assert_eq!(p.exterior().0.len(), 4);
        assert!((ring_area(p.exterior()) - 0.5e-8).abs() < 1e-17);
    }
    assert_eq!(site.name, "Twin sheds");
}

#[test]
fn broken_relations_and_open_ways_are_warnings_not_errors() {
    let s = read(&fixture("sites.osm.pbf"));
    let w: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert_eq!(
        w[0],
        "matching way/103 is not closed (lines, not areas); skipped"
    );
    assert_eq!(
        w[1],
        "relation/302: member way/999 is missing from the extract; relation skipped"
    );
    assert!(
        w[2].starts_with("relation/303: outer ring does not close"),
        "{}",
        w[2]
    );
    assert!(
        w[2].contains("node/41") && w[2].contains("node/45"),
        "{}",
        w[2]
    );
}

#[test]
fn filters_select_by_key_or_value() {
    let s = read_sites(&fixture("sites.osm.pbf"), &filters(&["amenity"])).unwrap();
    let ids: Vec<(&str, &str)> = s
        .sites
        .iter()
        .map(|s| (s.id.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(ids, [("node/201", "amenity"), ("node/202", "amenity")]);
    let s = read_sites(&fixture("sites.osm.pbf"), &filters(&["building=office"])).unwrap();
    assert_eq!(s.sites.len(), 1);
    assert_eq!(
        (s.sites[0].id.as_str(), s.sites[0].kind.as_str()),
        ("way/102", "office")
    );
    assert!(s.warnings.is_empty());
}

#[test]
fn unreadable_file_is_a_clear_error() {
    let err = read_sites(&fixture("sites.osm"), &filters(&["building"]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("sites.osm") && err.contains("osmium cat"),
        "{err}"
    );
    let err = read_sites(&fixture("no-such.osm.pbf"), &filters(&["building"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no-such.osm.pbf"), "{err}");
}

/// The committed PBF is what osmium makes of the committed XML (run when osmium is installed).
#[test]
fn committed_pbf_matches_the_xml() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("sites.osm.pbf");
    if !common::tool_available(
        &["osmium", "--version"],
        "Debian: apt-get install osmium-tool",
    ) {
        return;
    }
    let status = Command::new("osmium")
        .arg("cat")
        .arg(fixture("sites.osm"))
        .arg("-o")
        .arg(&fresh)
        .status()
        .expect("cannot run osmium");
    assert!(status.success(), "osmium cat failed");
    let (a, b) = (read(&fixture("sites.osm.pbf")), read(&fresh));
    assert_eq!(a.sites, b.sites);
    assert_eq!(a.warnings, b.warnings);
}

#[test]
fn coordinates_keep_osm_precision() {
    // OSM stores 1e-7 degrees; the reader must not lose or add digits.
    let s = read(&fixture("sites.osm.pbf"));
    let c: Coord<f64> = polygon_of(&s, "way/102").exterior().0[0];
    assert_eq!(
        ((c.x * 1e7).round(), (c.y * 1e7).round()),
        (305_010_000.0, 504_500_000.0)
    );
}
