//! Hostile text stays inert in every output, and the readers take what users
//! have: ids, names, properties and sources holding control characters, HTML,
//! Markdown table syntax and spreadsheet formulas go through `proximity`,
//! `layers`, `render` and `report`, and each output is read back with a real
//! parser (the `csv` crate, serde_json, roxmltree, SQLite, GDAL's `ogrinfo`).
//! Inputs with a byte-order mark are read as without one; a member given
//! twice is refused with a message naming it and the feature.

mod common;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
}

/// A formula in a site id (OWASP's example of CSV injection).
const FORMULA_ID: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
/// A site name with C0 controls (NUL included), HTML, a table pipe, a line
/// break, and U+FFFF (not an XML character).
const EVIL_NAME: &str = "Embassy \u{1}\u{0} <script>alert(1)</script> & | pipe\nnext line \u{FFFF}";
const HOSPITAL_ID: &str = "site|b\nline";
const HOSPITAL_NAME: &str = "Hospital ]](javascript:x) \u{1b}[2J";
const ID_PLUS: &str = "+1-800 <b>bold</b>";
const ID_NUMBER: &str = "-12.5";
const ID_AT: &str = "@cmd\u{7}";

fn sites_json() -> Value {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": FORMULA_ID, "properties": {
            "name": EVIL_NAME, "kind": "embassy", "notified": "2022-04",
            "position_source": "@survey <i>", "=key": "@value", "<k>|": "v\u{0}"},
         "geometry": {"type": "Polygon", "coordinates": [[
            [30.5000, 50.4500], [30.5010, 50.4500], [30.5010, 50.4506],
            [30.5000, 50.4506], [30.5000, 50.4500]]]}},
        {"type": "Feature", "id": HOSPITAL_ID, "properties": {
            "name": HOSPITAL_NAME, "kind": "hospital\u{1}<&>"},
         "geometry": {"type": "Point", "coordinates": [30.5300, 50.4600]}}
    ]})
}

fn incidents_json() -> Value {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": ID_PLUS, "properties": {
            "start": "2024-01-02", "weapon": "=1+1\u{7}", "uncertainty_m": 10,
            "description": "@evil", "damage": "x|y\nz", "notes": "line\r\nbreak <i>",
            "sources": [
                {"title": "<img src=x onerror=alert(1)>", "url": "javascript:alert(1)"},
                {"title": "ok ] [x](y)", "url": "https://example.org/a b>c"}]},
         "geometry": {"type": "Point", "coordinates": [30.5005, 50.4512]}},
        {"type": "Feature", "id": ID_NUMBER, "properties": {
            "start": "2024-02-03", "location": {"kind": "within", "site": FORMULA_ID,
            "as_described": "fell | inside\n<script>"}},
         "geometry": null},
        {"type": "Feature", "id": ID_AT, "properties": {
            "start": "2024-03-04", "weapon": "-tab\tx", "sources": "<b>wire</b>"},
         "geometry": {"type": "Point", "coordinates": [30.5302, 50.4601]}}
    ]})
}

/// A case folder with the hostile sites and incidents (and `case.toml`).
fn hostile_case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("sites.geojson"), &sites_json().to_string());
    write(
        &dir.path().join("incidents.geojson"),
        &incidents_json().to_string(),
    );
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn run(args: &[&str], dir: &Path) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn proximity_to(dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "proximity",
        "--sites",
        "sites.geojson",
        "--incidents",
        "incidents.geojson",
        "-o",
        out,
    ];
    args.extend(extra);
    ok(&run(&args, dir));
    dir.join(out)
}

#[test]
fn csv_text_cells_are_guarded_against_formulas_unless_asked_raw() {
    let case = hostile_case();
    let rows = common::read_csv(&proximity_to(case.path(), "p.csv", &[]));
    let ids: Vec<&str> = rows.iter().map(|r| r["incident_id"].as_str()).collect();
    // OWASP: a leading `'` on text that starts with = + - @; a number is left alone.
    assert_eq!(ids, ["'+1-800 <b>bold</b>", "-12.5", "'@cmd\u{7}"]);
    let sites: Vec<&str> = rows.iter().map(|r| r["site_id"].as_str()).collect();
    let guarded_formula = format!("'{FORMULA_ID}");
    assert_eq!(
        sites,
        [guarded_formula.as_str(), &guarded_formula, HOSPITAL_ID]
    );
    assert_eq!(rows[0]["weapon"], "'=1+1\u{7}");
    assert_eq!(rows[2]["weapon"], "'-tab\tx");
    for r in &rows {
        for (column, cell) in r {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(
                !risky || cell.parse::<f64>().is_ok(),
                "{column}: {cell:?} would run as a formula"
            );
        }
        // Numbers stay numbers.
        assert!(r["distance_m"].parse::<f64>().unwrap() >= 0.0);
        let lon = &r["nearest_lon"];
        assert!(lon.is_empty() || lon.parse::<f64>().unwrap() > 30.0);
    }

    // Raw on request: the cells exactly as given.
    let rows = common::read_csv(&proximity_to(case.path(), "raw.csv", &["--csv-raw-text"]));
    let ids: Vec<&str> = rows.iter().map(|r| r["incident_id"].as_str()).collect();
    assert_eq!(ids, [ID_PLUS, ID_NUMBER, ID_AT]);
    assert_eq!(rows[0]["site_id"], FORMULA_ID);
    assert_eq!(rows[2]["site_id"], HOSPITAL_ID);
}

#[test]
fn json_keeps_hostile_text_exactly() {
    let case = hostile_case();
    let path = proximity_to(case.path(), "p.json", &[]);
    let rows: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["incident_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [ID_PLUS, ID_NUMBER, ID_AT]);
    assert_eq!(rows[0]["site_id"], FORMULA_ID);
    assert_eq!(rows[0]["weapon"], "=1+1\u{7}");
    assert_eq!(rows[2]["site_id"], HOSPITAL_ID);
    assert!(rows[0]["distance_m"].is_number());
}

/// The `|` of a Markdown table row that separate cells (not escaped by `\`).
fn cell_separators(line: &str) -> usize {
    let mut chars = line.chars();
    let mut n = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

/// Markdown with no raw HTML from the inputs, no control characters, and
/// table rows that keep their columns.
fn assert_inert_markdown(md: &str) {
    for tag in ["<script", "<img", "<b>", "<i>", "</"] {
        assert!(!md.contains(tag), "raw HTML {tag} in:\n{md}");
    }
    assert!(
        !md.chars().any(|c| c.is_control() && c != '\n'),
        "a control character in:\n{md}"
    );
    assert!(!md.contains("<javascript:"), "a javascript: link in:\n{md}");
    let mut table: Option<usize> = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            table = None;
            continue;
        }
        let n = cell_separators(line);
        match table {
            None => table = Some(n),
            Some(header) => assert_eq!(n, header, "row breaks its table: {line}"),
        }
    }
}

#[test]
fn markdown_table_rows_stay_rows_and_carry_no_html() {
    let case = hostile_case();
    let md = std::fs::read_to_string(proximity_to(case.path(), "p.md", &[])).unwrap();
    assert_inert_markdown(&md);
    // A header, the separator line and one line per row.
    assert_eq!(md.lines().count(), 2 + 3, "{md}");
    assert!(md.contains("&lt;b&gt;bold&lt;/b&gt;"), "{md}");
    assert!(md.contains("site\\|b<br>line"), "{md}");
}

/// A QGIS style parsed as XML (it opens with QGIS's `<!DOCTYPE qgis …>`).
fn parse_qml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// Runs `impactmap layers` on the hostile case in `format`; the output folder.
fn layers(dir: &Path, format: &str) -> PathBuf {
    let args = [
        "layers",
        "--sites",
        "sites.geojson",
        "--incidents",
        "incidents.geojson",
        "--format",
        format,
        "-o",
        format,
    ];
    ok(&run(&args, dir));
    dir.join(format)
}

/// GDAL opens the layer file and reads its features.
fn ogrinfo_opens(path: &Path) {
    if common::tool_available(&["ogrinfo", "--version"], "apt-get install gdal-bin") {
        let o = Command::new("ogrinfo")
            .args(["-ro", "-al", "-so"])
            .arg(path)
            .output()
            .unwrap();
        ok(&o);
    }
}

#[test]
fn the_terminal_table_shows_control_characters_as_pictures() {
    let case = hostile_case();
    let text = std::fs::read_to_string(proximity_to(case.path(), "p.txt", &[])).unwrap();
    // No escape sequence (ESC [2J would clear the screen), no line break inside a row.
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("@cmd\u{2407}"), "{text}");
    assert!(text.contains("site|b\u{240a}line"), "{text}");
}

#[test]
fn layers_keep_hostile_text_and_stay_readable() {
    let case = hostile_case();
    let dir = layers(case.path(), "geojson");
    let sites: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("sites.geojson")).unwrap()).unwrap();
    let names: Vec<&str> = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&EVIL_NAME), "{names:?}");
    let first = &sites["features"][0]["properties"];
    assert_eq!(first["=key"], "@value");
    assert_eq!(first["<k>|"], "v\u{0}");
    let mut styles = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "qml") {
            let text = std::fs::read_to_string(&path).unwrap();
            parse_qml(&text)
                .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
            styles += 1;
        }
    }
    assert!(styles >= 2);
    ogrinfo_opens(&dir.join("sites.geojson"));
    ogrinfo_opens(&dir.join("incidents.geojson"));
}

#[test]
fn geopackage_keeps_hostile_text_and_opens_in_gdal() {
    let case = hostile_case();
    let gpkg = layers(case.path(), "gpkg").join("layers.gpkg");
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let texts = |sql: &str| -> Vec<String> {
        let mut query = db.prepare(sql).unwrap();
        let rows = query.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let names = texts("SELECT name FROM sites");
    assert!(names.iter().any(|n| n == EVIL_NAME), "{names:?}");
    // Each incident once, in the layer that can draw it.
    let mut ids = texts("SELECT id FROM incidents UNION ALL SELECT id FROM incident_areas");
    ids.sort();
    let mut expected = [ID_PLUS, ID_NUMBER, ID_AT];
    expected.sort();
    assert_eq!(ids, expected);
    // The styles stored in the GeoPackage are well-formed XML too.
    for qml in &texts("SELECT styleQML FROM layer_styles") {
        parse_qml(qml).unwrap();
    }
    ogrinfo_opens(&gpkg);
}

#[test]
fn a_control_character_in_a_property_name_is_named_with_file_and_feature() {
    let case = hostile_case();
    let mut sites = sites_json();
    sites["features"][1]["properties"]["na\u{0}me"] = json!("x");
    write(&case.path().join("bad.geojson"), &sites.to_string());
    let args = [
        "layers",
        "--sites",
        "bad.geojson",
        "--incidents",
        "incidents.geojson",
        "--format",
        "gpkg",
        "-o",
        "out",
    ];
    let o = run(&args, case.path());
    assert_eq!(o.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(msg.contains("bad.geojson"), "{msg}");
    assert!(msg.contains("feature 2"), "{msg}");
    assert!(msg.contains(r#""na\u0000me""#), "{msg}");
    assert!(!case.path().join("out/layers.gpkg").exists());

    // The same in a CSV header.
    write(
        &case.path().join("bad.csv"),
        "id,date,lat,lon,no\u{1}te\na,2024-01-02,50.45,30.5,x\n",
    );
    let args = [
        "proximity",
        "--sites",
        "sites.geojson",
        "--incidents",
        "bad.csv",
    ];
    let o = run(&args, case.path());
    assert_eq!(o.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(msg.contains("bad.csv") && msg.contains("line 1"), "{msg}");
    assert!(msg.contains(r#""no\u0001te""#), "{msg}");
}

/// Parses an SVG with a real XML parser; the text of every label.
fn svg_labels(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
    doc.descendants()
        .filter_map(|n| n.attribute("aria-label"))
        .map(str::to_string)
        .collect()
}

#[test]
fn maps_render_hostile_names_as_well_formed_svg_and_png() {
    let case = hostile_case();
    for out in ["map.svg", "map.png"] {
        let args = [
            "render",
            "--sites",
            "sites.geojson",
            "--incidents",
            "incidents.geojson",
            "--basemap",
            "none",
            "--title",
            "Title \u{2}<b>",
            "-o",
            out,
        ];
        ok(&run(&args, case.path()));
    }
    let labels = svg_labels(&case.path().join("map.svg"));
    // Control characters shown as control pictures, never raw.
    assert!(
        labels.iter().any(|l| l.contains("Title \u{2402}<b>")),
        "{labels:?}"
    );
    assert!(labels
        .iter()
        .all(|l| !l.contains(['\u{0}', '\u{1}', '\u{2}', '\u{FFFF}'])));
    let png = std::fs::File::open(case.path().join("map.png")).unwrap();
    let info = png::Decoder::new(png).read_info().unwrap();
    assert!(info.info().width > 100);

    let args = [
        "timeline",
        "--sites",
        "sites.geojson",
        "--incidents",
        "incidents.geojson",
        "-o",
        "t.svg",
    ];
    ok(&run(&args, case.path()));
    svg_labels(&case.path().join("t.svg"));
}

#[test]
fn report_keeps_hostile_text_inert() {
    let case = hostile_case();
    // A byte-order mark in case.toml, as Windows editors write it.
    write(
        &case.path().join("case.toml"),
        "\u{feff}title = \"Strikes <script>x</script> | near\"\n",
    );
    // The report goes outside the case: a folder inside it is refused.
    let outputs = tempfile::tempdir().unwrap();
    let out = outputs.path().join("out");
    let o = run(
        &[
            "report",
            ".",
            "-o",
            out.to_str().unwrap(),
            "--basemap",
            "none",
        ],
        case.path(),
    );
    ok(&o);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_inert_markdown(&md);
    assert!(
        md.starts_with("# Strikes &lt;script&gt;x&lt;/script&gt; \\| near"),
        "{md}"
    );
    // The sources: a web address is a link, a javascript: one is text.
    assert!(md.contains("<https://example.org/a%20b%3Ec>"), "{md}");
    let mut svgs = 0;
    for entry in std::fs::read_dir(out.join("maps")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            svg_labels(&path);
            svgs += 1;
        }
    }
    assert!(svgs >= 1);
    let rows = common::read_csv(&out.join("proximity.csv"));
    assert_eq!(rows[0]["incident_id"], "'+1-800 <b>bold</b>");
}

const BOM: &str = "\u{feff}";

/// `proximity` to CSV on standard output, the incidents from a file or piped in.
fn proximity_stdout(dir: &Path, sites: &str, incidents: &str, stdin: Option<&[u8]>) -> Output {
    let mut cmd = bin();
    cmd.args(["proximity", "--sites", sites, "--incidents", incidents])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn a_byte_order_mark_is_skipped_in_every_reader() {
    let case = hostile_case();
    let dir = case.path();
    let sites = sites_json().to_string();
    let incidents = incidents_json().to_string();
    let features = incidents_json()["features"].clone();
    let lines: String = features
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{f}\n"))
        .collect();
    let csv = "id,date,lat,lon\nk1,2024-01-02,50.4512,30.5005\nk2,2024-01-03,50.4601,30.5302\n";
    write(&dir.join("bom-sites.geojson"), &format!("{BOM}{sites}"));
    write(&dir.join("bom-inc.geojson"), &format!("{BOM}{incidents}"));
    write(&dir.join("bom-inc.geojsonl"), &format!("{BOM}{lines}"));
    write(&dir.join("inc.geojsonl"), &lines);
    write(&dir.join("inc.csv"), csv);
    write(&dir.join("bom-inc.csv"), &format!("{BOM}{csv}"));

    let expected = proximity_stdout(dir, "sites.geojson", "incidents.geojson", None);
    ok(&expected);
    let expected_csv = proximity_stdout(dir, "sites.geojson", "inc.csv", None);
    ok(&expected_csv);
    let cases: [(&str, &str, Option<String>, &Output); 6] = [
        ("bom-sites.geojson", "incidents.geojson", None, &expected),
        ("sites.geojson", "bom-inc.geojson", None, &expected),
        ("sites.geojson", "bom-inc.geojsonl", None, &expected),
        (
            "sites.geojson",
            "-",
            Some(format!("{BOM}{incidents}")),
            &expected,
        ),
        ("sites.geojson", "bom-inc.csv", None, &expected_csv),
        (
            "sites.geojson",
            "-",
            Some(format!("{BOM}{csv}")),
            &expected_csv,
        ),
    ];
    for (sites, incidents, stdin, expected) in cases {
        let o = proximity_stdout(dir, sites, incidents, stdin.as_deref().map(str::as_bytes));
        ok(&o);
        assert_eq!(o.stdout, expected.stdout, "{sites} {incidents}");
    }
}

/// Runs `proximity` and returns its message, which must be a refusal (exit 2).
fn refused(dir: &Path, sites: &str, incidents: &str, stdin: Option<&[u8]>) -> String {
    let o = proximity_stdout(dir, sites, incidents, stdin);
    let msg = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{sites} {incidents}: {msg}");
    msg
}

#[test]
fn a_member_given_twice_is_refused_with_its_name_and_feature() {
    let case = hostile_case();
    let dir = case.path();
    let point = r#"{"type":"Point","coordinates":[30.5,50.45]}"#;
    let site =
        |props: &str| format!(r#"{{"type":"Feature","properties":{props},"geometry":{point}}}"#);
    let a = site(r#"{"id":"a","name":"A"}"#);
    let b = site(r#"{"id":"b","name":"B"}"#);
    let cases = [
        // Two `features` arrays: merged before, while GDAL keeps the last.
        (
            format!(r#"{{"type":"FeatureCollection","features":[{a}],"features":[{b}]}}"#),
            "`features` twice",
        ),
        (
            format!(
                r#"{{"type":"FeatureCollection","type":"FeatureCollection","features":[{a}]}}"#
            ),
            "`type` twice",
        ),
        // Inside a feature: the properties, a property, the id.
        (
            format!(
                r#"{{"type":"FeatureCollection","features":[{a},{}]}}"#,
                site(r#"{"id":"b","name":"B","name":"C"}"#)
            ),
            r#"feature 2 (id "b"): `"name"`"#,
        ),
        (
            format!(
                r#"{{"type":"FeatureCollection","features":[{a},{{"type":"Feature","id":"b","id":"c","properties":{{}},"geometry":{point}}}]}}"#
            ),
            r#"`"id"`"#,
        ),
        (
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"a","tags":{{"x":1,"x":2}}}},"geometry":{point}}}]}}"#
            ),
            r#"feature 1 (id "a"): `"x"`"#,
        ),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let name = format!("dup{i}.geojson");
        write(&dir.join(&name), text);
        let msg = refused(dir, &name, "incidents.geojson", None);
        assert!(msg.contains(&name) && msg.contains(words), "{text}\n{msg}");
        assert!(msg.contains("twice"), "{msg}");
    }

    // Incidents, from a file and on standard input, through the fast and general paths.
    let point_incident = r#"{"type":"Feature","properties":{"id":"i1","start":"2024-01-02","start":"2024-01-03"},"geometry":{"type":"Point","coordinates":[30.5,50.45]}}"#;
    let within = r#"{"type":"Feature","properties":{"id":"i2","start":"2024-01-02","location":{"kind":"within","site":"a","site":"b"}},"geometry":null}"#;
    for feature in [point_incident, within] {
        let text = format!(r#"{{"type":"FeatureCollection","features":[{feature}]}}"#);
        write(&dir.join("dup-inc.geojson"), &text);
        let msg = refused(dir, "sites.geojson", "dup-inc.geojson", None);
        assert!(
            msg.contains("dup-inc.geojson") && msg.contains("twice"),
            "{msg}"
        );
        let msg = refused(dir, "sites.geojson", "-", Some(text.as_bytes()));
        assert!(
            msg.contains("standard input") && msg.contains("twice"),
            "{msg}"
        );
    }

    // CSV: two columns of the same name.
    write(
        &dir.join("dup.csv"),
        "id,date,lat,lon,note,Note\na,2024-01-02,50.45,30.5,x,y\n",
    );
    let msg = refused(dir, "sites.geojson", "dup.csv", None);
    assert!(
        msg.contains("dup.csv") && msg.contains("columns 5 and 6"),
        "{msg}"
    );
}

#[test]
fn a_repeated_id_on_standard_input_gets_the_duplicate_id_message() {
    let case = hostile_case();
    let dir = case.path();
    let lines: Vec<String> = (0..60)
        .map(|i| {
            let id = if i == 41 { 7 } else { i };
            format!(
                r#"{{"type":"Feature","properties":{{"id":"n{id}","start":"2024-01-02"}},"geometry":{{"type":"Point","coordinates":[30.5,50.45]}}}}"#
            )
        })
        .collect();
    let text = lines.join("\n") + "\n";
    write(&dir.join("dup.geojsonl"), &text);
    let from_file = refused(dir, "sites.geojson", "dup.geojsonl", None);
    assert!(
        from_file.contains("duplicate incident id `n7`"),
        "{from_file}"
    );

    // Piped in as a live stream gives it: in two parts, the first ending
    // inside a feature, so the reader hands out a batch in between.
    let cut = text.find("\"properties\":{\"id\":\"n30\"").unwrap();
    let mut child = bin()
        .args(["proximity", "--sites", "sites.geojson", "--incidents", "-"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(&text.as_bytes()[..cut]).unwrap();
    input.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // The reader may already have stopped; what it says is what counts.
    let _ = input.write_all(&text.as_bytes()[cut..]);
    drop(input);
    let o = child.wait_with_output().unwrap();
    let msg = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{msg}");
    assert!(msg.contains("standard input"), "{msg}");
    assert!(msg.contains("duplicate incident id `n7`"), "{msg}");
}
