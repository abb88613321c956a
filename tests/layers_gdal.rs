//! The layers as a real reader sees them: GDAL's `ogrinfo` opens every
//! GeoJSON layer and the GeoPackage written for the bundled case and for a
//! generated case of a few thousand footprints, and checks driver, CRS,
//! geometry type, feature count, field names and types, and that every
//! geometry is valid (GEOS `ST_IsValid` through GDAL's SQLite dialect).
//!
//! These tests need `ogrinfo` and GDAL's Python tools (Debian/Ubuntu:
//! `apt-get install gdal-bin python3-gdal`); without them they are skipped
//! with a message, or fail under `IMPACTMAP_REQUIRE_TOOLS=1` (as in CI).

mod common;

use chrono::NaiveDate;
use geo_types::{point, Coord, LineString, MultiPolygon, Point, Polygon};
use impactmap::geodesy::{destination, distance_m};
use impactmap::io::layers::{write_layer_set, write_layers, LayerFormat};
use impactmap::layers::{build_layers, FieldType, Layer, LayerOptions, Value};
use impactmap::model::{
    DateSpan, DistanceUnit, Incident, Location, RelativeDistance, Site, SiteGeometry, Source,
    WeaponCategory,
};
use impactmap::proximity::{self, Options, ProximityRow};
use serde_json::{json, Map};
use std::path::Path;
use std::process::Command;

// ---------------------------------------------------------------- fixtures

fn site(id: &str, name: &str, kind: &str, geometry: SiteGeometry, uncertainty_m: f64) -> Site {
    Site {
        name: name.into(),
        position_uncertainty_m: uncertainty_m,
        ..Site::new(id, kind, geometry)
    }
}

fn incident(id: &str, start: &str, weapon: &str, location: Location) -> Incident {
    let start = DateSpan::parse(start).unwrap();
    Incident {
        id: id.into(),
        time_precision: start.precision,
        start,
        end: None,
        weapon: Some(weapon.into()),
        weapon_category: WeaponCategory::infer(weapon),
        description: None,
        damage: None,
        casualties: None,
        sources: vec![Source {
            title: "MFA of Azerbaijan statement, 14 Nov 2025".into(),
            url: None,
            published: Some("2025-11-14".into()),
            archive_url: None,
        }],
        notes: None,
        location,
        properties: Map::new(),
    }
}

/// The bundled case, read from `geodata/azerbaijan-missions/`, with the engine's rows.
fn bundled_case() -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let sites = impactmap::io::geojson::read_sites(&dir.join("sites.geojson")).unwrap();
    let incidents =
        impactmap::io::geojson::read_incidents(&dir.join("incidents.geojson"), &sites).unwrap();
    let rows = proximity::run(&sites, &incidents, &Options::default()).unwrap();
    (sites, incidents, rows)
}

/// A footprint `w` × `h` metres with its south-west corner at `sw`: a
/// rectangle, an L shape, or a courtyard building (a polygon with a hole).
fn footprint(sw: Point<f64>, w: f64, h: f64, shape: usize) -> Polygon<f64> {
    let at = |e: f64, n: f64| destination(destination(sw, 90.0, e), 0.0, n).0;
    let ring = |pts: Vec<Coord<f64>>| {
        let mut v = pts;
        v.push(v[0]);
        LineString(v)
    };
    match shape {
        0 => Polygon::new(
            ring(vec![at(0.0, 0.0), at(w, 0.0), at(w, h), at(0.0, h)]),
            vec![],
        ),
        1 => Polygon::new(
            ring(vec![
                at(0.0, 0.0),
                at(w, 0.0),
                at(w, h * 0.4),
                at(w * 0.4, h * 0.4),
                at(w * 0.4, h),
                at(0.0, h),
            ]),
            vec![],
        ),
        _ => Polygon::new(
            ring(vec![at(0.0, 0.0), at(w, 0.0), at(w, h), at(0.0, h)]),
            vec![ring(vec![
                at(w * 0.3, h * 0.3),
                at(w * 0.3, h * 0.7),
                at(w * 0.7, h * 0.7),
                at(w * 0.7, h * 0.3),
            ])],
        ),
    }
}

/// `n_sites` compounds of `per_site` footprints each, scattered over about
/// 20 km × 20 km of Kyiv, and point, area and relative incidents among them.
fn generated_case(
    n_sites: usize,
    per_site: usize,
    n_incidents: usize,
) -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let mut rng = impactmap::workload::Lcg(7);
    let origin = point!(x: 30.35, y: 50.35);
    let kinds = ["embassy", "energy", "hospital", "school"];
    let mut sites = Vec::new();
    for i in 0..n_sites {
        let corner = destination(
            destination(origin, 90.0, rng.next_f64() * 20_000.0),
            0.0,
            rng.next_f64() * 20_000.0,
        );
        let polys: Vec<Polygon<f64>> = (0..per_site)
            .map(|k| {
                let sw = destination(
                    destination(corner, 90.0, (k % 4) as f64 * 45.0),
                    0.0,
                    (k / 4) as f64 * 45.0,
                );
                footprint(
                    sw,
                    15.0 + rng.next_f64() * 25.0,
                    12.0 + rng.next_f64() * 25.0,
                    (i + k) % 3,
                )
            })
            .collect();
        let mut s = site(
            &format!("site_{i:04}"),
            &format!("Compound {i}"),
            kinds[i % kinds.len()],
            SiteGeometry::MultiPolygon(MultiPolygon(polys)),
            if i % 5 == 0 { 25.0 } else { 0.0 },
        );
        let properties = &mut s.details_mut().properties;
        properties.insert("floors".into(), json!(1 + i % 9));
        properties.insert("height_m".into(), json!(3.5 + (i % 7) as f64 * 1.25));
        if i % 2 == 0 {
            s.notified = Some(Box::new(DateSpan::parse("2022-04").unwrap()));
        }
        sites.push(s);
    }
    let weapons = [
        "Iskander-M",
        "Kh-101",
        "Kinzhal",
        "Shahed-136",
        "KAB-500 guided bomb",
        "Grad MLRS",
        "unknown",
    ];
    let mut incidents = Vec::new();
    for j in 0..n_incidents {
        let p = destination(
            destination(origin, 90.0, rng.next_f64() * 20_000.0),
            0.0,
            rng.next_f64() * 20_000.0,
        );
        let day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Days::new((j * 3) as u64);
        let location = match j % 10 {
            8 => Location::Area {
                area: MultiPolygon(vec![impactmap::geodesy::geodesic_circle(p, 800.0, 0.05)]),
                centre: p,
                name: Some(format!("district {j}")),
                as_described: None,
            },
            9 => Location::Relative {
                site: sites[j % sites.len()].id.to_string(),
                part: None,
                distance: RelativeDistance {
                    value: 120.0,
                    unit: DistanceUnit::Metres,
                    tolerance: 20.0,
                },
                bearing_deg: Some((j * 37 % 360) as f64),
                as_described: None,
            },
            _ => Location::Point {
                point: p,
                uncertainty_m: [0.0, 15.0, 250.0][j % 3],
            },
        };
        let mut inc = incident(
            &format!("inc_{j:04}"),
            &day.format("%Y-%m-%d").to_string(),
            weapons[j % weapons.len()],
            location,
        );
        inc.properties.insert(
            "reported_by".into(),
            json!(["ministry", "city administration"][j % 2]),
        );
        incidents.push(inc);
    }
    let rows = proximity::run(&sites, &incidents, &Options::default()).unwrap();
    (sites, incidents, rows)
}

// ---------------------------------------------------------------- GDAL

/// GDAL's `ogrinfo` and its Python tools (the GeoPackage validator).
fn gdal_available() -> bool {
    common::tool_available(
        &["ogrinfo", "--version"],
        "Debian: apt-get install gdal-bin",
    ) && common::tool_available(
        &["/usr/bin/python3", "-c", "import osgeo_utils"],
        "Debian: apt-get install python3-gdal",
    )
}

fn ogrinfo(args: &[&str]) -> String {
    let out = Command::new("ogrinfo").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `ogrinfo` ({e}): these tests read the layers with GDAL; install it with `apt-get install gdal-bin`")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "ogrinfo {args:?} failed:\n{text}");
    text
}

/// The contract: each layer's geometry type (as GDAL names it) and fields with their types.
fn expected_schema(layer: &str) -> (&'static str, Vec<(&'static str, &'static str)>) {
    let s = "String";
    let r = "Real";
    let d = "Date";
    match layer {
        "sites" => (
            "Point",
            vec![
                ("id", s),
                ("part", s),
                ("name", s),
                ("kind", s),
                ("address", s),
                ("operator", s),
                ("position_uncertainty_m", r),
                ("position_source", s),
                ("notified", d),
                ("notified_precision", s),
                ("given_geometry", s),
            ],
        ),
        "site_footprints" => (
            "Multi Polygon",
            vec![
                ("id", s),
                ("part", s),
                ("name", s),
                ("kind", s),
                ("position_uncertainty_m", r),
            ],
        ),
        "incidents" | "incident_areas" => (
            if layer == "incidents" {
                "Point"
            } else {
                "Multi Polygon"
            },
            vec![
                ("id", s),
                ("date", d),
                ("date_last", d),
                ("start_time", "DateTime"),
                ("time_precision", s),
                ("weapon", s),
                ("weapon_category", s),
                ("weapon_label", s),
                ("location_kind", s),
                ("location_described", s),
                ("shape", s),
                ("site_id", s),
                ("site_part", s),
                ("site_name", s),
                ("distance_m", r),
                ("distance_min_m", r),
                ("distance_max_m", r),
                ("distance_label", s),
                ("inside", s),
                ("bearing_deg", r),
                ("nearest_lon", r),
                ("nearest_lat", r),
                ("after_notification", s),
                ("basis", s),
                ("description", s),
                ("damage", s),
                ("casualties", s),
                ("sources", s),
                ("source_urls", s),
                ("notes", s),
            ],
        ),
        "links" => (
            "Line String",
            vec![
                ("incident_id", s),
                ("date", d),
                ("weapon_category", s),
                ("site_id", s),
                ("site_part", s),
                ("distance_m", r),
                ("distance_min_m", r),
                ("distance_max_m", r),
                ("label", s),
                ("bearing_deg", r),
                ("from_kind", s),
            ],
        ),
        "rings" => (
            "Multi Polygon",
            vec![
                ("site_id", s),
                ("site_name", s),
                ("site_kind", s),
                ("radius_m", r),
                ("label", s),
                ("around", s),
                ("site_position_uncertainty_m", r),
            ],
        ),
        "uncertainty" => (
            "Multi Polygon",
            vec![
                ("source", s),
                ("id", s),
                ("part", s),
                ("shape", s),
                ("radius_m", r),
                ("label", s),
                ("category", s),
            ],
        ),
        other => panic!("unexpected layer {other}"),
    }
}

/// Fields GDAL lists for a layer, as (name, type).
fn listed_fields(info: &str) -> Vec<(String, String)> {
    let start = info
        .find("Data axis to CRS axis mapping")
        .expect("SRS block");
    info[start..]
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (name, rest) = l.split_once(": ")?;
            if name.starts_with(' ') || name.contains(' ') {
                return None;
            }
            let ty = rest.split(' ').next()?;
            Some((name.to_string(), ty.to_string()))
        })
        .collect()
}

fn sql_count(file: &Path, sql: &str, dialect: Option<&str>) -> usize {
    let f = file.to_str().unwrap();
    let mut args = vec!["-ro", "-q"];
    if let Some(d) = dialect {
        args.extend(["-dialect", d]);
    }
    args.extend(["-sql", sql, f]);
    let out = ogrinfo(&args);
    let line = out
        .lines()
        .find(|l| l.contains("n (Integer) = "))
        .unwrap_or_else(|| panic!("no count in:\n{out}"));
    line.split("= ").nth(1).unwrap().trim().parse().unwrap()
}

/// Asserts that GEOS finds every geometry of a layer valid (through GDAL's SQLite dialect).
fn assert_all_valid(file: &Path, layer: &str, column: &str, dialect: &str) {
    let sql = format!("SELECT count(*) AS n FROM \"{layer}\" WHERE NOT ST_IsValid({column})");
    let invalid = sql_count(file, &sql, Some(dialect));
    assert_eq!(
        invalid,
        0,
        "{}: {layer}: invalid geometries",
        file.display()
    );
}

/// GDAL's GeoPackage validator (shipped with `gdal-bin` through `python3-gdal`).
const VALIDATE_GPKG: &str = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";

/// Runs GDAL's validator of the OGC GeoPackage requirements on a file.
fn validate_gpkg(file: &Path) {
    assert!(
        Path::new(VALIDATE_GPKG).exists(),
        "{VALIDATE_GPKG} is missing: install GDAL's Python tools with `apt-get install gdal-bin python3-gdal`"
    );
    // Debian's interpreter: the GDAL bindings are installed for it.
    let out = Command::new("/usr/bin/python3")
        .arg(VALIDATE_GPKG)
        .arg(file)
        .output()
        .expect("cannot run /usr/bin/python3 for GDAL's GeoPackage validator");
    assert!(
        out.status.success(),
        "validate_gpkg.py rejects {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Checks every layer written into `dir` with GDAL.
fn check_with_gdal(dir: &Path, layers: &[Layer]) {
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sites",
            "site_footprints",
            "incidents",
            "incident_areas",
            "links",
            "rings",
            "uncertainty"
        ]
    );
    let gpkg = dir.join("layers.gpkg");
    validate_gpkg(&gpkg);
    for layer in layers {
        let (geom, fields) = expected_schema(&layer.name);
        let non_null = |name: &str| {
            let i = layer.field_index(name).unwrap();
            layer.features.iter().any(|f| f.values[i] != Value::Null)
        };
        let has_geometry = layer.features.iter().any(|f| f.geometry.is_some());
        let extra: Vec<(String, FieldType)> = layer.fields[fields.len()..].to_vec();
        let gdal_type = |t: FieldType| match t {
            FieldType::Text => "String",
            FieldType::Integer => "Integer",
            FieldType::Real => "Real",
            FieldType::Date => "Date",
            FieldType::DateTime => "DateTime",
        };

        // GeoJSON: only a layer with a geometry to draw is written.
        let file = dir.join(format!("{}.geojson", layer.name));
        if !has_geometry {
            assert!(!file.exists(), "{}: written without geometry", layer.name);
        }
        if has_geometry {
            let info = ogrinfo(&["-ro", "-so", "-al", file.to_str().unwrap()]);
            assert!(info.contains("using driver `GeoJSON' successful"), "{info}");
            assert!(
                info.contains("GEOGCRS[\"WGS 84\"") && info.contains("ID[\"EPSG\",4326]"),
                "{}: CRS\n{info}",
                layer.name
            );
            assert!(
                info.contains(&format!("Feature Count: {}\n", layer.features.len())),
                "{}: count\n{info}",
                layer.name
            );
            // GDAL infers a GeoJSON layer's geometry type from its features.
            let want_geom = if has_geometry { geom } else { "Unknown (any)" };
            assert!(
                info.contains(&format!("Geometry: {want_geom}\n")),
                "{}: geometry\n{info}",
                layer.name
            );
            if !layer.features.is_empty() {
                // A field null in every feature has no type to infer: GDAL reads it as String.
                let mut want: Vec<(String, String)> = fields
                    .iter()
                    .map(|(n, t)| {
                        (
                            n.to_string(),
                            if non_null(n) {
                                t.to_string()
                            } else {
                                "String".into()
                            },
                        )
                    })
                    .collect();
                want.extend(extra.iter().map(|(n, t)| {
                    (
                        n.clone(),
                        if non_null(n) {
                            gdal_type(*t).into()
                        } else {
                            "String".into()
                        },
                    )
                }));
                assert_eq!(listed_fields(&info), want, "{}: fields", layer.name);
            }
            assert_all_valid(&file, &layer.name, "geometry", "sqlite");
            let drawn = sql_count(
                &file,
                &format!(
                    "SELECT count(*) AS n FROM \"{}\" WHERE geometry IS NOT NULL",
                    layer.name
                ),
                Some("sqlite"),
            );
            assert_eq!(
                drawn,
                layer
                    .features
                    .iter()
                    .filter(|f| f.geometry.is_some())
                    .count(),
                "{}: geometries read",
                layer.name
            );
            let qml = std::fs::read_to_string(dir.join(format!("{}.qml", layer.name))).unwrap();
            assert!(qml.contains("<renderer-v2 type="), "{}: style", layer.name);
        }

        // GeoPackage.
        let info = ogrinfo(&["-ro", "-so", gpkg.to_str().unwrap(), &layer.name]);
        assert!(info.contains("using driver `GPKG' successful"), "{info}");
        assert!(
            info.contains("ID[\"EPSG\",4326]"),
            "{}: gpkg CRS\n{info}",
            layer.name
        );
        assert!(
            info.contains(&format!("Geometry: {geom}\n")),
            "{}: gpkg geometry\n{info}",
            layer.name
        );
        assert!(
            info.contains(&format!("Feature Count: {}\n", layer.features.len())),
            "{}: gpkg count\n{info}",
            layer.name
        );
        let mut want: Vec<(String, String)> = fields
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        // A GeoPackage INTEGER column is 64-bit.
        let gpkg_type = |t: FieldType| {
            if t == FieldType::Integer {
                "Integer64"
            } else {
                gdal_type(t)
            }
        };
        want.extend(
            extra
                .iter()
                .map(|(n, t)| (n.clone(), gpkg_type(*t).to_string())),
        );
        assert_eq!(listed_fields(&info), want, "{}: gpkg fields", layer.name);
        assert_all_valid(&gpkg, &layer.name, "geom", "indirect_sqlite");
        let styled = sql_count(
            &gpkg,
            &format!("SELECT count(*) AS n FROM layer_styles WHERE f_table_name = '{}' AND useAsDefault = 1 AND styleQML LIKE '%renderer-v2%'", layer.name),
            None,
        );
        assert_eq!(styled, 1, "{}: default style in layer_styles", layer.name);
    }
}

/// Writes the layers as GeoJSON (through the library entry point) and as a GeoPackage.
fn write_both(
    dir: &Path,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    opts: &LayerOptions,
) -> Vec<Layer> {
    write_layers(dir, sites, incidents, rows, opts, LayerFormat::GeoJson).unwrap();
    let layers = build_layers(sites, incidents, rows, opts);
    write_layer_set(dir, &layers, LayerFormat::GeoPackage).unwrap();
    layers
}

#[test]
fn bundled_case_layers_read_back_in_gdal() {
    if !gdal_available() {
        return;
    }
    let (sites, incidents, rows) = bundled_case();
    let dir = tempfile::tempdir().unwrap();
    let opts = LayerOptions::default();
    let layers = write_both(dir.path(), &sites, &incidents, &rows, &opts);
    check_with_gdal(dir.path(), &layers);

    // Every incident of the bundled case is described, none located by a
    // point: each is drawn once, in incident_areas, and there is no
    // incidents.geojson (nor links: no point to draw a line from).
    assert!(!dir.path().join("incidents.geojson").exists());
    assert!(!dir.path().join("links.geojson").exists());
    let inc = std::fs::read_to_string(dir.path().join("incident_areas.geojson")).unwrap();
    assert!(
        inc.contains("\"distance_label\":\"26 m (21–32 m)\""),
        "{inc}"
    );
    assert!(inc.contains("\"start_time\":\"2025-11-14T01:00:00+02:00\""));
    // Within and relative incidents have no invented point: their shapes are areas.
    let areas = inc.clone();
    assert_eq!(areas.matches("\"type\":\"Feature\"").count(), 6);
    assert!(
        areas.contains("band 21–32 m around az_embassy_kyiv"),
        "the unmapped part falls back to the whole site"
    );
    assert!(inc.contains("\"distance_label\":\"50 m (40–60 m)\""));
    let kyiv_inside = inc
        .lines()
        .find(|l| l.contains("\"id\":\"kyiv_2025_11_14\""))
        .unwrap();
    assert!(
        kyiv_inside.contains("\"inside\":\"yes\"")
            && kyiv_inside.contains("\"after_notification\":\"yes\"")
    );

    // Same input, same bytes, in both formats.
    let again = tempfile::tempdir().unwrap();
    let _ = write_both(again.path(), &sites, &incidents, &rows, &opts);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name();
        let a = std::fs::read(dir.path().join(&name)).unwrap();
        let b = std::fs::read(again.path().join(&name)).unwrap();
        assert!(a == b, "{name:?} differs between two runs");
    }
}

#[test]
fn generated_case_of_thousands_of_footprints_reads_back_in_gdal() {
    if !gdal_available() {
        return;
    }
    // 300 compounds of 8 buildings: 2,400 footprints (rectangles, L shapes,
    // courtyards), 200 incidents.
    let (sites, incidents, rows) = generated_case(300, 8, 200);
    assert_eq!(
        sites
            .iter()
            .map(|s| s.geometry.polygons().len())
            .sum::<usize>(),
        2400
    );
    let dir = tempfile::tempdir().unwrap();
    let opts = LayerOptions {
        rings_m: vec![50.0, 250.0],
        ..LayerOptions::default()
    };
    let t = std::time::Instant::now();
    let layers = build_layers(&sites, &incidents, &rows, &opts);
    eprintln!("built in {:.1} s", t.elapsed().as_secs_f64());
    write_layer_set(dir.path(), &layers, LayerFormat::GeoJson).unwrap();
    write_layer_set(dir.path(), &layers, LayerFormat::GeoPackage).unwrap();
    eprintln!("built and written in {:.1} s", t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    check_with_gdal(dir.path(), &layers);
    eprintln!("checked with GDAL in {:.1} s", t.elapsed().as_secs_f64());
    // One link per row measured from a point (impact, area centre, or a
    // relative location with a bearing) that lies outside its site.
    let links = layers.iter().find(|l| l.name == "links").unwrap();
    let expected = rows
        .iter()
        .filter(|r| match &incidents[r.incident].location {
            Location::Point { .. } | Location::Area { .. } => r.distance.nominal > 0.0,
            Location::Relative { bearing_deg, .. } => bearing_deg.is_some(),
            Location::Within { .. } => false,
        })
        .count();
    assert!(expected > 150);
    // For impact points the drawn line's ends are the figure's ends: its
    // geodesic length is the nominal distance, up to rounding to 7 decimals.
    let mut checked = 0;
    for f in &links.features {
        let Some(geo_types::Geometry::LineString(l)) = &f.geometry else {
            panic!("link without line")
        };
        let value = |name: &str| f.values[links.field_index(name).unwrap()].clone();
        if value("from_kind") != Value::Text("impact".into()) {
            continue;
        }
        let Value::Real(d) = value("distance_m") else {
            panic!("no distance")
        };
        let ends = distance_m(Point(l.0[0]), Point(*l.0.last().unwrap()));
        assert!((ends - d).abs() < 0.02, "link {ends} m vs distance {d} m");
        checked += 1;
    }
    assert!(checked > 100);
    assert_eq!(links.features.len(), expected);
}
