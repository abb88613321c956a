//! A hand-written reader for the commonest geometry text, `{"type": …,
//! "coordinates": […]}` with plain decimal numbers: the bulk of a large sites
//! file, read several times faster than through a general JSON parser.
//!
//! It gives exactly what serde_json gives: a number with at most 15
//! significant digits and no exponent is `m / 10^k` either way, correctly
//! rounded; a longer one (the 17 digits Python and JavaScript write) or one
//! with an exponent goes through the standard library's parser, correctly
//! rounded as serde_json's `float_roundtrip` is. It declines (`None`)
//! anything else: other members, escapes, unusual nesting. The caller then
//! takes the general path.

use super::fast::Coordinates;
use geo_types::Coord;

/// `10^k` for the exponents a plain decimal can have here.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The geometry type and coordinates of a geometry object's text.
pub(super) fn geometry(text: &str) -> Option<(&str, Coordinates)> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
    };
    let g = r.geometry()?;
    r.ws();
    (r.i == r.b.len()).then_some(g)
}

/// A Feature's members as far as a site needs them: the raw JSON text of its
/// `id` and `properties`, and its geometry read.
pub(super) struct FeatureText<'a> {
    pub id: Option<&'a str>,
    pub properties: Option<&'a str>,
    pub geometry: (&'a str, Coordinates),
}

/// Splits a Feature object's text into its members, reading the geometry on
/// the way; `None` for anything unusual (a repeated or escaped member name, a
/// type other than `Feature`, a geometry it does not read).
pub(super) fn feature(text: &str) -> Option<FeatureText<'_>> {
    let (f, end) = feature_at(text, 0)?;
    (end == text.len()).then_some(f)
}

/// Reads the Feature object that starts at byte `start` of `text` (after any
/// whitespace), as [`feature`] does; returns it with the byte offset just past
/// the whitespace that follows its closing brace.
pub(super) fn feature_at(text: &str, start: usize) -> Option<(FeatureText<'_>, usize)> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: start,
    };
    r.byte(b'{')?;
    let (mut kind, mut id, mut properties, mut geometry) = (None, None, None, None);
    loop {
        let key = r.string()?;
        r.byte(b':')?;
        match key {
            b"type" if kind.is_none() => kind = Some(r.string()?),
            b"id" if id.is_none() => id = Some(r.raw_value(text)?),
            b"properties" if properties.is_none() => properties = Some(r.raw_value(text)?),
            b"geometry" if geometry.is_none() => geometry = Some(r.geometry()?),
            b"type" | b"id" | b"properties" | b"geometry" => return None,
            _ => {
                // Checked as the general path would check it.
                super::unique::is_unique(r.raw_value(text)?).then_some(())?;
            }
        }
        if !r.next_member()? {
            break;
        }
    }
    (kind == Some(b"Feature")).then_some(())?;
    let f = FeatureText {
        id,
        properties,
        geometry: geometry?,
    };
    Some((f, r.i))
}

/// The byte offset just past the JSON value that starts at `start` (after
/// any whitespace), found by its brackets and quotes; its syntax is left to
/// whoever parses it.
pub(super) fn value_end(text: &str, start: usize) -> Option<usize> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: start,
    };
    r.raw_value(text)?;
    Some(r.i)
}

/// The opening of a FeatureCollection, up to its `features` array: the
/// members before it as (name, raw value text), and the byte offset just past
/// the array's `[` (and whitespace). `None` for anything unusual.
pub(super) fn collection_head(text: &str) -> Option<(Vec<(&str, &str)>, usize)> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
    };
    r.byte(b'{')?;
    let mut members = Vec::new();
    loop {
        let key = std::str::from_utf8(r.string()?).ok()?;
        r.byte(b':')?;
        if key == "features" {
            r.byte(b'[')?;
            r.ws();
            return Some((members, r.i));
        }
        members.push((key, r.raw_value(text)?));
        r.byte(b',')?;
    }
}

/// The close of a FeatureCollection from its `features` array's `]` at byte
/// `close`: the members after the array, as (name, raw value text), up to the
/// end of the text. `None` for anything unusual.
pub(super) fn collection_tail(text: &str, close: usize) -> Option<Vec<(&str, &str)>> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: close,
    };
    r.byte(b']')?;
    let mut members = Vec::new();
    while r.peek()? == b',' {
        r.i += 1;
        let key = std::str::from_utf8(r.string()?).ok()?;
        if key == "features" {
            return None;
        }
        r.byte(b':')?;
        members.push((key, r.raw_value(text)?));
    }
    r.byte(b'}')?;
    r.ws();
    (r.i == r.b.len()).then_some(members)
}

/// Hands each member of an object's text to `member` as (name, raw value
/// text), in order; `None` for anything but a plain object (escaped names
/// included) or when `member` declines. The values' syntax is left to
/// `member`.
pub(super) fn members<'a>(
    text: &'a str,
    mut member: impl FnMut(&'a str, &'a str) -> Option<()>,
) -> Option<()> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
    };
    r.byte(b'{')?;
    if r.peek()? != b'}' {
        loop {
            let key = r.string()?;
            r.byte(b':')?;
            // Keys end at ASCII quotes, so they are whole UTF-8 strings.
            member(std::str::from_utf8(key).ok()?, r.raw_value(text)?)?;
            if !r.next_member()? {
                break;
            }
        }
    } else {
        r.i += 1;
        r.ws();
    }
    (r.i == r.b.len()).then_some(())
}

/// The content of a JSON string's text (quotes included) when it has no
/// escapes and no control characters, so it reads as written.
pub(super) fn plain_string(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    inner
        .bytes()
        .all(|c| c != b'"' && c != b'\\' && c >= 0x20)
        .then_some(inner)
}

/// The offset of the first byte at or after `i` that is not JSON whitespace.
pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    /// `{"type": …, "coordinates": […]}`, in that order.
    fn geometry(&mut self) -> Option<(&'a str, Coordinates)> {
        self.byte(b'{')?;
        self.member("type")?;
        let kind = self.string().and_then(|k| std::str::from_utf8(k).ok())?;
        self.byte(b',')?;
        self.member("coordinates")?;
        let coordinates = match kind {
            "Point" => Coordinates::Position(self.position()?),
            "Polygon" => Coordinates::Polygon(self.list(Reader::ring)?),
            "MultiPolygon" => Coordinates::Multi(self.list(|r| r.list(Reader::ring))?),
            _ => return None,
        };
        self.byte(b'}')?;
        Some((kind, coordinates))
    }

    /// The text of the JSON value that starts here (its syntax is left to
    /// whoever parses it); `text` is the whole input.
    fn raw_value(&mut self, text: &'a str) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        while let Some(&c) = self.b.get(self.i) {
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                    if depth == 0 {
                        self.i += 1;
                        break;
                    }
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => break,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            self.i += 1;
                            break;
                        }
                    }
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
            self.i += 1;
        }
        let value = text.get(start..self.i)?.trim_end();
        (!value.is_empty()).then_some(value)
    }
    fn ws(&mut self) {
        self.i = skip_ws(self.b, self.i);
    }

    /// Skips whitespace, then takes `c` if it is next.
    fn byte(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// After an object member: `Some(true)` past a `,`, `Some(false)` past
    /// the closing `}` and the whitespace after it.
    fn next_member(&mut self) -> Option<bool> {
        let more = match self.peek()? {
            b',' => true,
            b'}' => false,
            _ => return None,
        };
        self.i += 1;
        if !more {
            self.ws();
        }
        Some(more)
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.byte(b'"')?;
        let start = self.i;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        (self.b[start + len] == b'"').then_some(())?;
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    /// `"name":`
    fn member(&mut self, name: &str) -> Option<()> {
        (self.string()? == name.as_bytes()).then_some(())?;
        self.byte(b':')
    }

    /// A JSON number: optional minus, digits, optional fraction, optional exponent.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        let negative = self.b.get(self.i) == Some(&b'-');
        self.i += usize::from(negative);
        let int_start = self.i;
        let mut m = 0u64;
        let int_len = self.digits(&mut m);
        if int_len == 0 || (int_len > 1 && self.b[int_start] == b'0') {
            return None;
        }
        let mut fraction = 0;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            fraction = self.digits(&mut m);
            if fraction == 0 {
                return None;
            }
        }
        let exponent = matches!(self.b.get(self.i), Some(b'e' | b'E'));
        if int_len + fraction <= 15 && !exponent {
            let v = m as f64 / POW10[fraction];
            return Some(if negative { -v } else { v });
        }
        if exponent {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits(&mut m) == 0 {
                return None;
            }
        }
        // The token is ASCII digits and signs: always UTF-8.
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    /// Decimal digits from here, appended to `m` (wrapping: beyond 15 digits
    /// the caller parses the text instead); their count.
    #[inline]
    fn digits(&mut self, m: &mut u64) -> usize {
        let rest = &self.b[self.i..];
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        for &d in &rest[..n] {
            *m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        }
        self.i += n;
        n
    }

    /// `[lon, lat]` or `[lon, lat, height]`.
    fn position(&mut self) -> Option<Coord<f64>> {
        self.byte(b'[')?;
        let x = self.number()?;
        self.byte(b',')?;
        let y = self.number()?;
        while self.peek()? == b',' {
            self.i += 1;
            self.number()?;
        }
        self.byte(b']')?;
        Some(Coord { x, y })
    }

    fn ring(&mut self) -> Option<Vec<Coord<f64>>> {
        self.list(Reader::position)
    }

    /// `[item, item, …]` (possibly empty).
    fn list<T>(&mut self, item: impl Fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.byte(b'[')?;
        let mut out = Vec::with_capacity(5);
        if self.peek()? == b']' {
            self.i += 1;
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every coordinate, flattened, for comparison with serde_json's reading.
    fn flat(c: &Coordinates) -> Vec<f64> {
        let ring = |r: &Vec<Coord<f64>>| r.iter().flat_map(|c| [c.x, c.y]).collect::<Vec<_>>();
        match c {
            Coordinates::Empty => vec![],
            Coordinates::Position(p) => vec![p.x, p.y],
            Coordinates::Line(l) => ring(l),
            Coordinates::Polygon(p) => p.iter().flat_map(ring).collect(),
            Coordinates::Multi(m) => m.iter().flatten().flat_map(ring).collect(),
        }
    }

    fn serde_flat(v: &Value) -> Vec<f64> {
        match v {
            Value::Array(a) if a.first().is_some_and(Value::is_number) => {
                vec![a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]
            }
            Value::Array(a) => a.iter().flat_map(serde_flat).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn reads_exactly_what_serde_json_reads() {
        let texts = [
            r#"{"type":"Point","coordinates":[30.4905616,50.4608214]}"#,
            r#"{ "type" : "Point" , "coordinates" : [ -0.0000001 , -89.9999999 , 12.5 ] }"#,
            r#"{"type":"Point","coordinates":[30,50]}"#,
            r#"{"type":"Polygon","coordinates":[[[30.368945,50.3515498],[30.369194,50.3515948],[30.3691378,50.3517208],[30.368945,50.3515498]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[0.1,0.2],[0.3,0.4],[0.5,0.6],[0.1,0.2]]],[[[1.25,2.5],[3,4],[5.125,6],[1.25,2.5]],[]]]}"#,
            r#"{"type":"Polygon","coordinates":[]}"#,
            r#"{"type":"Point","coordinates":[179.99999999999,-0.12345678901234]}"#,
            // As Python and JavaScript write doubles: 17 digits, exponents.
            r#"{"type":"Point","coordinates":[30.503915428279814,50.45000000000001]}"#,
            r#"{"type":"Point","coordinates":[3e1,-5.0E+1,1.5e-7,12345678901234567890]}"#,
        ];
        for t in texts {
            let (kind, c) = geometry(t).unwrap_or_else(|| panic!("declined {t}"));
            let v: Value = serde_json::from_str(t).unwrap();
            assert_eq!(kind, v["type"].as_str().unwrap());
            let (a, b) = (flat(&c), serde_flat(&v["coordinates"]));
            assert_eq!(a.len(), b.len(), "{t}");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.to_bits(), y.to_bits(), "{t}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn long_numbers_read_as_serde_json_reads_them() {
        // Shortest round-trip texts of many doubles (up to 17 digits), and
        // with exponents: bit for bit what serde_json (float_roundtrip) reads.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let lon = (x % 360_000_000_000) as f64 / 1e9 - 180.0 + 1.0 / 3.0 * 1e-9;
            let lat = ((x >> 20) % 180_000_000) as f64 / 1e6 - 90.0;
            for t in [
                format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#),
                format!(r#"{{"type":"Point","coordinates":[{lon:e},{lat:E}]}}"#),
            ] {
                let (_, c) = geometry(&t).unwrap_or_else(|| panic!("declined {t}"));
                let v: Value = serde_json::from_str(&t).unwrap();
                let (a, b) = (flat(&c), serde_flat(&v["coordinates"]));
                assert_eq!(
                    a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    b.iter().map(|y| y.to_bits()).collect::<Vec<_>>(),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn splits_features_in_any_member_order() {
        let g = r#"{"type":"Point","coordinates":[30.5,50.25]}"#;
        for t in [
            format!(
                r#"{{"type":"Feature","id":"a","properties":{{"k":[1,"}}"]}},"geometry":{g}}}"#
            ),
            format!(
                r#"{{ "geometry" : {g} , "bbox":[1,2,3,4], "properties" : {{"k":[1,"}}"]}}, "id" : "a", "type":"Feature" }}"#
            ),
        ] {
            let f = feature(&t).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(f.id, Some(r#""a""#));
            assert_eq!(f.properties, Some(r#"{"k":[1,"}"]}"#));
            assert!(matches!(
                f.geometry,
                ("Point", Coordinates::Position(Coord { x: 30.5, y: 50.25 }))
            ));
        }
        for t in [
            format!(r#"{{"type":"Feature","type":"Feature","geometry":{g}}}"#),
            format!(r#"{{"type":"FeatureCollection","geometry":{g}}}"#),
            format!(r#"{{"typ\u0065":"Feature","geometry":{g}}}"#),
            format!(r#"{{"type":"Feature","bbox":[1,2,,"geometry":{g}}}"#),
            r#"{"type":"Feature","geometry":null}"#.to_string(),
            r#"{"type":"Feature","properties":{}}"#.to_string(),
        ] {
            assert!(feature(&t).is_none(), "{t}");
        }
    }

    #[test]
    fn declines_what_it_does_not_read_exactly() {
        for t in [
            r#"{"coordinates":[30,50],"type":"Point"}"#,
            r#"{"type":"Point","coordinates":[3e,50]}"#,
            r#"{"type":"Point","coordinates":[3e+,50]}"#,
            r#"{"type":"Point","coordinates":[030,50]}"#,
            r#"{"type":"Point","coordinates":[30.,50]}"#,
            r#"{"type":"Point","coordinates":[30]}"#,
            r#"{"type":"Point","coordinates":[30,50],"bbox":[30,50,30,50]}"#,
            r#"{"type":"LineString","coordinates":[[30,50],[31,50]]}"#,
            r#"{"type":"Polygon","coordinates":[[30,50]]}"#,
            r#"{"type":"Poi\u006et","coordinates":[30,50]}"#,
            r#"{"type":"Point","coordinates":[30,50]} x"#,
        ] {
            assert!(geometry(t).is_none(), "{t}");
        }
    }
}
