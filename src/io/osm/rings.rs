//! Ring assembly for OpenStreetMap multipolygons: member ways joined end to
//! end into closed rings, inner rings assigned to the outer ring that holds them.
//!
//! Works on node ids first (so joins are exact, not by coordinate), then on
//! WGS84 lon/lat coordinates in degrees.

use geo_types::{Coord, LineString, Polygon};

/// Why a set of ways does not form closed rings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenRing {
    /// Node id the unclosed chain starts at.
    pub first: i64,
    /// Node id it ends at.
    pub last: i64,
}

/// Joins ways (node id sequences) into closed rings, reversing ways where needed.
///
/// A way that is already closed is a ring of its own; open ways are chained by
/// shared end nodes. Fails on the first chain that cannot be closed.
pub(crate) fn join_ways(ways: &[&[i64]]) -> Result<Vec<Vec<i64>>, OpenRing> {
    let mut rings = Vec::new();
    let mut open: Vec<&[i64]> = Vec::new();
    for way in ways.iter().filter(|w| !w.is_empty()) {
        if way.len() > 1 && way.first() == way.last() {
            rings.push(way.to_vec());
        } else {
            open.push(way);
        }
    }
    while !open.is_empty() {
        let mut ring = open.remove(0).to_vec();
        let mut turned = false;
        while ring.first() != ring.last() || ring.len() < 2 {
            let end = *ring.last().expect("chains are never empty");
            let next = open
                .iter()
                .position(|w| w.first() == Some(&end) || w.last() == Some(&end));
            let Some(i) = next else {
                if turned {
                    return Err(OpenRing {
                        first: ring[0],
                        last: end,
                    });
                }
                // Stuck at this end: go on from the other end before giving up.
                ring.reverse();
                turned = true;
                continue;
            };
            let way = open.remove(i);
            if way.first() == Some(&end) {
                ring.extend_from_slice(&way[1..]);
            } else {
                ring.extend(way.iter().rev().skip(1));
            }
        }
        rings.push(ring);
    }
    Ok(rings)
}

/// Twice the signed planar area of a closed ring in lon/lat: positive when counter-clockwise.
pub(crate) fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// The ring turned to run counter-clockwise (`ccw = true`) or clockwise.
pub(crate) fn oriented(mut ring: Vec<Coord<f64>>, ccw: bool) -> Vec<Coord<f64>> {
    if (signed_area2(&ring) > 0.0) != ccw {
        ring.reverse();
    }
    ring
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

/// Builds polygons from outer and inner rings (closed coordinate sequences).
///
/// Outer rings come out counter-clockwise, holes clockwise. Each inner ring
/// goes to the smallest outer ring containing it; inner rings that no outer
/// ring contains are returned by index so the caller can report them.
pub(crate) fn polygons(
    outers: Vec<Vec<Coord<f64>>>,
    inners: Vec<Vec<Coord<f64>>>,
) -> (Vec<Polygon<f64>>, Vec<usize>) {
    let outers: Vec<Vec<Coord<f64>>> = outers.into_iter().map(|r| oriented(r, true)).collect();
    let areas: Vec<f64> = outers.iter().map(|r| signed_area2(r).abs()).collect();
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outers.len()];
    let mut orphans = Vec::new();
    for (i, inner) in inners.into_iter().enumerate() {
        // A hole may touch its outer ring at a vertex, so it belongs to an outer
        // ring holding any of its vertices (the smallest, when outer rings nest).
        let owner = (0..outers.len())
            .filter(|&o| inner.iter().any(|&v| ring_contains(&outers[o], v)))
            .min_by(|&a, &b| areas[a].total_cmp(&areas[b]));
        match owner {
            Some(o) => holes[o].push(LineString(oriented(inner, false))),
            None => orphans.push(i),
        }
    }
    let polys = outers
        .into_iter()
        .zip(holes)
        .map(|(outer, holes)| Polygon::new(LineString(outer), holes))
        .collect();
    (polys, orphans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_ring_with_reversed_way() {
        // 1-2-3 then 5-4-3 (reversed) then 5-1: one ring 1-2-3-4-5-1.
        let ways: [&[i64]; 3] = [&[1, 2, 3], &[5, 4, 3], &[5, 1]];
        let rings = join_ways(&ways).unwrap();
        assert_eq!(rings, vec![vec![1, 2, 3, 4, 5, 1]]);
    }

    #[test]
    fn closed_ways_are_rings_of_their_own() {
        let ways: [&[i64]; 2] = [&[1, 2, 3, 1], &[7, 8, 9, 7]];
        assert_eq!(join_ways(&ways).unwrap().len(), 2);
    }

    #[test]
    fn unclosed_chain_is_reported_with_its_ends() {
        let ways: [&[i64]; 2] = [&[1, 2, 3], &[3, 4]];
        let err = join_ways(&ways).unwrap_err();
        assert_eq!((err.first.min(err.last), err.first.max(err.last)), (1, 4));
    }

    #[test]
    fn hole_goes_to_the_smallest_containing_outer() {
        let sq = |x0: f64, y0: f64, s: f64| {
            vec![
                Coord { x: x0, y: y0 },
                Coord { x: x0 + s, y: y0 },
                Coord {
                    x: x0 + s,
                    y: y0 + s,
                },
                Coord { x: x0, y: y0 + s },
                Coord { x: x0, y: y0 },
            ]
        };
        let (polys, orphans) = polygons(
            vec![sq(0.0, 0.0, 10.0), sq(2.0, 2.0, 4.0)],
            vec![sq(3.0, 3.0, 1.0), sq(20.0, 20.0, 1.0)],
        );
        assert_eq!(orphans, vec![1]);
        assert_eq!(polys[0].interiors().len(), 0);
        assert_eq!(polys[1].interiors().len(), 1);
        assert!(signed_area2(&polys[1].exterior().0) > 0.0);
        assert!(signed_area2(&polys[1].interiors()[0].0) < 0.0);
    }
}
