//! The fast path for site features: coordinates go straight from the bytes
//! into `Vec<Coord>` rings, with no JSON tree in between; properties become a
//! JSON map as usual.
//!
//! It takes ordinary, valid features only. Anything else (a position out of
//! range, an unexpected shape, invalid JSON) is left to the general path,
//! which gives the same result and the precise error message.

use super::unique::Unique;
use super::{
    check_lon_lat, id_from, polygon_from_rings, site_from_parts, Ctx, Parsed, PropRef, Props,
};
use crate::io::InputError;
use crate::model::{Incident, Site, SiteGeometry, Text};
use geo_types::{Coord, MultiPolygon, Point};
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// A Feature as far as a site needs it; other members are skipped.
#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    id: Option<Value>,
    #[serde(borrow)]
    properties: Option<PropList<'a>>,
    #[serde(borrow)]
    geometry: Option<&'a RawValue>,
}

/// Properties in input order, names and plain strings borrowed from the input
/// (a name with escapes, or given twice, sends the feature to the general path,
/// which says what is wrong).
#[derive(Default)]
pub(crate) struct PropList<'a>(pub(crate) Vec<(&'a str, PropVal<'a>)>);

/// A property value: a string without escapes, borrowed, or any JSON value.
pub(crate) enum PropVal<'a> {
    Str(&'a str),
    Json(Value),
}

impl<'a> PropList<'a> {
    /// The properties of a `properties` member's text (`None` inside for
    /// `null`), or `None` when the text is anything else or unusual.
    fn read(raw: &'a str) -> Option<Option<PropList<'a>>> {
        if raw == "null" {
            return Some(None);
        }
        let mut props: Vec<(&str, PropVal)> = Vec::with_capacity(4);
        super::coords::members(raw, |key, value| {
            let value = match super::coords::plain_string(value) {
                Some(s) => PropVal::Str(s),
                None => PropVal::Json(serde_json::from_str::<Unique>(value).ok()?.0),
            };
            props.push((key, value));
            Some(())
        })?;
        let list = PropList(props);
        list.names_unique().then_some(Some(list))
    }
}

impl PropList<'_> {
    /// Whether no name is given twice: compared pairwise for the few
    /// properties a feature usually has, sorted for many.
    fn names_unique(&self) -> bool {
        let names = &self.0;
        if names.len() <= 16 {
            return names
                .iter()
                .enumerate()
                .all(|(i, (k, _))| names[..i].iter().all(|(j, _)| j != k));
        }
        let mut sorted: Vec<&str> = names.iter().map(|(k, _)| *k).collect();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    }
}

impl Props for PropList<'_> {
    fn prop(&self, key: &str) -> Option<PropRef<'_>> {
        let (_, v) = self.0.iter().rev().find(|(k, _)| *k == key)?;
        Some(match v {
            PropVal::Str(s) => PropRef::Str(s),
            PropVal::Json(v) => PropRef::of(v),
        })
    }

    fn leftover(self, known: &[&str]) -> Map<String, Value> {
        self.0
            .into_iter()
            .filter(|(k, _)| !known.contains(k))
            .map(|(k, v)| {
                let v = match v {
                    PropVal::Str(s) => Value::String(s.to_string()),
                    PropVal::Json(v) => v,
                };
                (k.to_string(), v)
            })
            .collect()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for PropList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PropList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_map<M: de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<PropList<'a>, M::Error> {
                let mut props = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some((k, v)) = map.next_entry::<&'de str, Value>()? {
                    props.push((k, PropVal::Json(v)));
                }
                Ok(PropList(props))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    coordinates: Option<Coordinates>,
}

/// GeoJSON `coordinates` of any nesting depth, lon/lat degrees.
pub(super) enum Coordinates {
    Empty,
    Position(Coord<f64>),
    Line(Vec<Coord<f64>>),
    Polygon(Vec<Vec<Coord<f64>>>),
    Multi(Vec<Vec<Vec<Coord<f64>>>>),
}

/// The site of one feature, or `None` to leave the feature to the general path.
pub(super) fn site(
    file: &str,
    index: usize,
    bytes: &[u8],
) -> Option<Result<(Site, Option<Text>), InputError>> {
    let text = std::str::from_utf8(bytes).ok()?;
    match super::coords::feature(text) {
        Some(f) => site_from_text(file, index, f),
        None => {
            // The members this path skips are checked as the general path checks them.
            if !super::unique::is_unique(text) {
                return None;
            }
            let raw: RawFeature = serde_json::from_str(text).ok()?;
            if raw.kind.as_deref() != Some("Feature") {
                return None;
            }
            let g = raw.geometry?.get();
            let geometry = match super::coords::geometry(g) {
                Some((kind, c)) => (Cow::Borrowed(kind), c),
                None => {
                    let g: RawGeometry = serde_json::from_str(g).ok()?;
                    (g.kind, g.coordinates?)
                }
            };
            build(file, index, raw.id, raw.properties, geometry)
        }
    }
}

/// The incident of a Point feature with plain properties, read without a
/// JSON tree, or `None` to leave the feature to the general path.
pub(super) fn incident(
    file: &str,
    index: usize,
    bytes: &[u8],
    sites: &super::KnownSites,
) -> Option<Result<Incident, InputError>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let f = super::coords::feature(text)?;
    let ("Point", Coordinates::Position(c)) = f.geometry else {
        return None;
    };
    check_lon_lat(c.x, c.y).ok()?;
    let (id, props) = id_and_properties(f.id, f.properties)?;
    let (ctx, props) = context(file, index, id, props);
    let point = Ok(Some(Parsed::Point(Point(c))));
    Some(super::parse_incident(&ctx, props, point, sites))
}

/// The site of a feature split by the hand reader (the common case: the
/// geometry read by hand, plain properties borrowed), or `None` to leave the
/// feature to the general path.
pub(super) fn site_from_text(
    file: &str,
    index: usize,
    f: super::coords::FeatureText<'_>,
) -> Option<Result<(Site, Option<Text>), InputError>> {
    let (id, props) = id_and_properties(f.id, f.properties)?;
    let (kind, coordinates) = f.geometry;
    build(file, index, id, props, (Cow::Borrowed(kind), coordinates))
}

/// A feature's `id` and `properties` from their raw texts (either may be
/// absent), or `None` when either is unusual.
fn id_and_properties<'a>(
    id: Option<&str>,
    properties: Option<&'a str>,
) -> Option<(Option<Value>, Option<PropList<'a>>)> {
    let id = match id {
        Some(raw) => Some(serde_json::from_str::<Unique>(raw).ok()?.0),
        None => None,
    };
    let props = match properties {
        Some(raw) => PropList::read(raw)?,
        None => None,
    };
    Some((id, props))
}

/// Where a feature is, for messages (its id from the `id` member, else the
/// `id` property), and its properties (none when absent).
fn context<'f, 'a>(
    file: &'f str,
    index: usize,
    id: Option<Value>,
    props: Option<PropList<'a>>,
) -> (Ctx<'f>, PropList<'a>) {
    let props = props.unwrap_or_default();
    let id = id_from(id.as_ref(), props.prop("id"));
    (Ctx { file, index, id }, props)
}

/// The site from a feature's parts, however they were read.
fn build(
    file: &str,
    index: usize,
    id: Option<Value>,
    props: Option<PropList<'_>>,
    (kind, coordinates): (Cow<'_, str>, Coordinates),
) -> Option<Result<(Site, Option<Text>), InputError>> {
    let (ctx, props) = context(file, index, id, props);
    let in_range = |ring: &[Coord<f64>]| ring.iter().all(|c| check_lon_lat(c.x, c.y).is_ok());
    let geometry = match (kind.as_ref(), coordinates) {
        ("Point", Coordinates::Position(c)) if in_range(&[c]) => SiteGeometry::Point(Point(c)),
        ("Polygon", Coordinates::Polygon(rings)) if rings.iter().all(|r| in_range(r)) => {
            match polygon_from_rings(&ctx, rings, "geometry.coordinates") {
                Ok(p) => SiteGeometry::Polygon(p),
                Err(e) => return Some(Err(e)),
            }
        }
        ("MultiPolygon", Coordinates::Multi(polys))
            if polys.iter().flatten().all(|r| in_range(r)) =>
        {
            let mut out = Vec::with_capacity(polys.len());
            for (i, rings) in polys.into_iter().enumerate() {
                match polygon_from_rings(&ctx, rings, &format!("geometry.coordinates[{i}]")) {
                    Ok(p) => out.push(p),
                    Err(e) => return Some(Err(e)),
                }
            }
            SiteGeometry::MultiPolygon(MultiPolygon(out))
        }
        _ => return None,
    };
    let site = site_from_parts(&ctx, props, Some(geometry));
    Some(site.map(|s| (s, ctx.id)))
}

impl<'de> Deserialize<'de> for Coordinates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(CoordinatesVisitor)
    }
}

struct CoordinatesVisitor;

impl<'de> Visitor<'de> for CoordinatesVisitor {
    type Value = Coordinates;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("GeoJSON coordinates")
    }

    /// The first element tells the depth; the rest are read as that type.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coordinates, A::Error> {
        let Some(first) = seq.next_element::<Element>()? else {
            return Ok(Coordinates::Empty);
        };
        Ok(match first {
            Element::Number(x) => {
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Coordinates::Position(Coord { x, y })
            }
            Element::Nested(Coordinates::Position(c)) => {
                Coordinates::Line(rest(seq, c, |Pos(c)| c)?)
            }
            Element::Nested(Coordinates::Line(r)) => {
                Coordinates::Polygon(rest(seq, r, |Ring(r)| r)?)
            }
            Element::Nested(Coordinates::Polygon(p)) => {
                Coordinates::Multi(rest(seq, p, |Rings(p)| p)?)
            }
            Element::Nested(_) => {
                return Err(de::Error::custom("coordinates nested too deep, or empty"))
            }
        })
    }
}

/// `first` followed by the remaining elements of `seq`, each read as `E`.
fn rest<'de, A: SeqAccess<'de>, E: Deserialize<'de>, T>(
    mut seq: A,
    first: T,
    unwrap: impl Fn(E) -> T,
) -> Result<Vec<T>, A::Error> {
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4) + 1);
    out.push(first);
    while let Some(e) = seq.next_element::<E>()? {
        out.push(unwrap(e));
    }
    Ok(out)
}

/// An element of a coordinates array: a number or a nested array.
enum Element {
    Number(f64),
    Nested(Coordinates),
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or an array")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Element, E> {
                Ok(Element::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Element, E> {
                Ok(Element::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Element, E> {
                Ok(Element::Number(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
                CoordinatesVisitor.visit_seq(seq).map(Element::Nested)
            }
        }
        d.deserialize_any(V)
    }
}

/// A position `[lon, lat, …]`.
struct Pos(Coord<f64>);

impl<'de> Deserialize<'de> for Pos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pos;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pos, A::Error> {
                let x: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Pos(Coord { x, y }))
            }
        }
        d.deserialize_seq(V)
    }
}

/// A ring: positions.
struct Ring(Vec<Coord<f64>>);

impl<'de> Deserialize<'de> for Ring {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Coordinates::deserialize(d)? {
            Coordinates::Line(r) => Ok(Ring(r)),
            _ => Err(de::Error::custom("expected a ring of positions")),
        }
    }
}

/// A polygon: rings.
struct Rings(Vec<Vec<Coord<f64>>>);

impl<'de> Deserialize<'de> for Rings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Coordinates::deserialize(d)? {
            Coordinates::Polygon(p) => Ok(Rings(p)),
            _ => Err(de::Error::custom("expected a polygon's rings")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coords(json: &str) -> Coordinates {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_every_depth() {
        assert!(matches!(
            coords("[30, 50.5]"),
            Coordinates::Position(Coord { x: 30.0, y: 50.5 })
        ));
        assert!(matches!(
            coords("[30, 50.5, 120]"),
            Coordinates::Position(Coord { x: 30.0, y: 50.5 })
        ));
        assert!(matches!(coords("[[1,2],[3,4]]"), Coordinates::Line(l) if l.len() == 2));
        assert!(
            matches!(coords("[[[1,2],[3,4]],[[5,6]]]"), Coordinates::Polygon(p) if p.len() == 2 && p[1].len() == 1)
        );
        assert!(
            matches!(coords("[[[[1,2]]],[[[3,4]],[[5,6]]]]"), Coordinates::Multi(m) if m.len() == 2 && m[1].len() == 2)
        );
        assert!(matches!(coords("[]"), Coordinates::Empty));
    }

    #[test]
    fn mixed_depths_are_refused() {
        for bad in [
            "[[1,2],3]",
            "[1,[2,3]]",
            "[[[1,2]],[3,4]]",
            "[1]",
            "[\"1\",2]",
            "[[[[[1,2]]]]]",
        ] {
            assert!(serde_json::from_str::<Coordinates>(bad).is_err(), "{bad}");
        }
    }

    /// The general path: serde_json's tree, then the same site rules.
    fn general(text: &str) -> Result<(Site, Option<Text>), InputError> {
        let at = crate::io::stream::FeatureSlice {
            range: 0..text.len(),
            index: 0,
            line: 1,
            column: 1,
        };
        let feature = super::super::feature_object("f", text.as_bytes(), &at)?;
        let ctx = Ctx::new("f", 0, &feature);
        Ok((super::super::parse_site(&ctx, feature)?, ctx.id))
    }

    #[test]
    fn properties_read_as_serde_json_reads_them() {
        let g = r#"{"type":"Point","coordinates":[30.5,50.25]}"#;
        for props in [
            r#"{"id":"b1","kind":"building"}"#,
            r#"{ "id" : " b1 " , "name" : "Ünïcode ‘name’", "kind" : "hospital" }"#,
            r#"{"id":17,"levels":3,"height":12.5,"roof":null,"ok":true}"#,
            r#"{"id":"b1","name":"say \"hi\"","tags":{"a":[1,"}"]},"list":[1,2]}"#,
            r#"{"id":"b1","site":"emb","part":"gate","notified":"2022-04","position_uncertainty_m":"12.5"}"#,
            r#"{"id":"b1","address":"Street 1","operator":"AZ","position_source":"survey","kind":""}"#,
            r#"{}"#,
            r#"null"#,
        ] {
            let text =
                format!(r#"{{"type":"Feature","id":"f1","properties":{props},"geometry":{g}}}"#);
            let fast = site("f", 0, text.as_bytes()).expect("fast path takes it");
            let (a, b) = (fast.unwrap(), general(&text).unwrap());
            assert_eq!(a, b, "{props}");
        }
    }

    #[test]
    fn point_incidents_read_as_the_general_path_reads_them() {
        let sites = vec![Site::new(
            "emb",
            "embassy",
            SiteGeometry::Point(Point::new(30.0, 50.0)),
        )];
        let sites = super::super::KnownSites::new(&sites);
        let general = |text: &str| -> Result<Incident, InputError> {
            let at = crate::io::stream::FeatureSlice {
                range: 0..text.len(),
                index: 3,
                line: 1,
                column: 1,
            };
            super::super::general_incident("f", text.as_bytes(), &at, &sites)
        };
        let g = r#"{"type":"Point","coordinates":[30.5,50.25]}"#;
        for props in [
            r#"{"id":"i1","start":"2024-01-02","made":"inside"}"#,
            r#"{"id":7,"date":"2023-05","weapon":"Shahed-136","uncertainty_m":"25","sources":"Reuters"}"#,
            r#"{"id":"i1","datetime":"2024-01-02T03:04:05+02:00","time_precision":"hour","end":"2024-01-03"}"#,
            r#"{"id":"i1","start":"2024-01-02","sources":[{"title":"UN","url":"https://un.org"},"AP"],"notes":"x}, {y"}"#,
            r#"{"id":"i1","start":"2024-01-02","weapon_category":"drone","location":{"as_described":"near the gate"}}"#,
            r#"{"id":"i1","start":"2024-13-02"}"#,
            r#"{"id":"i1","start":"2024-01-02","weapon_category":"laser"}"#,
            r#"{"start":"2024-01-02"}"#,
            r#"{"id":"i1","start":"2024-01-02","uncertainty_m":-3}"#,
        ] {
            let text = format!(r#"{{"type":"Feature","properties":{props},"geometry":{g}}}"#);
            let fast = incident("f", 3, text.as_bytes(), &sites).expect("fast path takes it");
            match (fast, general(&text)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{props}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{props}"),
                (a, b) => panic!("{props}: {a:?} but {b:?}"),
            }
        }
        // Not points, or out of range: left to the general path.
        for g in [
            r#"{"type":"Point","coordinates":[300,50]}"#,
            r#"{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}"#,
        ] {
            let text = format!(
                r#"{{"type":"Feature","properties":{{"id":"i","start":"2024"}},"geometry":{g}}}"#
            );
            assert!(incident("f", 3, text.as_bytes(), &sites).is_none(), "{g}");
        }
    }

    #[test]
    fn members_given_twice_are_left_to_the_general_path_which_refuses_them() {
        let g = r#"{"type":"Point","coordinates":[30.5,50.25]}"#;
        let many: String = (0..20).map(|i| format!(r#""k{i}":{i},"#)).collect();
        for feature in [
            format!(r#"{{"type":"Feature","properties":{{"id":"b1","id":"b2"}},"geometry":{g}}}"#),
            format!(r#"{{"type":"Feature","properties":{{{many}"k3":1}},"geometry":{g}}}"#),
            format!(
                r#"{{"type":"Feature","properties":{{"id":"b1","t":{{"a":1,"a":2}}}},"geometry":{g}}}"#
            ),
            format!(
                r#"{{"type":"Feature","id":{{"a":1,"a":1}},"properties":{{}},"geometry":{g}}}"#
            ),
            format!(r#"{{"type":"Feature","x":{{"a":1,"a":1}},"properties":{{}},"geometry":{g}}}"#),
            format!(r#"{{"geometry":{g},"type":"Feature","properties":{{"a":1,"a":1}}}}"#),
        ] {
            assert!(site("f", 0, feature.as_bytes()).is_none(), "{feature}");
            let e = general(&feature).unwrap_err().to_string();
            assert!(e.contains("given twice"), "{feature}: {e}");
        }
    }

    #[test]
    fn bad_strings_are_left_to_the_general_path() {
        // A raw control character is not JSON: the general path reports it.
        for props in [
            "{\"id\":\"a\tb\"}",
            "{\"i\nd\":\"ab\"}",
            "{\"id\":\"ab\n\"}",
        ] {
            let text = format!(
                r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
            );
            assert!(site("f", 0, text.as_bytes()).is_none(), "{props}");
            assert!(general(&text).is_err(), "{props}");
        }
    }

    #[test]
    fn unusual_features_go_to_the_general_path() {
        let f =
            |g: &str| format!(r#"{{"type":"Feature","id":"a","properties":{{}},"geometry":{g}}}"#);
        assert!(site(
            "f",
            0,
            f(r#"{"type":"Point","coordinates":[30,50]}"#).as_bytes()
        )
        .is_some());
        for g in [
            "null",
            r#"{"type":"Point","coordinates":[3000000,5000000]}"#,
            r#"{"type":"Point","coordinates":[[30,50]]}"#,
            r#"{"type":"LineString","coordinates":[[30,50],[31,50]]}"#,
            r#"{"type":"GeometryCollection","geometries":[]}"#,
        ] {
            assert!(site("f", 0, f(g).as_bytes()).is_none(), "{g}");
        }
    }
}
