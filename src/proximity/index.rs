//! A spatial index of sites whose metric is right at any latitude.
//!
//! Sites are boxed in Earth-centred, Earth-fixed (ECEF) metres. The straight
//! chord between two points is never longer than the geodesic between them,
//! so the chord distance from a query to a site's box is a lower bound on the
//! geodesic distance to anything inside it. Branch-and-bound on that bound
//! finds the true nearest site; a lon/lat-degree index would rank wrongly
//! (a degree of longitude is 36 % shorter than a degree of latitude at 50°N).

use crate::geodesy::{
    distance_m, point_to_multipolygon, point_to_polygon, PolygonNearest, WGS84_A, WGS84_F,
};
use crate::model::{Site, SiteGeometry};
use geo_types::{Coord, Point};
use rstar::{PointDistance, RTree, RTreeObject, AABB};

/// WGS84 lon/lat degrees (height 0) → ECEF metres.
#[inline]
pub fn ecef(c: Coord<f64>) -> [f64; 3] {
    let (lat, lon) = (c.y.to_radians(), c.x.to_radians());
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let (sl, cl) = lat.sin_cos();
    let n = WGS84_A / (1.0 - e2 * sl * sl).sqrt();
    let (so, co) = lon.sin_cos();
    [n * cl * co, n * cl * so, n * (1.0 - e2) * sl]
}

/// One site in the index: its ECEF box, padded to hold its geodesic edges.
#[derive(Debug, Clone)]
pub struct SiteEntry {
    envelope: AABB<[f64; 3]>,
    /// Index into the sites slice.
    pub site: usize,
}

impl RTreeObject for SiteEntry {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for SiteEntry {
    /// Squared chord distance (m²) from the query to the box: a lower bound on
    /// the squared geodesic distance to the site.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        self.envelope.distance_2(point)
    }
}

/// The sites' spatial index.
pub struct SiteIndex {
    tree: RTree<SiteEntry>,
}

/// Exact figures from a point to one site's geometry.
#[derive(Debug, Clone, Copy)]
pub struct SiteHit {
    /// Index into the sites slice.
    pub site: usize,
    /// Geodesic distance and nearest point.
    pub nearest: PolygonNearest,
}

impl SiteIndex {
    /// Builds a packed R-tree over the sites.
    pub fn new(sites: &[Site]) -> Self {
        let entries = sites
            .iter()
            .enumerate()
            .map(|(i, s)| SiteEntry {
                envelope: site_box(s),
                site: i,
            })
            .collect();
        SiteIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The nearest site to `p` (ties at 0 m go to the site `p` is deepest inside
    /// relative to its size: the most specific footprint).
    pub fn nearest(&self, sites: &[Site], p: Point<f64>) -> Option<SiteHit> {
        let q = ecef(p.0);
        let mut best: Option<SiteHit> = None;
        for (entry, lb2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            if let Some(b) = &best {
                if lb2.sqrt() > b.nearest.distance_m {
                    break;
                }
            }
            let hit = SiteHit {
                site: entry.site,
                nearest: exact(&sites[entry.site].geometry, p),
            };
            let better = match &best {
                None => true,
                Some(b) => {
                    hit.nearest.distance_m < b.nearest.distance_m
                        || (hit.nearest.distance_m == 0.0
                            && b.nearest.distance_m == 0.0
                            && hit.nearest.boundary_distance_m < b.nearest.boundary_distance_m)
                        || (hit.nearest.distance_m == b.nearest.distance_m && hit.site < b.site)
                }
            };
            if better {
                best = Some(hit);
            }
        }
        best
    }

    /// Every site within `max_m` metres of `p` (geodesic), nearest first.
    pub fn within(&self, sites: &[Site], p: Point<f64>, max_m: f64) -> Vec<SiteHit> {
        let q = ecef(p.0);
        let mut hits: Vec<SiteHit> = self
            .tree
            .locate_within_distance(q, max_m * max_m)
            .map(|e| SiteHit {
                site: e.site,
                nearest: exact(&sites[e.site].geometry, p),
            })
            .filter(|h| h.nearest.distance_m <= max_m)
            .collect();
        hits.sort_by(|a, b| {
            a.nearest
                .distance_m
                .total_cmp(&b.nearest.distance_m)
                .then(a.site.cmp(&b.site))
        });
        hits
    }
}

/// Exact distance from `p` to a site geometry.
pub fn exact(g: &SiteGeometry, p: Point<f64>) -> PolygonNearest {
    match g {
        SiteGeometry::Point(s) => {
            let d = distance_m(*s, p);
            PolygonNearest {
                distance_m: d,
                boundary_distance_m: d,
                inside: false,
                boundary_point: *s,
                bearing_deg: (d > 0.0).then(|| crate::geodesy::bearing_deg(*s, p)),
            }
        }
        SiteGeometry::Polygon(poly) => point_to_polygon(p, poly),
        SiteGeometry::MultiPolygon(mp) => point_to_multipolygon(p, mp),
    }
}

/// ECEF box of a site's vertices, padded so it also holds the curved surface
/// between them: edges and interior bulge out of the vertices' hull by at most
/// D²/(8·R_min) for a site of diameter D (plus 50 % and 1 mm of margin).
fn site_box(site: &Site) -> AABB<[f64; 3]> {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    let mut add = |c: Coord<f64>| {
        let e = ecef(c);
        for k in 0..3 {
            lo[k] = lo[k].min(e[k]);
            hi[k] = hi[k].max(e[k]);
        }
    };
    match &site.geometry {
        SiteGeometry::Point(p) => add(p.0),
        g => g
            .polygons()
            .iter()
            .flat_map(|poly| poly.exterior().0.iter())
            .for_each(|c| add(*c)),
    }
    let diameter2: f64 = (0..3).map(|k| (hi[k] - lo[k]).powi(2)).sum();
    let r_min = WGS84_A * (1.0 - WGS84_F) * (1.0 - WGS84_F);
    let pad = diameter2 / (8.0 * r_min) * 1.5 + 1e-3;
    AABB::from_corners(
        [lo[0] - pad, lo[1] - pad, lo[2] - pad],
        [hi[0] + pad, hi[1] + pad, hi[2] + pad],
    )
}
