//! Rendering speed: an A4 map at 300 dpi (3508 × 2480 pixels) with 10,000 features, to PNG
//! and to SVG, and the bundled case's detail map.
//!
//! Run with `cargo bench --bench render`.

use criterion::{criterion_group, criterion_main, Criterion};
use geo_types::point;
use impactmap::model::{
    DateSpan, Incident, Location, Site, SiteGeometry, TimePrecision, WeaponCategory,
};
use impactmap::render::{build_map, encode, Extent, Format, MapSpec, Page, Paper};
use serde_json::Map;
use std::hint::black_box;

/// `n` point incidents spread over Ukraine (a fixed pseudo-random sequence), with five
/// weapon categories and uncertainties from 0 to 2 km, and 20 sites.
pub fn workload(n: usize) -> (Vec<Site>, Vec<Incident>) {
    let mut rng = impactmap::workload::Lcg(42);
    let mut next = move || rng.next_f64();
    let start = DateSpan::parse("2024-06-01").unwrap();
    let cats = [
        WeaponCategory::BallisticMissile,
        WeaponCategory::CruiseMissile,
        WeaponCategory::AttackDrone,
        WeaponCategory::AirStrike,
        WeaponCategory::Artillery,
    ];
    let incidents = (0..n)
        .map(|i| Incident {
            id: format!("i{i}"),
            start: start.clone(),
            end: None,
            time_precision: TimePrecision::Day,
            weapon: None,
            weapon_category: cats[i % cats.len()],
            description: None,
            damage: None,
            casualties: None,
            sources: Vec::new(),
            notes: None,
            location: Location::Point {
                point: point!(x: 23.0 + 16.0 * next(), y: 45.5 + 6.5 * next()),
                uncertainty_m: 2000.0 * next(),
            },
            properties: Map::new(),
        })
        .collect();
    let sites = (0..20)
        .map(|i| Site {
            name: format!("Site {i}").into(),
            ..Site::new(
                &format!("s{i}"),
                ["embassy", "energy", "hospital"][i % 3],
                SiteGeometry::Point(point!(x: 24.0 + 15.0 * next(), y: 46.0 + 5.5 * next())),
            )
        })
        .collect();
    (sites, incidents)
}

fn bench(c: &mut Criterion) {
    let basemap = impactmap::io::basemap::bundled();
    let page = Page::paper(Paper::A4, true, 300.0).unwrap();
    let (sites, incidents) = workload(10_000);
    let spec = MapSpec {
        page,
        ..MapSpec::overview(Extent::Country)
    };
    let mut group = c.benchmark_group("a4_300dpi_10k_features");
    group.sample_size(10);
    group.bench_function("png", |b| {
        b.iter(|| {
            let (scene, _) = build_map(&spec, &sites, &incidents, &[], &basemap).unwrap();
            black_box(encode(&scene, Format::Png).unwrap())
        })
    });
    group.bench_function("svg", |b| {
        b.iter(|| {
            let (scene, _) = build_map(&spec, &sites, &incidents, &[], &basemap).unwrap();
            black_box(encode(&scene, Format::Svg).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
