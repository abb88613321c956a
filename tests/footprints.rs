//! Footprints for point sites from a real OpenStreetMap extract (central
//! Helsinki, `tests/data/osm/real/`, © OpenStreetMap contributors, ODbL).
//!
//! Points are placed inside, near and far from real buildings. The outline
//! each should get is looked up independently: libosmium's area assembler
//! (through pyosmium) builds every building of the extract, the point is
//! tested against those polygons, and its distance to them is measured by the
//! dense-sampling geodesic oracle of `tests/common`.

mod common;

use geo::Contains;
use geo_types::{Coord, LineString, Point, Polygon};
use impactmap::io::osm::footprints::{apply_footprints, Outcome};
use impactmap::model::{Site, SiteGeometry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn helsinki() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm/real/helsinki.osm.pbf")
}

fn python() -> String {
    std::env::var("IMPACTMAP_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// The buildings of the extract as libosmium assembles them, by element id,
/// with their `name` tag.
/// Buildings by element id: their polygons and `name` tag.
type Buildings = BTreeMap<String, (Vec<Polygon<f64>>, Option<String>)>;

fn libosmium_buildings() -> Option<Buildings> {
    if !common::tool_available(
        &[&python(), "-c", "import osmium"],
        "pip install osmium==4.3.2 (pyosmium, libosmium's area assembler)",
    ) {
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/pyosmium_areas.py");
    let out = Command::new(python())
        .arg(script)
        .arg(helsinki())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut areas = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["tags"].get("building").is_none() {
            continue;
        }
        let rings: Vec<Vec<Vec<Vec<i64>>>> = serde_json::from_value(v["polygons"].clone()).unwrap();
        let ring = |r: &Vec<Vec<i64>>| {
            LineString(
                r.iter()
                    .map(|c| Coord {
                        x: c[0] as f64 * 1e-7,
                        y: c[1] as f64 * 1e-7,
                    })
                    .collect(),
            )
        };
        let polygons = rings
            .iter()
            .map(|p| Polygon::new(ring(&p[0]), p[1..].iter().map(ring).collect()))
            .collect();
        let name = v["tags"]["name"].as_str().map(str::to_string);
        areas.insert(v["id"].as_str().unwrap().to_string(), (polygons, name));
    }
    Some(areas)
}

/// Oracle distance from `p` to an area: 0 inside (planar test, points are
/// chosen metres from any edge), else the geodesic distance to its boundary.
fn oracle_distance(p: Point<f64>, polygons: &[Polygon<f64>]) -> f64 {
    if polygons.iter().any(|poly| poly.contains(&p)) {
        return 0.0;
    }
    polygons
        .iter()
        .map(|poly| common::oracle_boundary(p, poly))
        .fold(f64::INFINITY, f64::min)
}

/// The buildings within `radius_m` of `p` by the oracle, nearest first.
fn oracle_near(buildings: &Buildings, p: Point<f64>, radius_m: f64) -> Vec<(f64, &str)> {
    let mut near: Vec<(f64, &str)> = buildings
        .iter()
        .filter(|(_, (polys, _))| {
            // A box test first: 0.005° is over 250 m here.
            polys
                .iter()
                .flat_map(|p| p.exterior().0.iter())
                .any(|c| (c.x - p.x()).abs() < 0.005 && (c.y - p.y()).abs() < 0.003)
        })
        .map(|(id, (polys, _))| (oracle_distance(p, polys), id.as_str()))
        .filter(|(d, _)| *d <= radius_m)
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    near
}

fn point_site(id: &str, name: &str, kind: &str, lon: f64, lat: f64, u: f64) -> Site {
    let mut s = Site::new(id, kind, SiteGeometry::Point(Point::new(lon, lat)));
    s.name = name.into();
    s.position_uncertainty_m = u;
    s
}

fn matched(outcome: &Outcome) -> (&str, f64, bool) {
    match outcome {
        Outcome::Matched {
            element,
            distance_m,
            pinned,
        } => (element.as_str(), *distance_m, *pinned),
        Outcome::Unmatched(why) => panic!("not matched: {why}"),
    }
}

#[test]
fn point_sites_get_the_outline_libosmium_finds() {
    let Some(buildings) = libosmium_buildings() else {
        return;
    };
    // The Netherlands embassy's OSM node (inside a courtyard building), a
    // point in the street 11 m off Kiasma's wall, a point in a park 80 m
    // from any building, a site named like a building 34 m away from the
    // one its point is in, and one pinned to the university's main building.
    let mut pinned = point_site(
        "pinned",
        "Main building",
        "university",
        24.9442849,
        60.1663786,
        0.0,
    );
    pinned
        .details_mut()
        .properties
        .insert("osm_id".into(), "relation/1320784".into());
    let mut sites = vec![
        point_site("inside", "Embassy", "embassy", 24.9442849, 60.1663786, 0.0),
        point_site("near", "Museum", "museum", 24.9364, 60.1716, 25.0),
        point_site("far", "Kiosk", "kiosk", 24.936, 60.1736, 50.0),
        point_site(
            "named",
            "Pörssitalo",
            "office",
            24.9478289,
            60.1679439,
            50.0,
        ),
        pinned,
    ];
    let given = sites.clone();
    let outcomes = apply_footprints(&helsinki(), &mut sites, &[]).unwrap();
    assert_eq!(outcomes.len(), 5);
    let at = |s: &Site| match s.geometry {
        SiteGeometry::Point(p) => p,
        _ => unreachable!(),
    };

    // Inside: the building that contains the point, at distance 0.
    let p = at(&given[0]);
    let oracle = oracle_near(&buildings, p, 0.0);
    assert_eq!(oracle.len(), 1, "{oracle:?}");
    let (element, d, pin) = matched(&outcomes[0].outcome);
    assert_eq!((element, d, pin), (oracle[0].1, 0.0, false));
    assert_eq!(element, "relation/1693142");

    // Near: the nearest building within 25 m, at the oracle's distance.
    let p = at(&given[1]);
    let oracle = oracle_near(&buildings, p, 25.0);
    assert_eq!(oracle.len(), 1, "{oracle:?}");
    let (element, d, _) = matched(&outcomes[1].outcome);
    assert_eq!(element, oracle[0].1);
    assert!((d - oracle[0].0).abs() < 1e-3, "{d} vs {}", oracle[0].0);
    assert!((10.0..12.0).contains(&d), "{d}");
    assert_eq!(
        sites[1].details().footprint.as_deref(),
        Some("footprint: OSM way/8042215, matched within 11 m of the recorded point")
    );

    // Far: no building within 50 m; the site stays a point, with a note.
    assert!(oracle_near(&buildings, at(&given[2]), 50.0).is_empty());
    assert!(matches!(outcomes[2].outcome, Outcome::Unmatched(_)));
    assert_eq!(sites[2].geometry, given[2].geometry);
    assert_eq!(sites[2].position_uncertainty_m, 50.0);
    assert_eq!(
        sites[2].details().footprint.as_deref(),
        Some("footprint: no OSM building within 50 m of the recorded point; kept as a point")
    );

    // Named: the building whose name matches wins over the one containing the point.
    let p = at(&given[3]);
    let oracle = oracle_near(&buildings, p, 50.0);
    let by_name: Vec<&(f64, &str)> = oracle
        .iter()
        .filter(|(_, id)| buildings[*id].1.as_deref() == Some("Pörssitalo"))
        .collect();
    assert_eq!(by_name.len(), 1);
    assert_ne!(
        oracle[0].1, by_name[0].1,
        "the point is in another building"
    );
    let (element, d, _) = matched(&outcomes[3].outcome);
    assert_eq!(element, by_name[0].1);
    assert!((d - by_name[0].0).abs() < 1e-3, "{d} vs {}", by_name[0].0);

    // Pinned: the element osm_id names, wherever it is, at the oracle's distance.
    let (element, d, pin) = matched(&outcomes[4].outcome);
    assert_eq!((element, pin), ("relation/1320784", true));
    let expected = oracle_distance(at(&given[4]), &buildings["relation/1320784"].0);
    assert!((d - expected).abs() < 1e-3, "{d} vs {expected}");
    assert!(d > 200.0, "{d}");

    // A matched site is its outline, vertex for vertex as libosmium builds it.
    for (k, id) in [(0, "relation/1693142"), (4, "relation/1320784")] {
        let polys = sites[k].geometry.polygons();
        let theirs = &buildings[id].0;
        assert_eq!(polys.len(), theirs.len());
        // Distinct vertices of every ring (rings may start at different vertices).
        let vertices = |ps: &[Polygon<f64>]| {
            let mut v: Vec<(i64, i64)> = ps
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0[1..].iter())
                .map(|c| ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64))
                .collect();
            v.sort_unstable();
            v
        };
        let (ours, other) = (vertices(polys), vertices(theirs));
        assert_eq!(ours, other, "{id}");
        assert_eq!(sites[k].position_uncertainty_m, 0.0);
    }
}

#[test]
fn a_city_level_point_takes_no_anonymous_building() {
    // Within 5 km of this point lie hundreds of buildings, but none is tagged
    // as an embassy or named like the site: it stays a point.
    let mut sites = vec![point_site(
        "city",
        "Embassy of Nowhere",
        "embassy",
        24.944,
        60.17,
        5_000.0,
    )];
    let outcomes = apply_footprints(&helsinki(), &mut sites, &[]).unwrap();
    assert!(
        matches!(&outcomes[0].outcome, Outcome::Unmatched(why) if why.contains("5000 m")),
        "{outcomes:?}"
    );
    assert!(matches!(sites[0].geometry, SiteGeometry::Point(_)));
}

#[test]
fn a_tag_that_matches_nothing_is_named() {
    let err = impactmap::io::osm::read_selected(
        &helsinki(),
        &["amenity=embasy".parse().unwrap()],
        &[],
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("no element matches amenity=embasy"), "{err}");
}

#[test]
fn proximity_basis_names_the_footprint() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.geojson");
    std::fs::write(
        &sites,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"museum",
        "properties":{"name":"Museum","kind":"museum","position_uncertainty_m":25},
        "geometry":{"type":"Point","coordinates":[24.9364,60.1716]}}]}"#,
    )
    .unwrap();
    let incidents = dir.path().join("incidents.geojson");
    std::fs::write(
        &incidents,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"i1",
        "properties":{"start":"2025-01-01"},
        "geometry":{"type":"Point","coordinates":[24.9364,60.1710]}}]}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args(["proximity", "--sites"])
        .arg(&sites)
        .arg("--incidents")
        .arg(&incidents)
        .arg("--footprints-osm")
        .arg(helsinki())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("footprint: OSM way/8042215, matched within 11 m of the recorded point"),
        "{stdout}"
    );
    assert!(
        stderr.contains("museum: footprint: OSM way/8042215"),
        "{stderr}"
    );
    // The detail map says where the outline comes from, and credits OpenStreetMap.
    let map = dir.path().join("museum.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args([
            "render",
            "--focus",
            "museum",
            "--radius",
            "150",
            "--basemap",
            "none",
            "--sites",
        ])
        .arg(&sites)
        .arg("--incidents")
        .arg(&incidents)
        .arg("--footprints-osm")
        .arg(helsinki())
        .arg("-o")
        .arg(&map)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&map).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let words: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("aria-label"))
        .collect();
    let all = words.join(" ");
    assert!(
        all.contains("Footprint: OSM way/8042215, matched within 11 m of the recorded point."),
        "{all}"
    );
    assert!(all.contains("© OpenStreetMap contributors"), "{all}");
}
