//! A spatial index of sites whose metric is right at any latitude.
//!
//! Sites are boxed in Earth-centred, Earth-fixed (ECEF) metres. The straight
//! chord between two points is never longer than the geodesic between them,
//! so the chord distance from a query to a site's box is a lower bound on the
//! geodesic distance to anything inside it. Branch-and-bound on that bound
//! finds the true nearest site; a lon/lat-degree index would rank wrongly
//! (a degree of longitude is 36 % shorter than a degree of latitude at 50°N).

use super::packed::{hilbert, store, Box3, PackedTree, Pending};
use crate::geodesy::{
    bulge_m, distance_m, point_to_multipolygon, point_to_polygon, polygon_distance_bounds,
    LocalFrame, PolygonNearest, WGS84_A, WGS84_F,
};
use crate::model::{Site, SiteGeometry, SiteIdx};
use geo_types::{Coord, Point};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::OnceLock;

pub use crate::geodesy::ecef;

/// The sites' spatial index: a packed R-tree of ECEF boxes over the sites it
/// borrows.
pub struct SiteIndex<'a> {
    sites: &'a [Site],
    tree: PackedTree,
    max_uncertainty_m: f64,
    /// Lon/lat extent of the sites' anchors (min lon, min lat, max lon, max
    /// lat, degrees): the square the Hilbert curve fills.
    extent: [f32; 4],
    /// Positions of the sites by the hash of their id, in order; built the
    /// first time a site is looked up by id.
    ids: OnceLock<FxHashMap<u64, Vec<u32>>>,
}

/// Exact figures from a point to one site's geometry.
#[derive(Debug, Clone, Copy)]
pub struct SiteHit {
    /// The site, in the slice the index was built over.
    pub site: SiteIdx,
    /// Geodesic distance and nearest point.
    pub nearest: PolygonNearest,
}

/// Per-thread work space of the queries, so that a query allocates nothing.
#[derive(Default)]
struct Scratch {
    nodes: Vec<Pending>,
    /// Candidates: lower bound on the distance (m), site.
    candidates: Vec<(f64, usize)>,
    stack: Vec<(u32, u8)>,
    found: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl<'a> SiteIndex<'a> {
    /// Builds the index over the sites: sites ordered along a Hilbert curve
    /// of their first vertex (lon/lat), boxes computed in parallel.
    ///
    /// ```
    /// use impactmap::model::{Site, SiteGeometry};
    /// use impactmap::proximity::SiteIndex;
    /// use geo_types::{point, polygon};
    ///
    /// // A 0.001-degree square at the equator, and a point site one degree north.
    /// let square = polygon![(x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.001, y: 0.001), (x: 0.0, y: 0.001)];
    /// let sites = vec![
    ///     Site::new("block", "building", SiteGeometry::Polygon(square)),
    ///     Site::new("mast", "antenna", SiteGeometry::Point(point!(x: 0.0, y: 1.0))),
    /// ];
    /// let index = SiteIndex::new(&sites);
    ///
    /// // From the equator 1 degree west of the square, the nearest point is its
    /// // corner at (0, 0): one degree of the equator, 111 319.491 m on WGS84.
    /// let hit = index.nearest(point!(x: -1.0, y: 0.0)).unwrap();
    /// assert_eq!(sites[hit.site].id, "block");
    /// assert!((hit.nearest.distance_m - 111_319.491).abs() < 0.001);
    ///
    /// // From (0, 0.999), the mast is a thousandth of a degree of meridian
    /// // away (110.575 m near 1 degree N); the square is 110 km south.
    /// let within = index.within(point!(x: 0.0, y: 0.999), 1_000.0);
    /// assert_eq!(within.len(), 1);
    /// assert_eq!(sites[within[0].site].id, "mast");
    /// assert!((within[0].nearest.distance_m - 110.575).abs() < 0.001);
    /// ```
    ///
    /// # Panics
    ///
    /// With more than 2³² sites: positions are 32-bit ([`SiteIdx`]); that many
    /// sites would take over 600 GB of memory before reaching the index.
    pub fn new(sites: &'a [Site]) -> Self {
        // Boxes are stored relative to the first site, near the data.
        let origin = sites
            .first()
            .map_or([0.0; 3], |s| ecef(anchor(&s.geometry)));
        // Bits of the largest uncertainty: positive floats order as their bits.
        let max_uncertainty = AtomicU64::new(0);
        // Each site's stored box and anchor, in one pass over the sites.
        let placed: Vec<([f32; 6], [f32; 2])> = sites
            .par_iter()
            .map_init(NearEcef::default, |near, s| {
                let u = s.position_uncertainty_m;
                if u > 0.0 {
                    max_uncertainty.fetch_max(u.to_bits(), AtomicOrdering::Relaxed);
                }
                let c = anchor(&s.geometry);
                (store(origin, &site_box(s, near)), [c.x as f32, c.y as f32])
            })
            .collect();
        let extent = placed
            .par_iter()
            .map(|(_, c)| [c[0], c[1], c[0], c[1]])
            .reduce(
                || {
                    [
                        f32::INFINITY,
                        f32::INFINITY,
                        f32::NEG_INFINITY,
                        f32::NEG_INFINITY,
                    ]
                },
                |a, b| {
                    [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ]
                },
            );
        let keys: Vec<u32> = placed
            .par_iter()
            .map(|(_, c)| curve_key(&extent, c[0], c[1]))
            .collect();
        SiteIndex {
            sites,
            tree: PackedTree::build(&keys, origin, |items, stored| {
                stored.par_extend(items.par_iter().map(|&i| placed[i as usize].0));
            }),
            max_uncertainty_m: f64::from_bits(max_uncertainty.into_inner()),
            extent,
            ids: OnceLock::new(),
        }
    }

    /// The sites the index was built over.
    pub fn sites(&self) -> &'a [Site] {
        self.sites
    }

    /// The sites and parts with this id, in order.
    pub fn with_id<'q>(&'q self, id: &'q str) -> impl Iterator<Item = SiteIdx> + 'q {
        let sites = self.sites;
        let ids = self.ids.get_or_init(|| {
            let mut ids: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
            for (i, s) in sites.iter().enumerate() {
                ids.entry(id_hash(&s.id)).or_default().push(i as u32);
            }
            ids
        });
        ids.get(&id_hash(id))
            .into_iter()
            .flatten()
            .map(|&i| SiteIdx(i))
            .filter(move |&i| sites[i].id == id)
    }

    /// Where `p` (WGS84 lon/lat) lies along the Hilbert curve the sites are
    /// ordered by. Queries taken in this order find the same parts of the tree
    /// and the same sites still in the processor's cache.
    pub fn curve_key(&self, p: Point<f64>) -> u32 {
        curve_key(&self.extent, p.x() as f32, p.y() as f32)
    }

    /// The largest position uncertainty of any site, metres.
    pub fn max_position_uncertainty_m(&self) -> f64 {
        self.max_uncertainty_m
    }

    /// The nearest site to `p`. Ties go, in turn, to the site `p` is inside
    /// nearest its boundary (the most specific of nested footprints), then to
    /// the first site.
    ///
    /// Candidates come from a depth-first search of the tree, nearer boxes
    /// first, that skips boxes whose chord distance (a lower bound on the
    /// geodesic distance) exceeds the best upper bound so far; each gets cheap
    /// bounds from a local frame, and only those that can still be nearest are
    /// measured exactly.
    pub fn nearest(&self, p: Point<f64>) -> Option<SiteHit> {
        let sites = self.sites;
        SCRATCH.with(|cell| {
            let s = &mut *cell.borrow_mut();
            let frame = LocalFrame::new(p);
            let Scratch {
                nodes, candidates, ..
            } = s;
            candidates.clear();
            let mut best_upper = f64::INFINITY;
            self.tree.search(ecef(p.0), nodes, |site, _| {
                let (lower, upper) = bounds(&sites[site].geometry, &frame);
                if lower <= best_upper {
                    best_upper = best_upper.min(upper);
                    candidates.push((lower, site));
                }
                // Chord ≤ geodesic: boxes farther than this cannot hold the nearest.
                best_upper * best_upper * (1.0 + 1e-12)
            });
            candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut best: Option<SiteHit> = None;
            for &(lower, site) in candidates.iter() {
                if best.as_ref().is_some_and(|b| lower > b.nearest.distance_m) {
                    break;
                }
                let hit = SiteHit {
                    site: SiteIdx(site as u32),
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
    pub fn within(&self, p: Point<f64>, max_m: f64) -> Vec<SiteHit> {
        let sites = self.sites;
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
                    site: SiteIdx(i as u32),
                    nearest: exact(&sites[i].geometry, p),
                })
                .filter(|h| h.nearest.distance_m <= max_m)
                .collect();
            hits.sort_by(rank);
            hits
        })
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

/// The Hilbert index of lon/lat `(x, y)` degrees on a 65,536² grid over
/// `extent` (points outside go to its edge).
fn curve_key(extent: &[f32; 4], x: f32, y: f32) -> u32 {
    let cell = |v: f32, lo: f32, hi: f32| {
        (((v - lo) / (hi - lo).max(1e-12)).clamp(0.0, 1.0) * 65535.0) as u32
    };
    hilbert(cell(x, extent[0], extent[2]), cell(y, extent[1], extent[3]))
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
            let reach = d * 1.01 + 1.0;
            if !frame.holds(reach) {
                // Beyond the frame's proven reach: the exact distance.
                let d = distance_m(frame.origin(), *s);
                return (d, d);
            }
            let eps = frame.relative_error(reach);
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

/// The box that holds nothing: no point is within any distance of it.
const EMPTY: Box3 = [
    f64::INFINITY,
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

/// Grows box `b` to hold point `e`.
#[inline]
fn grow(b: &mut Box3, e: [f64; 3]) {
    for k in 0..3 {
        b[k] = b[k].min(e[k]);
        b[k + 3] = b[k + 3].max(e[k]);
    }
}

/// ECEF box (metres) of a site's vertices, padded so it also holds the
/// curved surface between them: edges and interior bulge out of the vertices'
/// hull by at most D²/(8·R_min) for a site of diameter D (plus 50 % and 1 mm
/// of margin, [`bulge_m`]). A geometry without vertices gets an empty box (min +∞, max
/// −∞), which no search reaches. `near` is moved to the site unless it is
/// near already (neighbours in the input share one).
fn site_box(site: &Site, near: &mut NearEcef) -> Box3 {
    let mut b = EMPTY;
    let first = anchor(&site.geometry);
    if !near.covers(first) {
        *near = NearEcef::new(first);
    }
    let mut add = |c: &Coord<f64>| grow(&mut b, near.at(*c));
    match &site.geometry {
        SiteGeometry::Point(p) => add(&p.0),
        g => g
            .polygons()
            .iter()
            .flat_map(|poly| poly.exterior().0.iter())
            .for_each(add),
    }
    if b[0] > b[3] {
        return b;
    }
    let diameter2: f64 = (0..3).map(|k| (b[k + 3] - b[k]).powi(2)).sum();
    let Some(pad) = bulge_m(diameter2.sqrt()) else {
        // Too large for the padding to be proven: the whole Earth's box.
        return [-WGS84_A, -WGS84_A, -WGS84_A, WGS84_A, WGS84_A, WGS84_A];
    };
    for k in 0..3 {
        b[k] -= pad;
        b[k + 3] += pad;
    }
    b
}

/// ECEF metres of points near a reference point (lon/lat degrees, height 0),
/// without a trigonometric function, square root or division per point: the
/// reference's sines and cosines are carried over by angle addition, and the
/// prime-vertical radius N by its series. Points farther than about 6 km fall
/// back to [`ecef`]; nearer ones agree with it to rounding (nanometres).
#[derive(Default)]
struct NearEcef {
    lon: f64,
    lat: f64,
    lon_sc: (f64, f64),
    lat_sc: (f64, f64),
    /// N at the reference, metres.
    n: f64,
    /// e² / (1 − e²·sin²φ) at the reference.
    k: f64,
}

impl NearEcef {
    fn new(c: Coord<f64>) -> Self {
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let lat_sc = c.y.to_radians().sin_cos();
        let w2 = 1.0 - e2 * lat_sc.0 * lat_sc.0;
        NearEcef {
            lon: c.x,
            lat: c.y,
            lon_sc: c.x.to_radians().sin_cos(),
            lat_sc,
            n: WGS84_A / w2.sqrt(),
            k: e2 / w2,
        }
    }

    /// Whether a site starting at `c` is near enough to share this reference
    /// (within 0.025°, leaving room for the site's extent).
    fn covers(&self, c: Coord<f64>) -> bool {
        self.n > 0.0 && (c.x - self.lon).abs() <= 0.025 && (c.y - self.lat).abs() <= 0.025
    }

    #[inline]
    fn at(&self, c: Coord<f64>) -> [f64; 3] {
        let (Some(lat_sc), Some(lon_sc)) = (
            sin_cos_after(self.lat_sc, self.lat, c.y),
            sin_cos_after(self.lon_sc, self.lon, c.x),
        ) else {
            return ecef(c);
        };
        // N = N₀·(1 − t)^(−1/2) with t = k·(sin²φ − sin²φ₀); the series'
        // coefficients are at most 1, so stopping after t² errs by at most
        // |t|³/(1 − |t|): below 1e-15 (relative) for |t| ≤ 1e-5.
        let s0 = self.lat_sc.0;
        let t = self.k * (lat_sc.0 * lat_sc.0 - s0 * s0);
        if t.abs() > 1e-5 {
            return ecef(c);
        }
        let n = self.n * (1.0 + t * (0.5 + 0.375 * t));
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let ((sl, cl), (so, co)) = (lat_sc, lon_sc);
        [n * cl * co, n * cl * so, n * (1.0 - e2) * sl]
    }
}

/// sin and cos of angle `to` (degrees) given those of angle `from`, by angle
/// addition with Taylor series for the difference, when that is at most
/// 0.001 rad (truncation error below 1e-20, far under rounding).
#[inline]
fn sin_cos_after((s, c): (f64, f64), from: f64, to: f64) -> Option<(f64, f64)> {
    let d = (to - from).to_radians();
    if d.abs() > 1e-3 {
        return None;
    }
    let d2 = d * d;
    let sin_d = d * (1.0 - d2 * (1.0 / 6.0) * (1.0 - d2 * (1.0 / 20.0)));
    let cos_d = 1.0 - d2 * 0.5 * (1.0 - d2 * (1.0 / 12.0));
    Some((s * cos_d + c * sin_d, c * cos_d - s * sin_d))
}

/// The point a site is ordered by in the tree: its first vertex (lon/lat).
fn anchor(g: &SiteGeometry) -> Coord<f64> {
    match g {
        SiteGeometry::Point(p) => p.0,
        g => g
            .polygons()
            .iter()
            .find_map(|p| p.exterior().0.first().copied())
            .unwrap_or(Coord { x: 0.0, y: 0.0 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{destination, inverse};
    use geo_types::{LineString, Polygon};

    fn inside(b: &Box3, e: [f64; 3]) -> bool {
        (0..3).all(|k| b[k] <= e[k] && e[k] <= b[k + 3])
    }

    /// Sines and cosines by angle addition agree with the library's.
    #[test]
    fn sin_cos_after_matches_sin_cos() {
        for from in [-179.9_f64, -90.0, -35.1, 0.0, 12.3, 50.45, 89.99, 269.5] {
            for d in [-0.0572, -1e-3, -1e-9, 0.0, 1e-7, 2e-4, 0.05, 0.0572] {
                let sc = from.to_radians().sin_cos();
                let (s, c) = sin_cos_after(sc, from, from + d).unwrap();
                let (ws, wc) = (from + d).to_radians().sin_cos();
                assert!(
                    (s - ws).abs() < 1e-15 && (c - wc).abs() < 1e-15,
                    "{from} + {d}"
                );
            }
            assert_eq!(sin_cos_after((0.0, 1.0), from, from + 0.058), None);
        }
    }

    /// ECEF near a reference point agrees with the direct formula to
    /// micrometres, near and far, at every latitude.
    #[test]
    fn near_ecef_matches_ecef() {
        for lat in [
            -89.9995, -60.0, -34.6, -0.01, 0.0, 23.4, 50.45, 69.0, 78.22, 89.9999,
        ] {
            for lon in [-180.0, -58.38, 0.0, 30.52, 179.9999] {
                let near = NearEcef::new(Coord { x: lon, y: lat });
                for (dx, dy) in [
                    (0.0, 0.0),
                    (1e-5, -2e-5),
                    (0.05, 0.05),
                    (-0.057, 0.0),
                    (0.2, -1.0),
                ] {
                    let c = Coord {
                        x: lon + dx,
                        y: (lat + dy).clamp(-90.0, 90.0),
                    };
                    let (got, want) = (near.at(c), ecef(c));
                    for k in 0..3 {
                        assert!((got[k] - want[k]).abs() < 1e-6, "{c:?} from ({lon}, {lat})");
                    }
                }
            }
        }
    }

    fn polygon_site(ring: Vec<Coord<f64>>) -> Site {
        Site::new(
            "s",
            "building",
            SiteGeometry::Polygon(Polygon::new(LineString(ring), vec![])),
        )
    }

    /// Points along the geodesic from `a` to `b`, ends included.
    fn along(a: Point<f64>, b: Point<f64>, n: usize) -> impl Iterator<Item = Point<f64>> {
        let (s, azi, _) = inverse(a, b);
        (0..=n).map(move |i| destination(a, azi, s * i as f64 / n as f64))
    }

    /// A site's box holds its geodesic edges and the surface between them,
    /// sampled densely, for footprints up to kilometres across, at several
    /// latitudes, beside the pole and across the antimeridian.
    #[test]
    fn site_box_holds_edges_and_interior() {
        let centres = [
            (30.52, 50.45),
            (25.0, 65.0),
            (25.72, 69.0),
            (15.63, 78.22),
            (-58.38, -34.6),
            (179.9995, 10.0),
            (-179.999, -60.0),
            (45.0, 89.99),
            (0.0, 0.0),
        ];
        for (lon, lat) in centres {
            let c = Point::new(lon, lat);
            // Shared by the sites, as neighbours in the input share it.
            let mut near = NearEcef::default();
            for (size, corners) in [(20.0, 4), (300.0, 5), (5000.0, 7), (40_000.0, 3), (9.0, 6)] {
                // A convex footprint: corners on a circle, counter-clockwise.
                let mut ring: Vec<Coord<f64>> = (0..corners)
                    .map(|k| {
                        let mut p = destination(c, -(k as f64) * 360.0 / corners as f64, size);
                        if p.x() > 180.0 {
                            p.set_x(p.x() - 360.0);
                        }
                        p.0
                    })
                    .collect();
                ring.push(ring[0]);
                let site = polygon_site(ring.clone());
                let b = site_box(&site, &mut near);
                // Edges, and geodesics from the first corner across the surface.
                for w in ring.windows(2) {
                    for e in along(Point(w[0]), Point(w[1]), 200) {
                        assert!(
                            inside(&b, ecef(e.0)),
                            "edge point {e:?} of {lat}°, {size} m"
                        );
                        for f in along(Point(ring[0]), e, 50) {
                            assert!(
                                inside(&b, ecef(f.0)),
                                "inner point {f:?} of {lat}°, {size} m"
                            );
                        }
                    }
                }
                // No larger than the vertices' own box and the padding.
                let mut h = EMPTY;
                for v in &ring {
                    grow(&mut h, ecef(*v));
                }
                let excess = (0..3)
                    .map(|k| (h[k] - b[k]).max(b[k + 3] - h[k + 3]))
                    .fold(0.0, f64::max);
                let diameter = 2.0 * size;
                // (The padding takes the box's diagonal, up to √3 times the diameter.)
                assert!(
                    excess <= 3.0 * diameter * diameter / (4.0 * 6.3e6) + 1.001e-3,
                    "{excess} m at {lat}°, {size} m"
                );
            }
        }
    }

    /// Across the antimeridian and near the pole the index finds what a
    /// scan of every site finds.
    #[test]
    fn sites_by_id_are_found_in_order_as_a_scan_finds_them() {
        let ids = ["emb", "emb", "b1", "emb", "b2", "b1"];
        let sites: Vec<Site> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Site {
                part: (i % 2 == 1).then(|| format!("p{i}").into()),
                ..Site::new(
                    id,
                    "site",
                    SiteGeometry::Point(Point::new(30.0 + i as f64, 50.0)),
                )
            })
            .collect();
        let index = SiteIndex::new(&sites);
        for id in ["emb", "b1", "b2", "nope", "em"] {
            let scan: Vec<SiteIdx> = (0..sites.len())
                .filter(|&i| sites[i].id == id)
                .map(SiteIdx::new)
                .collect();
            assert_eq!(index.with_id(id).collect::<Vec<_>>(), scan, "{id}");
        }
    }

    #[test]
    fn nearest_matches_a_scan_at_the_antimeridian_and_the_pole() {
        let mut rng = crate::workload::Lcg(9);
        let mut next = move || rng.next_f64();
        for (lon, lat) in [(180.0, -16.5), (0.0, 89.9), (180.0, 71.0), (180.0, 89.5)] {
            let c = Point::new(lon, lat);
            let wrap = |p: Point<f64>| {
                let x = if p.x() > 180.0 { p.x() - 360.0 } else { p.x() };
                Coord { x, y: p.y() }
            };
            let sites: Vec<Site> = (0..300)
                .map(|_| {
                    let centre = destination(c, next() * 360.0, next() * 2000.0);
                    let size = 5.0 + next() * 20.0;
                    let mut ring: Vec<Coord<f64>> = (0..4)
                        .map(|k| wrap(destination(centre, 45.0 - 90.0 * k as f64, size)))
                        .collect();
                    ring.push(ring[0]);
                    polygon_site(ring)
                })
                .collect();
            let index = SiteIndex::new(&sites);
            for _ in 0..100 {
                let q = Point(wrap(destination(c, next() * 360.0, next() * 2500.0)));
                let got = index.nearest(q).map(|h| (h.site, h.nearest.distance_m));
                let scan = (0..sites.len())
                    .map(|i| (SiteIdx::new(i), exact(&sites[i].geometry, q).distance_m))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                assert_eq!(got, scan, "{q:?}");
            }
        }
    }
}
