//! QGIS-ready layers as data: what features each layer holds, built from
//! sites, incidents and proximity rows with the geometry of [`crate::shapes`].
//! [`crate::io::layers`] writes them as GeoJSON, GeoPackage and QGIS styles.
//!
//! Every layer has one geometry type, because QGIS splits a file of mixed
//! points and polygons into sub-layers (and a GeoPackage table has one type):
//!
//! | layer | geometry | one feature per |
//! |---|---|---|
//! | `sites` | Point | site or part: its point, or an interior point of its footprint |
//! | `site_footprints` | MultiPolygon | site or part given as a polygon |
//! | `incidents` | Point | incident located by a point (one whose described location cannot be drawn too, without geometry) |
//! | `incident_areas` | MultiPolygon | relative, within or area incident: its location materialised |
//! | `links` | LineString | proximity row with a defined impact point and site point |
//! | `rings` | MultiPolygon | site with incidents (or every site, when asked) and radius: everything within that geodesic distance |
//! | `uncertainty` | MultiPolygon | imprecise point incident or site: its circle or buffer |

mod normalize;
mod table;

pub use normalize::{
    normalize_geometry, normalize_polygon, normalize_ring, round_coord, COORD_DECIMALS,
};
pub use table::{ExtraFields, Feature, FieldType, GeometryType, Layer, Value};

use crate::model::{
    Incident, Interval, Location, Site, SiteGeometry, StepLength, BEARING_DECIMALS,
    DISTANCE_DECIMALS, NEAREST_POINT_DECIMALS,
};
use crate::proximity::ProximityRow;
use crate::shapes::{self, ShapeOptions};
use geo_types::{Geometry, MultiPolygon};

/// What to draw and how.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerOptions {
    /// Ring radii around sites, metres.
    pub rings_m: Vec<f64>,
    /// Rings around every site, not only those with incidents (a proximity row).
    pub rings_all_sites: bool,
    /// Step-length assumption for relative distances given in steps.
    pub steps: StepLength,
    /// Half the opening angle of the sector drawn for a relative location
    /// with a bearing, degrees (sources give a direction, not a tolerance:
    /// 22.5° is one point of an eight-point compass either side).
    pub bearing_half_width_deg: f64,
}

impl Default for LayerOptions {
    fn default() -> Self {
        LayerOptions {
            rings_m: vec![50.0, 100.0, 250.0, 500.0],
            rings_all_sites: false,
            steps: StepLength::default(),
            bearing_half_width_deg: crate::shapes::BEARING_HALF_WIDTH_DEG,
        }
    }
}

const SITE_FIELDS: &[(&str, FieldType)] = &[
    ("id", FieldType::Text),
    ("part", FieldType::Text),
    ("name", FieldType::Text),
    ("kind", FieldType::Text),
    ("address", FieldType::Text),
    ("operator", FieldType::Text),
    ("position_uncertainty_m", FieldType::Real),
    ("position_source", FieldType::Text),
    ("notified", FieldType::Date),
    ("notified_precision", FieldType::Text),
    ("given_geometry", FieldType::Text),
];

const FOOTPRINT_FIELDS: &[(&str, FieldType)] = &[
    ("id", FieldType::Text),
    ("part", FieldType::Text),
    ("name", FieldType::Text),
    ("kind", FieldType::Text),
    ("position_uncertainty_m", FieldType::Real),
];

const INCIDENT_FIELDS: &[(&str, FieldType)] = &[
    ("id", FieldType::Text),
    ("date", FieldType::Date),
    ("date_last", FieldType::Date),
    ("start_time", FieldType::DateTime),
    ("time_precision", FieldType::Text),
    ("weapon", FieldType::Text),
    ("weapon_category", FieldType::Text),
    ("weapon_label", FieldType::Text),
    ("location_kind", FieldType::Text),
    ("location_described", FieldType::Text),
    ("shape", FieldType::Text),
    ("site_id", FieldType::Text),
    ("site_part", FieldType::Text),
    ("site_name", FieldType::Text),
    ("distance_m", FieldType::Real),
    ("distance_min_m", FieldType::Real),
    ("distance_max_m", FieldType::Real),
    ("distance_label", FieldType::Text),
    ("inside", FieldType::Text),
    ("bearing_deg", FieldType::Real),
    ("nearest_lon", FieldType::Real),
    ("nearest_lat", FieldType::Real),
    ("after_notification", FieldType::Text),
    ("basis", FieldType::Text),
    ("description", FieldType::Text),
    ("damage", FieldType::Text),
    ("casualties", FieldType::Text),
    ("sources", FieldType::Text),
    ("source_urls", FieldType::Text),
    ("notes", FieldType::Text),
];

const LINK_FIELDS: &[(&str, FieldType)] = &[
    ("incident_id", FieldType::Text),
    ("date", FieldType::Date),
    ("weapon_category", FieldType::Text),
    ("site_id", FieldType::Text),
    ("site_part", FieldType::Text),
    ("distance_m", FieldType::Real),
    ("distance_min_m", FieldType::Real),
    ("distance_max_m", FieldType::Real),
    ("label", FieldType::Text),
    ("bearing_deg", FieldType::Real),
    ("from_kind", FieldType::Text),
];

const RING_FIELDS: &[(&str, FieldType)] = &[
    ("site_id", FieldType::Text),
    ("site_name", FieldType::Text),
    ("site_kind", FieldType::Text),
    ("radius_m", FieldType::Real),
    ("label", FieldType::Text),
    ("around", FieldType::Text),
    ("site_position_uncertainty_m", FieldType::Real),
];

const UNCERTAINTY_FIELDS: &[(&str, FieldType)] = &[
    ("source", FieldType::Text),
    ("id", FieldType::Text),
    ("part", FieldType::Text),
    ("shape", FieldType::Text),
    ("radius_m", FieldType::Real),
    ("label", FieldType::Text),
    ("category", FieldType::Text),
];

/// The materialised location of a relative, within or area incident, and what it is.
fn materialise(
    incident: &Incident,
    row: Option<&ProximityRow>,
    sites: &[Site],
    opts: &LayerOptions,
) -> Option<(MultiPolygon<f64>, String)> {
    let shape_opts = ShapeOptions {
        steps: opts.steps,
        bearing_half_width_deg: opts.bearing_half_width_deg,
    };
    // The row the shape belongs to: the one computed against the site the location names.
    let row = row.filter(|r| {
        let named = incident.location.reference().map(|(id, _)| id);
        named.is_some_and(|id| sites.get(r.site.index()).is_some_and(|s| s.id == id))
    });
    shapes::location_shape(sites, incident, row.map(|r| r.distance), &shape_opts)
        .map(|s| (s.area, s.description))
}

/// The row each incident shows in `incidents`: its nearest site (smallest nominal distance).
fn nearest_rows(rows: &[ProximityRow], n: usize) -> Vec<Option<&ProximityRow>> {
    let mut best: Vec<Option<&ProximityRow>> = vec![None; n];
    for r in rows {
        if r.incident.index() >= n {
            continue;
        }
        let slot = &mut best[r.incident.index()];
        let better = match slot {
            None => true,
            Some(b) => (r.distance.nominal, r.site) < (b.distance.nominal, b.site),
        };
        if better {
            *slot = Some(r);
        }
    }
    best
}

fn distance_values(d: Option<&Interval>) -> [Value; 4] {
    match d {
        Some(i) => [
            Value::real(Some(i.nominal), DISTANCE_DECIMALS),
            Value::real(Some(i.min), DISTANCE_DECIMALS),
            Value::real(Some(i.max), DISTANCE_DECIMALS),
            Value::Text(i.to_string()),
        ],
        None => [Value::Null, Value::Null, Value::Null, Value::Null],
    }
}

fn incident_values(
    inc: &Incident,
    row: Option<&ProximityRow>,
    sites: &[Site],
    shape: &str,
) -> Vec<Value> {
    let site = row.and_then(|r| sites.get(r.site.index()));
    let [d, dmin, dmax, label] = distance_values(row.map(|r| &r.distance));
    let joined = |f: &dyn Fn(&crate::model::Source) -> Option<String>, sep: &str| {
        let v: Vec<String> = inc.sources.iter().filter_map(f).collect();
        if v.is_empty() {
            Value::Null
        } else {
            Value::Text(v.join(sep))
        }
    };
    vec![
        Value::Text(inc.id.clone()),
        Value::Date(inc.start.first),
        Value::Date(inc.start.last),
        inc.start
            .datetime
            .map_or(Value::Null, |t| Value::DateTime(t.to_rfc3339())),
        Value::Text(inc.time_precision.as_str().to_string()),
        Value::text(inc.weapon.as_deref()),
        Value::Text(inc.weapon_category.as_str().to_string()),
        Value::Text(inc.weapon_category.label().to_string()),
        Value::Text(inc.location.kind().to_string()),
        Value::text(inc.location.as_described()),
        Value::Text(shape.to_string()),
        Value::text(site.map(|s| s.id.as_str())),
        Value::text(
            row.and_then(|r| r.part.as_deref())
                .or(site.and_then(|s| s.part.as_deref())),
        ),
        Value::text(site.map(|s| s.name.as_str())),
        d,
        dmin,
        dmax,
        label,
        Value::text(row.map(|r| r.inside.as_str())),
        Value::real(row.and_then(|r| r.bearing_deg), BEARING_DECIMALS),
        Value::real(
            row.and_then(|r| r.nearest.map(|p| p.x())),
            NEAREST_POINT_DECIMALS,
        ),
        Value::real(
            row.and_then(|r| r.nearest.map(|p| p.y())),
            NEAREST_POINT_DECIMALS,
        ),
        Value::text(row.and_then(|r| r.after_notification.map(|a| a.as_str()))),
        Value::text(row.map(|r| r.basis.as_str())),
        Value::text(inc.description.as_deref()),
        Value::text(inc.damage.as_deref()),
        Value::text(inc.casualties.as_deref()),
        joined(&|s| Some(s.title.clone()), " | "),
        joined(&|s| s.url.clone(), " "),
        Value::text(inc.notes.as_deref()),
    ]
}

fn with_extra(fixed: &[(&str, FieldType)], extra: &ExtraFields) -> Vec<(String, FieldType)> {
    fixed
        .iter()
        .map(|(n, t)| (n.to_string(), *t))
        .chain(extra.schema())
        .collect()
}

fn new_layer(
    name: &str,
    description: &str,
    g: GeometryType,
    fields: Vec<(String, FieldType)>,
) -> Layer {
    let mut l = Layer::new(name, description, g, &[]);
    l.fields = fields;
    l
}

/// Builds every layer, in the order they are listed in the module docs.
pub fn build_layers(
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    opts: &LayerOptions,
) -> Vec<Layer> {
    let site_extra = ExtraFields::infer(sites.iter().map(|s| s.properties()), SITE_FIELDS);
    let inc_extra = ExtraFields::infer(incidents.iter().map(|i| &i.properties), INCIDENT_FIELDS);

    let mut site_layer = new_layer(
        "sites",
        "Protected sites and their parts: the given point, or an interior point of the footprint",
        GeometryType::Point,
        with_extra(SITE_FIELDS, &site_extra),
    );
    let mut footprints = Layer::new(
        "site_footprints",
        "Footprints and perimeters of sites and parts given as polygons",
        GeometryType::MultiPolygon,
        FOOTPRINT_FIELDS,
    );
    let mut uncertainty = Layer::new(
        "uncertainty",
        "Circles and buffers of imprecise impact points and site positions",
        GeometryType::MultiPolygon,
        UNCERTAINTY_FIELDS,
    );
    for s in sites {
        let point = match &s.geometry {
            SiteGeometry::Point(p) => Some(*p),
            g => crate::geodesy::interior_point(&MultiPolygon(g.polygons().to_vec())),
        };
        let mut values = vec![
            Value::Text(s.id.to_string()),
            Value::text(s.part.as_deref()),
            Value::Text(s.name.to_string()),
            Value::Text(s.kind.to_string()),
            Value::text(s.address()),
            Value::text(s.operator()),
            Value::real(Some(s.position_uncertainty_m), DISTANCE_DECIMALS),
            Value::text(s.position_source()),
            s.notified
                .as_ref()
                .map_or(Value::Null, |n| Value::Date(n.first)),
            Value::text(s.notified.as_ref().map(|n| n.precision.as_str())),
            Value::Text(s.geometry.type_name().to_string()),
        ];
        values.extend(site_extra.values(s.properties()));
        site_layer.push(point.map(Geometry::Point), values);
        if !s.geometry.polygons().is_empty() {
            footprints.push(
                Some(Geometry::MultiPolygon(MultiPolygon(
                    s.geometry.polygons().to_vec(),
                ))),
                vec![
                    Value::Text(s.id.to_string()),
                    Value::text(s.part.as_deref()),
                    Value::Text(s.name.to_string()),
                    Value::Text(s.kind.to_string()),
                    Value::real(Some(s.position_uncertainty_m), DISTANCE_DECIMALS),
                ],
            );
        }
        if let Some(buffer) = shapes::site_uncertainty(s) {
            let u = s.position_uncertainty_m;
            let shape = match s.geometry {
                SiteGeometry::Point(_) => "circle",
                _ => "buffer",
            };
            uncertainty.push(
                Some(Geometry::MultiPolygon(buffer)),
                vec![
                    Value::Text("site".into()),
                    Value::Text(s.id.to_string()),
                    Value::text(s.part.as_deref()),
                    Value::Text(shape.into()),
                    Value::real(Some(u), DISTANCE_DECIMALS),
                    Value::Text(format!(
                        "site position ± {}",
                        crate::model::format_metres(u)
                    )),
                    Value::Text("site".into()),
                ],
            );
        }
    }

    let inc_fields = with_extra(INCIDENT_FIELDS, &inc_extra);
    let mut inc_layer = new_layer(
        "incidents",
        "Incidents located by a point, with their proximity figures (described locations are in incident_areas)",
        GeometryType::Point,
        inc_fields.clone(),
    );
    let mut areas = new_layer(
        "incident_areas",
        "Where relative, within and area incidents may have happened: bands, sectors, site footprints, areas",
        GeometryType::MultiPolygon,
        inc_fields,
    );
    let nearest = nearest_rows(rows, incidents.len());
    for (k, inc) in incidents.iter().enumerate() {
        let row = nearest[k];
        let mut point = None;
        let shape = match &inc.location {
            Location::Point {
                point: p,
                uncertainty_m,
            } => {
                point = Some(*p);
                if *uncertainty_m > 0.0 {
                    let u = *uncertainty_m;
                    uncertainty.push(
                        Some(Geometry::MultiPolygon(shapes::uncertainty_circle(*p, u))),
                        vec![
                            Value::Text("incident".into()),
                            Value::Text(inc.id.clone()),
                            Value::Null,
                            Value::Text("circle".into()),
                            Value::real(Some(u), DISTANCE_DECIMALS),
                            Value::Text(format!("impact ± {}", crate::model::format_metres(u))),
                            Value::Text(inc.weapon_category.as_str().into()),
                        ],
                    );
                }
                "impact point".to_string()
            }
            _ => match materialise(inc, row, sites, opts) {
                Some((mp, what)) => {
                    // Drawn once, where it can be drawn.
                    let mut values = incident_values(inc, row, sites, &what);
                    values.extend(inc_extra.values(&inc.properties));
                    areas.push(Some(Geometry::MultiPolygon(mp)), values);
                    continue;
                }
                None => "no shape: the location cannot be drawn".to_string(),
            },
        };
        let mut values = incident_values(inc, row, sites, &shape);
        values.extend(inc_extra.values(&inc.properties));
        inc_layer.push(point.map(Geometry::Point), values);
    }

    let links = build_links(sites, incidents, rows);
    let rings = build_rings(sites, rows, opts);
    vec![
        site_layer,
        footprints,
        inc_layer,
        areas,
        links,
        rings,
        uncertainty,
    ]
}

/// Links from each incident's point to its site's nearest point, one per
/// proximity row, from the row's own points so line and figure agree.
///
/// The start (`from_kind`) is the impact point (`impact`), the centre of an
/// area the distance is measured from (`area_centre`), or for a relative
/// location with a bearing the point at the nominal distance along that
/// bearing (`relative_bearing`). A relative location without a bearing has no
/// defined point, and a location within a site has distance 0: neither gets
/// a link (their shape is in `incident_areas`, their figures in `incidents`).
fn build_links(sites: &[Site], incidents: &[Incident], rows: &[ProximityRow]) -> Layer {
    let mut links = Layer::new(
        "links",
        "Lines from each impact (or the point its distance is measured from) to the nearest point of its site, with the distance",
        GeometryType::LineString,
        LINK_FIELDS,
    );
    let mut ordered: Vec<&ProximityRow> = rows.iter().collect();
    ordered.sort_by_key(|r| (r.incident, r.site));
    for r in ordered {
        let (Some(inc), Some(site)) =
            (incidents.get(r.incident.index()), sites.get(r.site.index()))
        else {
            continue;
        };
        let Some(line) = shapes::link(r.from, r.nearest) else {
            continue; // no point to measure from, or inside: no line to draw
        };
        let kind = match &inc.location {
            Location::Point { .. } => "impact",
            Location::Area { .. } => "area_centre",
            Location::Relative { .. } => "relative_bearing",
            Location::Within { .. } => "within",
        };
        let [d, dmin, dmax, label] = distance_values(Some(&r.distance));
        links.push(
            Some(Geometry::LineString(line)),
            vec![
                Value::Text(inc.id.clone()),
                Value::Date(inc.start.first),
                Value::Text(inc.weapon_category.as_str().into()),
                Value::Text(site.id.to_string()),
                Value::text(r.part.as_deref().or(site.part.as_deref())),
                d,
                dmin,
                dmax,
                label,
                Value::real(r.bearing_deg, BEARING_DECIMALS),
                Value::Text(kind.into()),
            ],
        );
    }
    links
}

/// Distance rings: for each site with incidents (all its parts together;
/// every site with [`LayerOptions::rings_all_sites`]) and radius, the area
/// within that geodesic distance.
fn build_rings(sites: &[Site], rows: &[ProximityRow], opts: &LayerOptions) -> Layer {
    let mut rings = Layer::new(
        "rings",
        "Everything within each ring radius of a site (geodesic circles around points, geodesic buffers around footprints)",
        GeometryType::MultiPolygon,
        RING_FIELDS,
    );
    let mut radii: Vec<f64> = opts
        .rings_m
        .iter()
        .copied()
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    radii.sort_by(f64::total_cmp);
    radii.dedup();
    let mut with_incidents = vec![opts.rings_all_sites; sites.len()];
    for r in rows {
        if let Some(w) = with_incidents.get_mut(r.site.index()) {
            *w = true;
        }
    }
    let mut wanted: Vec<&str> = sites
        .iter()
        .zip(&with_incidents)
        .filter(|(_, w)| **w)
        .map(|(s, _)| s.id.as_str())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    // In the order of the sites, each id once.
    let mut seen = vec![false; wanted.len()];
    let mut ids: Vec<&str> = Vec::new();
    for s in sites {
        if let Ok(k) = wanted.binary_search(&s.id.as_str()) {
            if !std::mem::replace(&mut seen[k], true) {
                ids.push(&s.id);
            }
        }
    }
    for id in ids {
        let Some(r) = shapes::resolve_id(sites, id, None) else {
            continue;
        };
        let first = &sites[r.site];
        let f = shapes::Footprint::of(sites, &r.features);
        let around = if f.polygons.is_empty() {
            "point"
        } else {
            "footprint"
        };
        for &radius in &radii {
            let Some(mp) = shapes::distance_ring(sites, id, radius) else {
                continue;
            };
            rings.push(
                Some(Geometry::MultiPolygon(mp)),
                vec![
                    Value::Text(id.to_string()),
                    Value::Text(first.name.to_string()),
                    Value::Text(first.kind.to_string()),
                    Value::real(Some(radius), DISTANCE_DECIMALS),
                    Value::Text(crate::model::format_metres(radius)),
                    Value::Text(around.into()),
                    Value::real(Some(f.position_uncertainty_m), DISTANCE_DECIMALS),
                ],
            );
        }
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{
        destination, distance_m, point_to_multipolygon, point_to_polygon, signed_area2,
    };
    use geo_types::{point, polygon, Point, Polygon};
    use serde_json::Map;

    fn site(id: &str, geometry: SiteGeometry) -> Site {
        Site::new(id, "embassy", geometry)
    }

    /// Checks a written (rounded, oriented) ring outline against the exact distance:
    /// vertices and chord midpoints within the tolerance, and every geodesic
    /// destination point at the radius within the tolerance of the outline.
    fn check_ring(
        mp: &MultiPolygon<f64>,
        dist: impl Fn(Point<f64>) -> f64,
        r: f64,
        dests: &[Point<f64>],
    ) {
        let tol = shapes::outline_tolerance_m(r);
        assert_eq!(mp.0.len(), 1);
        let ext = mp.0[0].exterior();
        assert_eq!(ext.0.first(), ext.0.last(), "closed");
        assert!(signed_area2(&ext.0) > 0.0, "counter-clockwise");
        for w in ext.0.windows(2) {
            let v = dist(Point(w[0]));
            let m = dist(Point::new(0.5 * (w[0].x + w[1].x), 0.5 * (w[0].y + w[1].y)));
            assert!((v - r).abs() <= tol, "vertex {v} m for ring {r} m");
            assert!((m - r).abs() <= tol, "chord middle {m} m for ring {r} m");
        }
        let drawn = Polygon::new(ext.clone(), vec![]);
        let mut worst = 0.0_f64;
        for d in dests {
            let off = point_to_polygon(*d, &drawn).boundary_distance_m;
            assert!(
                off <= tol,
                "destination point {off} m off the ring of {r} m"
            );
            worst = worst.max(off);
        }
        let worst_chord = ext
            .0
            .windows(2)
            .map(|w| (dist(Point::new(0.5 * (w[0].x + w[1].x), 0.5 * (w[0].y + w[1].y))) - r).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "ring {r} m: {} vertices, worst chord middle {worst_chord:.4} m, worst destination point {worst:.4} m (tolerance {tol} m)",
            ext.0.len()
        );
    }

    #[test]
    fn rings_are_within_tolerance_after_rounding() {
        let c = point!(x: 30.49056162, y: 50.46082135);
        let fp = polygon![
            (x: 30.5000, y: 50.4500), (x: 30.5012, y: 50.4500), (x: 30.5012, y: 50.4503),
            (x: 30.5004, y: 50.4503), (x: 30.5004, y: 50.4508), (x: 30.5000, y: 50.4508),
        ];
        let sites = vec![
            site("point", SiteGeometry::Point(c)),
            site("footprint", SiteGeometry::Polygon(fp.clone())),
        ];
        let mut opts = LayerOptions {
            rings_m: vec![10.0, 50.0, 500.0, 5000.0],
            ..LayerOptions::default()
        };
        // No incidents: no rings, unless asked for around every site.
        let layers = build_layers(&sites, &[], &[], &opts);
        assert!(layers
            .iter()
            .any(|l| l.name == "rings" && l.features.is_empty()));
        opts.rings_all_sites = true;
        let layers = build_layers(&sites, &[], &[], &opts);
        let rings = layers.iter().find(|l| l.name == "rings").unwrap();
        assert_eq!(rings.features.len(), 8);
        let fp_mp = MultiPolygon(vec![fp.clone()]);
        for f in &rings.features {
            let Some(Geometry::MultiPolygon(mp)) = &f.geometry else {
                panic!("ring geometry")
            };
            let Value::Real(r) = f.values[3] else {
                panic!("radius")
            };
            if f.values[0] == Value::Text("point".into()) {
                // Destination points every half degree of azimuth.
                let dests: Vec<Point<f64>> = (0..720)
                    .map(|i| destination(c, i as f64 * 0.5, r))
                    .collect();
                check_ring(mp, |p| distance_m(c, p), r, &dests);
            } else {
                // Destination points perpendicular to the middle of each edge, and
                // diagonally out from each convex corner.
                let v = &fp.exterior().0;
                let mut dests = Vec::new();
                for w in v.windows(2) {
                    let (a, b) = (Point(w[0]), Point(w[1]));
                    let (len, az, _) = crate::geodesy::inverse(a, b);
                    let (mid, az_mid) = crate::geodesy::destination_with_azimuth(a, az, len / 2.0);
                    dests.push(destination(mid, az_mid + 90.0, r));
                }
                let sw = point!(x: 30.5000, y: 50.4500);
                dests.push(destination(sw, 225.0, r));
                // Only points exactly at the radius from the whole footprint lie on the
                // outline (from the inner edges of the L the other wing is nearer).
                dests.retain(|p| (point_to_multipolygon(*p, &fp_mp).distance_m - r).abs() < 1e-6);
                assert!(
                    dests.len() >= 5,
                    "{} destination points at {r} m",
                    dests.len()
                );
                check_ring(
                    mp,
                    |p| point_to_multipolygon(p, &fp_mp).distance_m,
                    r,
                    &dests,
                );
            }
        }
    }

    #[test]
    fn relative_location_becomes_a_band_and_within_the_site_polygon() {
        let fp = polygon![(x: 30.0, y: 50.0), (x: 30.001, y: 50.0), (x: 30.001, y: 50.001), (x: 30.0, y: 50.001)];
        let sites = vec![site("s", SiteGeometry::Polygon(fp.clone()))];
        let start = crate::model::DateSpan::parse("2024-01-02").unwrap();
        let mk = |id: &str, location: Location| Incident {
            id: id.into(),
            time_precision: start.precision,
            start: start.clone(),
            end: None,
            weapon: None,
            weapon_category: crate::model::WeaponCategory::Unknown,
            description: None,
            damage: None,
            casualties: None,
            sources: vec![],
            notes: None,
            location,
            properties: Map::new(),
        };
        let steps = crate::model::RelativeDistance {
            value: 35.0,
            unit: crate::model::DistanceUnit::Steps,
            tolerance: 0.0,
        };
        let incidents = vec![
            mk(
                "rel",
                Location::Relative {
                    site: "s".into(),
                    part: None,
                    distance: steps,
                    bearing_deg: None,
                    as_described: None,
                },
            ),
            mk(
                "in",
                Location::Within {
                    site: "s".into(),
                    part: None,
                    as_described: None,
                },
            ),
        ];
        let layers = build_layers(&sites, &incidents, &[], &LayerOptions::default());
        let areas = layers.iter().find(|l| l.name == "incident_areas").unwrap();
        assert_eq!(areas.features.len(), 2);
        let Some(Geometry::MultiPolygon(band)) = &areas.features[0].geometry else {
            panic!()
        };
        // The band around the footprint: outer ring at 31.5 m, inner ring (a hole, clockwise) at 21 m.
        let fp_mp = MultiPolygon(vec![fp.clone()]);
        let d = |c: &geo_types::Coord<f64>| point_to_multipolygon(Point(*c), &fp_mp).distance_m;
        assert!(band.0[0]
            .exterior()
            .0
            .iter()
            .all(|c| (d(c) - 31.5).abs() < 0.04));
        let hole = &band.0[0].interiors()[0];
        assert!(signed_area2(&hole.0) < 0.0);
        assert!(hole.0.iter().all(|c| (d(c) - 21.0).abs() < 0.03));
        let Some(Geometry::MultiPolygon(within)) = &areas.features[1].geometry else {
            panic!()
        };
        assert_eq!(within.0[0].exterior().0.len(), 5);
        // In `incidents` neither has a point.
        let inc = layers.iter().find(|l| l.name == "incidents").unwrap();
        assert!(inc.features.iter().all(|f| f.geometry.is_none()));
    }
}
