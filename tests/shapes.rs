//! One geometry per described location: the band a map draws is the band the layer holds, and
//! the proximity row's interval is the band's radii.
//!
//! The layer is read back from the written GeoJSON; the map's SVG path is compared with the
//! layer's coordinates projected independently (proj4rs) with the map's own projection; the
//! radii are measured with the exact point-to-polygon distance.

mod render_common;

use geo_types::{polygon, Coord, MultiPolygon, Point, Polygon};
use impactmap::geodesy::{bearing_deg, distance_m, point_to_multipolygon};
use impactmap::io::basemap;
use impactmap::io::layers::{write_layers, LayerFormat};
use impactmap::layers::LayerOptions;
use impactmap::model::{
    DistanceUnit, Incident, Location, RelativeDistance, Site, SiteGeometry, WeaponCategory,
};
use impactmap::proximity::{self, Options, ProximityRow, Ternary};
use impactmap::render::{build_map, encode, Format, MapLayout, MapSpec};
use impactmap::shapes::{self, Footprint, ShapeOptions};
use impactmap::shapes::{outline_tolerance_m, ROUNDING_M};
use impactmap::style;
use render_common::{incident, project, site};
use serde_json::Value;

/// The compound (the whole site) and its L-shaped administrative building, in Kyiv.
fn compound() -> Polygon<f64> {
    polygon![
        (x: 30.4990, y: 50.4495), (x: 30.5025, y: 50.4495),
        (x: 30.5025, y: 50.4515), (x: 30.4990, y: 50.4515),
    ]
}

fn building() -> Polygon<f64> {
    polygon![
        (x: 30.5000, y: 50.4500), (x: 30.5012, y: 50.4500), (x: 30.5012, y: 50.4503),
        (x: 30.5004, y: 50.4503), (x: 30.5004, y: 50.4508), (x: 30.5000, y: 50.4508),
    ]
}

fn relative(
    part: Option<&str>,
    value: f64,
    unit: DistanceUnit,
    tol: f64,
    b: Option<f64>,
) -> Location {
    Location::Relative {
        site: "emb".into(),
        part: part.map(Into::into),
        distance: RelativeDistance {
            value,
            unit,
            tolerance: tol,
        },
        bearing_deg: b,
        as_described: None,
    }
}

/// "About 35 steps from the administrative building" (the part named in another case and
/// with spaces), and "60 ± 10 m south-east of the embassy".
fn case() -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let sites = vec![
        site(
            "emb",
            None,
            "Embassy",
            "embassy",
            SiteGeometry::Polygon(compound()),
            0.0,
        ),
        site(
            "emb",
            Some("administrative building"),
            "Embassy, administrative building",
            "embassy",
            SiteGeometry::Polygon(building()),
            0.0,
        ),
    ];
    let incidents = vec![
        incident(
            "steps",
            "2024-01-02",
            "drone",
            WeaponCategory::AttackDrone,
            relative(
                Some(" Administrative Building"),
                35.0,
                DistanceUnit::Steps,
                0.0,
                None,
            ),
        ),
        incident(
            "south_east",
            "2024-02-03",
            "missile",
            WeaponCategory::BallisticMissile,
            relative(None, 60.0, DistanceUnit::Metres, 10.0, Some(135.0)),
        ),
    ];
    let rows = proximity::run(&sites, &incidents, &Options::default()).unwrap();
    (sites, incidents, rows)
}

/// The polygons of a GeoJSON MultiPolygon geometry.
fn multipolygon(g: &Value) -> MultiPolygon<f64> {
    assert_eq!(g["type"], "MultiPolygon");
    let ring = |r: &Value| -> geo_types::LineString<f64> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|c| Coord {
                x: c[0].as_f64().unwrap(),
                y: c[1].as_f64().unwrap(),
            })
            .collect()
    };
    MultiPolygon(
        g["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let rings: Vec<_> = p.as_array().unwrap().iter().map(ring).collect();
                Polygon::new(rings[0].clone(), rings[1..].to_vec())
            })
            .collect(),
    )
}

/// The features of one layer as written for the case.
fn written(
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    layer: &str,
) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    write_layers(
        dir.path(),
        sites,
        incidents,
        rows,
        &LayerOptions::default(),
        LayerFormat::GeoJson,
    )
    .unwrap();
    let text = std::fs::read_to_string(dir.path().join(format!("{layer}.geojson"))).unwrap();
    let fc: Value = serde_json::from_str(&text).unwrap();
    fc["features"].as_array().unwrap().clone()
}

/// The `incident_areas` features written for the case: incident id, shape, geometry.
fn written_areas(
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
) -> Vec<(String, String, MultiPolygon<f64>)> {
    written(sites, incidents, rows, "incident_areas")
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_string(),
                f["properties"]["shape"].as_str().unwrap().to_string(),
                multipolygon(&f["geometry"]),
            )
        })
        .collect()
}

/// The contours (pixel vertices) of every SVG fill path with this colour and opacity.
fn svg_fills(svg: &str, colour: style::Rgb, opacity: f64) -> Vec<Vec<(f64, f64)>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("path")) {
        let same_fill = n.attribute("fill") == Some(colour.hex().as_str());
        let same_opacity = n
            .attribute("fill-opacity")
            .and_then(|o| o.parse::<f64>().ok())
            .is_some_and(|o| (o - opacity).abs() < 0.005);
        if !(same_fill && same_opacity) {
            continue;
        }
        for contour in n.attribute("d").unwrap().split_terminator('Z') {
            let nums: Vec<f64> = contour
                .split(['M', 'L', ' '])
                .filter(|t| !t.is_empty())
                .map(|t| t.parse().unwrap())
                .collect();
            out.push(nums.chunks(2).map(|p| (p[0], p[1])).collect());
        }
    }
    out
}

/// Projects lon/lat to the map's pixels with proj4rs and the layout's projection.
fn to_px(l: &MapLayout, c: Coord<f64>) -> (f64, f64) {
    let (x, y) = project(&l.projection.proj_string(), c.x, c.y);
    let centre = l.frame.centre();
    (
        centre.x + (x - l.centre_xy.x) / l.m_per_px,
        centre.y - (y - l.centre_xy.y) / l.m_per_px,
    )
}

/// Largest distance from a point of `a` to the nearest point of `b`, pixels.
fn worst_gap(a: &[(f64, f64)], b: &[(f64, f64)]) -> f64 {
    a.iter()
        .map(|p| {
            b.iter()
                .map(|q| (p.0 - q.0).hypot(p.1 - q.1))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

#[test]
fn the_map_draws_the_band_and_the_sector_the_layer_holds() {
    let (sites, incidents, rows) = case();
    let areas = written_areas(&sites, &incidents, &rows);
    let spec = MapSpec::detail("emb", None);
    let (scene, layout) = build_map(&spec, &sites, &incidents, &rows, &basemap::bundled()).unwrap();
    let svg = String::from_utf8(encode(&scene, Format::Svg).unwrap()).unwrap();
    for (inc, category) in [
        ("steps", WeaponCategory::AttackDrone),
        ("south_east", WeaponCategory::BallisticMissile),
    ] {
        let (_, _, area) = areas.iter().find(|(id, _, _)| id == inc).unwrap();
        let colour = style::weapon_style(category).0;
        // The legend's swatch has the same colour: a rectangle, left out by its four corners.
        let drawn: Vec<_> = svg_fills(&svg, colour, style::INCIDENT_FILL_OPACITY)
            .into_iter()
            .filter(|c| c.len() > 4)
            .collect();
        let rings: Vec<_> = area
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .collect();
        assert_eq!(
            drawn.len(),
            rings.len(),
            "{inc}: one drawn contour per ring"
        );
        let mut worst: f64 = 0.0;
        for ring in rings {
            // The layer's ring without its closing repeat, projected.
            let layer: Vec<(f64, f64)> = ring.0[1..].iter().map(|c| to_px(&layout, *c)).collect();
            let contour = drawn
                .iter()
                .filter(|c| c.len() == layer.len())
                .min_by(|a, b| worst_gap(&layer, a).total_cmp(&worst_gap(&layer, b)))
                .unwrap_or_else(|| panic!("{inc}: no contour of {} vertices", layer.len()));
            worst = worst
                .max(worst_gap(&layer, contour))
                .max(worst_gap(contour, &layer));
        }
        eprintln!(
            "{inc}: {} vertices, worst gap between map and layer {worst:.4} px ({:.3} m per px)",
            area.0.iter().map(|p| p.exterior().0.len()).sum::<usize>(),
            layout.m_per_px
        );
        assert!(worst < 0.1, "{inc}: map and layer {worst} px apart");
    }
}

#[test]
fn the_row_interval_is_the_band_radii() {
    let (sites, incidents, rows) = case();
    let areas = written_areas(&sites, &incidents, &rows);
    let building_mp = MultiPolygon(vec![building()]);
    let compound_mp = MultiPolygon(vec![compound()]);

    // 35 steps from the administrative building, found whatever the spelling.
    let row = rows.iter().find(|r| r.incident == 0).unwrap();
    assert_eq!(row.site, 1, "the part, not the whole site");
    assert_eq!(row.part.as_deref(), Some("administrative building"));
    // 35 steps at 0.6 / 0.75 / 0.9 m: the stated distance and its interval, by hand.
    assert!((row.distance.nominal - 26.25).abs() < 1e-12);
    assert!((row.distance.min - 21.0).abs() < 1e-12 && (row.distance.max - 31.5).abs() < 1e-12);
    assert_eq!(row.distance.to_string(), "26 m (21–32 m)");
    assert_eq!(row.inside, Ternary::No);
    // Anywhere in the band: no point, no nearest point, no bearing.
    assert_eq!((row.from, row.nearest, row.bearing_deg), (None, None, None));

    let (_, shape, band) = areas.iter().find(|(id, _, _)| id == "steps").unwrap();
    assert!(
        shape.starts_with("band 21–32 m around emb / administrative building"),
        "{shape}"
    );
    // Outer boundary at max, inner boundary (the hole) at min, from the building: every
    // written vertex, and the middle of every chord, within the documented tolerance.
    let check = |ring: &geo_types::LineString<f64>, r: f64| {
        let tol = outline_tolerance_m(row.distance.max);
        let d = |c: Coord<f64>| point_to_multipolygon(Point(c), &building_mp).distance_m;
        let mut worst: f64 = 0.0;
        for w in ring.0.windows(2) {
            let mid = Coord {
                x: 0.5 * (w[0].x + w[1].x),
                y: 0.5 * (w[0].y + w[1].y),
            };
            worst = worst.max((d(w[0]) - r).abs()).max((d(mid) - r).abs());
        }
        assert!(
            worst <= tol,
            "ring at {r} m: {worst} m off (tolerance {tol} m)"
        );
        worst
    };
    assert_eq!(band.0.len(), 1);
    let outer = check(band.0[0].exterior(), row.distance.max);
    assert_eq!(band.0[0].interiors().len(), 1);
    let inner = check(&band.0[0].interiors()[0], row.distance.min);
    eprintln!("band 21–31.5 m: outer boundary within {outer:.4} m, inner within {inner:.4} m");

    // 60 ± 10 m south-east of the whole compound.
    let row = rows.iter().find(|r| r.incident == 1).unwrap();
    assert_eq!(row.site, 0);
    assert_eq!(
        (row.distance.min, row.distance.nominal, row.distance.max),
        (50.0, 60.0, 70.0)
    );
    let (from, nearest) = (row.from.unwrap(), row.nearest.unwrap());
    let f = point_to_multipolygon(from, &compound_mp);
    assert!((f.distance_m - 60.0).abs() < 1e-5, "{} m", f.distance_m);
    assert!(distance_m(f.boundary_point, nearest) < 1e-6);
    let anchor = Footprint {
        polygons: vec![compound()],
        ..Footprint::default()
    }
    .anchor()
    .unwrap();
    assert!((bearing_deg(anchor, from) - 135.0).abs() < 1e-9);
    let (_, shape, sector) = areas.iter().find(|(id, _, _)| id == "south_east").unwrap();
    assert!(
        shape.starts_with("sector 50–70 m around emb, bearing 135° ± 22.5°"),
        "{shape}"
    );
    let tol = outline_tolerance_m(70.0);
    for c in sector.0.iter().flat_map(|p| p.exterior().0.iter()) {
        let d = point_to_multipolygon(Point(*c), &compound_mp).distance_m;
        assert!(
            (50.0 - tol..=70.0 + tol).contains(&d),
            "sector vertex {d} m"
        );
        // Written to 7 decimals, a vertex may move by ROUNDING_M: seen from the anchor, that
        // many metres across.
        let b = bearing_deg(anchor, Point(*c));
        let rounding_deg = (ROUNDING_M / distance_m(anchor, Point(*c))).to_degrees();
        assert!(
            (b - 135.0).abs() <= 22.5 + rounding_deg,
            "sector vertex at {b}°"
        );
    }
    // The point the row is measured from lies in the sector the layer holds.
    assert!(point_to_multipolygon(from, sector).inside);
    // Its link is the only one, and as long as the stated distance (up to rounding).
    let links = written(&sites, &incidents, &rows, "links");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["properties"]["incident_id"], "south_east");
    assert_eq!(links[0]["properties"]["from_kind"], "relative_bearing");
    let line = links[0]["geometry"]["coordinates"].as_array().unwrap();
    let end = |c: &Value| Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    let length = distance_m(end(&line[0]), end(line.last().unwrap()));
    assert!((length - 60.0).abs() < 2.0 * ROUNDING_M, "link {length} m");
}

#[test]
fn layers_maps_and_rows_resolve_a_part_by_the_same_rule() {
    let (sites, incidents, rows) = case();
    // A part the sites do not map: the whole site, said so in the basis.
    let mut incidents = incidents;
    incidents[0].location = relative(Some("garage"), 30.0, DistanceUnit::Metres, 5.0, None);
    let rows2 = proximity::run(&sites, &incidents, &Options::default()).unwrap();
    let row = &rows2[0];
    assert_eq!(row.site, 0);
    assert!(
        row.basis
            .contains("from the garage (not mapped separately: the whole site stands for it)"),
        "{}",
        row.basis
    );
    let shape = shapes::location_shape(
        &sites,
        &incidents[0],
        Some(row.distance),
        &ShapeOptions::default(),
    )
    .unwrap();
    assert_eq!(shape.description, "band 25–35 m around emb");
    let compound_mp = MultiPolygon(vec![compound()]);
    for c in &shape.area.0[0].exterior().0 {
        let d = point_to_multipolygon(Point(*c), &compound_mp).distance_m;
        assert!((d - 35.0).abs() <= outline_tolerance_m(35.0), "{d} m");
    }
    // The original rows are unaffected.
    assert_eq!(rows[0].site, 1);
}
