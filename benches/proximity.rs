//! Micro-benchmarks of the two inner loops of `impactmap proximity`: the exact
//! geodesic point-to-polygon kernel and the index query (which includes it),
//! on a generated city workload around Kyiv.
//!
//! `cargo bench --bench proximity`; `IMPACTMAP_BENCH_SITES` sets the number of
//! footprints for the index query (default 100 000).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use impactmap::geodesy::point_to_polygon;
use impactmap::model::{Site, SiteGeometry};
use impactmap::proximity::SiteIndex;
use impactmap::workload::{self, ImpactKind, Spec};

fn sites(n: usize) -> (Vec<Site>, workload::Workload) {
    let w = workload::generate(&Spec::new(n, 1000));
    let sites = w
        .footprints
        .iter()
        .enumerate()
        .map(|(i, f)| {
            Site::new(
                &workload::site_id(i),
                "building",
                SiteGeometry::Polygon(f.clone()),
            )
        })
        .collect();
    (sites, w)
}

fn kernel(c: &mut Criterion) {
    let (_, w) = sites(200);
    let mut group = c.benchmark_group("point_to_polygon");
    for kind in [
        ImpactKind::Inside,
        ImpactKind::Edge,
        ImpactKind::Vertex,
        ImpactKind::Near,
    ] {
        // Each impact against the footprint it was made from (or, near ones, the first).
        let pairs: Vec<_> = w
            .impacts
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(p, _)| {
                let f = w
                    .footprints
                    .iter()
                    .find(|f| point_to_polygon(*p, f).distance_m < 60.0)
                    .unwrap_or(&w.footprints[0]);
                (*p, f.clone())
            })
            .take(50)
            .collect();
        group.bench_function(kind.as_str(), |b| {
            b.iter(|| {
                for (p, f) in &pairs {
                    black_box(point_to_polygon(*p, f));
                }
            })
        });
    }
    group.finish();
}

fn query(c: &mut Criterion) {
    let n = std::env::var("IMPACTMAP_BENCH_SITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (sites, w) = sites(n);
    let index = SiteIndex::new(&sites);
    let mut group = c.benchmark_group(format!("nearest_{n}_sites"));
    for kind in [
        ImpactKind::Inside,
        ImpactKind::Edge,
        ImpactKind::Vertex,
        ImpactKind::Near,
        ImpactKind::Far,
    ] {
        let points: Vec<_> = w
            .impacts
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(p, _)| *p)
            .take(50)
            .collect();
        group.bench_function(kind.as_str(), |b| {
            b.iter(|| {
                for p in &points {
                    black_box(index.nearest(*p));
                }
            })
        });
    }
    group.bench_function("build_index", |b| {
        b.iter(|| black_box(SiteIndex::new(&sites)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = kernel, query
}
criterion_main!(benches);
