//! The spatial index never misses the true nearest site: checked against a
//! brute-force scan of every site with the exact distance.

mod common;

use common::{random_polygon, Rng};
use geo_types::Point;
use impactmap::geodesy::destination;
use impactmap::model::{Site, SiteGeometry};
use impactmap::proximity::{exact, SiteIndex};

fn site(i: usize, geometry: SiteGeometry) -> Site {
    Site::new(&format!("s{i}"), "building", geometry)
}

/// Dense footprints at 50°N (where a degree of longitude is 36 % shorter than
/// one of latitude, the case a lon/lat index ranks wrongly) and at 65°N.
#[test]
fn index_finds_the_brute_force_nearest() {
    let mut rng = Rng(42);
    for &(lon, lat) in &[(30.52, 50.45), (25.0, 65.0)] {
        let centre = Point::new(lon, lat);
        let sites: Vec<Site> = (0..2000)
            .map(|i| {
                let c = destination(centre, rng.range(0.0, 360.0), rng.range(0.0, 3000.0));
                if i % 10 == 0 {
                    site(i, SiteGeometry::Point(c))
                } else {
                    let size = rng.range(5.0, 30.0);
                    site(i, SiteGeometry::Polygon(random_polygon(&mut rng, c, size)))
                }
            })
            .collect();
        let index = SiteIndex::new(&sites);
        for _ in 0..250 {
            let q = destination(centre, rng.range(0.0, 360.0), rng.range(0.0, 4000.0));
            let got = index.nearest(q).unwrap();
            let brute = sites
                .iter()
                .map(|s| exact(&s.geometry, q).distance_m)
                .fold(f64::INFINITY, f64::min);
            assert_eq!(got.nearest.distance_m, brute, "query {q:?}");
        }
        // Every site within 150 m, against a brute-force filter.
        for _ in 0..30 {
            let q = destination(centre, rng.range(0.0, 360.0), rng.range(0.0, 3000.0));
            let mut got: Vec<usize> = index
                .within(q, 150.0)
                .iter()
                .map(|h| h.site.index())
                .collect();
            let mut brute: Vec<usize> = (0..sites.len())
                .filter(|&i| exact(&sites[i].geometry, q).distance_m <= 150.0)
                .collect();
            got.sort();
            brute.sort();
            assert_eq!(got, brute);
        }
    }
}
