//! Polygon validity in O(n log n): the rules of `geo`'s `Validation` (OGC
//! simple features, as `geo` reads them), checked through an R-tree of the
//! edges instead of comparing every edge with every other.
//!
//! Works on one polygon's rings in planar lon/lat degrees (WGS84, already
//! unwrapped across the antimeridian). All decisions use exact orientation
//! predicates, as `geo` does, so both agree (the tests check it), except that
//! rings with no area are refused here.
//!
//! - Each ring has at least 3 distinct corners, not all on one line, finite
//!   coordinates, and no two edges meet except consecutive ones at their
//!   shared corner.
//! - Rings meet only at single points (touching, not crossing): never along a
//!   line, never crossing.
//! - Every hole lies inside the exterior ring, and outside every other hole.
//!
//! Candidate edge pairs are those whose boxes overlap, found by joining the
//! R-tree with itself; holes are placed by rays cast through the same tree.
//! (`geo`'s sweep line compares every pair of edges whose longitude spans
//! overlap: linear on round shapes, but 30 times slower than the R-tree on a
//! comb of a million corners, whose meridians each cross two thousand edges.)

use std::fmt;

use geo::algorithm::validation::{CoordIndex, InvalidPolygon, RingRole};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::line_intersection::line_intersection;
use geo::LineIntersection;
use geo_types::{Coord, Line, Point, Polygon};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

/// Why a polygon is invalid, and a position where it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub problem: Problem,
    /// A position (lon, lat degrees) where the problem is.
    pub at: Coord<f64>,
}

/// A problem as `geo` names it, or one `geo` lets pass.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Geo(InvalidPolygon),
    /// A ring's corners all lie on one line: it holds no area. (`geo`
    /// accepts such an exterior, and such a hole in some places only.)
    Flat(RingRole),
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.problem {
            Problem::Geo(problem) => write!(f, "{problem}")?,
            Problem::Flat(ring) => write!(f, "{ring} has no area (its corners lie on one line)")?,
        }
        write!(f, " at [{}, {}]", self.at.x, self.at.y)
    }
}

impl Invalid {
    fn new(problem: InvalidPolygon, at: Coord<f64>) -> Self {
        Invalid {
            problem: Problem::Geo(problem),
            at,
        }
    }
}

impl std::error::Error for Invalid {}

/// Checks a polygon (exterior ring first, then holes) against the rules above;
/// the first problem found is returned.
pub fn check_polygon(polygon: &Polygon<f64>) -> Result<(), Invalid> {
    let rings: Vec<&[Coord<f64>]> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(|r| &r.0[..])
        .collect();
    for (r, ring) in rings.iter().enumerate() {
        check_ring_points(r, ring)?;
    }
    let edges = edge_tree(&rings);
    let contacts = check_edge_pairs(&rings, &edges)?;
    if rings.len() > 1 {
        check_holes_placed(&rings, &edges, &contacts)?;
    }
    Ok(())
}

/// `geo`'s name for ring `r` (0 is the exterior).
fn role(r: usize) -> RingRole {
    match r {
        0 => RingRole::Exterior,
        _ => RingRole::Interior(r - 1),
    }
}

/// Finite coordinates and at least 4 positions once consecutive repeats are
/// dropped (3 corners and the closing one). Empty rings pass, as in `geo`.
fn check_ring_points(r: usize, ring: &[Coord<f64>]) -> Result<(), Invalid> {
    let Some(&first) = ring.first() else {
        return Ok(());
    };
    if let Some((i, &at)) = ring
        .iter()
        .enumerate()
        .find(|(_, c)| !(c.x.is_finite() && c.y.is_finite()))
    {
        let problem = InvalidPolygon::NonFiniteCoord(role(r), CoordIndex(i));
        return Err(Invalid::new(problem, at));
    }
    let distinct = 1 + ring.windows(2).filter(|w| w[0] != w[1]).count();
    if distinct < 4 {
        let problem = InvalidPolygon::TooFewPointsInRing(role(r));
        return Err(Invalid::new(problem, first));
    }
    if flat(ring) {
        let problem = Problem::Flat(role(r));
        return Err(Invalid { problem, at: first });
    }
    Ok(())
}

/// Whether all corners of a ring lie on one line (exactly).
pub(crate) fn flat(ring: &[Coord<f64>]) -> bool {
    let a = ring[0];
    let Some(&b) = ring.iter().find(|&&c| c != a) else {
        return true;
    };
    ring.iter()
        .all(|&c| RobustKernel::orient2d(a, b, c) == Orientation::Collinear)
}

/// Every edge of every ring, with its ring and the corner it starts at.
type Edges = RTree<GeomWithData<Line<f64>, (usize, usize)>>;

fn edge_tree(rings: &[&[Coord<f64>]]) -> Edges {
    RTree::bulk_load(
        rings
            .iter()
            .enumerate()
            .flat_map(|(ring, coords)| {
                coords
                    .windows(2)
                    .enumerate()
                    .map(move |(index, w)| GeomWithData::new(Line::new(w[0], w[1]), (ring, index)))
            })
            .collect(),
    )
}

/// One ring edge: from corner `index` to the next, of ring `ring`.
struct Edge {
    ring: usize,
    index: usize,
    line: Line<f64>,
}

/// Which corners of each ring lie on another ring (index per ring corner).
type Contacts = Vec<Vec<bool>>;

/// Every pair of intersecting edges, judged: within a ring only consecutive
/// edges may meet (as in `geo`: edges sharing an end, one's end being the
/// other's start); rings may only touch at points. A ring crossing itself is
/// reported before rings meeting wrongly (which follows from it, often).
/// Returns the corners where rings touch.
fn check_edge_pairs(rings: &[&[Coord<f64>]], edges: &Edges) -> Result<Contacts, Invalid> {
    let several = rings.len() > 1;
    let mut contacts: Contacts = if several {
        rings.iter().map(|r| vec![false; r.len()]).collect()
    } else {
        Vec::new()
    };
    let mut between_rings = None;
    let pairs = edges
        .intersection_candidates_with_other_tree(edges)
        .filter(|(a, b)| a.data < b.data)
        .filter_map(|(a, b)| Some((a, b, line_intersection(*a.geom(), *b.geom())?)));
    for (a, b, meet) in pairs {
        let edge = |e: &GeomWithData<Line<f64>, (usize, usize)>| Edge {
            ring: e.data.0,
            index: e.data.1,
            line: *e.geom(),
        };
        let (a, b) = (edge(a), edge(b));
        let (a, b) = if a.ring <= b.ring { (a, b) } else { (b, a) };
        if a.ring == b.ring {
            let consecutive = a.line.start == b.line.end || a.line.end == b.line.start;
            if !consecutive {
                let problem = InvalidPolygon::SelfIntersection(role(a.ring));
                return Err(Invalid::new(problem, first_point(&meet)));
            }
            continue;
        }
        if between_rings.is_some() {
            continue;
        }
        let (ra, rb) = (role(a.ring), role(b.ring));
        let at = first_point(&meet);
        match meet {
            LineIntersection::Collinear { intersection }
                if intersection.start != intersection.end =>
            {
                let problem = InvalidPolygon::IntersectingRingsOnALine(ra, rb);
                between_rings = Some(Invalid::new(problem, at));
            }
            LineIntersection::SinglePoint {
                is_proper: true, ..
            } => {
                let problem = match a.ring {
                    0 => InvalidPolygon::InteriorRingNotContainedInExteriorRing(rb),
                    _ => InvalidPolygon::IntersectingRingsOnAnArea(ra, rb),
                };
                between_rings = Some(Invalid::new(problem, at));
            }
            // A touch at one point: a corner of one ring, or of both.
            _ => {
                for e in [a, b] {
                    let ring = &mut contacts[e.ring];
                    if e.line.start == at {
                        ring[e.index] = true;
                    }
                    if e.line.end == at {
                        ring[e.index + 1] = true;
                    }
                }
            }
        }
    }
    match between_rings {
        Some(problem) => Err(problem),
        None => Ok(contacts),
    }
}

fn first_point(meet: &LineIntersection<f64>) -> Coord<f64> {
    match *meet {
        LineIntersection::SinglePoint { intersection, .. } => intersection,
        LineIntersection::Collinear { intersection } => intersection.start,
    }
}

/// Each hole inside the exterior and outside the other holes, once rings are
/// known to meet only at points: then each stretch of a hole between two
/// touching points lies wholly inside or wholly outside any other ring, so
/// testing its corners that touch nothing (and the middle of its edges between
/// two touching corners) decides.
fn check_holes_placed(
    rings: &[&[Coord<f64>]],
    tree: &Edges,
    contacts: &Contacts,
) -> Result<(), Invalid> {
    let east = tree.root().envelope().upper().x();
    let mut crossed: Vec<usize> = Vec::new();
    for (r, ring) in rings.iter().enumerate().skip(1) {
        let touches = &contacts[r];
        let n = ring.len().saturating_sub(1);
        let lone_corners = (0..n).filter(|&i| !touches[i]).map(|i| ring[i]);
        let middles = (0..n)
            .filter(|&i| touches[i] && touches[i + 1] && ring[i] != ring[i + 1])
            .map(|i| Coord {
                x: (ring[i].x + ring[i + 1].x) / 2.0,
                y: (ring[i].y + ring[i + 1].y) / 2.0,
            });
        for at in lone_corners.chain(middles) {
            rings_around(tree, at, east, &mut crossed);
            let inside = |q: usize| crossed.binary_search(&q).is_ok();
            if !inside(0) {
                let problem = InvalidPolygon::InteriorRingNotContainedInExteriorRing(role(r));
                return Err(Invalid::new(problem, at));
            }
            if let Some(&q) = crossed.iter().find(|&&q| q != 0 && q != r) {
                let problem =
                    InvalidPolygon::IntersectingRingsOnAnArea(role(r.min(q)), role(r.max(q)));
                return Err(Invalid::new(problem, at));
            }
        }
    }
    Ok(())
}

/// The rings that hold `at` (sorted ring numbers, into `out`): those whose edges
/// a ray from `at` towards `east` crosses an odd number of times. Exact: each
/// edge spans the ray's latitude half-open, and its side is an orientation test.
fn rings_around(tree: &Edges, at: Coord<f64>, east: f64, out: &mut Vec<usize>) {
    out.clear();
    let ray = AABB::from_corners(Point::from(at), Point::new(east.max(at.x), at.y));
    for edge in tree.locate_in_envelope_intersecting(&ray) {
        let (a, b) = (edge.geom().start, edge.geom().end);
        if (a.y > at.y) == (b.y > at.y) {
            continue;
        }
        let side = RobustKernel::orient2d(a, b, at);
        let east_of = match side {
            Orientation::CounterClockwise => b.y > a.y,
            Orientation::Clockwise => a.y > b.y,
            Orientation::Collinear => false,
        };
        if east_of {
            out.push(edge.data.0);
        }
    }
    out.sort_unstable();
    // Keep the rings crossed an odd number of times.
    let mut odd = Vec::with_capacity(out.len());
    for group in out.chunk_by(|a, b| a == b) {
        if group.len() % 2 == 1 {
            odd.push(group[0]);
        }
    }
    *out = odd;
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;
    use geo_types::LineString;

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    fn square(x0: f64, y0: f64, side: f64) -> LineString<f64> {
        ring(&[
            (x0, y0),
            (x0 + side, y0),
            (x0 + side, y0 + side),
            (x0, y0 + side),
            (x0, y0),
        ])
    }

    /// Agrees with `geo` on validity, and where `geo` finds a single problem,
    /// on the problem (with several, the first found may be named otherwise:
    /// rings overlapping on an area also touch along a line).
    fn assert_agrees(polygon: &Polygon<f64>) {
        let mut rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        if rings.any(|r| flat(&r.0)) {
            assert!(check_polygon(polygon).is_err(), "{polygon:?}");
            return;
        }
        let reference = polygon.validation_errors();
        match check_polygon(polygon) {
            Ok(()) => assert!(reference.is_empty(), "{polygon:?}: geo finds {reference:?}"),
            Err(e) => {
                let agrees = match reference.as_slice() {
                    [] => false,
                    [only] => Problem::Geo(only.clone()) == e.problem,
                    _ => true,
                };
                assert!(agrees, "{polygon:?}: found {e}, geo finds {reference:?}");
            }
        }
    }

    #[test]
    fn named_cases() {
        let bowtie = ring(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.), (0., 0.)]);
        let e = check_polygon(&Polygon::new(bowtie, vec![])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "exterior ring has a self-intersection at [0.5, 0.5]"
        );

        let spike = ring(&[(0., 0.), (2., 0.), (1., 0.), (1., 1.), (0., 0.)]);
        assert!(check_polygon(&Polygon::new(spike, vec![])).is_err());

        let flat = ring(&[(0., 0.), (1., 1.), (3., 3.), (0., 0.)]);
        let e = check_polygon(&Polygon::new(flat, vec![])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "exterior ring has no area (its corners lie on one line) at [0, 0]"
        );

        let outside = Polygon::new(square(0., 0., 4.), vec![square(5., 5., 1.)]);
        let e = check_polygon(&outside).unwrap_err();
        assert_eq!(
            e.problem,
            Problem::Geo(InvalidPolygon::InteriorRingNotContainedInExteriorRing(
                RingRole::Interior(0)
            ))
        );

        let nested = Polygon::new(
            square(0., 0., 10.),
            vec![square(1., 1., 5.), square(2., 2., 1.)],
        );
        let e = check_polygon(&nested).unwrap_err();
        assert_eq!(
            e.problem,
            Problem::Geo(InvalidPolygon::IntersectingRingsOnAnArea(
                RingRole::Interior(0),
                RingRole::Interior(1)
            ))
        );

        // A hole touching the exterior at one corner, and two holes touching each other.
        let touching = Polygon::new(
            ring(&[(0., 0.), (4., 1.), (4., 4.), (0., 4.), (0., 0.)]),
            vec![ring(&[(0., 2.), (2., 1.), (3., 2.), (2., 3.), (0., 2.)])],
        );
        assert!(check_polygon(&touching).is_ok());
        let holes_touch = Polygon::new(
            square(0., 0., 4.),
            vec![
                ring(&[(1., 2.), (2., 1.), (3., 2.), (2., 3.), (1., 2.)]),
                ring(&[(3., 2.), (3.5, 1.), (3.75, 2.), (3.5, 3.), (3., 2.)]),
            ],
        );
        assert!(check_polygon(&holes_touch).is_ok());
        for p in [&outside, &nested, &touching, &holes_touch] {
            assert_agrees(p);
        }
    }

    /// A random ring of 3 to 7 corners on a 4×4 grid, closed: many are
    /// degenerate (repeated points, spikes, collinear overlaps, touching).
    fn random_ring(next: &mut impl FnMut() -> u64, x0: f64, y0: f64) -> LineString<f64> {
        let corners = 3 + (next() % 5) as usize;
        let mut coords: Vec<Coord<f64>> = (0..corners)
            .map(|_| Coord {
                x: x0 + (next() % 4) as f64,
                y: y0 + (next() % 4) as f64,
            })
            .collect();
        coords.push(coords[0]);
        LineString(coords)
    }

    #[test]
    fn agrees_with_geo_on_random_rings() {
        let mut rng = crate::workload::Lcg(11);
        let mut next = || rng.next_u64() >> 33;
        for _ in 0..20_000 {
            let exterior = random_ring(&mut next, 0., 0.);
            assert_agrees(&Polygon::new(exterior, vec![]));
        }
    }

    #[test]
    fn agrees_with_geo_on_random_polygons_with_holes() {
        let mut rng = crate::workload::Lcg(12);
        let mut next = || rng.next_u64() >> 33;
        let mut valid = 0;
        for round in 0..10_000 {
            // Holes are drawn on a 4×4 grid: in a square that is that grid's
            // outline (so they touch it often), in a larger square, or in a
            // random ring on the same grid.
            let exterior = match round % 3 {
                0 => square(0., 0., 3.),
                1 => square(-1., -1., 5.),
                _ => random_ring(&mut next, 0., 0.),
            };
            let holes = (0..1 + next() % 3)
                .map(|_| random_ring(&mut next, 0., 0.))
                .collect();
            let polygon = Polygon::new(exterior, holes);
            assert_agrees(&polygon);
            valid += usize::from(check_polygon(&polygon).is_ok());
        }
        // Both kinds occur often enough for the agreement to mean something.
        assert!(valid > 200, "{valid} valid");
        eprintln!("{valid} of 10000 valid");
    }
}
