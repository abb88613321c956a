//! The national-scale path against independent references: the packed index
//! against a brute-force scan on city workloads (impacts inside footprints, on
//! their edges and vertices, near and far) at several latitudes, and the fast
//! GeoJSON reading path against the general one.

use geo_types::Point;
use impactmap::geodesy::point_to_polygon;
use impactmap::io::geojson::parse_sites;
use impactmap::proximity::{exact, SiteIndex};
use impactmap::workload::{self, ImpactKind, Spec};

fn sites_text(spec: &Spec) -> (String, workload::Workload) {
    let w = workload::generate(spec);
    let mut text = Vec::new();
    workload::write_sites_geojson(&mut text, &w.footprints).unwrap();
    (String::from_utf8(text).unwrap(), w)
}

/// The brute-force answer: the site with the smallest exact distance; at 0 m
/// the one whose boundary is nearest; then the first.
fn brute_nearest(sites: &[impactmap::Site], q: Point<f64>) -> (usize, f64) {
    let mut best: Option<(usize, f64, f64)> = None;
    for (i, s) in sites.iter().enumerate() {
        let n = exact(&s.geometry, q);
        let depth = if n.distance_m == 0.0 {
            n.boundary_distance_m
        } else {
            0.0
        };
        if best.is_none_or(|(_, d, b)| (n.distance_m, depth) < (d, b)) {
            best = Some((i, n.distance_m, depth));
        }
    }
    let (i, d, _) = best.unwrap();
    (i, d)
}

#[test]
fn index_matches_brute_force_on_city_workloads() {
    for (centre, seed) in [
        ((30.5234, 50.4501), 1),
        ((25.72, 69.0), 2),
        ((15.63, 78.22), 3),
        ((-58.38, -34.6), 4),
    ] {
        let spec = Spec {
            centre,
            seed,
            ..Spec::new(1000, 300)
        };
        let (text, w) = sites_text(&spec);
        let sites = parse_sites(&text, "sites.geojson").unwrap();
        assert_eq!(sites.len(), w.footprints.len());
        let index = SiteIndex::new(&sites);
        let mut kinds = std::collections::BTreeMap::new();
        for (q, kind) in &w.impacts {
            let got = index.nearest(*q).unwrap();
            let (want, d) = brute_nearest(&sites, *q);
            assert_eq!(
                (got.site.index(), got.nearest.distance_m),
                (want, d),
                "{kind:?} impact {q:?} at {centre:?}"
            );
            if matches!(kind, ImpactKind::Inside | ImpactKind::Vertex) {
                assert_eq!(d, 0.0);
            }
            *kinds.entry(kind.as_str()).or_insert(0) += 1;
        }
        assert_eq!(
            kinds.len(),
            5,
            "every kind of impact is exercised: {kinds:?}"
        );
        // Every site within 60 m, against a brute-force filter.
        for (q, _) in w.impacts.iter().take(60) {
            let mut got: Vec<usize> = index
                .within(*q, 60.0)
                .iter()
                .map(|h| h.site.index())
                .collect();
            let mut want: Vec<usize> = (0..sites.len())
                .filter(|&i| exact(&sites[i].geometry, *q).distance_m <= 60.0)
                .collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{q:?}");
        }
    }
}

#[test]
fn reader_keeps_the_generated_footprints_exactly() {
    let (text, w) = sites_text(&Spec::new(500, 0));
    let sites = parse_sites(&text, "sites.geojson").unwrap();
    for (i, (s, f)) in sites.iter().zip(&w.footprints).enumerate() {
        assert_eq!(s.id, workload::site_id(i));
        assert_eq!(s.kind, "building");
        assert_eq!(s.geometry.polygons(), std::slice::from_ref(f), "{}", s.id);
        // A vertex of a footprint is on it.
        assert_eq!(
            point_to_polygon(Point(f.exterior().0[1]), f).distance_m,
            0.0
        );
    }
}

/// The same features read by the fast path and, with one property name
/// escaped (which the fast path declines), by the general path.
#[test]
fn fast_and_general_reading_agree() {
    let (text, _) = sites_text(&Spec::new(300, 0));
    let extra = r#""properties":{"id":"#;
    let plain = text.replace(
        extra,
        r#""properties":{"name":"Hall \"A\"","levels":3,"tags":{"x":[1,2]},"id":"#,
    );
    let escaped = text.replace(
        extra,
        r#""properties":{"n\u0061me":"Hall \"A\"","levels":3,"tags":{"x":[1,2]},"id":"#,
    );
    let (a, b) = (
        parse_sites(&plain, "a").unwrap(),
        parse_sites(&escaped, "b").unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a[0].name, "Hall \"A\"");
    assert_eq!(a[0].properties()["levels"], 3);
    assert_eq!(
        a[0].properties().keys().collect::<Vec<_>>(),
        ["levels", "tags"]
    );
}
