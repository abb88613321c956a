//! Fixtures for the picture tests: the bundled embassy case, built from the model types
//! directly, and synthetic workloads.
#![allow(dead_code)]

use geo_types::{point, polygon, MultiPolygon, Point};
use impactmap::model::{
    DateSpan, DistanceUnit, Incident, IncidentIdx, Interval, Location, RelativeDistance, Site,
    SiteGeometry, SiteIdx, Source, StepLength, TimePrecision, WeaponCategory,
};
use impactmap::proximity::{ProximityRow, Ternary};
use serde_json::Map;

pub const KYIV: (f64, f64) = (30.49056162, 50.46082135);

pub fn site(
    id: &str,
    part: Option<&str>,
    name: &str,
    kind: &str,
    geometry: SiteGeometry,
    uncertainty_m: f64,
) -> Site {
    Site {
        part: part.map(Into::into),
        name: name.into(),
        position_uncertainty_m: uncertainty_m,
        ..Site::new(id, kind, geometry)
    }
}

pub fn incident(
    id: &str,
    date: &str,
    weapon: &str,
    category: WeaponCategory,
    location: Location,
) -> Incident {
    let start = DateSpan::parse(date).unwrap();
    Incident {
        id: id.into(),
        time_precision: start.precision,
        start,
        end: None,
        weapon: Some(weapon.into()),
        weapon_category: category,
        description: None,
        damage: None,
        casualties: None,
        sources: vec![Source {
            title: "Ministry of Foreign Affairs of Azerbaijan, statement".into(),
            url: None,
            published: Some("2025-11-14".into()),
            archive_url: None,
        }],
        notes: None,
        location,
        properties: Map::new(),
    }
}

pub fn within(site: &str) -> Location {
    Location::Within {
        site: site.into(),
        part: None,
        as_described: None,
    }
}

pub fn row(
    incident: usize,
    site: usize,
    distance: Interval,
    inside: Ternary,
    after: Option<Ternary>,
) -> ProximityRow {
    ProximityRow {
        incident: IncidentIdx::new(incident),
        site: SiteIdx::new(site),
        part: None,
        distance,
        inside,
        bearing_deg: None,
        nearest: None,
        from: None,
        after_notification: after,
        basis: String::new(),
    }
}

/// The three sites and six incidents of the bundled case, with the proximity rows the
/// engine gives for them (distances from the case facts: 35 steps = 26 m (21–32 m), about 50 m).
pub fn case() -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let notified = DateSpan::parse("2022-04").unwrap();
    let mut embassy = site(
        "az_embassy_kyiv",
        None,
        "Embassy of the Republic of Azerbaijan in Ukraine",
        "embassy",
        SiteGeometry::Point(point!(x: KYIV.0, y: KYIV.1)),
        300.0,
    );
    embassy.details_mut().address = Some("Hlybochytska St 24, Kyiv".into());
    embassy.details_mut().position_source = Some("Wikidata Q5369559".into());
    embassy.notified = Some(Box::new(notified.clone()));
    let mut admin = embassy.clone();
    admin.part = Some("administrative building".into());
    let mut kharkiv = site(
        "az_honorary_consulate_kharkiv",
        None,
        "Honorary Consulate of Azerbaijan in Kharkiv",
        "consulate",
        SiteGeometry::Point(point!(x: 36.25475, y: 49.98177)),
        10_000.0,
    );
    kharkiv.notified = Some(Box::new(notified));
    let odesa = site(
        "socar_depot_odesa",
        None,
        "SOCAR oil depot, Odesa region",
        "energy",
        SiteGeometry::Point(point!(x: 30.74383, y: 46.48572)),
        20_000.0,
    );
    let sites = vec![embassy, admin, kharkiv, odesa];
    let steps = RelativeDistance {
        value: 35.0,
        unit: DistanceUnit::Steps,
        tolerance: 0.0,
    };
    let fifty = RelativeDistance {
        value: 50.0,
        unit: DistanceUnit::Metres,
        tolerance: 10.0,
    };
    let incidents = vec![
        incident(
            "kharkiv_2022_03_10",
            "2022-03-10",
            "airstrike",
            WeaponCategory::AirStrike,
            within("az_honorary_consulate_kharkiv"),
        ),
        incident(
            "kyiv_2024_01_02",
            "2024-01-02",
            "Kinzhal missile (Kh-47M2)",
            WeaponCategory::HypersonicMissile,
            Location::Relative {
                site: "az_embassy_kyiv".into(),
                part: Some("administrative building".into()),
                distance: steps.clone(),
                bearing_deg: None,
                as_described: Some("about 35 steps from the administrative building".into()),
            },
        ),
        incident(
            "odesa_2025_08_08",
            "2025-08-08",
            "attack drones",
            WeaponCategory::AttackDrone,
            within("socar_depot_odesa"),
        ),
        incident(
            "odesa_2025_08_18",
            "2025-08-18",
            "attack drones",
            WeaponCategory::AttackDrone,
            within("socar_depot_odesa"),
        ),
        incident(
            "kyiv_2025_08_28",
            "2025-08-28",
            "airstrike",
            WeaponCategory::AirStrike,
            Location::Relative {
                site: "az_embassy_kyiv".into(),
                part: None,
                distance: fifty.clone(),
                bearing_deg: None,
                as_described: Some("about 50 m from the embassy".into()),
            },
        ),
        incident(
            "kyiv_2025_11_14",
            "2025-11-14T01:00+02:00",
            "Iskander-type missile",
            WeaponCategory::BallisticMissile,
            within("az_embassy_kyiv"),
        ),
    ];
    let s = StepLength::default();
    let rows = vec![
        row(0, 2, Interval::exact(0.0), Ternary::Yes, Some(Ternary::No)),
        row(1, 1, steps.interval_m(&s), Ternary::No, Some(Ternary::Yes)),
        row(2, 3, Interval::exact(0.0), Ternary::Yes, None),
        row(3, 3, Interval::exact(0.0), Ternary::Yes, None),
        row(4, 0, fifty.interval_m(&s), Ternary::No, Some(Ternary::Yes)),
        row(5, 0, Interval::exact(0.0), Ternary::Yes, Some(Ternary::Yes)),
    ];
    let _ = TimePrecision::Day;
    (sites, incidents, rows)
}

/// A site with a polygon footprint and a point incident near it, with its row (for links,
/// footprints and uncertainty circles).
pub fn footprint_case() -> (Vec<Site>, Vec<Incident>, Vec<ProximityRow>) {
    let poly = polygon![
        (x: 30.5200, y: 50.4500), (x: 30.5210, y: 50.4500), (x: 30.5210, y: 50.4506), (x: 30.5200, y: 50.4506)
    ];
    let s = site(
        "hospital_1",
        None,
        "City Hospital No. 1",
        "hospital",
        SiteGeometry::Polygon(poly.clone()),
        0.0,
    );
    let impact = point!(x: 30.5230, y: 50.4503);
    let inc = incident(
        "strike_1",
        "2024-05-01",
        "Shahed drone",
        WeaponCategory::AttackDrone,
        Location::Point {
            point: impact,
            uncertainty_m: 40.0,
        },
    );
    let near = impactmap::geodesy::point_to_polygon(impact, &poly);
    let nearest: Point<f64> = near.boundary_point;
    let d = near.distance_m;
    let mut r = row(0, 0, Interval::exact(d).widened(40.0), Ternary::No, None);
    r.nearest = Some(nearest);
    r.from = Some(impact);
    let area = incident(
        "area_1",
        "2024-06-01",
        "missile",
        WeaponCategory::CruiseMissile,
        Location::Area {
            area: MultiPolygon(vec![impactmap::geodesy::geodesic_circle(
                point!(x: 30.515, y: 50.447),
                150.0,
                0.5,
            )]),
            centre: point!(x: 30.515, y: 50.447),
            name: Some("Pecherskyi district".into()),
            as_described: Some("in the Pecherskyi district".into()),
        },
    );
    (vec![s], vec![inc, area], vec![r])
}

/// A decoded PNG: size, RGB pixels and the resolution recorded in it (pixels per metre).
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
    pub ppm: Option<u32>,
}

impl Picture {
    pub fn pixel(&self, x: f64, y: f64) -> (u8, u8, u8) {
        let (x, y) = (x.floor() as usize, y.floor() as usize);
        let i = (y * self.width as usize + x) * 3;
        (self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }
}

/// Decodes PNG bytes with the `png` crate (a reader independent of the writer's code).
pub fn decode_png(bytes: &[u8]) -> Picture {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    let ppm = reader.info().pixel_dims.map(|d| {
        assert_eq!(d.unit, png::Unit::Meter);
        assert_eq!(d.xppu, d.yppu);
        d.xppu
    });
    Picture {
        width: info.width,
        height: info.height,
        rgb: buf,
        ppm,
    }
}

/// Projects lon/lat with proj4rs directly from a PROJ string (not through the renderer's view).
pub fn project(proj_string: &str, lon: f64, lat: f64) -> (f64, f64) {
    let geo = proj4rs::Proj::from_proj_string("+proj=longlat +ellps=WGS84 +no_defs").unwrap();
    let map = proj4rs::Proj::from_proj_string(proj_string).unwrap();
    let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
    proj4rs::transform::transform(&geo, &map, &mut p).unwrap();
    (p.0, p.1)
}

/// The inverse of [`project`]: projected metres to lon/lat degrees.
pub fn unproject(proj_string: &str, x: f64, y: f64) -> (f64, f64) {
    let geo = proj4rs::Proj::from_proj_string("+proj=longlat +ellps=WGS84 +no_defs").unwrap();
    let map = proj4rs::Proj::from_proj_string(proj_string).unwrap();
    let mut p = (x, y, 0.0);
    proj4rs::transform::transform(&map, &geo, &mut p).unwrap();
    (p.0.to_degrees(), p.1.to_degrees())
}
