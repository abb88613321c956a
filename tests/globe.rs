//! Inside/outside and distance on the whole globe, against an independent
//! oracle written here: distance by dense sampling of each geodesic edge with
//! golden-section refinement (`common::oracle_edge`), inside by parity in an
//! azimuthal-equidistant frame centred on the polygon with densified geodesic
//! edges. Random small (10–100 m) and large (10–1,000 km) polygons, some with
//! a hole, anywhere, across the antimeridian, on the equator, on the prime
//! meridian and at 60–89°N/S; points inside, on edges, on vertices, near, far
//! and antipodal; each site alone, and many through the index.
//!
//! `IMPACTMAP_GLOBE_CASES=N` measures N polygons per class instead of the
//! default (a few seconds in a debug build).

mod common;

use common::{oracle_boundary, random_polygon, Rng};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use impactmap::geodesy::{point_to_multipolygon, point_to_polygon, ring_problem};
use impactmap::model::{Site, SiteGeometry};
use impactmap::proximity::SiteIndex;
use std::process::Command;

/// Accuracy claimed in the README for the distance to a polygon (metres).
const CLAIM_M: f64 = 1e-8;

fn geod() -> Geodesic {
    Geodesic::wgs84()
}

fn polygons_per_class() -> usize {
    std::env::var("IMPACTMAP_GLOBE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

/// A test polygon with what the oracle needs: its centre and the largest
/// distance from the centre to any vertex (m).
struct Case {
    poly: Polygon<f64>,
    centre: Point<f64>,
    /// The size the vertices were drawn within (0.4–1 of it from the centre), m.
    size_m: f64,
    radius_m: f64,
}

/// Where polygon centres are drawn.
#[derive(Clone, Copy, Debug)]
enum Place {
    Anywhere,
    Antimeridian,
    Equator,
    PrimeMeridian,
    HighNorth,
    HighSouth,
}

const PLACES: [Place; 6] = [
    Place::Anywhere,
    Place::Antimeridian,
    Place::Equator,
    Place::PrimeMeridian,
    Place::HighNorth,
    Place::HighSouth,
];

fn centre(rng: &mut Rng, place: Place) -> Point<f64> {
    let (lon, lat) = match place {
        Place::Anywhere => (
            rng.range(-180.0, 180.0),
            rng.range(-1.0, 1.0).asin().to_degrees().clamp(-85.0, 85.0),
        ),
        Place::Antimeridian => {
            let lon = 180.0 + rng.range(-0.05, 0.05);
            (
                if lon > 180.0 { lon - 360.0 } else { lon },
                rng.range(-70.0, 70.0),
            )
        }
        Place::Equator => (rng.range(-180.0, 180.0), rng.range(-0.05, 0.05)),
        Place::PrimeMeridian => (rng.range(-0.05, 0.05), rng.range(-70.0, 70.0)),
        Place::HighNorth => (rng.range(-180.0, 180.0), rng.range(60.0, 89.0)),
        Place::HighSouth => (rng.range(-180.0, 180.0), rng.range(-89.0, -60.0)),
    };
    Point::new(lon, lat)
}

/// A star-shaped polygon around a centre, counter-clockwise, every third one
/// with a clockwise hole well inside; kept clear of the poles (no vertex
/// beyond 89.9°, no ring around a pole).
fn make_case(rng: &mut Rng, place: Place, large: bool) -> Case {
    let c = centre(rng, place);
    let size = if large {
        10f64.powf(rng.range(4.0, 6.0))
    } else {
        rng.range(10.0, 100.0)
    };
    // Room to the nearer pole, metres (a degree of latitude is ≥ 110.5 km).
    let room = (89.9 - c.y().abs()) * 110_500.0;
    let size = size.min(0.5 * room);
    let mut poly = random_polygon(rng, c, size);
    if rng.next_u64() % 3 == 0 {
        let hole = random_polygon(rng, c, 0.15 * size);
        let mut ring = hole.exterior().0.clone();
        ring.reverse();
        poly.interiors_push(LineString(ring));
    }
    let g = geod();
    let radius_m = poly
        .exterior()
        .0
        .iter()
        .map(|v| g.inverse(c.y(), c.x(), v.y, v.x))
        .fold(0.0, f64::max);
    Case {
        poly,
        centre: c,
        size_m: size,
        radius_m,
    }
}

/// The boundary of every ring sampled along its geodesic edges (`pieces` per
/// edge), as lon/lat coordinates.
fn densified(ring: &LineString<f64>, pieces: usize) -> Vec<Coord<f64>> {
    let g = geod();
    let mut out = Vec::new();
    for w in ring.0.windows(2) {
        let (len, azi, _, _): (f64, f64, f64, f64) = g.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
        for i in 0..pieces {
            let (lat, lon): (f64, f64) =
                g.direct(w[0].y, w[0].x, azi, len * i as f64 / pieces as f64);
            out.push(Coord { x: lon, y: lat });
        }
    }
    out.push(ring.0[0]);
    out
}

/// Azimuthal-equidistant (x east, y north) metres of `p` from `c`.
fn aeqd(c: Point<f64>, p: Coord<f64>) -> (f64, f64) {
    let (s, azi, _, _): (f64, f64, f64, f64) = geod().inverse(c.y(), c.x(), p.y, p.x);
    let a = azi.to_radians();
    (s * a.sin(), s * a.cos())
}

/// Pieces per edge in the oracle's densified boundary.
const PIECES: usize = 400;

/// The oracle's inside test: parity of a ray in the azimuthal-equidistant
/// frame centred on the polygon, over the densified geodesic edges. Points
/// beyond the polygon's radius from its centre are outside (the disc is
/// geodesically convex). `None` where the densified edges may stray from the
/// true ones by more than the point's distance to the boundary.
fn oracle_inside(case: &Case, p: Point<f64>, boundary_m: f64) -> Option<bool> {
    let g = geod();
    let from_centre: f64 = g.inverse(case.centre.y(), case.centre.x(), p.y(), p.x());
    if from_centre > case.radius_m * 1.001 + 1.0 {
        return Some(false);
    }
    // A piece of length l departs from the geodesic by about l²/(8R) in this
    // frame (well within 10× that at up to 1,000 km from the centre).
    let piece = 2.0 * case.radius_m / PIECES as f64;
    if boundary_m < 10.0 * piece * piece / (8.0 * 6.3e6) + 1e-6 {
        return None;
    }
    let (px, py) = aeqd(case.centre, p.0);
    let mut inside = false;
    for ring in std::iter::once(case.poly.exterior()).chain(case.poly.interiors()) {
        let pts: Vec<(f64, f64)> = densified(ring, PIECES)
            .into_iter()
            .map(|v| aeqd(case.centre, v))
            .collect();
        for w in pts.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            if (ay > py) != (by > py) && px < ax + (py - ay) * (bx - ax) / (by - ay) {
                inside = !inside;
            }
        }
    }
    Some(inside)
}

/// Kinds of query point.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Query {
    Inside,
    OnEdge,
    OnVertex,
    Near,
    Far,
    Antipodal,
}

const QUERIES: [Query; 6] = [
    Query::Inside,
    Query::OnEdge,
    Query::OnVertex,
    Query::Near,
    Query::Far,
    Query::Antipodal,
];

fn antipode(p: Point<f64>) -> Point<f64> {
    let lon = p.x() + 180.0;
    Point::new(if lon > 180.0 { lon - 360.0 } else { lon }, -p.y())
}

fn query(rng: &mut Rng, case: &Case, kind: Query) -> Point<f64> {
    let g = geod();
    let ring = &case.poly.exterior().0;
    let edge = (rng.next_u64() % (ring.len() as u64 - 1)) as usize;
    let (a, b) = (ring[edge], ring[edge + 1]);
    let (len, azi, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let on_edge = |f: f64| -> (Point<f64>, f64) {
        let (lat, lon, azi2): (f64, f64, f64) = g.direct(a.y, a.x, azi, len * f);
        (Point::new(lon, lat), azi2)
    };
    let at = |from: Point<f64>, azi: f64, s: f64| -> Point<f64> {
        let (lat, lon): (f64, f64) = g.direct(from.y(), from.x(), azi, s);
        Point::new(lon, lat)
    };
    match kind {
        // Between the hole (if any, ≤ 0.15 of the size) and the outer ring
        // (≥ 0.23 of the size from the centre).
        Query::Inside => at(
            case.centre,
            rng.range(0.0, 360.0),
            case.size_m * rng.range(0.16, 0.2),
        ),
        Query::OnEdge => on_edge(rng.range(0.05, 0.95)).0,
        Query::OnVertex => Point(a),
        Query::Near => {
            let (x, azi2) = on_edge(rng.range(0.0, 1.0));
            let side = if rng.next_u64() % 2 == 0 { 90.0 } else { -90.0 };
            let offset = case.radius_m * 10f64.powf(rng.range(-5.0, 0.0));
            at(x, azi2 + side, offset)
        }
        Query::Far => Point::new(
            rng.range(-180.0, 180.0),
            rng.range(-1.0, 1.0).asin().to_degrees().clamp(-89.9, 89.9),
        ),
        Query::Antipodal => {
            let target = match rng.next_u64() % 3 {
                0 => case.centre,
                1 => Point(a),
                _ => on_edge(rng.range(0.0, 1.0)).0,
            };
            let q = antipode(target);
            let jitter = case.radius_m * rng.range(0.0, 2.0);
            let q = at(q, rng.range(0.0, 360.0), jitter);
            Point::new(q.x(), q.y().clamp(-89.9, 89.9))
        }
    }
}

/// Largest error seen and cases counted, per class.
#[derive(Default)]
struct Tally {
    cases: usize,
    decided_inside: usize,
    worst_m: f64,
}

#[test]
fn point_to_polygon_is_right_anywhere_on_the_globe() {
    let mut rng = Rng(20261130);
    let n = polygons_per_class();
    let mut near = Tally::default();
    let mut far = Tally::default();
    for place in PLACES {
        for large in [false, true] {
            for _ in 0..n {
                let case = make_case(&mut rng, place, large);
                for ring in std::iter::once(case.poly.exterior()).chain(case.poly.interiors()) {
                    assert_eq!(ring_problem(&ring.0), None, "{place:?}: {ring:?}");
                }
                for kind in QUERIES {
                    let q = query(&mut rng, &case, kind);
                    let got = point_to_polygon(q, &case.poly);
                    let boundary = oracle_boundary(q, &case.poly);
                    let err = (got.boundary_distance_m - boundary).abs();
                    let what = || {
                        format!(
                            "{place:?} {kind:?} large={large} q={q:?} poly={:?}",
                            case.poly
                        )
                    };
                    assert!(
                        err < CLAIM_M,
                        "off by {err:e} m (oracle {boundary} m, got {}): {}",
                        got.boundary_distance_m,
                        what()
                    );
                    let tally = if boundary < 100_000.0 {
                        &mut near
                    } else {
                        &mut far
                    };
                    tally.cases += 1;
                    tally.worst_m = tally.worst_m.max(err);
                    let expected = if boundary < 1e-7 {
                        Some(true)
                    } else {
                        oracle_inside(&case, q, boundary)
                    };
                    if let Some(expected) = expected {
                        tally.decided_inside += 1;
                        assert_eq!(got.inside, expected, "inside: {}", what());
                    }
                    if kind == Query::Inside || kind == Query::OnEdge || kind == Query::OnVertex {
                        assert!(got.inside, "{}", what());
                    }
                    if kind == Query::Far || kind == Query::Antipodal {
                        assert!(!got.inside || boundary < case.radius_m * 2.0, "{}", what());
                    }
                    if got.inside {
                        assert_eq!(got.distance_m, 0.0);
                    } else {
                        assert_eq!(got.distance_m, got.boundary_distance_m);
                    }
                }
            }
        }
    }
    eprintln!(
        "globe: {} cases within 100 km (inside decided by the oracle in {}), worst error {:.2e} m; \
         {} cases beyond (inside decided in {}), worst error {:.2e} m",
        near.cases, near.decided_inside, near.worst_m, far.cases, far.decided_inside, far.worst_m
    );
    assert!(near.cases > 0 && far.cases > 0);
}

/// Many sites over the whole globe through the index: the nearest site is the
/// oracle's nearest, at the oracle's distance; a multipolygon of two distant
/// parts is measured to its nearer part.
#[test]
fn the_index_finds_the_oracles_nearest_site_anywhere() {
    let mut rng = Rng(424242);
    let n = polygons_per_class();
    let mut cases = Vec::new();
    for place in PLACES {
        for large in [false, true] {
            for _ in 0..n {
                cases.push(make_case(&mut rng, place, large));
            }
        }
    }
    let sites: Vec<Site> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Site::new(
                &format!("s{i}"),
                "site",
                SiteGeometry::Polygon(c.poly.clone()),
            )
        })
        .collect();
    let index = SiteIndex::new(&sites);
    let g = geod();
    let (mut queries, mut worst) = (0, 0.0_f64);
    for _ in 0..(8 * n) {
        for kind in QUERIES {
            let near_case = &cases[(rng.next_u64() % cases.len() as u64) as usize];
            let q = query(&mut rng, near_case, kind);
            // The oracle's nearest: each site is within its radius of its
            // centre, so only sites whose centre is within the best
            // centre distance plus both radii can be nearest.
            let to_centre: Vec<f64> = cases
                .iter()
                .map(|c| g.inverse(q.y(), q.x(), c.centre.y(), c.centre.x()))
                .collect();
            let best_upper = (0..cases.len())
                .map(|i| to_centre[i] + cases[i].radius_m)
                .fold(f64::INFINITY, f64::min);
            let mut oracle: Vec<(f64, usize)> = (0..cases.len())
                .filter(|&i| to_centre[i] - cases[i].radius_m <= best_upper)
                .map(|i| {
                    let b = oracle_boundary(q, &cases[i].poly);
                    let inside = b < 1e-7 || oracle_inside(&cases[i], q, b) == Some(true);
                    (if inside { 0.0 } else { b }, i)
                })
                .collect();
            oracle.sort_by(|a, b| a.0.total_cmp(&b.0));
            let hit = index.nearest(q).expect("a nearest site");
            let err = (hit.nearest.distance_m - oracle[0].0).abs();
            worst = worst.max(err);
            assert!(
                err < CLAIM_M,
                "{kind:?} at {q:?}: index {} m (site {}), oracle {} m (site {})",
                hit.nearest.distance_m,
                hit.site,
                oracle[0].0,
                oracle[0].1
            );
            // Another site only where the oracle finds a tie.
            let tied: Vec<usize> = oracle
                .iter()
                .take_while(|(d, _)| *d <= oracle[0].0 + CLAIM_M)
                .map(|&(_, i)| i)
                .collect();
            assert!(
                tied.contains(&hit.site.index()),
                "{kind:?} at {q:?}: site {} not in {tied:?}",
                hit.site
            );
            queries += 1;
        }
    }
    eprintln!(
        "globe index: {} sites, {queries} queries, worst error {worst:.2e} m",
        sites.len()
    );

    // A multipolygon with one part at the antimeridian and one near Kyiv.
    let parts = MultiPolygon(vec![
        cases[n * 2].poly.clone(),
        random_polygon(&mut rng, Point::new(30.5, 50.45), 50.0),
    ]);
    let q = Point::new(30.6, 50.5);
    let got = point_to_multipolygon(q, &parts);
    let oracle = oracle_boundary(q, &parts.0[0]).min(oracle_boundary(q, &parts.0[1]));
    assert!((got.distance_m - oracle).abs() < CLAIM_M);
}

/// The two cases of the issue, through the `proximity` command: a 0.2° square
/// across the antimeridian at 50°N and a point 8,900 km away; a 1° square on
/// the equator and its antipode.
#[test]
fn proximity_command_measures_antimeridian_and_antipodal_cases() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.geojson");
    let incidents = dir.path().join("incidents.geojson");
    std::fs::write(
        &sites,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"dateline","name":"Dateline square"},"geometry":{"type":"Polygon","coordinates":[[[179.9,50.0],[-179.9,50.0],[-179.9,50.2],[179.9,50.2],[179.9,50.0]]]}},
{"type":"Feature","properties":{"id":"equator","name":"Equator square"},"geometry":{"type":"Polygon","coordinates":[[[10.0,-0.5],[11.0,-0.5],[11.0,0.5],[10.0,0.5],[10.0,-0.5]]]}}
]}"#,
    )
    .unwrap();
    std::fs::write(
        &incidents,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"far","start":"2024-01-01"},"geometry":{"type":"Point","coordinates":[0.0,50.0]}},
{"type":"Feature","properties":{"id":"antipode","start":"2024-01-01"},"geometry":{"type":"Point","coordinates":[-169.5,0.0]}},
{"type":"Feature","properties":{"id":"in-dateline","start":"2024-01-01"},"geometry":{"type":"Point","coordinates":[-179.95,50.1]}}
]}"#,
    )
    .unwrap();
    let out = dir.path().join("proximity.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .args(["proximity", "--max-distance", "30000000", "--sites"])
        .arg(&sites)
        .arg("--incidents")
        .arg(&incidents)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (inc, site, dist, inside) = (
        col("incident_id"),
        col("site_id"),
        col("distance_m"),
        col("inside"),
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let figure = |i: &str, s: &str| {
        let r = rows
            .iter()
            .find(|r| &r[inc] == i && &r[site] == s)
            .unwrap_or_else(|| panic!("no row {i} / {s}"));
        (r[dist].parse::<f64>().unwrap(), r[inside].to_string())
    };
    let square = |ring: &[(f64, f64)]| {
        Polygon::new(
            LineString(ring.iter().map(|&(x, y)| Coord { x, y }).collect()),
            vec![],
        )
    };
    let dateline = square(&[
        (179.9, 50.0),
        (-179.9, 50.0),
        (-179.9, 50.2),
        (179.9, 50.2),
        (179.9, 50.0),
    ]);
    let equator = square(&[
        (10.0, -0.5),
        (11.0, -0.5),
        (11.0, 0.5),
        (10.0, 0.5),
        (10.0, -0.5),
    ]);
    // The CSV carries millimetres or finer.
    for (i, s, poly, q) in [
        ("far", "dateline", &dateline, Point::new(0.0, 50.0)),
        ("antipode", "equator", &equator, Point::new(-169.5, 0.0)),
    ] {
        let (d, inside) = figure(i, s);
        let oracle = oracle_boundary(q, poly);
        assert!(oracle > 8_000_000.0);
        assert!((d - oracle).abs() < 1e-3, "{i}: {d} m, oracle {oracle} m");
        assert_eq!(inside, "no", "{i}");
    }
    let (d, inside) = figure("in-dateline", "dateline");
    assert_eq!((d, inside.as_str()), (0.0, "yes"));
}

/// Rings that cannot be measured are refused when read, with the file, the
/// feature and the ring named, and exit code 2.
#[test]
fn rings_around_a_pole_or_too_large_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let incidents = dir.path().join("incidents.geojson");
    std::fs::write(
        &incidents,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"i","start":"2024-01-01"},"geometry":{"type":"Point","coordinates":[0.0,50.0]}}]}"#,
    )
    .unwrap();
    for (ring, expected) in [
        ("[[0,80],[120,80],[-120,80],[0,80]]", "encircles a pole"),
        ("[[0,0],[60,0],[60,10],[0,0]]", "km across"),
    ] {
        let sites = dir.path().join("sites.geojson");
        std::fs::write(
            &sites,
            format!(
                r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"id":"ok"}},"geometry":{{"type":"Point","coordinates":[1,1]}}}},
{{"type":"Feature","properties":{{"id":"big"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}]}}"#
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_impactmap"))
            .args(["proximity", "--sites"])
            .arg(&sites)
            .arg("--incidents")
            .arg(&incidents)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        for part in [
            "sites.geojson",
            "feature 2 (id \"big\")",
            "coordinates[0]",
            expected,
        ] {
            assert!(stderr.contains(part), "{part:?} missing from: {stderr}");
        }
    }
}
