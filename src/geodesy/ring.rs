//! Rings on the globe: longitudes made continuous across the antimeridian,
//! orientation, and the rings whose figures impactmap can prove.
//!
//! As RFC 7946 readers do, two consecutive positions whose longitudes differ
//! by more than 180° are joined by the edge that crosses the antimeridian.

use super::{ecef, WGS84_A, WGS84_F};
use geo::InteriorPoint;
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use std::borrow::Borrow;

/// Largest accepted extent of a ring, metres: the diagonal of the Earth-centred
/// box of its vertices. Within it a ring stays well inside a hemisphere, and
/// the padding that makes boxes and chords true bounds is proven.
pub const MAX_RING_EXTENT_M: f64 = 5_000_000.0;

/// `lon` (degrees) moved by whole turns to within 180° of `reference`.
#[inline]
pub fn lon_near(lon: f64, reference: f64) -> f64 {
    let d = lon - reference;
    if d > 180.0 {
        lon - 360.0 * ((d + 180.0) / 360.0).floor()
    } else if d < -180.0 {
        lon + 360.0 * ((-d + 180.0) / 360.0).floor()
    } else {
        lon
    }
}

/// Whether some edge of the ring crosses the antimeridian (its longitudes
/// jump by more than 180°).
pub fn crosses_antimeridian(ring: &[Coord<f64>]) -> bool {
    ring.windows(2).any(|w| (w[1].x - w[0].x).abs() > 180.0)
}

/// The ring with every longitude moved to within 180° of `reference` (degrees):
/// continuous across the antimeridian for any ring within 180° of it.
pub fn unwrapped(ring: &[Coord<f64>], reference: f64) -> Vec<Coord<f64>> {
    ring.iter()
        .map(|c| Coord {
            x: lon_near(c.x, reference),
            y: c.y,
        })
        .collect()
}

/// Twice the signed planar area of a ring (the shoelace formula, taken about
/// its first vertex), in squared units of its coordinates: positive when the
/// ring runs counter-clockwise with `y` up (as lon/lat does), so clockwise on
/// a page whose `y` runs down. Closed (last vertex repeating the first) or
/// open, the result is the same; fewer than three vertices give 0.
///
/// Longitudes are taken as they are: for a ring that may cross the
/// antimeridian, pass [`continuous`] vertices.
///
/// ```
/// use geo_types::coord;
/// use impactmap::geodesy::signed_area2;
///
/// // The right triangle with legs 3 and 4 has an area of 6.
/// let triangle = [coord! { x: 0.0, y: 0.0 }, coord! { x: 3.0, y: 0.0 }, coord! { x: 0.0, y: 4.0 }];
/// assert_eq!(signed_area2(&triangle), 12.0);
/// assert_eq!(signed_area2(triangle.iter().rev()), -12.0);
/// ```
pub fn signed_area2<C: Borrow<Coord<f64>>>(ring: impl IntoIterator<Item = C>) -> f64 {
    let mut ring = ring.into_iter();
    let Some(origin) = ring.next().map(|c| *c.borrow()) else {
        return 0.0;
    };
    let mut area2 = 0.0;
    let mut prev = Coord { x: 0.0, y: 0.0 };
    for c in ring {
        let c = *c.borrow() - origin;
        area2 += prev.x * c.y - c.x * prev.y;
        prev = c;
    }
    area2
}

/// The vertices of a ring with longitudes made continuous: each moved by
/// whole turns (degrees) to within 180° of the one before it.
///
/// ```
/// use geo_types::coord;
/// use impactmap::geodesy::{continuous, signed_area2};
///
/// // A 0.2° square across the antimeridian, counter-clockwise.
/// let square = [(179.9, 50.0), (-179.9, 50.0), (-179.9, 50.2), (179.9, 50.2)]
///     .map(|(x, y)| coord! { x: x, y: y });
/// assert!((signed_area2(continuous(&square)) - 0.08).abs() < 1e-9);
/// ```
pub fn continuous(ring: &[Coord<f64>]) -> impl Iterator<Item = Coord<f64>> + '_ {
    ring.iter().scan(None, |prev: &mut Option<f64>, c| {
        let x = prev.map_or(c.x, |p| lon_near(c.x, p));
        *prev = Some(x);
        Some(Coord { x, y: c.y })
    })
}

/// Whether a closed ring runs counter-clockwise (seen from above, north up),
/// across the antimeridian too.
pub fn is_ccw(ring: &[Coord<f64>]) -> bool {
    signed_area2(continuous(ring)) > 0.0
}

/// Why a closed ring is not accepted, or `None`: a ring must not encircle a
/// pole, must span less than 180° of longitude (after making longitudes
/// continuous across the antimeridian), and must fit in
/// [`MAX_RING_EXTENT_M`].
pub fn ring_problem(ring: &[Coord<f64>]) -> Option<String> {
    let first = ring.first()?;
    let (mut lon, mut west, mut east) = (first.x, first.x, first.x);
    let (mut south, mut north) = (first.y, first.y);
    for c in ring {
        lon = lon_near(c.x, lon);
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(c.y);
        north = north.max(c.y);
    }
    if (lon - first.x).abs() > 180.0 {
        return Some(
            "the ring encircles a pole, which impactmap does not measure: split it into parts \
             that each leave the pole outside"
                .into(),
        );
    }
    if east - west >= 180.0 {
        return Some(format!(
            "the ring spans {:.1}° of longitude; rings must span less than 180° (edges whose \
             longitudes jump by more than 180° cross the antimeridian): split it into smaller parts",
            east - west
        ));
    }
    // Within 20° × 20° the box's diagonal is below 3,200 km.
    if east - west <= 20.0 && north - south <= 20.0 {
        return None;
    }
    let mut b = [f64::INFINITY; 3];
    let mut t = [f64::NEG_INFINITY; 3];
    for c in ring {
        let e = ecef(*c);
        for k in 0..3 {
            b[k] = b[k].min(e[k]);
            t[k] = t[k].max(e[k]);
        }
    }
    let extent = (0..3).map(|k| (t[k] - b[k]).powi(2)).sum::<f64>().sqrt();
    if extent > MAX_RING_EXTENT_M {
        return Some(format!(
            "the ring is {:.0} km across; rings up to {:.0} km across are measured: split it into \
             smaller parts",
            extent / 1000.0,
            MAX_RING_EXTENT_M / 1000.0
        ));
    }
    None
}

/// A point inside a multipolygon (lon/lat degrees, longitude in −180…180),
/// across the antimeridian too: found with continuous longitudes.
pub fn interior_point(mp: &MultiPolygon<f64>) -> Option<Point<f64>> {
    let reference = mp.0.first()?.exterior().0.first()?.x;
    let ring = |r: &LineString<f64>| LineString(unwrapped(&r.0, reference));
    let continuous = MultiPolygon(
        mp.0.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    );
    let p = continuous.interior_point()?;
    Some(Point::new(lon_near(p.x(), 0.0), p.y()))
}

/// Smallest radius of curvature of the WGS84 ellipsoid (b²/a, at the
/// equator along the meridian), metres.
pub const MIN_CURVATURE_RADIUS_M: f64 = WGS84_A * (1.0 - WGS84_F) * (1.0 - WGS84_F);

/// How far (m) the surface between points at most `chord_m` apart can bulge
/// out of their Earth-centred hull: the sagitta `chord²/(8R)` at the smallest
/// radius of curvature, with 50 % and 1 mm of margin; `None` when the chord is
/// too long for that to be proven (beyond a radius, an arc of 60°).
pub fn bulge_m(chord_m: f64) -> Option<f64> {
    (chord_m <= MIN_CURVATURE_RADIUS_M)
        .then(|| chord_m * chord_m / (8.0 * MIN_CURVATURE_RADIUS_M) * 1.5 + 1e-3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> Vec<Coord<f64>> {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    /// A 0.2° square across the antimeridian at 50°N, counter-clockwise.
    fn dateline_square() -> Vec<Coord<f64>> {
        ring(&[
            (179.9, 50.0),
            (-179.9, 50.0),
            (-179.9, 50.2),
            (179.9, 50.2),
            (179.9, 50.0),
        ])
    }

    #[test]
    fn antimeridian_square_is_continuous_and_counter_clockwise() {
        let r = dateline_square();
        assert!(crosses_antimeridian(&r));
        // A 0.2° × 0.2° square: twice its area is 0.08 square degrees.
        assert!((signed_area2(continuous(&r)) - 0.08).abs() < 1e-9);
        let u = unwrapped(&r, 179.9);
        assert_eq!(u[1].x, 180.1);
        assert!(!crosses_antimeridian(&u));
        assert_eq!(ring_problem(&r), None);
    }

    #[test]
    fn rings_around_a_pole_or_too_wide_are_refused() {
        let polar = ring(&[(0.0, 80.0), (120.0, 80.0), (-120.0, 80.0), (0.0, 80.0)]);
        assert!(ring_problem(&polar).unwrap().contains("encircles a pole"));
        let wide = ring(&[(-100.0, 0.0), (90.0, 0.0), (90.0, 1.0), (-100.0, 0.0)]);
        // −100 → 90 is a jump of 190°: the edge crosses the antimeridian.
        assert!(ring_problem(&wide).is_some());
        let big = ring(&[(0.0, 0.0), (60.0, 0.0), (60.0, 10.0), (0.0, 0.0)]);
        assert!(ring_problem(&big).unwrap().contains("km across"));
    }

    #[test]
    fn interior_point_of_a_square_across_the_antimeridian_is_inside_it() {
        let r = dateline_square();
        let mp = MultiPolygon(vec![Polygon::new(LineString(r), vec![])]);
        let p = interior_point(&mp).unwrap();
        assert!(p.x().abs() > 179.9 && p.y() > 50.0 && p.y() < 50.2, "{p:?}");
    }

    #[test]
    fn bulge_is_the_sagitta_with_margin() {
        // A 100 km chord on a sphere of radius b²/a sags by 196.9 m.
        let r = MIN_CURVATURE_RADIUS_M;
        let sagitta = r - (r * r - 50_000.0_f64.powi(2)).sqrt();
        let b = bulge_m(100_000.0).unwrap();
        assert!(b > sagitta && b < 1.6 * sagitta, "{b} vs {sagitta}");
        assert_eq!(bulge_m(7e6), None);
    }
}
