//! RFC 7946 GeoJSON output: WGS84 lon/lat, at most 7 decimals (about 1 cm),
//! exterior rings counter-clockwise and holes clockwise, closed rings, no
//! `crs` member, no NaN, and the same bytes for the same layer.
//!
//! The `geojson` crate neither orients rings nor rounds numbers; a [`Layer`]'s
//! geometry is already normalised ([`crate::layers::normalize_geometry`]),
//! and the text is written directly, with a fixed member order and number
//! format.

use crate::layers::{FieldType, Layer, Value};
use geo_types::{Coord, Geometry, Polygon};
use std::io::{self, Write};

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

/// How [`write_layer`] begins the file of the layer `name`.
pub fn header(name: &str) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
        json_string(name)
    )
}

/// Writes a layer as one RFC 7946 FeatureCollection, one feature per line.
///
/// The collection carries a `name` foreign member (GDAL's layer name) and a
/// `bbox` is not written (GDAL recomputes extents; a leading `bbox` also
/// confuses the `geojson` crate's streaming reader).
pub fn write_layer(w: &mut impl Write, layer: &Layer) -> io::Result<()> {
    w.write_all(header(&layer.name).as_bytes())?;
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
    use geo_types::polygon;

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
            crate::layers::GeometryType::MultiPolygon,
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
