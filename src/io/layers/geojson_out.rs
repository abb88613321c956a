//! RFC 7946 GeoJSON output: WGS84 lon/lat, at most 7 decimals (about 1 cm),
//! exterior rings counter-clockwise and holes clockwise, closed rings, no
//! `crs` member, no NaN, and the same bytes for the same layer.
//!
//! The `geojson` crate neither orients rings nor rounds numbers, so the
//! geometry is normalised here ([`normalize_geometry`]) and the text is
//! written directly, with a fixed member order and number format.

use super::table::{FieldType, Layer, Value};
use crate::geodesy::{continuous, signed_area2};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use std::io::{self, Write};

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

/// A number in the shortest form that reads back to the same `f64`, always
/// with a decimal point (`50.0`, not `50`), so that GDAL and QGIS type the
/// field as Real whatever the values. Non-finite numbers become `null`.
pub fn format_real(v: f64) -> String {
    if !v.is_finite() {
        return "null".to_string();
    }
    let s = format!("{v}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// A coordinate number: shortest form of the rounded value (`30.4905616`, `30`).
fn format_coord(v: f64) -> String {
    format!("{v}")
}

fn write_position(w: &mut impl Write, c: &Coord<f64>) -> io::Result<()> {
    write!(w, "[{},{}]", format_coord(c.x), format_coord(c.y))
}

fn write_positions(w: &mut impl Write, cs: &[Coord<f64>]) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_position(w, c)?;
    }
    w.write_all(b"]")
}

fn write_polygon_rings(w: &mut impl Write, p: &Polygon<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    write_positions(w, &p.exterior().0)?;
    for h in p.interiors() {
        w.write_all(b",")?;
        write_positions(w, &h.0)?;
    }
    w.write_all(b"]")
}

/// Writes a normalised geometry as a GeoJSON geometry object (or `null`).
pub fn write_geometry(w: &mut impl Write, g: Option<&Geometry<f64>>) -> io::Result<()> {
    match g {
        Some(Geometry::Point(p)) => {
            w.write_all(b"{\"type\":\"Point\",\"coordinates\":")?;
            write_position(w, &p.0)?;
        }
        Some(Geometry::LineString(l)) => {
            w.write_all(b"{\"type\":\"LineString\",\"coordinates\":")?;
            write_positions(w, &l.0)?;
        }
        Some(Geometry::MultiPolygon(mp)) => {
            w.write_all(b"{\"type\":\"MultiPolygon\",\"coordinates\":[")?;
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_polygon_rings(w, p)?;
            }
            w.write_all(b"]")?;
        }
        _ => return w.write_all(b"null"),
    }
    w.write_all(b"}")
}

fn write_value(w: &mut impl Write, v: &Value) -> io::Result<()> {
    match v {
        Value::Null => w.write_all(b"null"),
        Value::Text(s) | Value::DateTime(s) => w.write_all(json_string(s).as_bytes()),
        Value::Integer(i) => write!(w, "{i}"),
        Value::Real(r) => w.write_all(format_real(*r).as_bytes()),
        Value::Date(d) => write!(w, "\"{}\"", d.format("%Y-%m-%d")),
    }
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Writes a layer as one RFC 7946 FeatureCollection, one feature per line.
///
/// The collection carries a `name` foreign member (GDAL's layer name) and a
/// `bbox` is not written (GDAL recomputes extents; a leading `bbox` also
/// confuses the `geojson` crate's streaming reader).
pub fn write_layer(w: &mut impl Write, layer: &Layer) -> io::Result<()> {
    write!(
        w,
        "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
        json_string(&layer.name)
    )?;
    for (i, f) in layer.features.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        w.write_all(b"{\"type\":\"Feature\",\"properties\":{")?;
        for (j, ((name, _), v)) in layer.fields.iter().zip(&f.values).enumerate() {
            if j > 0 {
                w.write_all(b",")?;
            }
            write!(w, "{}:", json_string(name))?;
            write_value(w, v)?;
        }
        w.write_all(b"},\"geometry\":")?;
        write_geometry(w, f.geometry.as_ref())?;
        w.write_all(b"}")?;
    }
    w.write_all(b"\n]}\n")
}

/// The GDAL field type a GeoJSON reader gives a field of this type (for tests and docs).
pub fn gdal_type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "String",
        FieldType::Integer => "Integer",
        FieldType::Real => "Real",
        FieldType::Date => "Date",
        FieldType::DateTime => "DateTime",
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

    #[test]
    fn reals_always_carry_a_decimal_point() {
        assert_eq!(format_real(50.0), "50.0");
        assert_eq!(format_real(26.25), "26.25");
        assert_eq!(format_real(0.0), "0.0");
        assert_eq!(format_real(f64::NAN), "null");
        assert_eq!(format_real(1e-7), "0.0000001");
    }

    #[test]
    fn writes_rfc7946_text() {
        let mut layer = Layer::new(
            "t",
            "test",
            super::super::table::GeometryType::MultiPolygon,
            &[("r", FieldType::Real), ("s", FieldType::Text)],
        );
        let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.123_456_789), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)];
        layer.push(
            Some(Geometry::Polygon(cw)),
            vec![Value::Real(5.0), Value::Text("a\"b".into())],
        );
        layer.push(None, vec![Value::Null, Value::Null]);
        let mut out = Vec::new();
        write_layer(&mut out, &layer).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\"type\":\"FeatureCollection\",\"name\":\"t\",\"features\":[\n\
             {\"type\":\"Feature\",\"properties\":{\"r\":5.0,\"s\":\"a\\\"b\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":\
             [[[[0,0],[1,0],[1,1],[0,1.1234568],[0,0]]]]}},\n\
             {\"type\":\"Feature\",\"properties\":{\"r\":null,\"s\":null},\"geometry\":null}\n]}\n"
        );
        assert!(!text.contains("crs"));
        // It parses as GeoJSON.
        let gj: geojson::GeoJson = text.parse().unwrap();
        assert!(matches!(gj, geojson::GeoJson::FeatureCollection(fc) if fc.features.len() == 2));
    }
}
