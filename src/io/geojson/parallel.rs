//! Sites from a FeatureCollection held whole in memory, read by all cores at
//! once.
//!
//! The `features` array is cut into chunks, one task each. A task guesses
//! where the first feature of its chunk starts, by the look of the gap
//! between two features (`}`, `,`, `{`), and reads features one after another
//! with the hand reader, each read ending where the next feature begins. Only
//! the first chunk's start is certain; the others are checked when the chunks
//! are joined in order: a chunk is kept only if the chunk before it stopped
//! exactly where it began. A wrong guess (that look inside a string or a
//! nested object) is read again from the right place, so the result never
//! depends on the guess.
//!
//! Anything unusual (a syntax error, an invalid feature, an unexpected member)
//! gives `None`: the caller then reads the file through the general streaming
//! path, which gives the same sites or the precise error message.

use super::coords::{self, skip_ws};
use super::{check_collection_type, check_legacy_crs, fast, feature_object, parse_site, Ctx};
use crate::io::stream::FeatureSlice;
use crate::io::InputError;
use crate::model::{Site, Text};
use rayon::prelude::*;
use serde_json::Value;

/// Sites read, in runs that follow one another, with the features' own ids
/// where they differ from the site ids (for messages about duplicates), by
/// position. The runs hold nothing of the text, which can go first.
pub(super) struct Read {
    runs: Vec<Vec<Site>>,
    pub feature_ids: Vec<(usize, Text)>,
}

impl Read {
    /// Every site, in input order.
    pub fn into_sites(self) -> Vec<Site> {
        let mut sites = Vec::with_capacity(self.runs.iter().map(Vec::len).sum());
        for run in self.runs {
            // Moved by all cores, each into its own part of `sites`.
            sites.par_extend(run);
        }
        sites
    }
}

/// Bytes of features per task, at least.
const MIN_CHUNK: usize = 1 << 20;

/// Reads every site of a FeatureCollection's text; `None` for anything
/// unusual (see the module documentation). Errors in the collection's own
/// members (`type`, `crs`) are reported here.
pub(super) fn read_sites(text: &str, file: &str) -> Option<Result<Read, InputError>> {
    let tasks = rayon::current_num_threads() * 4;
    read_in_chunks(text, file, (text.len() / tasks).max(MIN_CHUNK))
}

/// [`read_sites`] with chunks of `chunk` bytes.
fn read_in_chunks(text: &str, file: &str, chunk: usize) -> Option<Result<Read, InputError>> {
    let (head, first) = coords::collection_head(text)?;
    let bounds: Vec<usize> = (first..text.len()).step_by(chunk).skip(1).collect();
    let limits = |k: usize| bounds.get(k).copied().unwrap_or(text.len());
    let mut runs: Vec<Option<Run>> = (0..=bounds.len())
        .into_par_iter()
        .map(|k| {
            let start = if k == 0 {
                first
            } else {
                guess_start(text, bounds[k - 1], limits(k))?
            };
            Some(run(text, file, start, limits(k)))
        })
        .collect();
    // Join the runs in order, reading again wherever a guess was wrong.
    let mut kept = Vec::new();
    let mut feature_ids = Vec::new();
    let mut count = 0;
    let mut at = first;
    let mut close = None;
    for (k, slot) in runs.iter_mut().enumerate() {
        if at >= limits(k) {
            // The run before ended past this chunk (a feature spans it).
            continue;
        }
        let r = match slot.take() {
            Some(r) if r.start == at => r,
            _ => run(text, file, at, limits(k)),
        };
        let Ok(next) = r.next else { return None };
        feature_ids.extend(r.feature_ids.into_iter().map(|(i, id)| (count + i, id)));
        count += r.sites.len();
        kept.push(r.sites);
        match next {
            Next::Feature(p) => at = p,
            Next::Close(p) => {
                close = Some(p);
                break;
            }
        }
    }
    let tail = coords::collection_tail(text, close?)?;
    // A member given twice: the streaming path says which.
    let names: Vec<&str> = head.iter().chain(&tail).map(|(k, _)| *k).collect();
    if names
        .iter()
        .enumerate()
        .any(|(i, k)| names[..i].contains(k))
    {
        return None;
    }
    if let Err(e) = check_members(head.into_iter().chain(tail), file) {
        return Some(Err(e));
    }
    Some(Ok(Read {
        runs: kept,
        feature_ids,
    }))
}

/// The collection's own members: `type` must say FeatureCollection, a legacy
/// `crs` must name WGS84; others are ignored.
fn check_members<'a>(
    members: impl Iterator<Item = (&'a str, &'a str)>,
    file: &str,
) -> Result<(), InputError> {
    let mut typed = false;
    for (key, raw) in members {
        let value = || {
            serde_json::from_str::<Value>(raw).map_err(|e| {
                InputError::at(file, "top level", Some(key), format!("invalid JSON: {e}"))
            })
        };
        match key {
            "type" => {
                check_collection_type(value()?.as_str(), file)?;
                typed = true;
            }
            "crs" => check_legacy_crs(&value()?, file)?,
            _ => {}
        }
    }
    if typed {
        Ok(())
    } else {
        check_collection_type(None, file)
    }
}

/// Features read from one start, up to the first feature that starts at or
/// after `limit`.
struct Run {
    start: usize,
    sites: Vec<Site>,
    feature_ids: Vec<(usize, Text)>,
    /// Where reading stopped, or `Err` if it could not go on.
    next: Result<Next, ()>,
}

/// What follows the last feature of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Next {
    /// The next feature starts at this byte.
    Feature(usize),
    /// The `features` array closes at this byte (its `]`).
    Close(usize),
}

/// Reads features from byte `start` (a feature's `{`, or the array's `]`).
fn run(text: &str, file: &str, start: usize, limit: usize) -> Run {
    let mut out = Run {
        start,
        sites: Vec::with_capacity((limit.saturating_sub(start) / 200).min(1 << 20)),
        feature_ids: Vec::new(),
        next: Err(()),
    };
    let bytes = text.as_bytes();
    let mut at = start;
    if bytes.get(at) == Some(&b']') {
        out.next = Ok(Next::Close(at));
        return out;
    }
    while at < limit {
        let Some((site, id, end)) = feature(text, file, at) else {
            return out;
        };
        if let Some(id) = id.filter(|id| *id != site.id) {
            out.feature_ids.push((out.sites.len(), id));
        }
        out.sites.push(site);
        match bytes.get(end) {
            Some(b',') => at = skip_ws(bytes, end + 1),
            Some(b']') => {
                out.next = Ok(Next::Close(end));
                return out;
            }
            _ => return out,
        }
    }
    out.next = Ok(Next::Feature(at));
    out
}

/// One site feature at byte `at`: the site, the feature's own id, and the byte
/// after the feature and its trailing whitespace. `None` when the feature is
/// not valid (the general path will say why).
fn feature(text: &str, file: &str, at: usize) -> Option<(Site, Option<Text>, usize)> {
    if let Some((f, end)) = coords::feature_at(text, at) {
        if let Some(site) = fast::site_from_text(file, 0, f) {
            let (site, id) = site.ok()?;
            return Some((site, id, end));
        }
    }
    // Unusual but perhaps valid: serde_json's tree, as the streaming path does.
    let end = coords::value_end(text, at)?;
    let slice = FeatureSlice {
        range: at..end,
        index: 0,
        line: 1,
        column: 1,
    };
    let bytes = &text.as_bytes()[at..end];
    let feature = feature_object(file, bytes, &slice).ok()?;
    let ctx = Ctx::new(file, 0, &feature);
    let site = parse_site(&ctx, feature).ok()?;
    Some((site, ctx.id, skip_ws(text.as_bytes(), end)))
}

/// Where a feature probably starts in `from..limit`: the `{` of the first
/// `}` `,` `{` gap (whitespace allowed between them).
fn guess_start(text: &str, from: usize, limit: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < limit {
        let close = i + b[i..limit].iter().position(|&c| c == b'}')?;
        let comma = skip_ws(b, close + 1);
        if b.get(comma) == Some(&b',') {
            let open = skip_ws(b, comma + 1);
            if b.get(open) == Some(&b'{') {
                return Some(open);
            }
        }
        i = close + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Features of every shape the reader meets, some made to mislead the
    /// guesses (`}, {` inside strings and nested properties), some left to
    /// the general path (an exponent, an escaped name).
    fn collection(n: usize, head: &str, tail: &str) -> String {
        let mut features = Vec::new();
        for i in 0..n {
            let (x, y) = (
                30.0 + (i % 97) as f64 * 0.001,
                50.0 + (i / 97) as f64 * 0.001,
            );
            let square = |d: f64| {
                format!(
                    "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                    x + d,
                    x + d,
                    y + d,
                    y + d
                )
            };
            let f = match i % 8 {
                0 => format!(
                    r#"{{"type":"Feature","properties":{{"id":"b{i}","kind":"building"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
                    square(0.0005)
                ),
                1 => format!(
                    r#"{{ "type": "Feature", "properties": {{ "id": "b{i}", "note": "a}}, {{\"b\": 1}}" }},
  "geometry": {{ "type": "Point", "coordinates": [ {x}, {y} ] }} }}"#
                ),
                2 => format!(
                    r#"{{"type":"Feature","geometry":{{"type":"MultiPolygon","coordinates":[[{},{}]]}},"id":{i},"properties":{{"tags":{{"a":[{{"x":1}},{{"y":"}},{{"}}]}},"levels":3}}}}"#,
                    square(0.0008),
                    "[[X,Y],[X,Y2],[X2,Y2],[X2,Y],[X,Y]]"
                        .replace("X2", &(x + 0.0006).to_string())
                        .replace("Y2", &(y + 0.0006).to_string())
                        .replace('X', &(x + 0.0002).to_string())
                        .replace('Y', &(y + 0.0002).to_string())
                ),
                3 => format!(
                    r#"{{"type":"Feature","properties":{{"id":"b{i}"}},"geometry":{{"type":"Point","coordinates":[3.0e1,{y}]}}}}"#
                ),
                4 => format!(
                    r#"{{"type":"Feature","properties":{{"id":"b{i}","name":"\u0041 \"quoted\" name","notified":"2022-04"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
                    square(0.0003)
                ),
                5 => format!(
                    r#"{{"type":"Feature","properties":{{"id":"e{}","site":"emb","part":"p{i}"}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#,
                    i
                ),
                6 => format!(
                    r#"{{"type":"Feature","id":"f{i}","properties":null,"geometry":{{"type":"Point","coordinates":[{x},{y},120.5]}}}}"#
                ),
                _ => format!(
                    "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"b{i}\",\"kind\":\"hospital\",\"position_uncertainty_m\":12}},\n\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}",
                    square(0.0004)
                ),
            };
            features.push(f);
        }
        format!(
            "{{{head}\"features\": [\n{}\n]{tail}}}\n",
            features.join(",\n")
        )
    }

    /// The streaming path's reading of the same text: the reference.
    fn streamed(text: &str) -> Result<Vec<Site>, InputError> {
        super::super::read_sites_from(text.as_bytes(), "f", false)
    }

    #[test]
    fn any_chunk_size_reads_what_the_streaming_path_reads() {
        for (head, tail) in [
            (r#""type":"FeatureCollection","#, ""),
            (
                r#" "type": "FeatureCollection", "name": "sites",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
"#,
                r#", "bbox": [30, 50, 31, 51]"#,
            ),
            ("", r#","type":"FeatureCollection""#),
        ] {
            let text = collection(300, head, tail);
            let reference = streamed(&text).unwrap();
            assert_eq!(reference.len(), 300);
            for chunk in [1, 7, 64, 333, 1000, 4096, text.len()] {
                let read = read_in_chunks(&text, "f", chunk)
                    .unwrap_or_else(|| panic!("declined at chunk {chunk}"))
                    .unwrap();
                let ids = read.feature_ids.clone();
                assert_eq!(read.into_sites(), reference, "chunk {chunk}");
                // Feature ids that differ from the site id: the `site`/`part` features.
                let parts = (0..300).filter(|i| i % 8 == 5).count();
                assert_eq!(ids.len(), parts, "chunk {chunk}");
                assert!(ids.iter().all(|(i, id)| *id == format!("e{i}")));
            }
        }
    }

    #[test]
    fn empty_collections_and_errors() {
        let empty = r#"{"type":"FeatureCollection","features":[]}"#;
        let read = read_in_chunks(empty, "f", 1).unwrap().unwrap();
        assert!(read.into_sites().is_empty());
        for wrong in [
            r#"{"type":"Feature","features":[]}"#,
            r#"{"features":[]}"#,
            r#"{"type":"FeatureCollection","crs":{"properties":{"name":"EPSG:3857"}},"features":[]}"#,
        ] {
            let e = read_in_chunks(wrong, "f", 1).unwrap().err().unwrap();
            assert_eq!(e.to_string(), streamed(wrong).err().unwrap().to_string());
        }
        // A member given twice is left to the streaming path, which names it.
        let twice = r#"{"type":"Feature","features":[],"type":"FeatureCollection"}"#;
        assert!(read_in_chunks(twice, "f", 1).is_none());
        let e = streamed(twice).err().unwrap().to_string();
        assert!(e.contains("`type` twice"), "{e}");
        let text = collection(50, r#""type":"FeatureCollection","#, "");
        // Each of these is left to the streaming path, for its message.
        for bad in [
            text.replacen("[30,50]", "[300,50]", 1),
            text.replacen(r#""coordinates":[3.0e1"#, r#""coordinates":[3.0e1,"#, 1),
            text.replacen(
                r#"{"type":"Feature","properties":{"id":"b8""#,
                r#"{"type":"Feature","properties":{"id":"b8"#,
                1,
            ),
            text.replacen("\n]", "\n", 1),
            text.replacen("\n]}", "\n]}}", 1),
            text.replacen(
                r#""kind":"hospital","position_uncertainty_m":12"#,
                r#""position_uncertainty_m":-1"#,
                1,
            ),
        ] {
            assert_ne!(bad, text);
            assert!(streamed(&bad).is_err());
            for chunk in [1, 100, bad.len()] {
                assert!(read_in_chunks(&bad, "f", chunk).is_none(), "{chunk}");
            }
        }
    }
}
