//! The figures as written, not only as computed: `impactmap proximity` runs on
//! generated footprints and impacts at latitudes from the equator to 80° in
//! both hemispheres, and every `distance_m` in the CSV and the JSON it writes
//! is compared with the dense-sampling oracle of `tests/common` to 0.01 mm.
//! The written nearest point lies on the footprint's boundary, and the written
//! bearing leads from it to the impact. The `layers` command's attributes, in
//! GeoJSON and GeoPackage as GDAL reads them, meet the same tolerance.

mod common;

use common::{oracle_boundary, Rng};
use geo_types::{Coord, LineString, Point, Polygon};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Largest error allowed in a written distance, metres (0.01 mm).
const TOLERANCE_M: f64 = 1e-5;

/// Region centres (lon, lat): Kyiv, Buenos Aires, near the equator, Sydney,
/// New York, Tromsø, Antarctica, Svalbard, Fiji (half a degree from the
/// antimeridian), Bering Strait.
const REGIONS: [(f64, f64); 10] = [
    (30.49, 50.46),
    (-58.4, -34.6),
    (10.0, 0.05),
    (151.2, -33.9),
    (-74.0, 40.7),
    (18.9, 69.6),
    (-68.0, -75.0),
    (15.6, 80.0),
    (179.4, -16.5),
    (-169.0, 65.8),
];

/// Footprint radius in metres of each site of a region: buildings and a compound.
const SIZES_M: [f64; 4] = [12.0, 25.0, 60.0, 1500.0];

/// A site: its id and footprint.
struct Site {
    id: String,
    footprint: Polygon<f64>,
    centre: Point<f64>,
}

/// One query: the impact point and the sites of its region.
struct Impact {
    id: String,
    point: Point<f64>,
    region: usize,
}

/// A convex footprint: `n` vertices on the geodesic circle of `radius_m`
/// around `centre`, counter-clockwise, with jittered azimuths.
fn convex_polygon(rng: &mut Rng, centre: Point<f64>, radius_m: f64) -> Polygon<f64> {
    let g = Geodesic::wgs84();
    let n = 4 + (rng.next_u64() % 7) as usize;
    let start = rng.range(0.0, 360.0);
    let step = 360.0 / n as f64;
    let mut ring: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            // Counter-clockwise: azimuths decrease.
            let az = start - i as f64 * step + rng.range(-0.3, 0.3) * step;
            let (lat, lon): (f64, f64) = g.direct(centre.y(), centre.x(), az, radius_m);
            Coord { x: lon, y: lat }
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// The point `d` metres outside the middle of edge `k` (to its right, which is
/// outside a counter-clockwise ring).
fn beside_edge(poly: &Polygon<f64>, k: usize, d: f64) -> Point<f64> {
    let g = Geodesic::wgs84();
    let (a, b) = (poly.exterior().0[k], poly.exterior().0[k + 1]);
    let (len, azi1, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let (lat, lon, azi2): (f64, f64, f64) = g.direct(a.y, a.x, azi1, len / 2.0);
    let (lat, lon): (f64, f64) = g.direct(lat, lon, azi2 + 90.0, d);
    Point::new(lon, lat)
}

/// Sites and impacts of all regions, with a fixed seed.
fn workload() -> (Vec<Site>, Vec<Vec<usize>>, Vec<Impact>) {
    let g = Geodesic::wgs84();
    let mut rng = Rng(20260224);
    let (mut sites, mut by_region, mut impacts) = (Vec::new(), Vec::new(), Vec::new());
    for (r, &(lon, lat)) in REGIONS.iter().enumerate() {
        let mut members = Vec::new();
        for (k, &size) in SIZES_M.iter().enumerate() {
            // Sites 4, 8 and 12 km from the first, in different directions.
            let (clat, clon): (f64, f64) =
                g.direct(lat, lon, 90.0 * k as f64 + 20.0, 4000.0 * k as f64);
            let centre = Point::new(clon, clat);
            let footprint = convex_polygon(&mut rng, centre, size);
            members.push(sites.len());
            sites.push(Site {
                id: format!("r{r}s{k}"),
                footprint,
                centre,
            });
        }
        for &s in &members {
            let site = &sites[s];
            let edges = site.footprint.exterior().0.len() - 1;
            let mut points = vec![site.centre];
            for d in [0.3, 3.0] {
                let k = (rng.next_u64() % edges as u64) as usize;
                points.push(beside_edge(&site.footprint, k, d));
            }
            for reach in [30.0, 300.0, 3_000.0, 30_000.0, 100_000.0] {
                let (plat, plon): (f64, f64) = g.direct(
                    site.centre.y(),
                    site.centre.x(),
                    rng.range(0.0, 360.0),
                    rng.range(0.2, 1.0) * reach + SIZES_M[3],
                );
                points.push(Point::new(plon, plat));
            }
            for p in points {
                impacts.push(Impact {
                    id: format!("i{}", impacts.len()),
                    point: p,
                    region: r,
                });
            }
        }
        by_region.push(members);
    }
    (sites, by_region, impacts)
}

fn write_sites(path: &Path, sites: &[Site]) {
    let features: Vec<serde_json::Value> = sites
        .iter()
        .map(|s| {
            let ring: Vec<[f64; 2]> = s
                .footprint
                .exterior()
                .0
                .iter()
                .map(|c| [c.x, c.y])
                .collect();
            serde_json::json!({
                "type": "Feature",
                "id": s.id,
                "properties": {"name": s.id, "kind": "building"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
        })
        .collect();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(path, fc.to_string()).unwrap();
}

/// Incidents as CSV; coordinates in their shortest exact form (`{}` of an f64 reads back to it).
fn write_impacts(path: &Path, impacts: &[Impact]) {
    let mut text = String::from("id,date,latitude,longitude\n");
    for i in impacts {
        text.push_str(&format!(
            "{},2024-01-01,{},{}\n",
            i.id,
            i.point.y(),
            i.point.x()
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Runs `impactmap COMMAND --sites SITES --incidents INCIDENTS -o OUT [extra]`.
fn impactmap(command: &str, sites: &Path, incidents: &Path, out: &Path, extra: &[&str]) {
    let run = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args([command, "--sites"])
        .arg(sites)
        .arg("--incidents")
        .arg(incidents)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "impactmap {command} failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The oracle's distance from each impact to the nearest site of its region, and that site.
fn expected<'a>(
    impacts: &[Impact],
    sites: &'a [Site],
    by_region: &[Vec<usize>],
) -> Vec<(f64, &'a Site)> {
    impacts
        .iter()
        .map(|impact| {
            by_region[impact.region]
                .iter()
                .map(|&s| (oracle_distance(impact.point, &sites[s]), &sites[s]))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap()
        })
        .collect()
}

/// The workload written as `sites.geojson` and `impacts.csv` in `dir`.
fn workload_files(dir: &Path) -> (Vec<Site>, Vec<Vec<usize>>, Vec<Impact>, PathBuf, PathBuf) {
    let (sites, by_region, impacts) = workload();
    let (sites_path, impacts_path) = (dir.join("sites.geojson"), dir.join("impacts.csv"));
    write_sites(&sites_path, &sites);
    write_impacts(&impacts_path, &impacts);
    (sites, by_region, impacts, sites_path, impacts_path)
}

/// Whether `p` is inside a convex counter-clockwise footprint: to the left of
/// every edge, seen from the edge's start (the azimuth towards `p` turns
/// anticlockwise from the edge's azimuth). Exact for geodesic edges much
/// shorter than half the globe, and independent of the library.
fn inside_convex(p: Point<f64>, poly: &Polygon<f64>) -> bool {
    let g = Geodesic::wgs84();
    poly.exterior().0.windows(2).all(|e| {
        let (_, edge_az, _, _): (f64, f64, f64, f64) = g.inverse(e[0].y, e[0].x, e[1].y, e[1].x);
        let (_, to_p, _, _): (f64, f64, f64, f64) = g.inverse(e[0].y, e[0].x, p.y(), p.x());
        let turn = (to_p - edge_az).rem_euclid(360.0);
        turn > 180.0
    })
}

/// The oracle's distance from `p` to a footprint: 0 inside, else the
/// dense-sampling distance to the boundary.
fn oracle_distance(p: Point<f64>, site: &Site) -> f64 {
    if inside_convex(p, &site.footprint) {
        0.0
    } else {
        oracle_boundary(p, &site.footprint)
    }
}

/// Digits after the decimal point.
fn decimals(cell: &str) -> usize {
    cell.split_once('.').map_or(0, |(_, f)| f.len())
}

#[test]
fn written_csv_and_json_distances_match_the_oracle_to_a_hundredth_of_a_millimetre() {
    let dir = tempfile::tempdir().unwrap();
    let (sites, by_region, impacts, sites_path, impacts_path) = workload_files(dir.path());
    let (csv_path, json_path) = (dir.path().join("p.csv"), dir.path().join("p.json"));
    impactmap(
        "proximity",
        &sites_path,
        &impacts_path,
        &csv_path,
        &["--quiet"],
    );
    impactmap(
        "proximity",
        &sites_path,
        &impacts_path,
        &json_path,
        &["--quiet"],
    );

    let rows = common::read_csv(&csv_path);
    assert_eq!(
        rows.len(),
        impacts.len(),
        "one row per impact (nearest site)"
    );
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json.len(), rows.len());
    let site_by_id: HashMap<&str, &Site> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let g = Geodesic::wgs84();
    let (mut worst, mut worst_json, mut worst_nearest, mut worst_bearing) =
        (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    let mut inside = 0;
    let oracle = expected(&impacts, &sites, &by_region);
    for (((impact, row), obj), &(expected, nearest_site)) in
        impacts.iter().zip(&rows).zip(&json).zip(&oracle)
    {
        assert_eq!(row["incident_id"], impact.id);
        assert_eq!(obj["incident_id"], impact.id.as_str());
        let cell = &row["distance_m"];
        assert_eq!(decimals(cell), 6, "distance_m to the micrometre: `{cell}`");
        let written: f64 = cell.parse().unwrap();
        let err = (written - expected).abs();
        worst = worst.max(err);
        assert!(
            err < TOLERANCE_M,
            "{}: CSV distance_m {cell} m, oracle {expected} m (off by {err:e} m)",
            impact.id
        );
        let from_json = obj["distance_m"].as_f64().unwrap();
        assert_eq!(from_json, written, "{}: JSON and CSV differ", impact.id);
        worst_json = worst_json.max((from_json - expected).abs());
        for bound in ["distance_min_m", "distance_max_m"] {
            // Exact impact points: the interval is the point itself.
            assert_eq!(row[bound], *cell, "{}: {bound}", impact.id);
            assert_eq!(
                obj[bound].as_f64(),
                Some(written),
                "{}: JSON {bound}",
                impact.id
            );
        }
        if expected == 0.0 {
            inside += 1;
            assert_eq!((row["inside"].as_str(), cell.as_str()), ("yes", "0.000000"));
            assert_eq!(row["site_id"], nearest_site.id);
            continue;
        }
        assert_eq!(row["inside"], "no", "{}", impact.id);
        // The nearest site, unless two sites are equally near within the tolerance.
        let site = site_by_id[row["site_id"].as_str()];
        assert!(
            (oracle_distance(impact.point, site) - expected).abs() < TOLERANCE_M,
            "{}: written site {} is not the nearest ({})",
            impact.id,
            site.id,
            nearest_site.id
        );
        // The written nearest point lies on the footprint's boundary, at the
        // written distance from the impact.
        let lon_lat = |k: &str| -> f64 {
            assert_eq!(decimals(&row[k]), 10, "{k} to 1e-10°: `{}`", row[k]);
            row[k].parse().unwrap()
        };
        let nearest = Point::new(lon_lat("nearest_lon"), lon_lat("nearest_lat"));
        let on_boundary = oracle_boundary(nearest, &site.footprint);
        let (back, azi1, _, _): (f64, f64, f64, f64) =
            g.inverse(nearest.y(), nearest.x(), impact.point.y(), impact.point.x());
        worst_nearest = worst_nearest.max(on_boundary).max((back - written).abs());
        assert!(
            on_boundary < TOLERANCE_M && (back - written).abs() < TOLERANCE_M,
            "{}: nearest point {nearest:?} is {on_boundary:e} m off the boundary and {back} m from the impact",
            impact.id
        );
        // The written bearing, followed for the written distance from the
        // written nearest point, lands on the impact (1e-6° is 1.7e-8 of the distance sideways).
        let bearing_cell = &row["bearing_deg"];
        assert_eq!(
            decimals(bearing_cell),
            6,
            "bearing_deg to 1e-6°: `{bearing_cell}`"
        );
        let bearing: f64 = bearing_cell.parse().unwrap();
        assert_eq!(obj["bearing_deg"].as_f64(), Some(bearing));
        let (lat, lon): (f64, f64) = g.direct(nearest.y(), nearest.x(), bearing, written);
        let miss: f64 = g.inverse(lat, lon, impact.point.y(), impact.point.x());
        let allowed = TOLERANCE_M + written * 2e-8;
        worst_bearing = worst_bearing.max(miss / allowed);
        assert!(
            miss < allowed,
            "{}: bearing {bearing_cell}° (geodesic {azi1}°) misses the impact by {miss:e} m",
            impact.id
        );
    }
    eprintln!(
        "written figures vs oracle: {} impacts ({inside} inside) in {} regions; worst distance_m error {worst:.2e} m (CSV), {worst_json:.2e} m (JSON); \
         nearest point worst {worst_nearest:.2e} m; bearing worst {:.0} % of its allowance",
        impacts.len(),
        REGIONS.len(),
        worst_bearing * 100.0
    );
    assert!(inside >= REGIONS.len() * SIZES_M.len());

    // The Markdown table is for people: the same bearings, rounded to 0.01°.
    let md_path = dir.path().join("p.md");
    impactmap(
        "proximity",
        &sites_path,
        &impacts_path,
        &md_path,
        &["--quiet"],
    );
    let md = std::fs::read_to_string(&md_path).unwrap();
    let md_rows: Vec<Vec<&str>> = md
        .lines()
        .skip(2)
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert_eq!(md_rows.len(), rows.len());
    for (md_row, row) in md_rows.iter().zip(&rows) {
        assert_eq!(md_row[0], row["incident_id"]);
        let rounded = row["bearing_deg"]
            .parse::<f64>()
            .map_or(String::new(), |b| format!("{b:.2}"));
        assert_eq!(md_row[6], rounded, "{}", row["incident_id"]);
        assert_eq!(md_row[4], row["label"], "{}", row["incident_id"]);
    }
}

/// The layers' attributes as GDAL reads them: `ogr2ogr` turns the GeoJSON
/// and the GeoPackage `incidents` layers into CSV, and each impact's
/// `distance_m` agrees with the oracle to 0.01 mm, its nearest point lies on
/// the footprint's boundary to 0.01 mm.
#[test]
fn layer_attributes_match_the_oracle_to_a_hundredth_of_a_millimetre() {
    if !common::tool_available(
        &["ogr2ogr", "--version"],
        "Debian: apt-get install gdal-bin",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (sites, by_region, impacts, sites_path, impacts_path) = workload_files(dir.path());
    let oracle = expected(&impacts, &sites, &by_region);
    let site_by_id: HashMap<&str, &Site> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let (json_dir, gpkg_dir) = (dir.path().join("json"), dir.path().join("gpkg"));
    impactmap("layers", &sites_path, &impacts_path, &json_dir, &[]);
    impactmap(
        "layers",
        &sites_path,
        &impacts_path,
        &gpkg_dir,
        &["--format", "gpkg"],
    );
    let mut worst = 0.0_f64;
    for source in [
        json_dir.join("incidents.geojson"),
        gpkg_dir.join("layers.gpkg"),
    ] {
        let csv_path = dir.path().join("incidents.csv");
        let _ = std::fs::remove_file(&csv_path);
        let out = Command::new("ogr2ogr")
            .args(["-f", "CSV"])
            .arg(&csv_path)
            .arg(&source)
            .arg("incidents")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ogr2ogr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = common::read_csv(&csv_path);
        assert_eq!(rows.len(), impacts.len(), "{}", source.display());
        for (row, &(expected, _)) in rows.iter().zip(&oracle) {
            let written: f64 = row["distance_m"].parse().unwrap();
            let err = (written - expected).abs();
            worst = worst.max(err);
            assert!(
                err < TOLERANCE_M,
                "{} {}: distance_m {written} m, oracle {expected} m",
                source.display(),
                row["id"]
            );
            if expected > 0.0 {
                let nearest = Point::new(
                    row["nearest_lon"].parse().unwrap(),
                    row["nearest_lat"].parse().unwrap(),
                );
                let off = oracle_boundary(nearest, &site_by_id[row["site_id"].as_str()].footprint);
                assert!(
                    off < TOLERANCE_M,
                    "{}: nearest point {off:e} m off the boundary",
                    row["id"]
                );
            }
        }
    }
    eprintln!("layer attributes (GeoJSON and GeoPackage, read by GDAL) vs oracle: worst distance_m error {worst:.2e} m");
}
