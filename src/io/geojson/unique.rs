//! JSON read into serde_json's tree with every object's member names checked
//! to be unique. A repeated name makes the evidence ambiguous (serde_json,
//! GDAL, QGIS and Python silently keep the last value, other tools the
//! first), so it is refused rather than resolved by a rule nobody chose.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A JSON value whose objects give each member once.
pub(crate) struct Unique(pub Value);

/// The start of the message for a repeated member name.
const REPEATED: &str = "repeated member name ";

/// The repeated name (as a JSON string, quotes included) in the message of
/// an error met reading a [`Unique`], without serde_json's position.
pub(crate) fn repeated_key(message: &str) -> Option<&str> {
    message.strip_prefix(REPEATED)
}

/// Whether `text` is one JSON value whose objects give each member once.
pub(crate) fn is_unique(text: &str) -> bool {
    serde_json::from_str::<Unique>(text).is_ok()
}

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Unique::deserialize(d).map(|u| u.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Unique(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                let shown = Value::String(key).to_string();
                return Err(de::Error::custom(format!("{REPEATED}{shown}")));
            }
            let Unique(v) = map.next_value()?;
            members.insert(key, v);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads_and_refuses_repeated_names() {
        for text in [
            r#"{"a":[1,-2,3.5e3,null,true,"x\u0000"],"b":{"c":{}},"d":18446744073709551615}"#,
            r#"[{"a":1},{"a":2}]"#,
            r#""\ud83d\ude00""#,
        ] {
            let plain: Value = serde_json::from_str(text).unwrap();
            let Unique(unique) = serde_json::from_str(text).unwrap();
            assert_eq!(unique, plain, "{text}");
        }
        for (text, key) in [
            (r#"{"a":1,"a":1}"#, r#""a""#),
            (r#"{"p":{"x":[{"k\n":1,"k\n":2}]}}"#, r#""k\n""#),
            (r#"{"a":1,"\u0061":2}"#, r#""a""#),
        ] {
            let e = serde_json::from_str::<Unique>(text)
                .err()
                .unwrap()
                .to_string();
            let what = e.rsplit_once(" at line ").unwrap().0;
            assert_eq!(repeated_key(what), Some(key), "{text}: {e}");
        }
    }
}
