//! Layer geometry as RFC 7946 wants it, for every output format alike:
//! WGS84 lon/lat rounded to 7 decimals (about 1 cm), exterior rings
//! counter-clockwise and holes clockwise, rings closed, polygons as
//! multipolygons, no repeated vertices and nothing that is not finite.

use crate::geodesy::{continuous, signed_area2};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};

/// Decimal places kept in coordinates: 1e-7° is 1.1 cm of latitude.
pub const COORD_DECIMALS: i32 = 7;

/// A coordinate rounded to [`COORD_DECIMALS`] places.
pub fn round_coord(c: Coord<f64>) -> Coord<f64> {
    let k = 10f64.powi(COORD_DECIMALS);
    let r = |v: f64| {
        let x = (v * k).round() / k;
        if x == 0.0 {
            0.0 // no "-0"
        } else {
            x
        }
    };
    Coord {
        x: r(c.x),
        y: r(c.y),
    }
}

/// A ring rounded, without repeated consecutive vertices, closed, and turning
/// the requested way (`ccw` for an exterior ring). `None` if fewer than three
/// distinct vertices remain.
pub fn normalize_ring(ring: &LineString<f64>, ccw: bool) -> Option<LineString<f64>> {
    let mut v: Vec<Coord<f64>> = ring.0.iter().map(|c| round_coord(*c)).collect();
    v.dedup();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    if v.len() < 3 {
        return None;
    }
    v.push(v[0]);
    // Across the antimeridian too: longitudes made continuous first.
    let area = signed_area2(continuous(&v));
    if area == 0.0 {
        return None;
    }
    if (area > 0.0) != ccw {
        v.reverse();
    }
    Some(LineString(v))
}

/// A polygon normalised for RFC 7946; holes that collapse are dropped.
pub fn normalize_polygon(p: &Polygon<f64>) -> Option<Polygon<f64>> {
    let ext = normalize_ring(p.exterior(), true)?;
    let holes = p
        .interiors()
        .iter()
        .filter_map(|h| normalize_ring(h, false))
        .collect();
    Some(Polygon::new(ext, holes))
}

/// A geometry normalised for output: coordinates rounded, rings oriented and
/// closed, polygons as multipolygons, repeated vertices removed. `None` when
/// nothing drawable remains (an empty multipolygon, a line of one point) or
/// a coordinate is not finite.
pub fn normalize_geometry(g: &Geometry<f64>) -> Option<Geometry<f64>> {
    let finite = |c: &Coord<f64>| c.x.is_finite() && c.y.is_finite();
    match g {
        Geometry::Point(p) => finite(&p.0).then(|| Geometry::Point(Point(round_coord(p.0)))),
        Geometry::LineString(l) => {
            if !l.0.iter().all(finite) {
                return None;
            }
            let mut v: Vec<Coord<f64>> = l.0.iter().map(|c| round_coord(*c)).collect();
            v.dedup();
            (v.len() >= 2).then_some(Geometry::LineString(LineString(v)))
        }
        Geometry::Polygon(p) => {
            normalize_geometry(&Geometry::MultiPolygon(MultiPolygon(vec![p.clone()])))
        }
        Geometry::MultiPolygon(mp) => {
            if !mp.0.iter().all(|p| {
                p.exterior()
                    .0
                    .iter()
                    .chain(p.interiors().iter().flat_map(|h| &h.0))
                    .all(finite)
            }) {
                return None;
            }
            let polys: Vec<Polygon<f64>> = mp.0.iter().filter_map(normalize_polygon).collect();
            (!polys.is_empty()).then_some(Geometry::MultiPolygon(MultiPolygon(polys)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{coord, polygon};

    #[test]
    fn rounds_to_seven_decimals_without_negative_zero() {
        let c = round_coord(coord! { x: 30.490_561_62, y: -0.000_000_04 });
        assert_eq!(c, coord! { x: 30.490_561_6, y: 0.0 });
        assert_eq!(format!("{}", c.x), "30.4905616");
        assert_eq!(format!("{}", c.y), "0");
        // Halfway rounds away from zero; a value already at 7 decimals is unchanged.
        assert_eq!(
            round_coord(coord! { x: 1.000_000_05, y: 50.460_821_3 }).y,
            50.460_821_3
        );
    }

    #[test]
    fn orients_exterior_ccw_and_holes_cw_and_closes() {
        // Exterior given clockwise and unclosed, hole given counter-clockwise.
        let ext = LineString::from(vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]);
        let hole = LineString::from(vec![
            (0.2, 0.2),
            (0.8, 0.2),
            (0.8, 0.8),
            (0.2, 0.8),
            (0.2, 0.2),
        ]);
        let p = normalize_polygon(&Polygon::new(ext, vec![hole])).unwrap();
        let e = &p.exterior().0;
        assert_eq!(e.first(), e.last());
        assert_eq!(e.len(), 5);
        // Hand check of the shoelace sums.
        assert!(signed_area2(e) > 0.0, "exterior counter-clockwise");
        let h = &p.interiors()[0].0;
        assert_eq!(h.first(), h.last());
        assert!(signed_area2(h) < 0.0, "hole clockwise");
        // The first exterior vertex after reversal is still a vertex of the input.
        assert_eq!(e[0], coord! { x: 0.0, y: 0.0 });
        assert_eq!(e[1], coord! { x: 1.0, y: 0.0 });
    }

    #[test]
    fn collapsing_geometries_are_dropped() {
        // Three vertices within 1e-8° collapse to one after rounding.
        let tiny =
            polygon![(x: 30.0, y: 50.0), (x: 30.000_000_01, y: 50.0), (x: 30.0, y: 50.000_000_01)];
        assert_eq!(normalize_geometry(&Geometry::Polygon(tiny)), None);
        let line = LineString::from(vec![(30.0, 50.0), (30.000_000_01, 50.0)]);
        assert_eq!(normalize_geometry(&Geometry::LineString(line)), None);
        assert_eq!(
            normalize_geometry(&Geometry::Point(Point::new(f64::NAN, 1.0))),
            None
        );
    }
}
