//! What each fuzz target checks on one input, shared by the libFuzzer targets
//! (`fuzz/fuzz_targets/`) and the short seeded run inside `cargo test`
//! (`tests/fuzz_targets.rs`).
//!
//! Each check calls the public readers and writers and panics when a property
//! fails: a reader panicked, two ways of reading the same bytes disagree (a
//! whole buffer and a pipe giving a few bytes at a time; the parallel reader
//! and the streaming one; a FeatureCollection and the same features as a
//! sequence), an error names no file, or a writer's output does not parse with
//! a real parser (serde_json, csv, roxmltree).

use impactmap::io::csv::{read_incidents as read_csv_incidents, CsvColumns};
use impactmap::io::geojson::{parse_sites, read_sites_from, IncidentBatches};
use impactmap::io::layers::{geojson_out::write_layer, qml::style_for};
use impactmap::io::stream::FeatureStream;
use impactmap::io::table::{write_table, TableFormat, COLUMNS};
use impactmap::io::InputError;
use impactmap::layers::build_layers;
use impactmap::render::furniture;
use impactmap::render::geom::Pt;
use impactmap::render::scene::{Anchor, Weight};
use impactmap::render::{svg::to_svg, Scene};
use impactmap::report::CaseConfig;
use impactmap::style::Rgb;
use impactmap::Site;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::io::{self, Read};
use std::sync::OnceLock;

/// The name fuzzed GeoJSON goes by in messages.
const GEOJSON: &str = "fuzz.geojson";
/// The name fuzzed sequences go by in messages.
const SEQUENCE: &str = "fuzz.geojsonl";
/// The name fuzzed CSV goes by in messages.
const CSV: &str = "fuzz.csv";

/// GeoJSON sites: read whole and through a pipe a few bytes at a time, with
/// the same result; a collection that reads gives the same sites as its
/// features one per line and as an RFC 8142 text sequence.
pub fn geojson_sites(data: &[u8]) {
    let whole = read_sites_from(data, GEOJSON, false);
    let piped = read_sites_from(Pipe::new(data), GEOJSON, false);
    agree("sites read whole / through a pipe", &whole, &piped);
    if let Ok(sites) = &whole {
        for (framing, text) in as_sequences(data, sites.len()) {
            let again = read_sites_from(text.as_slice(), SEQUENCE, true);
            agree(framing, &whole, &again);
        }
    }
}

/// GeoJSON incidents (naming the bundled case's sites): as for sites.
pub fn geojson_incidents(data: &[u8]) {
    let sites = bundled_sites();
    let read = |r: &mut dyn Read, file, sequence| {
        IncidentBatches::new(r, file, sites, sequence).collect_all()
    };
    let whole = read(&mut &data[..], GEOJSON, false);
    let piped = read(&mut Pipe::new(data), GEOJSON, false);
    agree("incidents read whole / through a pipe", &whole, &piped);
    if let Ok(incidents) = &whole {
        for (framing, text) in as_sequences(data, incidents.len()) {
            let again = read(&mut text.as_slice(), SEQUENCE, true);
            agree(framing, &whole, &again);
        }
    }
}

/// GeoJSON sequences (newline-delimited or RFC 8142, as on standard input):
/// the framing gives the same features whatever the batch size and however
/// the bytes arrive; sites and incidents read the same whole and piped.
pub fn geojson_seq(data: &[u8]) {
    let whole = frames(data, 1 << 20);
    let small = frames(Pipe::new(data), 1);
    agree_frames(&whole, &small);
    let medium = frames(Pipe::new(data), 64);
    agree_frames(&whole, &medium);

    let sites = read_sites_from(data, SEQUENCE, true);
    agree(
        "sequence sites read whole / through a pipe",
        &sites,
        &read_sites_from(Pipe::new(data), SEQUENCE, true),
    );
    let read =
        |r: &mut dyn Read| IncidentBatches::new(r, SEQUENCE, bundled_sites(), true).collect_all();
    agree(
        "sequence incidents read whole / through a pipe",
        &read(&mut &data[..]),
        &read(&mut Pipe::new(data)),
    );
}

/// The parallel sites reader (taken for ordinary, valid text) gives what the
/// streaming reader gives, error or sites.
pub fn geojson_parallel(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parallel = parse_sites(text, GEOJSON);
    let streaming = read_sites_from(data, GEOJSON, false);
    agree("parallel / streaming sites reader", &parallel, &streaming);
}

/// CSV incidents: read whole and through a pipe, with the same result.
pub fn csv_incidents(data: &[u8]) {
    let columns = CsvColumns::default();
    let whole = read_csv_incidents(data, CSV, &columns);
    let piped = read_csv_incidents(Pipe::new(data), CSV, &columns);
    agree("CSV incidents read whole / through a pipe", &whole, &piped);
}

/// OpenStreetMap PBF extracts: read or refused with a message naming the file.
pub fn osm_pbf(data: &[u8]) {
    use impactmap::io::osm::{read_sites, TagFilter};
    static FILTERS: OnceLock<Vec<TagFilter>> = OnceLock::new();
    let filters = FILTERS.get_or_init(|| {
        ["building", "amenity=embassy", "office=diplomatic"]
            .iter()
            .map(|s| s.parse().expect("a valid filter"))
            .collect()
    });
    let path = std::env::temp_dir().join(format!("impactmap-fuzz-{}.osm.pbf", std::process::id()));
    std::fs::write(&path, data).expect("the temporary folder is writable");
    let read = read_sites(&path, filters);
    let _ = std::fs::remove_file(&path);
    match read {
        Ok(read) => {
            for site in &read.sites {
                assert!(!site.id.is_empty(), "an OSM site without an id: {site:?}");
            }
        }
        Err(e) => {
            let message = e.to_string();
            let name = path.file_name().unwrap().to_string_lossy();
            assert!(
                message.contains(name.as_ref()),
                "OSM error names no file: {message}"
            );
        }
    }
}

/// `case.toml`: parsed, or refused with a message.
pub fn case_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match CaseConfig::parse(text) {
        Ok(config) => drop(format!("{config:?}")),
        Err(message) => assert!(!message.trim().is_empty(), "an empty message"),
    }
}

/// Whatever text goes into ids, names, weapons, descriptions, sources and
/// property keys, every output parses: the proximity table as CSV (same cells
/// back), JSON (same strings back) and Markdown (one row per line, every
/// column), the GeoJSON layers, their QGIS styles (XML) and SVG text.
pub fn writers(data: &[u8]) {
    let texts: Vec<String> = data
        .split(|&b| b == 0xFF)
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect();
    let text = |i: usize| texts.get(i).cloned().unwrap_or_default();
    svg_text(&texts);

    let site_id = non_empty(text(0), "site");
    let sites = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": site_id,
        "geometry": {"type": "Polygon", "coordinates": [[
            [30.5, 50.45], [30.501, 50.45], [30.501, 50.451], [30.5, 50.451], [30.5, 50.45]]]},
        "properties": {"name": text(1), "kind": "embassy", "address": text(2)}
    }]});
    let incidents = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": non_empty(text(3), "incident"),
        "geometry": {"type": "Point", "coordinates": [30.502, 50.4505]},
        "properties": {
            "start": "2024-01-02", "weapon": text(4), "description": text(5),
            "sources": [{"title": text(6), "url": text(7)}],
            (non_empty(text(8), "note")): text(9)
        }
    }, {
        "type": "Feature", "id": "relative", "geometry": null,
        "properties": {"start": "2024-01-03", "location": {
            "kind": "relative", "relative_to": site_id, "distance": 35, "unit": "steps",
            "as_described": text(10)}}
    }]});
    let Some(sites) = read_or_named(parse_sites(&sites.to_string(), GEOJSON)) else {
        return;
    };
    let incidents = IncidentBatches::new(incidents.to_string().as_bytes(), GEOJSON, &sites, false)
        .collect_all();
    let Some(incidents) = read_or_named(incidents) else {
        return;
    };
    let rows = impactmap::proximity::run(&sites, &incidents, &Default::default())
        .expect("the incidents name a site that is there");
    let table = |format| {
        let mut out = Vec::new();
        write_table(&mut out, format, &rows, &sites, &incidents).expect("writing to memory");
        String::from_utf8(out).expect("tables are UTF-8")
    };
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| incidents[r.incident].id.as_str())
        .collect();
    csv_table(&table(TableFormat::Csv), &ids);
    json_table(&table(TableFormat::Json), &ids);
    markdown_table(&table(TableFormat::Markdown), rows.len());

    for layer in build_layers(&sites, &incidents, &rows, &Default::default()) {
        let mut geojson = Vec::new();
        write_layer(&mut geojson, &layer).expect("writing to memory");
        let parsed: Value = serde_json::from_slice(&geojson)
            .unwrap_or_else(|e| panic!("layer {} is not JSON ({e})", layer.name));
        let features = parsed["features"].as_array().map_or(0, Vec::len);
        assert_eq!(features, layer.features.len(), "layer {}", layer.name);
        // QGIS styles open with a DOCTYPE.
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        if let Err(e) = roxmltree::Document::parse_with_options(&style_for(&layer), options) {
            panic!(
                "style of layer {} is not XML ({e}) for texts {texts:?}",
                layer.name
            );
        }
    }
}

/// The readers' result, or `None` after checking the message names the file.
fn read_or_named<T>(read: Result<T, InputError>) -> Option<T> {
    match read {
        Ok(v) => Some(v),
        Err(e) => {
            assert_names_file(&e);
            None
        }
    }
}

/// `text`, or `fallback` where it is blank (ids must not be).
fn non_empty(text: String, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_string()
    } else {
        text
    }
}

/// Each text drawn in an SVG gives a well-formed document whose title holds
/// the text (control characters may be replaced visibly).
fn svg_text(texts: &[String]) {
    let mut scene = Scene::new(400, 100, None, Rgb(255, 255, 255));
    let drawn: Vec<&String> = texts.iter().filter(|t| !t.trim().is_empty()).collect();
    for (i, t) in drawn.iter().enumerate() {
        let at = Pt {
            x: 10.0,
            y: 20.0 + i as f64,
        };
        scene.text(furniture::text(
            t,
            at,
            12.0,
            Weight::Regular,
            Anchor::Start,
            Rgb(0, 0, 0),
        ));
    }
    let svg = to_svg(&scene);
    let doc = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|e| panic!("SVG is not well-formed XML ({e}) for texts {drawn:?}"));
    let titles: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let printable = |s: &str| -> String {
        s.chars()
            .filter(|&c| c >= ' ' && !('\u{2400}'..='\u{2426}').contains(&c))
            .filter(|c| !['\u{FFFD}', '\u{FFFE}', '\u{FFFF}'].contains(c))
            .collect()
    };
    for t in &drawn {
        let want = printable(t);
        assert!(
            titles.iter().any(|title| printable(title) == want),
            "text {t:?} is not in the SVG's titles {titles:?}"
        );
    }
}

/// The CSV table parses with the header and a full row per proximity row,
/// and gives each incident id back (or, where it could run as a formula in a
/// spreadsheet, with a leading `'`).
fn csv_table(csv_text: &str, ids: &[&str]) {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("a CSV header").clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), COLUMNS);
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the CSV table does not parse ({e}): {csv_text:?}"));
    assert_eq!(records.len(), ids.len(), "{csv_text:?}");
    for (record, id) in records.iter().zip(ids) {
        assert_eq!(record.len(), COLUMNS.len());
        let cell = &record[0];
        assert!(
            cell == *id || cell.strip_prefix('\'') == Some(id),
            "CSV cell {cell:?} for id {id:?}"
        );
    }
}

/// The JSON table parses, one object per row, with each incident id back.
fn json_table(json_text: &str, ids: &[&str]) {
    let parsed: Value = serde_json::from_str(json_text)
        .unwrap_or_else(|e| panic!("the JSON table does not parse ({e}): {json_text:?}"));
    let rows = parsed.as_array().expect("a JSON array");
    assert_eq!(rows.len(), ids.len());
    for (row, id) in rows.iter().zip(ids) {
        assert_eq!(row["incident_id"].as_str(), Some(*id));
    }
}

/// The Markdown table keeps its shape: a line per row (after the header and
/// rule), each with as many cells as the header, whatever the cells hold.
fn markdown_table(md: &str, rows: usize) {
    let lines: Vec<&str> = md.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), rows + 2, "Markdown table lines: {md:?}");
    let cells = |line: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
        }
        n
    };
    let header = cells(lines[0]);
    for line in &lines {
        assert_eq!(cells(line), header, "Markdown row {line:?} in {md:?}");
    }
}

/// The bundled case's sites: what fuzzed incidents may name.
pub fn bundled_sites() -> &'static [Site] {
    static SITES: OnceLock<Vec<Site>> = OnceLock::new();
    SITES.get_or_init(|| {
        let text = include_str!("../../geodata/azerbaijan-missions/sites.geojson");
        parse_sites(text, "sites.geojson").expect("the bundled sites read")
    })
}

/// A reader that gives its bytes a few at a time, as a pipe does.
struct Pipe<'a> {
    bytes: &'a [u8],
    /// Bytes per read: 1 to 7, varying with the input.
    chunk: usize,
}

impl<'a> Pipe<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Pipe {
            bytes,
            chunk: 1 + bytes.len() % 7,
        }
    }
}

impl Read for Pipe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Two reads of the same input agree: the same values, or both an error
/// naming the file.
fn agree<T: PartialEq + Debug>(
    what: &str,
    a: &Result<Vec<T>, InputError>,
    b: &Result<Vec<T>, InputError>,
) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert!(a == b, "{what}: different results\n{a:?}\n{b:?}"),
        // Which of two errors is reported may depend on how the bytes arrive
        // (a feature parsed before a later framing error is seen): both name
        // the file and a place in it.
        (Err(a), Err(b)) => {
            assert_names_file(a);
            assert_names_file(b);
        }
        (a, b) => panic!("{what}: one reads, the other does not\n{a:?}\n{b:?}"),
    }
}

fn assert_names_file(e: &InputError) {
    let message = e.to_string();
    assert!(
        !e.file.is_empty() && message.contains(&e.file) && !e.message.trim().is_empty(),
        "the message names no file or says nothing: {message:?}"
    );
}

/// A FeatureCollection's features one per line and as an RFC 8142 text
/// sequence, when `data` is JSON with `expected` features (two `features`
/// members, which JSON parsers resolve differently, give no sequence).
fn as_sequences(data: &[u8], expected: usize) -> Vec<(&'static str, Vec<u8>)> {
    let Ok(Value::Object(collection)) = serde_json::from_slice::<Value>(data) else {
        return Vec::new();
    };
    let Some(Value::Array(features)) = collection.get("features") else {
        return Vec::new();
    };
    if features.len() != expected {
        return Vec::new();
    }
    let (mut lines, mut rfc8142) = (Vec::new(), Vec::new());
    for f in features {
        let text = f.to_string();
        lines.extend_from_slice(text.as_bytes());
        lines.push(b'\n');
        rfc8142.push(0x1E);
        rfc8142.extend_from_slice(text.as_bytes());
        rfc8142.push(b'\n');
    }
    vec![
        ("collection / newline-delimited sequence", lines),
        ("collection / RFC 8142 sequence", rfc8142),
    ]
}

/// One framed feature: input position, line, column and bytes.
type Frame = (usize, usize, usize, Vec<u8>);

/// Every feature the stream frames, or its error's message.
fn frames(reader: impl Read, batch_bytes: usize) -> Result<Vec<Frame>, String> {
    let mut stream = FeatureStream::new(reader, batch_bytes);
    let mut out = Vec::new();
    // Each batch but the last holds a feature (a stream that never ends is
    // a hang, which libFuzzer reports).
    loop {
        let batch = stream.next_batch().map_err(|e| format!("{e:?}"))?;
        if batch.features.is_empty() {
            return Ok(out);
        }
        for f in &batch.features {
            out.push((f.index, f.line, f.column, batch.slice(f).to_vec()));
        }
    }
}

fn agree_frames(a: &Result<Vec<Frame>, String>, b: &Result<Vec<Frame>, String>) {
    assert!(
        a == b,
        "framing depends on how the bytes arrive\n{a:?}\n{b:?}"
    );
}
