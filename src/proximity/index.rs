//! A spatial index of sites whose metric is right at any latitude.
//!
//! Sites are boxed in Earth-centred, Earth-fixed (ECEF) metres. The straight
//! chord between two points is never longer than the geodesic between them,
//! so the chord distance from a query to a site's box is a lower bound on the
//! geodesic distance to anything inside it. Branch-and-bound on that bound
//! finds the true nearest site; a lon/lat-degree index would rank wrongly
//! (a degree of longitude is 36 % shorter than a degree of latitude at 50°N).

use super::packed::{hilbert, Box3, PackedTree, Pending};
use crate::geodesy::{
    distance_m, point_to_multipolygon, point_to_polygon, polygon_distance_bounds, LocalFrame,
    PolygonNearest, WGS84_A, WGS84_F,
};
use crate::model::{Site, SiteGeometry};
use geo_types::{Coord, Point};
use rayon::prelude::*;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

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

/// The sites' spatial index: a packed R-tree of ECEF boxes.
pub struct SiteIndex {
    tree: PackedTree,
    max_uncertainty_m: f64,
}

/// Exact figures from a point to one site's geometry.
#[derive(Debug, Clone, Copy)]
pub struct SiteHit {
    /// Index into the sites slice.
    pub site: usize,
    /// Geodesic distance and nearest point.
    pub nearest: PolygonNearest,
}

/// Per-thread work space of the queries, so that a query allocates nothing.
#[derive(Default)]
struct Scratch {
    heap: BinaryHeap<Pending>,
    /// Candidates: lower bound on the distance (m), site.
    candidates: Vec<(f64, usize)>,
    stack: Vec<(u32, u8)>,
    found: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl SiteIndex {
    /// Builds the index over the sites (boxes computed in parallel).
    pub fn new(sites: &[Site]) -> Self {
        let boxes: Vec<(Box3, Coord<f64>)> = sites.par_iter().map(site_box).collect();
        let (mut lo, mut hi) = (
            Coord {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            Coord {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
        );
        for (_, c) in &boxes {
            lo = Coord {
                x: lo.x.min(c.x),
                y: lo.y.min(c.y),
            };
            hi = Coord {
                x: hi.x.max(c.x),
                y: hi.y.max(c.y),
            };
        }
        let cell = |v: f64, lo: f64, hi: f64| (((v - lo) / (hi - lo).max(1e-12)) * 65535.0) as u32;
        let keys: Vec<u64> = boxes
            .iter()
            .map(|(_, c)| hilbert(cell(c.x, lo.x, hi.x), cell(c.y, lo.y, hi.y)))
            .collect();
        let boxes: Vec<Box3> = boxes.into_iter().map(|(b, _)| b).collect();
        SiteIndex {
            tree: PackedTree::new(&boxes, &keys),
            max_uncertainty_m: sites
                .iter()
                .map(|s| s.position_uncertainty_m)
                .fold(0.0, f64::max),
        }
    }

    /// The largest position uncertainty of any site, metres.
    pub fn max_position_uncertainty_m(&self) -> f64 {
        self.max_uncertainty_m
    }

    /// The nearest site to `p`. Ties go, in turn, to the site `p` is inside
    /// nearest its boundary (the most specific of nested footprints), then to
    /// the first site.
    ///
    /// Candidates come from the tree in order of their box's chord distance (a
    /// lower bound on the geodesic distance); each gets cheap bounds from a
    /// local frame, and only those that can still be nearest are measured exactly.
    pub fn nearest(&self, sites: &[Site], p: Point<f64>) -> Option<SiteHit> {
        SCRATCH.with(|cell| {
            let s = &mut *cell.borrow_mut();
            let frame = LocalFrame::new(p);
            s.candidates.clear();
            let mut best_upper = f64::INFINITY;
            let mut boxes = self.tree.nearest(ecef(p.0), &mut s.heap);
            while let Some((site, lb2)) = boxes.next() {
                if lb2.sqrt() > best_upper {
                    break;
                }
                let (lower, upper) = bounds(&sites[site].geometry, &frame);
                if lower <= best_upper {
                    if upper < best_upper {
                        best_upper = upper;
                        // Chord ≤ geodesic: boxes farther than this cannot hold the nearest.
                        boxes.limit(best_upper * best_upper * (1.0 + 1e-12));
                    }
                    s.candidates.push((lower, site));
                }
            }
            s.candidates
                .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut best: Option<SiteHit> = None;
            for &(lower, site) in &s.candidates {
                if best.as_ref().is_some_and(|b| lower > b.nearest.distance_m) {
                    break;
                }
                let hit = SiteHit {
                    site,
                    nearest: exact(&sites[site].geometry, p),
                };
                if best
                    .as_ref()
                    .is_none_or(|b| rank(&hit, b) == Ordering::Less)
                {
                    best = Some(hit);
                }
            }
            best
        })
    }

    /// Every site within `max_m` metres of `p` (geodesic), nearest first.
    pub fn within(&self, sites: &[Site], p: Point<f64>, max_m: f64) -> Vec<SiteHit> {
        SCRATCH.with(|cell| {
            let s = &mut *cell.borrow_mut();
            let frame = LocalFrame::new(p);
            s.found.clear();
            self.tree
                .within(ecef(p.0), max_m * max_m, &mut s.stack, &mut s.found);
            let mut hits: Vec<SiteHit> = s
                .found
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| bounds(&sites[i].geometry, &frame).0 <= max_m)
                .map(|i| SiteHit {
                    site: i,
                    nearest: exact(&sites[i].geometry, p),
                })
                .filter(|h| h.nearest.distance_m <= max_m)
                .collect();
            hits.sort_by(rank);
            hits
        })
    }
}

/// Order of preference between two hits on the same point: nearer first; at
/// 0 m, the one whose boundary is nearer (the innermost footprint); then the
/// first site.
fn rank(a: &SiteHit, b: &SiteHit) -> Ordering {
    let depth = |h: &SiteHit| {
        if h.nearest.distance_m == 0.0 {
            h.nearest.boundary_distance_m
        } else {
            0.0
        }
    };
    a.nearest
        .distance_m
        .total_cmp(&b.nearest.distance_m)
        .then(depth(a).total_cmp(&depth(b)))
        .then(a.site.cmp(&b.site))
}

/// Bounds (m) on the exact distance from the frame's origin to a site geometry.
fn bounds(g: &SiteGeometry, frame: &LocalFrame) -> (f64, f64) {
    match g {
        SiteGeometry::Point(s) => {
            let (x, y) = frame.project(s.0);
            let d = x.hypot(y);
            let eps = frame.relative_error(d * 1.01 + 1.0);
            ((d / (1.0 + eps) - 1e-6).max(0.0), d * (1.0 + eps) + 1e-6)
        }
        g => g
            .polygons()
            .iter()
            .map(|poly| polygon_distance_bounds(frame, poly))
            .fold((f64::INFINITY, f64::INFINITY), |(l, u), (pl, pu)| {
                (l.min(pl), u.min(pu))
            }),
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
/// D²/(8·R_min) for a site of diameter D (plus 50 % and 1 mm of margin); with
/// the site's first vertex (lon/lat) to order the tree by.
fn site_box(site: &Site) -> (Box3, Coord<f64>) {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |c: Coord<f64>| {
        let e = ecef(c);
        for k in 0..3 {
            b[k] = b[k].min(e[k]);
            b[k + 3] = b[k + 3].max(e[k]);
        }
    };
    let anchor = match &site.geometry {
        SiteGeometry::Point(p) => {
            add(p.0);
            p.0
        }
        g => {
            g.polygons()
                .iter()
                .flat_map(|poly| poly.exterior().0.iter())
                .for_each(|c| add(*c));
            g.polygons()
                .first()
                .and_then(|p| p.exterior().0.first().copied())
                .unwrap_or(Coord { x: 0.0, y: 0.0 })
        }
    };
    let diameter2: f64 = (0..3).map(|k| (b[k + 3] - b[k]).powi(2)).sum();
    let r_min = WGS84_A * (1.0 - WGS84_F) * (1.0 - WGS84_F);
    let pad = diameter2 / (8.0 * r_min) * 1.5 + 1e-3;
    for k in 0..3 {
        b[k] -= pad;
        b[k + 3] += pad;
    }
    (b, anchor)
}
