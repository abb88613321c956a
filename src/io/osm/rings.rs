//! Area assembly as OpenStreetMap defines it, after libosmium's area assembler:
//!
//! 1. every member way is cut into segments between consecutive nodes; the
//!    roles are not used for the geometry (only the nesting decides what is a
//!    hole), and a segment that appears twice cancels out (two rings sharing an
//!    edge are one area);
//! 2. every node must end an even number of segments (else a ring is open), and
//!    no two segments may cross, overlap or touch away from their shared node;
//! 3. the area is what OSM says it is: the points from which a ray crosses the
//!    segments an odd number of times. Each segment is directed with the area
//!    on its left, and the segments are joined into rings at shared nodes;
//!    where rings touch at a node, a ring turns into the first edge clockwise,
//!    so that each ring bounds one side of the area: holes touching their
//!    outer ring, a building standing in a courtyard and touching its wall,
//!    two buildings meeting at a corner all come out as simple rings. Rings
//!    running counter-clockwise are outer rings, the others holes: decided
//!    for the whole ring, never from a single vertex;
//! 4. each hole goes to the smallest outer ring around it, and the result is
//!    checked against OGC validity (the rules of `geo`'s `Validation`, in O(n log n)).
//!
//! Nodes are joined by location (two nodes at the same position are one
//! vertex, as in libosmium). Coordinates are WGS84 lon/lat degrees; the
//! geometry is planar in lon/lat, as in OSM, libosmium and GDAL. Outer rings
//! come out counter-clockwise, holes clockwise.

use crate::geodesy::signed_area2;
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Relate};
use geo_types::{Coord, LineString, Polygon};
use std::collections::HashMap;
use std::f64::consts::TAU;
use std::fmt;

/// A node of a way: its OSM id and its lon/lat position in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Node {
    pub id: i64,
    pub at: Coord<f64>,
}

/// Why member ways do not make a valid area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// Rings left open: the nodes where member ways end without a continuation.
    Open(Vec<i64>),
    /// Two segments (node id pairs) that cross, overlap or touch.
    Crossing([i64; 2], [i64; 2], Coord<f64>),
    /// Nothing encloses an area.
    NoArea,
    /// Assembled, but not a valid polygon (geo's reason).
    Invalid(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Open(ends) => write!(
                f,
                "ring does not close: member ways end at {} without joining another way",
                nodes_named(ends)
            ),
            Problem::Crossing(a, b, near) => write!(
                f,
                "self-intersection: segment node/{}–node/{} crosses or touches segment \
                 node/{}–node/{} near lon {:.7}, lat {:.7}",
                a[0], a[1], b[0], b[1], near.x, near.y
            ),
            Problem::NoArea => f.write_str("member ways enclose no area"),
            Problem::Invalid(why) => write!(f, "assembled polygon is not valid: {why}"),
        }
    }
}

/// `node/1, node/2, …`, at most five named.
fn nodes_named(ids: &[i64]) -> String {
    let mut s: Vec<String> = ids.iter().take(5).map(|id| format!("node/{id}")).collect();
    if ids.len() > 5 {
        s.push(format!("… ({} in all)", ids.len()));
    }
    s.join(", ")
}

/// Assembles the ways (node sequences) of a closed way or a multipolygon
/// relation into polygons: outer rings counter-clockwise with their holes
/// clockwise, in a stable order.
pub(crate) fn assemble(ways: &[Vec<Node>]) -> Result<Vec<Polygon<f64>>, Problem> {
    let graph = Graph::new(ways)?;
    // Where rings touch, keep the area on the left and turn into the first
    // edge clockwise, so that each ring bounds one side of the area.
    let rings = graph.trace(&graph.area_on_the_left())?;
    let polygons = graph.polygons(&rings)?;
    let simple_ring = polygons.len() == 1 && polygons[0].interiors().is_empty();
    if !simple_ring {
        // One ring without crossings is simple; holes and several outer rings
        // are checked as a whole (touching rings, connected interior).
        if let Some(why) = first_invalid(&polygons) {
            return Err(Problem::Invalid(why));
        }
    }
    Ok(polygons)
}

/// The first way the polygons fail OGC validity, as `geo`'s `Validation` of a
/// multipolygon words it: each polygon is checked in O(n log n)
/// ([`crate::io::valid`]), and only pairs whose boxes meet are related
/// (interiors must not overlap, boundaries touch only at points).
fn first_invalid(polygons: &[Polygon<f64>]) -> Option<String> {
    for (i, polygon) in polygons.iter().enumerate() {
        if let Err(why) = crate::io::valid::check_polygon(polygon) {
            return Some(format!("polygon at index {i} is invalid: {why}"));
        }
    }
    let boxes: Vec<_> = polygons.iter().map(|p| p.bounding_rect()).collect();
    for i in 0..polygons.len() {
        for j in i + 1..polygons.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if a.max().x < b.min().x
                || b.max().x < a.min().x
                || a.max().y < b.min().y
                || b.max().y < a.min().y
            {
                continue;
            }
            let im = polygons[i].relate(&polygons[j]);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(format!("polygons at indices {i} and {j} overlap"));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(format!("polygons at indices {i} and {j} touch on a line"));
            }
        }
    }
    None
}

/// Segments between distinct locations, after cancelling pairs.
struct Graph {
    /// One OSM node id per location (the first seen), for messages.
    ids: Vec<i64>,
    at: Vec<Coord<f64>>,
    /// Segments as location index pairs.
    segments: Vec<(usize, usize)>,
}

/// Edges leaving each location: (edge's far end) per location.
type Adjacency = Vec<Vec<usize>>;

impl Graph {
    fn new(ways: &[Vec<Node>]) -> Result<Graph, Problem> {
        let mut index: HashMap<(u64, u64), usize> = HashMap::new();
        let (mut ids, mut at) = (Vec::new(), Vec::new());
        let mut count: HashMap<(usize, usize), usize> = HashMap::new();
        let mut order = Vec::new();
        for way in ways {
            let locations: Vec<usize> = way
                .iter()
                .map(|n| {
                    *index
                        .entry((n.at.x.to_bits(), n.at.y.to_bits()))
                        .or_insert_with(|| {
                            ids.push(n.id);
                            at.push(n.at);
                            at.len() - 1
                        })
                })
                .collect();
            for w in locations.windows(2).filter(|w| w[0] != w[1]) {
                let key = (w[0].min(w[1]), w[0].max(w[1]));
                let n = count.entry(key).or_insert(0);
                if *n == 0 {
                    order.push(key);
                }
                *n += 1;
            }
        }
        let segments: Vec<(usize, usize)> =
            order.into_iter().filter(|k| count[k] % 2 == 1).collect();
        if segments.is_empty() {
            return Err(Problem::NoArea);
        }
        let graph = Graph { ids, at, segments };
        graph.check_ends()?;
        graph.check_crossings()?;
        Ok(graph)
    }

    /// Every location must end an even number of segments.
    fn check_ends(&self) -> Result<(), Problem> {
        let mut degree = vec![0usize; self.at.len()];
        for &(a, b) in &self.segments {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut open: Vec<i64> = (0..degree.len())
            .filter(|&v| degree[v] % 2 == 1)
            .map(|v| self.ids[v])
            .collect();
        open.sort_unstable();
        if open.is_empty() {
            Ok(())
        } else {
            Err(Problem::Open(open))
        }
    }

    /// No two segments may share a point other than a common end: a sweep
    /// over the segments sorted by their western end, tested with exact
    /// orientation predicates.
    fn check_crossings(&self) -> Result<(), Problem> {
        let span = |&(a, b): &(usize, usize)| {
            let (p, q) = (self.at[a], self.at[b]);
            (p.x.min(q.x), p.x.max(q.x), p.y.min(q.y), p.y.max(q.y))
        };
        let mut order: Vec<usize> = (0..self.segments.len()).collect();
        order.sort_by(|&i, &j| {
            span(&self.segments[i])
                .0
                .total_cmp(&span(&self.segments[j]).0)
        });
        let mut active: Vec<usize> = Vec::new();
        for &i in &order {
            let s = span(&self.segments[i]);
            active.retain(|&j| span(&self.segments[j]).1 >= s.0);
            for &j in &active {
                let t = span(&self.segments[j]);
                if t.2 <= s.3 && s.2 <= t.3 && self.conflict(self.segments[i], self.segments[j]) {
                    let (a, b) = (self.segments[j], self.segments[i]);
                    return Err(Problem::Crossing(
                        [self.ids[a.0], self.ids[a.1]],
                        [self.ids[b.0], self.ids[b.1]],
                        self.at[b.0],
                    ));
                }
            }
            active.push(i);
        }
        Ok(())
    }

    /// Whether two distinct segments share any point other than a common end.
    fn conflict(&self, (a, b): (usize, usize), (c, d): (usize, usize)) -> bool {
        let side = |p: usize, q: usize, r: usize| match RobustKernel::orient2d(
            self.at[p], self.at[q], self.at[r],
        ) {
            Orientation::CounterClockwise => 1,
            Orientation::Clockwise => -1,
            Orientation::Collinear => 0,
        };
        let shared = [(a, b, c, d), (a, b, d, c), (b, a, c, d), (b, a, d, c)]
            .into_iter()
            .find(|&(p, _, r, _)| p == r);
        if let Some((p, q, _, s)) = shared {
            // A common end: they conflict only when they run along each other.
            let (u, v) = (self.at[q] - self.at[p], self.at[s] - self.at[p]);
            return side(p, q, s) == 0 && u.x * v.x + u.y * v.y > 0.0;
        }
        let (o1, o2) = (side(a, b, c), side(a, b, d));
        let (o3, o4) = (side(c, d, a), side(c, d, b));
        if o1 == 0 && o2 == 0 {
            // Collinear: they conflict when their extents overlap.
            let within = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| {
                r.x >= p.x.min(q.x)
                    && r.x <= p.x.max(q.x)
                    && r.y >= p.y.min(q.y)
                    && r.y <= p.y.max(q.y)
            };
            let (pa, pb, pc, pd) = (self.at[a], self.at[b], self.at[c], self.at[d]);
            return within(pa, pb, pc) || within(pa, pb, pd) || within(pc, pd, pa);
        }
        o1 * o2 <= 0 && o3 * o4 <= 0
    }

    /// Each segment directed with the area on its left. The area is the set
    /// of points a ray from which crosses the segments an odd number of times
    /// (OSM's definition, whatever the roles say); the ray is cast from the
    /// segment's midpoint, across the segment's steeper axis.
    fn area_on_the_left(&self) -> Adjacency {
        let span = |axis: fn(Coord<f64>) -> f64| -> Vec<(f64, f64)> {
            let ends = |&(a, b): &(usize, usize)| (axis(self.at[a]), axis(self.at[b]));
            self.segments
                .iter()
                .map(|s| {
                    let (p, q) = ends(s);
                    (p.min(q), p.max(q))
                })
                .collect()
        };
        let (by_y, by_x) = (Strips::new(&span(|c| c.y)), Strips::new(&span(|c| c.x)));
        let mut out = vec![Vec::new(); self.at.len()];
        for (i, &(a, b)) in self.segments.iter().enumerate() {
            let (p, q) = (self.at[a], self.at[b]);
            let m = (p + q) / 2.0;
            let along_x = (q.y - p.y).abs() >= (q.x - p.x).abs();
            // A point just left of the segment sees it once on a ray towards
            // +x when the segment runs north, towards +y when it runs west.
            let own = if along_x { q.y > p.y } else { q.x < p.x };
            let strip = if along_x { by_y.at(m.y) } else { by_x.at(m.x) };
            let crossings = strip
                .iter()
                .filter(|&&j| {
                    let (c, d) = self.segments[j];
                    let (c, d) = (self.at[c], self.at[d]);
                    j != i
                        && if along_x {
                            (c.y > m.y) != (d.y > m.y)
                                && m.x < (d.x - c.x) * (m.y - c.y) / (d.y - c.y) + c.x
                        } else {
                            (c.x > m.x) != (d.x > m.x)
                                && m.y < (d.y - c.y) * (m.x - c.x) / (d.x - c.x) + c.y
                        }
                })
                .count()
                + usize::from(own);
            if crossings % 2 == 1 {
                out[a].push(b);
            } else {
                out[b].push(a);
            }
        }
        out
    }

    /// Of the edges leaving a location (towards `candidates`), the first one
    /// clockwise from the edge back to `from`; `None` when none leaves.
    fn first_clockwise(&self, (from, at): (usize, usize), candidates: &[usize]) -> Option<usize> {
        let angle = |to: usize| {
            let d = self.at[to] - self.at[at];
            d.y.atan2(d.x)
        };
        let back = angle(from);
        let sweep = |to: usize| {
            let s = (back - angle(to)).rem_euclid(TAU);
            if s == 0.0 {
                TAU
            } else {
                s
            }
        };
        candidates
            .iter()
            .copied()
            .min_by(|&p, &q| sweep(p).total_cmp(&sweep(q)))
    }

    /// Follows unused edges into closed rings (location indices, first equal
    /// to last), cutting a walk into a separate ring each time it comes back
    /// to a location it already passed, so no ring visits a location twice.
    /// Where several edges leave a location, the walk takes the first one
    /// clockwise from the edge it came in by. Walks start where rings do not touch.
    /// A walk that reaches a location with no edge out (the sides found for
    /// the segments disagree: degenerate geometry) is refused, not guessed.
    fn trace(&self, out: &Adjacency) -> Result<Vec<Vec<usize>>, Problem> {
        let mut unused: Vec<Vec<usize>> = out.clone();
        let mut on_path: Vec<Option<usize>> = vec![None; self.at.len()];
        let mut rings = Vec::new();
        let mut starts: Vec<usize> = (0..self.at.len()).collect();
        starts.sort_by_key(|&v| out[v].len());
        for start in starts {
            while let Some(&first) = unused[start].first() {
                remove_edge(&mut unused[start], first);
                let mut path = vec![start];
                on_path[start] = Some(0);
                let mut at = first;
                loop {
                    if let Some(k) = on_path[at] {
                        let mut ring: Vec<usize> = path.drain(k + 1..).collect();
                        ring.insert(0, at);
                        ring.push(at);
                        for &v in &ring[1..ring.len() - 1] {
                            on_path[v] = None;
                        }
                        rings.push(ring);
                        if k == 0 {
                            on_path[start] = None;
                            break;
                        }
                    } else {
                        on_path[at] = Some(path.len());
                        path.push(at);
                    }
                    let from = path[path.len() - 2];
                    let Some(next) = self.first_clockwise((from, at), &unused[at]) else {
                        let near = self.at[at];
                        return Err(Problem::Invalid(format!(
                            "the member ways cannot be traced into rings near lon {:.7}, lat {:.7}",
                            near.x, near.y
                        )));
                    };
                    remove_edge(&mut unused[at], next);
                    at = next;
                }
            }
        }
        Ok(rings)
    }

    fn coords(&self, ring: &[usize]) -> Vec<Coord<f64>> {
        ring.iter().map(|&v| self.at[v]).collect()
    }

    /// Outer rings (counter-clockwise) with the holes (clockwise) each is the
    /// smallest outer ring around.
    fn polygons(&self, rings: &[Vec<usize>]) -> Result<Vec<Polygon<f64>>, Problem> {
        let (mut outers, mut holes) = (Vec::new(), Vec::new());
        for ring in rings {
            let coords = self.coords(ring);
            match signed_area2(&coords) {
                a if a > 0.0 => outers.push((a, coords)),
                a if a < 0.0 => holes.push(coords),
                _ => return Err(Problem::NoArea),
            }
        }
        if outers.is_empty() {
            return Err(Problem::NoArea);
        }
        let mut inners: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outers.len()];
        for hole in holes {
            let probe = midpoint(&hole);
            let owner = (0..outers.len())
                .filter(|&o| ring_contains(&outers[o].1, probe))
                .min_by(|&a, &b| outers[a].0.total_cmp(&outers[b].0))
                .ok_or_else(|| {
                    Problem::Invalid(format!(
                        "a hole near lon {:.7}, lat {:.7} lies in no outer ring",
                        probe.x, probe.y
                    ))
                })?;
            inners[owner].push(LineString(hole));
        }
        Ok(outers
            .into_iter()
            .zip(inners)
            .map(|((_, outer), holes)| Polygon::new(LineString(outer), holes))
            .collect())
    }
}

/// Segments by the strips (of longitude or latitude) their extent covers, so
/// that a ray across one axis meets only the segments of its strip.
struct Strips {
    low: f64,
    width: f64,
    segments: Vec<Vec<usize>>,
}

impl Strips {
    /// From each segment's extent (low, high) along the axis.
    fn new(spans: &[(f64, f64)]) -> Strips {
        let low = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
        let high = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
        let count = (spans.len() / 8).clamp(1, 4096);
        let mut strips = Strips {
            low,
            width: ((high - low) / count as f64).max(f64::MIN_POSITIVE),
            segments: vec![Vec::new(); count],
        };
        for (i, &(a, b)) in spans.iter().enumerate() {
            for k in strips.index(a)..=strips.index(b) {
                strips.segments[k].push(i);
            }
        }
        strips
    }

    fn index(&self, v: f64) -> usize {
        (((v - self.low) / self.width) as usize).min(self.segments.len() - 1)
    }

    /// The segments whose extent may hold `v`.
    fn at(&self, v: f64) -> &[usize] {
        &self.segments[self.index(v)]
    }
}

/// Marks the edge to `to` used among a location's unused edges.
fn remove_edge(unused: &mut Vec<usize>, to: usize) {
    if let Some(i) = unused.iter().position(|&x| x == to) {
        unused.swap_remove(i);
    }
}

/// The midpoint of a ring's first edge: strictly inside or outside any other
/// ring of the same area, since segments never touch away from their ends.
fn midpoint(ring: &[Coord<f64>]) -> Coord<f64> {
    (ring[0] + ring[1]) / 2.0
}

/// Whether `p` lies inside the closed ring (even-odd rule on lon/lat).
fn ring_contains(ring: &[Coord<f64>], p: Coord<f64>) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ways through numbered nodes; node `n` is at `at[n]`, in units of 0.0001°.
    fn ways(at: &[(f64, f64)], ways: &[&[i64]]) -> Vec<Vec<Node>> {
        ways.iter()
            .map(|w| {
                w.iter()
                    .map(|&id| {
                        let (x, y) = at[id as usize];
                        Node {
                            id,
                            at: Coord {
                                x: x * 1e-4,
                                y: y * 1e-4,
                            },
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Twice the area of a polygon in (0.0001°)², holes subtracted.
    fn area2(p: &Polygon<f64>) -> f64 {
        let ring = |r: &LineString<f64>| signed_area2(r) * 1e8;
        ring(p.exterior()) + p.interiors().iter().map(ring).sum::<f64>()
    }

    #[test]
    fn shed_in_a_courtyard_is_a_polygon_of_its_own() {
        // Block 0–6 around courtyard 2–4; the shed 12-14-17 touches the
        // courtyard's wall at nodes 12 and 14, cutting off a pocket at 13.
        let mut at = vec![(0.0, 0.0); 18];
        for (n, p) in [(1, (0., 0.)), (2, (6., 0.)), (3, (6., 6.)), (4, (0., 6.))]
            .into_iter()
            .chain([
                (11, (2., 2.)),
                (12, (3., 2.)),
                (13, (4., 2.)),
                (14, (4., 3.)),
            ])
            .chain([(15, (4., 4.)), (16, (2., 4.)), (17, (3., 3.))])
        {
            at[n] = p;
        }
        let polygons = assemble(&ways(
            &at,
            &[
                &[1, 2, 3, 4, 1],
                &[11, 12, 13, 14, 15, 16, 11],
                &[12, 14, 17, 12],
            ],
        ))
        .unwrap();
        assert_eq!(polygons.len(), 2);
        let (block, shed) = (&polygons[0], &polygons[1]);
        assert_eq!(block.interiors().len(), 1);
        assert_eq!(
            block.interiors()[0].0.len(),
            7,
            "the whole courtyard is the hole"
        );
        assert!((area2(block) - 2.0 * 32.0).abs() < 1e-9);
        assert!((area2(shed) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn hole_touching_its_outer_ring_at_a_corner() {
        let at = [(0., 0.), (4., 0.), (4., 4.), (0., 4.), (2., 1.), (1., 2.)];
        let polygons = assemble(&ways(&at, &[&[0, 1, 2, 3, 0], &[0, 4, 5, 0]])).unwrap();
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].interiors().len(), 1);
        assert!(
            signed_area2(&polygons[0].interiors()[0]) < 0.0,
            "holes run clockwise"
        );
        assert!((area2(&polygons[0]) - 2.0 * 14.5).abs() < 1e-9);
    }

    #[test]
    fn one_way_around_two_squares_meeting_at_a_corner_is_two_polygons() {
        let at = [
            (0., 0.),
            (1., 0.),
            (1., 1.),
            (2., 1.),
            (2., 2.),
            (1., 2.),
            (0., 1.),
        ];
        let polygons = assemble(&ways(&at, &[&[0, 1, 2, 3, 4, 5, 2, 6, 0]])).unwrap();
        assert_eq!(polygons.len(), 2);
        for p in &polygons {
            assert_eq!(p.exterior().0.len(), 5);
            assert!((area2(p) - 2.0).abs() < 1e-9);
        }
    }

    #[test]
    fn an_edge_drawn_twice_cancels() {
        // Two unit squares sharing the edge 1–4: one 2 × 1 rectangle.
        let at = [(0., 0.), (1., 0.), (2., 0.), (2., 1.), (1., 1.), (0., 1.)];
        let polygons = assemble(&ways(&at, &[&[0, 1, 4, 5, 0], &[1, 2, 3, 4, 1]])).unwrap();
        assert_eq!(polygons.len(), 1);
        assert!(polygons[0].interiors().is_empty());
        assert!((area2(&polygons[0]) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn an_outer_way_inside_another_is_a_hole() {
        // Roles do not decide: nesting does (as in libosmium).
        let at = [
            (0., 0.),
            (3., 0.),
            (3., 3.),
            (0., 3.),
            (1., 1.),
            (2., 1.),
            (2., 2.),
        ];
        let polygons = assemble(&ways(&at, &[&[0, 1, 2, 3, 0], &[4, 5, 6, 4]])).unwrap();
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].interiors().len(), 1);
    }

    #[test]
    fn open_rings_and_crossings_are_named() {
        let at = [(0., 0.), (1., 0.), (1., 1.), (0., 1.)];
        assert_eq!(
            assemble(&ways(&at, &[&[0, 1, 2], &[2, 3]])),
            Err(Problem::Open(vec![0, 3]))
        );
        let Err(Problem::Crossing(a, b, _)) = assemble(&ways(&at, &[&[0, 2, 1, 3, 0]])) else {
            panic!("a bow tie crosses itself")
        };
        let mut pair = [a, b];
        pair.sort();
        assert_eq!(pair, [[0, 2], [1, 3]]);
        let message = Problem::Open(vec![7, 9]).to_string();
        assert_eq!(
            message,
            "ring does not close: member ways end at node/7, node/9 without joining another way"
        );
    }
}
