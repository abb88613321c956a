//! A format-neutral layer: a fixed schema of typed fields, and features with
//! one geometry type each. The GeoJSON and GeoPackage writers both read it,
//! so both formats carry the same coordinates and the same values.

use super::normalize_geometry;
use chrono::NaiveDate;
use geo_types::Geometry;
use serde_json::Value as Json;

/// The type of an attribute field, stable across every feature of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    Text,
    /// Whole number.
    Integer,
    /// Real number (always written with a decimal point, so readers type it Real).
    Real,
    /// Calendar date, written `YYYY-MM-DD`.
    Date,
    /// Full ISO 8601 date and time with offset (`2025-11-14T01:00:00+02:00`).
    DateTime,
}

/// One attribute value; `Null` is allowed in every field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// Text.
    Text(String),
    /// Whole number.
    Integer(i64),
    /// Real number (finite; non-finite numbers are stored as `Null`).
    Real(f64),
    /// Calendar date.
    Date(NaiveDate),
    /// ISO 8601 date and time with offset, as text.
    DateTime(String),
}

impl Value {
    /// Text, or `Null` for `None`.
    pub fn text(s: Option<&str>) -> Self {
        s.map_or(Value::Null, |s| Value::Text(s.to_string()))
    }

    /// A real rounded to `decimals` places, `Null` for `None` or a non-finite number.
    pub fn real(v: Option<f64>, decimals: usize) -> Self {
        match v {
            Some(v) if v.is_finite() => {
                let k = 10f64.powi(decimals as i32);
                let r = (v * k).round() / k;
                Value::Real(if r == 0.0 { 0.0 } else { r })
            }
            _ => Value::Null,
        }
    }

    fn fits(&self, t: FieldType) -> bool {
        matches!(
            (self, t),
            (Value::Null, _)
                | (Value::Text(_), FieldType::Text)
                | (Value::Integer(_), FieldType::Integer)
                | (Value::Real(_), FieldType::Real)
                | (Value::Date(_), FieldType::Date)
                | (Value::DateTime(_), FieldType::DateTime)
        )
    }
}

/// The geometry type every feature of a layer has (or no geometry at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    /// Points.
    Point,
    /// Line strings.
    LineString,
    /// Multipolygons (a single polygon is written as a one-part multipolygon).
    MultiPolygon,
}

impl GeometryType {
    fn accepts(&self, g: &Geometry<f64>) -> bool {
        matches!(
            (self, g),
            (Self::Point, Geometry::Point(_))
                | (Self::LineString, Geometry::LineString(_))
                | (Self::MultiPolygon, Geometry::MultiPolygon(_))
        )
    }
}

/// One feature: a geometry (RFC 7946-normalised) or none, and one value per field.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Geometry in WGS84 lon/lat degrees, rounded to 7 decimals, rings oriented and closed.
    pub geometry: Option<Geometry<f64>>,
    /// Values in field order.
    pub values: Vec<Value>,
}

/// A layer: name, geometry type, fields and features, in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// File base name and table name (`incidents`).
    pub name: String,
    /// What the layer holds, one sentence.
    pub description: String,
    /// The geometry type of every feature.
    pub geometry_type: GeometryType,
    /// Field names and types.
    pub fields: Vec<(String, FieldType)>,
    /// Features in output order.
    pub features: Vec<Feature>,
}

impl Layer {
    /// An empty layer with the given schema.
    pub fn new(
        name: &str,
        description: &str,
        geometry_type: GeometryType,
        fields: &[(&str, FieldType)],
    ) -> Self {
        Layer {
            name: name.to_string(),
            description: description.to_string(),
            geometry_type,
            fields: fields.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
            features: Vec::new(),
        }
    }

    /// Adds a feature. The geometry is normalised for RFC 7946 (a polygon
    /// becomes a multipolygon; a geometry that rounds away becomes `None`).
    ///
    /// # Panics
    /// When the values do not match the schema or the geometry type is wrong:
    /// both are programming errors in a layer builder, never caused by input.
    pub fn push(&mut self, geometry: Option<Geometry<f64>>, values: Vec<Value>) {
        assert_eq!(
            values.len(),
            self.fields.len(),
            "layer {}: value count",
            self.name
        );
        for (v, (name, t)) in values.iter().zip(&self.fields) {
            assert!(
                v.fits(*t),
                "layer {}: field {name} is {t:?}, got {v:?}",
                self.name
            );
        }
        let geometry = geometry.and_then(|g| normalize_geometry(&g));
        if let Some(g) = &geometry {
            assert!(
                self.geometry_type.accepts(g),
                "layer {}: geometry type",
                self.name
            );
        }
        self.features.push(Feature { geometry, values });
    }

    /// Index of a field by name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|(n, _)| n == name)
    }

    /// The distinct text values of a field, sorted.
    pub fn distinct_text(&self, field: &str) -> Vec<String> {
        let Some(i) = self.field_index(field) else {
            return Vec::new();
        };
        let mut v: Vec<String> = self
            .features
            .iter()
            .filter_map(|f| match &f.values[i] {
                Value::Text(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Extra input properties carried into a layer, with one type per key chosen
/// from all features' values (QGIS and GDAL type a GeoJSON field from its data,
/// so a key whose values mix numbers and text becomes text everywhere).
#[derive(Debug, Clone, Default)]
pub struct ExtraFields {
    /// (input key, output field name, type), in sorted key order.
    pub fields: Vec<(String, String, FieldType)>,
}

impl ExtraFields {
    /// Chooses names and types for the keys of `maps`, avoiding the fixed field names.
    pub fn infer<'a>(
        maps: impl Iterator<Item = &'a serde_json::Map<String, Json>> + Clone,
        taken: &[(&str, FieldType)],
    ) -> Self {
        let mut keys: Vec<&String> = maps.clone().flat_map(|m| m.keys()).collect();
        keys.sort();
        keys.dedup();
        let is_taken = |n: &str, used: &[(String, String, FieldType)]| {
            taken.iter().any(|(t, _)| t.eq_ignore_ascii_case(n))
                || used.iter().any(|(_, o, _)| o.eq_ignore_ascii_case(n))
        };
        let mut fields = Vec::new();
        for key in keys {
            let values: Vec<&Json> = maps
                .clone()
                .filter_map(|m| m.get(key))
                .filter(|v| !v.is_null())
                .collect();
            let t = if values.is_empty() {
                FieldType::Text
            } else if values.iter().all(|v| v.is_i64()) {
                FieldType::Integer
            } else if values.iter().all(|v| v.is_number()) {
                FieldType::Real
            } else if values.iter().all(|v| v.as_str().is_some_and(is_iso_date)) {
                FieldType::Date
            } else {
                FieldType::Text
            };
            let mut name = key.clone();
            while is_taken(&name, &fields) {
                name = format!("prop_{name}");
            }
            fields.push((key.clone(), name, t));
        }
        ExtraFields { fields }
    }

    /// The schema entries for these fields.
    pub fn schema(&self) -> Vec<(String, FieldType)> {
        self.fields
            .iter()
            .map(|(_, n, t)| (n.clone(), *t))
            .collect()
    }

    /// This map's values, in field order.
    pub fn values(&self, map: &serde_json::Map<String, Json>) -> Vec<Value> {
        self.fields
            .iter()
            .map(|(key, _, t)| match (map.get(key), t) {
                (None | Some(Json::Null), _) => Value::Null,
                (Some(v), FieldType::Integer) => v.as_i64().map_or(Value::Null, Value::Integer),
                // Given numbers are kept as given, never rounded.
                (Some(v), FieldType::Real) => v
                    .as_f64()
                    .filter(|x| x.is_finite())
                    .map_or(Value::Null, Value::Real),
                (Some(v), FieldType::Date) => v
                    .as_str()
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                    .map_or(Value::Null, Value::Date),
                (Some(Json::String(s)), _) => Value::Text(s.clone()),
                (Some(v), _) => Value::Text(v.to_string()),
            })
            .collect()
    }
}

/// Whether text is exactly a valid `YYYY-MM-DD` date.
fn is_iso_date(s: &str) -> bool {
    s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_fields_get_one_type_each() {
        let a =
            json!({"floors": 3, "height": 12.5, "opened": "2001-05-01", "note": "x", "mixed": 1});
        let b = json!({"floors": 4, "height": 9, "opened": "2003-07-09", "mixed": "two", "name": "clash"});
        let maps = [
            a.as_object().unwrap().clone(),
            b.as_object().unwrap().clone(),
        ];
        let ex = ExtraFields::infer(maps.iter(), &[("name", FieldType::Text)]);
        let schema = ex.schema();
        let get = |n: &str| schema.iter().find(|(k, _)| k == n).map(|(_, t)| *t);
        assert_eq!(get("floors"), Some(FieldType::Integer));
        assert_eq!(get("height"), Some(FieldType::Real));
        assert_eq!(get("opened"), Some(FieldType::Date));
        assert_eq!(get("mixed"), Some(FieldType::Text));
        assert_eq!(
            get("prop_name"),
            Some(FieldType::Text),
            "a clash with a fixed field is renamed"
        );
        let va = ex.values(&maps[0]);
        let i = schema.iter().position(|(k, _)| k == "mixed").unwrap();
        assert_eq!(va[i], Value::Text("1".into()));
        let h = schema.iter().position(|(k, _)| k == "height").unwrap();
        assert_eq!(ex.values(&maps[1])[h], Value::Real(9.0));
    }

    #[test]
    fn given_reals_are_kept_unrounded() {
        let m = json!({"height": 12.345_678_901_234_5})
            .as_object()
            .unwrap()
            .clone();
        let ex = ExtraFields::infer(std::iter::once(&m), &[]);
        assert_eq!(ex.values(&m), vec![Value::Real(12.345_678_901_234_5)]);
    }

    #[test]
    fn real_rounds_and_drops_non_finite() {
        assert_eq!(Value::real(Some(26.2549), 2), Value::Real(26.25));
        assert_eq!(Value::real(Some(f64::NAN), 2), Value::Null);
        assert_eq!(Value::real(Some(-0.0001), 2), Value::Real(0.0));
    }
}
