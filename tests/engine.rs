//! The library's proximity engine as a library user drives it: incidents read
//! from bytes (format sniffed), answered in one batch and as a stream, the
//! CSV written as the batches come; checked against a scan of every site and
//! against the sequential table writer.

use geo_types::{LineString, Point, Polygon};
use impactmap::io::csv::CsvColumns;
use impactmap::io::read::{self, IncidentFormat};
use impactmap::io::table::{write_table, CsvStream, TableFormat};
use impactmap::model::{Site, SiteGeometry};
use impactmap::proximity::{exact, Engine, Options};

/// A small deterministic generator (64-bit LCG), so the case is the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 300 footprints (squares of 10 to 40 m) and 20 point sites around Kyiv,
/// and 700 incidents as CSV text.
fn case() -> (Vec<Site>, String) {
    let mut rng = Lcg(11);
    let mut sites = Vec::new();
    for i in 0..320 {
        let (x, y) = (30.45 + rng.next() * 0.15, 50.40 + rng.next() * 0.10);
        let geometry = if i % 16 == 0 {
            SiteGeometry::Point(Point::new(x, y))
        } else {
            let d = (10.0 + rng.next() * 30.0) / 111_000.0;
            let ring = vec![
                (x, y),
                (x + d * 1.5, y),
                (x + d * 1.5, y + d),
                (x, y + d),
                (x, y),
            ];
            SiteGeometry::Polygon(Polygon::new(LineString::from(ring), vec![]))
        };
        sites.push(Site::new(&format!("s{i}"), "building", geometry));
    }
    let mut csv = String::from("id,date,latitude,longitude\n");
    for i in 0..700 {
        let (x, y) = (30.44 + rng.next() * 0.17, 50.39 + rng.next() * 0.12);
        csv.push_str(&format!("k{i},2024-05-{:02},{y:.7},{x:.7}\n", 1 + i % 28));
    }
    (sites, csv)
}

#[test]
fn the_engine_finds_what_a_scan_finds_in_one_batch_and_as_a_stream() {
    let (sites, csv) = case();
    assert_eq!(IncidentFormat::sniff(csv.as_bytes()), IncidentFormat::Csv);
    let columns = CsvColumns::default();
    let incidents = read::incidents_from_reader(csv.as_bytes(), "k.csv", &sites, &columns).unwrap();
    assert_eq!(incidents.len(), 700);
    let engine = Engine::new(&sites, Options::default());
    let rows = engine.rows(&incidents).unwrap();
    assert_eq!(rows.len(), incidents.len());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.incident, i);
        let p = row.from.expect("a point incident");
        let scan = sites
            .iter()
            .map(|s| exact(&s.geometry, p).distance_m)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(row.distance.nominal, scan, "{}", incidents[row.incident].id);
        assert_eq!(
            exact(&sites[row.site].geometry, p).distance_m,
            scan,
            "the row's site is the nearest"
        );
    }

    // The same incidents as a stream of uneven batches, read as they come.
    let (mut streamed, mut streamed_rows) = (Vec::new(), Vec::new());
    let mut text = Vec::new();
    let mut out = CsvStream::new(&mut text, false).unwrap();
    let mut batches = 0;
    read::for_each_incident_batch_from(
        std::io::BufReader::with_capacity(4096, csv.as_bytes()),
        "k.csv",
        &sites,
        &columns,
        |batch| {
            batches += 1;
            for part in batch.chunks(37) {
                let by_incident = engine.rows_by_incident(part).unwrap();
                out.write_batch(&by_incident, &sites, part).unwrap();
                engine
                    .extend(&mut streamed, &mut streamed_rows, part.to_vec())
                    .unwrap();
            }
            Ok::<_, impactmap::io::InputError>(())
        },
    )
    .unwrap();
    out.into_inner().unwrap();
    assert!(batches >= 1);
    assert_eq!(streamed, incidents);
    assert_eq!(streamed_rows, rows, "rows numbered from the stream's start");

    // The CSV written batch by batch on all cores is the table's CSV.
    let mut whole = Vec::new();
    write_table(&mut whole, TableFormat::Csv, &rows, &sites, &incidents).unwrap();
    assert_eq!(
        String::from_utf8(text).unwrap(),
        String::from_utf8(whole).unwrap()
    );
}

#[test]
fn incidents_read_alike_from_a_path_and_from_bytes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let sites = read::sites(&dir.join("sites.geojson")).unwrap();
    let bytes = std::fs::read(dir.join("sites.geojson")).unwrap();
    assert_eq!(read::sites_from_bytes(&bytes, "sites").unwrap(), sites);
    let path = dir.join("incidents.geojson");
    let columns = CsvColumns::default();
    let from_path = read::incidents(&path, &sites, &columns).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        IncidentFormat::sniff(&bytes),
        IncidentFormat::GeoJson { sequence: true }
    );
    let from_bytes =
        read::incidents_from_reader(&bytes[..], "incidents", &sites, &columns).unwrap();
    assert_eq!(from_bytes, from_path);
    assert!(!from_path.is_empty());
    let err = read::incidents(&dir.join("case.toml"), &sites, &columns).unwrap_err();
    assert!(err.to_string().contains("unknown format"), "{err}");
}
