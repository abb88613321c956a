//! A quick, exact validity check for small rings without holes, so ordinary
//! building footprints skip the general (allocating) validation.
//!
//! It answers only "certainly valid"; anything else goes to
//! [`crate::io::valid`], which gives the error message.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo_types::Coord;

/// Rings longer than this always take the general path.
const MAX_QUICK: usize = 64;

/// Whether a closed ring certainly passes the polygon validation: at least
/// three distinct corners not all on one line, no repeated consecutive
/// positions, and no two non-adjacent edges touching (decided with exact
/// orientation predicates).
pub(super) fn certainly_valid(ring: &[Coord<f64>]) -> bool {
    let n = ring.len();
    if !(4..=MAX_QUICK).contains(&n)
        || ring[0] != ring[n - 1]
        || ring.windows(2).any(|w| w[0] == w[1])
        || crate::io::valid::flat(ring)
    {
        return false;
    }
    let edges = n - 1;
    for i in 0..edges {
        // Edges i and i+1 share a corner, as do the last and the first.
        for j in i + 2..edges {
            if i == 0 && j == edges - 1 {
                continue;
            }
            if !apart(ring[i], ring[i + 1], ring[j], ring[j + 1]) {
                return false;
            }
        }
    }
    true
}

/// Whether segments a–b and c–d certainly have no point in common: one of them
/// lies strictly on one side of the other's line.
fn apart(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, d: Coord<f64>) -> bool {
    let side = |p, q, r| match RobustKernel::orient2d(p, q, r) {
        Orientation::CounterClockwise => 1,
        Orientation::Clockwise => -1,
        Orientation::Collinear => 0,
    };
    let strictly_one_side = |s1: i32, s2: i32| s1 * s2 > 0;
    strictly_one_side(side(a, b, c), side(a, b, d))
        || strictly_one_side(side(c, d, a), side(c, d, b))
}

/// Turns a simple ring to run counter-clockwise (`ccw`) or clockwise, in place.
pub(super) fn orient(ring: &mut [Coord<f64>], ccw: bool) {
    let o = ring[0];
    let area2: f64 = ring
        .windows(2)
        .map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y))
        .sum();
    if (area2 > 0.0) != ccw {
        ring.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;
    use geo_types::{LineString, Polygon};

    fn ring(points: &[(f64, f64)]) -> Vec<Coord<f64>> {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    /// Agrees with `geo` and the general check wherever it says "certainly valid".
    fn agrees(r: &[Coord<f64>]) -> bool {
        let polygon = Polygon::new(LineString(r.to_vec()), vec![]);
        !certainly_valid(r)
            || (polygon.is_valid() && crate::io::valid::check_polygon(&polygon).is_ok())
    }

    #[test]
    fn ordinary_footprints_are_certainly_valid() {
        let square = ring(&[(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]);
        let l_shape = ring(&[
            (0., 0.),
            (3., 0.),
            (3., 1.),
            (1., 1.),
            (1., 3.),
            (0., 3.),
            (0., 0.),
        ]);
        let triangle = ring(&[(0., 0.), (1., 0.), (0., 1.), (0., 0.)]);
        for r in [&square, &l_shape, &triangle] {
            assert!(certainly_valid(r), "{r:?}");
            assert!(agrees(r));
        }
    }

    #[test]
    fn doubtful_rings_go_to_the_general_check() {
        let bowtie = ring(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.), (0., 0.)]);
        let repeated = ring(&[(0., 0.), (1., 0.), (1., 0.), (1., 1.), (0., 0.)]);
        let spike = ring(&[(0., 0.), (2., 0.), (1., 0.), (1., 1.), (0., 0.)]);
        let touching = ring(&[(0., 0.), (2., 0.), (2., 2.), (1., 0.), (0., 2.), (0., 0.)]);
        let open = ring(&[(0., 0.), (1., 0.), (1., 1.), (0., 1.)]);
        let flat = ring(&[(0., 0.), (1., 0.), (2., 0.), (0., 0.)]);
        for r in [&bowtie, &repeated, &spike, &touching, &open, &flat] {
            assert!(!certainly_valid(r), "{r:?}");
        }
        assert!(!Polygon::new(LineString(bowtie), vec![]).is_valid());
    }

    #[test]
    fn agrees_with_geo_on_random_small_rings() {
        // Random 4–7 corner rings on a small grid (many degenerate and crossing ones).
        let mut rng = crate::workload::Lcg(7);
        let mut next = || ((rng.next_u64() >> 33) % 4) as f64;
        for _ in 0..5000 {
            let corners = 3 + (next() as usize);
            let mut r: Vec<Coord<f64>> = (0..corners)
                .map(|_| Coord {
                    x: next(),
                    y: next(),
                })
                .collect();
            r.push(r[0]);
            assert!(agrees(&r), "{r:?}");
        }
    }

    #[test]
    fn orients_both_ways() {
        let mut r = ring(&[(0., 0.), (0., 1.), (1., 1.), (1., 0.), (0., 0.)]);
        orient(&mut r, true);
        assert_eq!(r[1], Coord { x: 1., y: 0. });
        orient(&mut r, false);
        assert_eq!(r[1], Coord { x: 0., y: 1. });
    }
}
