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
        w[2].starts_with("relation/303: ring does not close"),
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

/// The committed PBFs are what osmium makes of the committed XML (run when osmium is installed).
#[test]
fn committed_pbf_matches_the_xml() {
    if !common::tool_available(
        &["osmium", "--version"],
        "Debian: apt-get install osmium-tool",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in ["sites", "multipolygons"] {
        let fresh = dir.path().join(format!("{name}.osm.pbf"));
        let status = Command::new("osmium")
            .arg("cat")
            .arg(fixture(&format!("{name}.osm")))
            .arg("-o")
            .arg(&fresh)
            .status()
            .expect("cannot run osmium");
        assert!(status.success(), "osmium cat failed");
        let (a, b) = (read(&fixture(&format!("{name}.osm.pbf"))), read(&fresh));
        assert_eq!(a.sites, b.sites, "{name}");
        assert_eq!(a.warnings, b.warnings, "{name}");
    }
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

// ---- Multipolygon assembly against GDAL and libosmium (pyosmium) ----------

/// A polygon as rings of lon/lat in OSM's units of 1e-7 degrees, outer first.
type E7Polygon = Vec<Vec<(i64, i64)>>;

/// Areas by element id (`way/12`, `relation/34`).
type Areas = std::collections::BTreeMap<String, Vec<E7Polygon>>;

fn real(name: &str) -> PathBuf {
    fixture(&format!("real/{name}.osm.pbf"))
}

/// Degrees to OSM's 1e-7 degree units; the tools return positions on that grid.
fn e7_of(deg: f64, what: &str) -> i64 {
    let units = deg * 1e7;
    assert!(
        (units - units.round()).abs() < 1e-3,
        "{what}: {deg} is not on OSM's 1e-7 degree grid"
    );
    units.round() as i64
}

fn e7_ring(ring: &LineString<f64>, what: &str) -> Vec<(i64, i64)> {
    ring.0
        .iter()
        .map(|c| (e7_of(c.x, what), e7_of(c.y, what)))
        .collect()
}

/// The closed building ways and all multipolygon relations, as impactmap reads them.
fn impactmap_areas(path: &Path) -> (Areas, OsmSites) {
    let read = read_sites(path, &filters(&["building", "type=multipolygon"])).unwrap();
    let mut areas = Areas::new();
    for s in &read.sites {
        let polygons: Vec<&Polygon<f64>> = match &s.geometry {
            SiteGeometry::Point(_) => continue,
            SiteGeometry::Polygon(p) => vec![p],
            SiteGeometry::MultiPolygon(mp) => mp.0.iter().collect(),
        };
        let e7 = polygons
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| e7_ring(r, &s.id))
                    .collect()
            })
            .collect();
        areas.insert(s.id.to_string(), e7);
    }
    (areas, read)
}

/// The interpreter that runs the pyosmium script: `$IMPACTMAP_PYTHON`, else
/// `python3` on the PATH (the one `.ci/run` installs pyosmium into).
fn python() -> String {
    std::env::var("IMPACTMAP_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn pyosmium_available() -> bool {
    common::tool_available(
        &[&python(), "-c", "import osmium"],
        "pip install osmium==4.3.2 (pyosmium, libosmium's area assembler)",
    )
}

/// libosmium's areas (through pyosmium): closed ways tagged `building` and all
/// multipolygon relations.
fn pyosmium_areas(path: &Path) -> Areas {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/pyosmium_areas.py");
    let mut areas = Areas::new();
    for v in json_lines(Command::new(python()).arg(script).arg(path)) {
        let id = v["id"].as_str().unwrap().to_string();
        if id.starts_with("way/") && v["tags"].get("building").is_none() {
            continue;
        }
        let polygons = serde_json::from_value(v["polygons"].clone()).unwrap();
        areas.insert(id, polygons);
    }
    areas
}

/// Runs a tool and parses its output, one JSON value a line (a leading
/// record separator, as in GeoJSON text sequences, is skipped).
fn json_lines(command: &mut Command) -> Vec<serde_json::Value> {
    let out = command.output().expect("cannot run the tool");
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line.trim_start_matches('\u{1e}')).unwrap())
        .collect()
}

/// GDAL's OSM driver, layer `multipolygons`: features with an `osm_way_id`
/// and a `building` tag, and those with an `osm_id` (relations).
fn gdal_areas(path: &Path) -> Areas {
    let mut ogr2ogr = Command::new("ogr2ogr");
    ogr2ogr
        .args(["-f", "GeoJSONSeq", "/vsistdout/"])
        .arg(path)
        .args(["multipolygons", "-select", "osm_id,osm_way_id,building"]);
    let mut areas = Areas::new();
    for f in json_lines(&mut ogr2ogr) {
        let p = &f["properties"];
        let id = match (p["osm_id"].as_str(), p["osm_way_id"].as_str()) {
            (Some(r), _) => format!("relation/{r}"),
            (None, Some(w)) if p["building"].is_string() => format!("way/{w}"),
            _ => continue,
        };
        let polygons: Vec<Vec<Vec<[f64; 2]>>> =
            serde_json::from_value(f["geometry"]["coordinates"].clone()).unwrap();
        let e7 = polygons
            .iter()
            .map(|p| {
                p.iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| (e7_of(c[0], &id), e7_of(c[1], &id)))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        areas.insert(id, e7);
    }
    areas
}

/// Twice the planar area of a ring in (1e-7 degree)² units, exactly (integer
/// shoelace on OSM's integer coordinates): positive counter-clockwise.
fn area2_e7(ring: &[(i64, i64)]) -> i128 {
    ring.windows(2)
        .map(|w| i128::from(w[0].0) * i128::from(w[1].1) - i128::from(w[1].0) * i128::from(w[0].1))
        .sum()
}

/// An element's planar area in lon/lat: outer rings minus holes, each ring
/// taken by its absolute value (tools orient rings differently).
fn element_area2(polygons: &[E7Polygon]) -> i128 {
    polygons
        .iter()
        .map(|p| area2_e7(&p[0]).abs() - p[1..].iter().map(|r| area2_e7(r).abs()).sum::<i128>())
        .sum()
}

/// A ring as the cycle of its distinct vertices, started at the smallest and
/// run counter-clockwise, so rings compare equal whatever their start and direction.
fn canonical_e7(ring: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut v = ring[..ring.len() - 1].to_vec();
    if area2_e7(ring) < 0 {
        v.reverse();
    }
    let start = (0..v.len()).min_by_key(|&i| v[i]).unwrap();
    v.rotate_left(start);
    v
}

/// Polygons as sorted canonical rings (outer, then sorted holes).
fn canonical_polygons(polygons: &[E7Polygon]) -> Vec<Vec<Vec<(i64, i64)>>> {
    let mut out: Vec<Vec<Vec<(i64, i64)>>> = polygons
        .iter()
        .map(|p| {
            let mut holes: Vec<_> = p[1..].iter().map(|r| canonical_e7(r)).collect();
            holes.sort();
            std::iter::once(canonical_e7(&p[0])).chain(holes).collect()
        })
        .collect();
    out.sort();
    out
}

fn ids(areas: &Areas, prefix: &str) -> Vec<String> {
    areas
        .keys()
        .filter(|k| k.starts_with(prefix))
        .cloned()
        .collect()
}

/// Largest relative difference between two tools' areas over the ids both have.
fn max_relative_area_difference(a: &Areas, b: &Areas) -> f64 {
    a.iter()
        .filter_map(|(id, pa)| b.get(id).map(|pb| (element_area2(pa), element_area2(pb))))
        .map(|(x, y)| (x - y).abs() as f64 / x.abs().max(1) as f64)
        .fold(0.0, f64::max)
}

/// Every polygon impactmap builds is valid (OGC rules, checked with `geo`).
fn assert_all_valid(read: &OsmSites) {
    use geo::Validation;
    for s in &read.sites {
        let errors = match &s.geometry {
            SiteGeometry::Point(_) => continue,
            SiteGeometry::Polygon(p) => p
                .validation_errors()
                .iter()
                .map(|e| e.to_string())
                .collect(),
            SiteGeometry::MultiPolygon(mp) => mp
                .validation_errors()
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>(),
        };
        assert!(errors.is_empty(), "{}: {errors:?}", s.id);
    }
}

/// Compares impactmap with libosmium (pyosmium) and GDAL on one extract and
/// prints the counts; returns them for the caller's assertions.
fn compare_with_tools(name: &str) {
    let path = real(name);
    let (ours, read) = impactmap_areas(&path);
    assert_all_valid(&read);
    let skipped: Vec<String> = read
        .warnings
        .iter()
        .filter_map(|w| w.element.clone())
        .filter(|e| e.starts_with("relation/"))
        .collect();
    let have_pyosmium = pyosmium_available();
    let have_gdal = common::tool_available(
        &["ogrinfo", "--version"],
        "Debian: apt-get install gdal-bin",
    );
    eprintln!(
        "{name}: impactmap {} relations assembled, {} skipped; {} building ways",
        ids(&ours, "relation/").len(),
        skipped.len(),
        ids(&ours, "way/").len()
    );
    if have_pyosmium {
        let theirs = pyosmium_areas(&path);
        eprintln!(
            "{name}: pyosmium {} relations, {} building ways; max relative area difference {:e}",
            ids(&theirs, "relation/").len(),
            ids(&theirs, "way/").len(),
            max_relative_area_difference(&ours, &theirs)
        );
        // The same elements, the same rings (whatever their start and direction).
        assert_eq!(
            ids(&ours, "relation/"),
            ids(&theirs, "relation/"),
            "{name}: relations"
        );
        assert_eq!(ids(&ours, "way/"), ids(&theirs, "way/"), "{name}: ways");
        for (id, polygons) in &ours {
            assert_eq!(
                canonical_polygons(polygons),
                canonical_polygons(&theirs[id]),
                "{name}: {id} differs from libosmium's"
            );
        }
        assert!(max_relative_area_difference(&ours, &theirs) <= 1e-9);
    }
    if have_gdal {
        let theirs = gdal_areas(&path);
        let extra: Vec<String> = ids(&theirs, "relation/")
            .into_iter()
            .filter(|id| !ours.contains_key(id))
            .collect();
        eprintln!(
            "{name}: GDAL {} relations ({} of them incomplete in the extract), {} building ways; \
             max relative area difference {:e}",
            ids(&theirs, "relation/").len(),
            extra.len(),
            ids(&theirs, "way/").len(),
            max_relative_area_difference(&ours, &theirs)
        );
        // GDAL also writes relations whose members are missing from the
        // extract (clipped at its edge); impactmap reports and skips those.
        for id in &extra {
            let warning = read
                .warnings
                .iter()
                .find(|w| w.element.as_deref() == Some(id.as_str()));
            assert!(
                warning.is_some_and(|w| w.message.contains("missing from the extract")),
                "{name}: GDAL assembles {id}, impactmap says {warning:?}"
            );
        }
        // GDAL writes closed ways with nodes missing from the extract (clipped
        // at its edge): impactmap reports and skips those too.
        for id in ids(&theirs, "way/")
            .iter()
            .filter(|id| !ours.contains_key(*id))
        {
            let warning = read
                .warnings
                .iter()
                .find(|w| w.element.as_deref() == Some(id.as_str()));
            assert!(
                warning.is_some_and(|w| w.message.contains("missing from the extract")),
                "{name}: GDAL assembles {id}, impactmap says {warning:?}"
            );
        }
        // GDAL leaves out a closed way that is an outer member of a
        // multipolygon relation (it writes the relation); libosmium and
        // impactmap write both.
        let outer_members = Extract::read(&path).outer_members();
        for id in ours.keys().filter(|id| !theirs.contains_key(*id)) {
            assert!(outer_members.contains(id), "{name}: GDAL has no {id}");
        }
        assert!(max_relative_area_difference(&ours, &theirs) <= 1e-9);
    }
}

#[test]
fn helsinki_multipolygons_match_gdal_and_libosmium() {
    compare_with_tools("helsinki");
}

#[test]
fn finnish_town_areas_match_gdal_and_libosmium() {
    compare_with_tools("finnish_town");
}

/// The raw elements of an extract, read with the PBF decoder alone (no
/// assembly): the independent side of the courtyard test.
struct Extract {
    nodes: std::collections::HashMap<i64, Coord<f64>>,
    ways: std::collections::HashMap<i64, Vec<i64>>,
    /// Multipolygon relations: their member ways with their roles.
    relations: std::collections::HashMap<i64, Vec<(i64, String)>>,
}

impl Extract {
    fn read(path: &Path) -> Extract {
        use osmpbf::{Element, ElementReader, RelMemberType};
        let mut x = Extract {
            nodes: Default::default(),
            ways: Default::default(),
            relations: Default::default(),
        };
        let at = |lon: i32, lat: i32| Coord {
            x: f64::from(lon) * 1e-7,
            y: f64::from(lat) * 1e-7,
        };
        ElementReader::from_path(path)
            .unwrap()
            .for_each(|e| match e {
                Element::Node(n) => {
                    x.nodes
                        .insert(n.id(), at(n.decimicro_lon(), n.decimicro_lat()));
                }
                Element::DenseNode(n) => {
                    x.nodes
                        .insert(n.id(), at(n.decimicro_lon(), n.decimicro_lat()));
                }
                Element::Way(w) => {
                    x.ways.insert(w.id(), w.refs().collect());
                }
                Element::Relation(r) => {
                    if r.tags().any(|t| t == ("type", "multipolygon")) {
                        let members = r
                            .members()
                            .filter(|m| m.member_type == RelMemberType::Way)
                            .map(|m| (m.member_id, m.role().unwrap_or("").to_string()))
                            .collect();
                        x.relations.insert(r.id(), members);
                    }
                }
            })
            .unwrap();
        x
    }

    /// `way/N` for every way that is an outer member of a multipolygon relation.
    fn outer_members(&self) -> std::collections::HashSet<String> {
        self.relations
            .values()
            .flatten()
            .filter(|(_, role)| role == "outer")
            .map(|(id, _)| format!("way/{id}"))
            .collect()
    }

    /// Every segment of a relation's member ways, as drawn in the file.
    fn segments(&self, relation: i64) -> Vec<(Coord<f64>, Coord<f64>)> {
        self.relations[&relation]
            .iter()
            .flat_map(|(way, _)| self.ways[way].windows(2))
            .map(|w| (self.nodes[&w[0]], self.nodes[&w[1]]))
            .collect()
    }
}

/// OSM's definition of a multipolygon's area, straight from its member ways:
/// a point is inside when a ray from it crosses the member segments an odd
/// number of times (segments drawn twice cancel, as they should).
fn inside_by_parity(segments: &[(Coord<f64>, Coord<f64>)], p: Coord<f64>) -> bool {
    segments
        .iter()
        .filter(|(a, b)| {
            (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x
        })
        .count()
        % 2
        == 1
}

/// Central Helsinki, relation 1858248: a courtyard (inner way 19994110)
/// whose wall is shared node for node by two building parts tagged as outer
/// rings (ways 651728078, 651728079). libosmium makes it one building with
/// two courtyard holes. A point 2 m inside the courtyard must be outside the
/// building, at the distance an independent computation gives: the minimum
/// over every member way segment of a densely sampled geodesic (a point
/// outside an area is nearer to its boundary than to anything inside it).
/// The courtyard point and its independent distance, metres.
fn courtyard_reference() -> (geo_types::Point<f64>, f64) {
    let courtyard = geo_types::point!(x: 24.9492627, y: 60.1787075);
    let raw = Extract::read(&real("helsinki"));
    let segments = raw.segments(1858248);
    assert!(
        !inside_by_parity(&segments, courtyard.0),
        "the reference point is in the courtyard"
    );
    let expected = segments
        .iter()
        .map(|&(a, b)| common::oracle_edge(courtyard, a, b))
        .fold(f64::INFINITY, f64::min);
    assert!((1.0..=3.0).contains(&expected), "{expected} m");
    (courtyard, expected)
}

#[test]
fn courtyard_point_is_outside_at_the_right_distance() {
    use impactmap::geodesy::point_to_polygon;
    let path = real("helsinki");
    let (courtyard, expected) = courtyard_reference();
    let read = read_sites(&path, &filters(&["building"])).unwrap();
    let building = polygon_of(&read, "relation/1858248");
    assert_eq!(building.interiors().len(), 2, "two courtyard holes");
    let measured = point_to_polygon(courtyard, building);
    assert!(!measured.inside, "courtyard point is outside the building");
    assert!(
        (measured.distance_m - expected).abs() < 1e-6,
        "{} m, independent {} m",
        measured.distance_m,
        expected
    );
}

/// Sum of the planar areas (deg², lon/lat) of a site's polygons, holes subtracted.
fn site_area(sites: &OsmSites, id: &str) -> (usize, f64) {
    let site = sites
        .sites
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("{id} missing"));
    match &site.geometry {
        SiteGeometry::Polygon(p) => (1, polygon_area(p)),
        SiteGeometry::MultiPolygon(mp) => (mp.0.len(), mp.0.iter().map(polygon_area).sum()),
        SiteGeometry::Point(_) => panic!("{id} is a point"),
    }
}

/// The hand-made cases of `multipolygons.osm` (expected areas worked out in its header).
#[test]
fn touching_rings_nested_outers_and_old_style_tags() {
    let s = read_sites(&fixture("multipolygons.osm.pbf"), &filters(&["building"])).unwrap();
    assert_all_valid(&s);
    let w: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    let ids: Vec<&str> = s.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["relation/401", "relation/402", "relation/403", "relation/404"],
        "ways 441 and 442 gave their tags to relation 404; 405 is grass; 406 and 471 cross themselves; {w:#?}"
    );
    for (id, polygons, area) in [
        ("relation/401", 2, 32.5e-8),
        ("relation/402", 1, 14.5e-8),
        ("relation/403", 2, 23e-8),
        ("relation/404", 2, 2e-8),
    ] {
        let (n, a) = site_area(&s, id);
        assert_eq!(n, polygons, "{id}");
        assert!((a - area).abs() < 1e-16, "{id}: {a} deg², expected {area}");
    }
    // The courtyard keeps all six of its nodes as one hole of the block; the
    // shed standing in it is a polygon of its own.
    let SiteGeometry::MultiPolygon(block) = &s.sites[0].geometry else {
        panic!("relation/401 is not a MultiPolygon")
    };
    let with_hole = block.0.iter().find(|p| !p.interiors().is_empty()).unwrap();
    assert_eq!(with_hole.interiors().len(), 1);
    assert_eq!(with_hole.interiors()[0].0.len(), 7);
    // In the courtyard's pocket cut off by the shed: outside, about 1.4 m from the wall.
    use impactmap::geodesy::point_to_polygon;
    let pocket = geo_types::point!(x: 30.60038, y: 50.50022);
    for p in &block.0 {
        assert!(!point_to_polygon(pocket, p).inside);
    }
    let old_style = &s.sites[3];
    assert_eq!(
        (old_style.kind.as_str(), old_style.name.as_str()),
        ("building", "relation/404")
    );
    assert_eq!(old_style.properties()["building"], "yes");
    assert!(
        old_style.properties().get("name").is_none(),
        "the wings' names differ"
    );

    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(w[0].starts_with("way/471: self-intersection"), "{}", w[0]);
    assert!(
        w[1].starts_with("relation/406: self-intersection"),
        "{}",
        w[1]
    );
    assert!(
        w[1].contains("node/1071") && w[1].ends_with("relation skipped"),
        "{}",
        w[1]
    );
}

/// The same courtyard point through the command line, as users read OSM
/// sites: `proximity --sites-osm FILE --tag building`.
#[test]
fn courtyard_point_through_the_command_line() {
    let (courtyard, expected) = courtyard_reference();
    let dir = tempfile::tempdir().unwrap();
    let incidents = dir.path().join("incidents.csv");
    std::fs::write(
        &incidents,
        format!(
            "id,date,latitude,longitude\ncourtyard,2024-01-01,{},{}\n",
            courtyard.y(),
            courtyard.x()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args(["proximity", "--sites-osm"])
        .arg(real("helsinki"))
        .args(["--tag", "building", "--quiet", "--incidents"])
        .arg(&incidents)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(stdout.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let field = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(field("site_id"), "relation/1858248");
    assert_eq!(field("inside"), "no");
    let distance: f64 = field("distance_m").parse().unwrap();
    // The CSV is rounded to at least the millimetre.
    assert!(
        (distance - expected).abs() <= 0.0005 + 1e-9,
        "{distance} m, independent {expected} m"
    );
}

/// An extract found by fuzzing (a committed fixture with coordinates
/// mutated: two nodes of relation/301 meet, so the sides found for its
/// segments disagree). It once panicked in the ring tracer; now that relation
/// is skipped with a warning that says why and where, and the rest is read.
#[test]
fn fuzzed_relation_that_cannot_be_traced_is_a_warning() {
    let s = read_sites(
        &fixture("fuzzed-untraceable.osm.pbf"),
        &filters(&["building", "amenity=embassy", "office=diplomatic"]),
    )
    .unwrap();
    let ids: Vec<&str> = s.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["node/201", "way/101", "way/102", "relation/305"]);
    let warning = s
        .warnings
        .iter()
        .find(|w| w.element.as_deref() == Some("relation/301"))
        .expect("relation/301 is reported");
    assert!(
        warning
            .message
            .contains("cannot be traced into rings near lon 30.51039"),
        "{}",
        warning.message
    );
}

/// An extract found by fuzzing whose relation/403 names a member of type 148
/// (OSM knows node, way and relation: 0–2). osmpbf panics on it; the reader
/// reports the relation as damaged and reads the rest.
#[test]
fn fuzzed_member_of_unknown_type_is_a_warning() {
    let s = read_sites(
        &fixture("fuzzed-member-type.osm.pbf"),
        &filters(&["building", "amenity=embassy", "office=diplomatic"]),
    )
    .unwrap();
    let warning = s
        .warnings
        .iter()
        .find(|w| w.element.as_deref() == Some("relation/403"))
        .expect("relation/403 is reported");
    assert!(
        warning.message.contains("the file is damaged"),
        "{}",
        warning.message
    );
}
