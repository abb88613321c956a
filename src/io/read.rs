//! A case's inputs from a path (the format told by its name), bytes or a
//! stream (the format told by its first bytes), read with safe code.
//!
//! Incidents are handed on a batch at a time as they are read, so a live
//! stream (`tail -f strikes.geojsonl | ...`) is processed as it comes.
//!
//! ```
//! use impactmap::io::read::{self, IncidentFormat};
//! use impactmap::io::csv::CsvColumns;
//!
//! let sites = read::sites_from_bytes(
//!     br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "emb",
//!         "properties": {"name": "Embassy", "kind": "embassy"},
//!         "geometry": {"type": "Point", "coordinates": [49.84, 40.37]}}]}"#,
//!     "sites.geojson",
//! )?;
//! // CSV, told from GeoJSON by its first character.
//! let text = b"id,date,latitude,longitude\nk1,2024-05-01,40.38,49.84\n";
//! assert_eq!(IncidentFormat::sniff(text), IncidentFormat::Csv);
//! let incidents = read::incidents_from_reader(&text[..], "strikes", &sites, &CsvColumns::default())?;
//! assert_eq!(incidents[0].id, "k1");
//! # Ok::<(), impactmap::io::InputError>(())
//! ```

use super::csv::CsvColumns;
use super::{geojson, InputError};
use crate::model::{Incident, Site};
use std::io::{BufRead, Read};
use std::path::Path;

pub use super::geojson::parse_sites_bytes as sites_from_bytes;
pub use super::osm::{read_sites as osm_sites, OsmError, OsmSites, TagFilter};

/// Reads the sites of the file at `path`: GeoJSON, or GeoParquet for a
/// `.parquet` name (with the `geoparquet` feature).
pub fn sites(path: &Path) -> Result<Vec<Site>, InputError> {
    #[cfg(feature = "geoparquet")]
    if super::geoparquet::is_parquet(path) {
        return super::geoparquet::read_sites(path);
    }
    geojson::read_sites(path)
}

/// How an incidents input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentFormat {
    /// GeoJSON: a FeatureCollection, or with `sequence` also Features one
    /// after another (newline-delimited or an RFC 8142 text sequence).
    GeoJson {
        /// Whether Features one after another are accepted.
        sequence: bool,
    },
    /// CSV, one incident per row with latitude and longitude columns.
    Csv,
}

impl IncidentFormat {
    /// The format a file name gives: `.csv`; `.geojson` or `.json`; `.geojsonl`,
    /// `.geojsons`, `.geojsonseq`, `.ndjson` or `.jsonl` for a sequence.
    /// `None` for any other name.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "geojson" | "json" | "geojsonl" | "geojsons" | "geojsonseq" | "ndjson" | "jsonl" => {
                Some(Self::GeoJson {
                    sequence: geojson::is_sequence_name(path),
                })
            }
            _ => None,
        }
    }

    /// The format of a stream by its first bytes: GeoJSON (a collection or a
    /// sequence) when the first character that is not white space (after a
    /// byte-order mark) is `{` or the record separator 0x1E, else CSV.
    pub fn sniff(first: &[u8]) -> Self {
        let first = first.strip_prefix(super::stream::BOM).unwrap_or(first);
        let geojson = first
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | 0x1E));
        if geojson {
            Self::GeoJson { sequence: true }
        } else {
            Self::Csv
        }
    }
}

/// Reads the incidents of the file at `path` (format by its name), a batch at
/// a time, handing each batch to `f` as soon as it is read; `relative` and
/// `within` locations must name one of `sites`. Stops at the first error, the
/// reader's or `f`'s.
pub fn for_each_incident_batch<E: From<InputError>>(
    path: &Path,
    sites: &[Site],
    columns: &CsvColumns,
    f: impl FnMut(Vec<Incident>) -> Result<(), E>,
) -> Result<(), E> {
    #[cfg(feature = "geoparquet")]
    if super::geoparquet::is_parquet(path) {
        let mut f = f;
        return f(super::geoparquet::read_incidents(path)?);
    }
    let name = path.display().to_string();
    let format = IncidentFormat::from_path(path).ok_or_else(|| {
        InputError::file(
            &name,
            "unknown format: use .geojson (or .json, .geojsonl, .ndjson) or .csv, or `-` for standard input",
        )
    })?;
    batches(geojson::open(path)?, &name, format, sites, columns, f)
}

/// Reads incidents from `reader`, a batch at a time as for
/// [`for_each_incident_batch`], the format sniffed from the first bytes
/// ([`IncidentFormat::sniff`]); `name` names the input in errors.
pub fn for_each_incident_batch_from<R: BufRead, E: From<InputError>>(
    mut reader: R,
    name: &str,
    sites: &[Site],
    columns: &CsvColumns,
    f: impl FnMut(Vec<Incident>) -> Result<(), E>,
) -> Result<(), E> {
    let first = reader
        .fill_buf()
        .map_err(|e| InputError::file(name, format!("cannot be read ({e})")))?;
    let format = IncidentFormat::sniff(first);
    batches(reader, name, format, sites, columns, f)
}

/// Every incident of the file at `path` (see [`for_each_incident_batch`]).
pub fn incidents(
    path: &Path,
    sites: &[Site],
    columns: &CsvColumns,
) -> Result<Vec<Incident>, InputError> {
    let mut all = Vec::new();
    for_each_incident_batch(path, sites, columns, |batch| {
        all.extend(batch);
        Ok::<_, InputError>(())
    })?;
    Ok(all)
}

/// Every incident read from `reader`, bytes in memory included, the format
/// sniffed (see [`for_each_incident_batch_from`]).
pub fn incidents_from_reader(
    reader: impl BufRead,
    name: &str,
    sites: &[Site],
    columns: &CsvColumns,
) -> Result<Vec<Incident>, InputError> {
    let mut all = Vec::new();
    for_each_incident_batch_from(reader, name, sites, columns, |batch| {
        all.extend(batch);
        Ok::<_, InputError>(())
    })?;
    Ok(all)
}

fn batches<E: From<InputError>>(
    reader: impl Read,
    name: &str,
    format: IncidentFormat,
    sites: &[Site],
    columns: &CsvColumns,
    mut f: impl FnMut(Vec<Incident>) -> Result<(), E>,
) -> Result<(), E> {
    match format {
        IncidentFormat::GeoJson { sequence } => {
            let mut batches = geojson::IncidentBatches::new(reader, name, sites, sequence);
            while let Some(batch) = batches.next_batch()? {
                f(batch)?;
            }
            Ok(())
        }
        IncidentFormat::Csv => csv_batches(reader, name, columns, f),
    }
}

/// Incidents handed on from CSV in batches as they are read.
fn csv_batches<E: From<InputError>>(
    reader: impl Read,
    name: &str,
    columns: &CsvColumns,
    mut f: impl FnMut(Vec<Incident>) -> Result<(), E>,
) -> Result<(), E> {
    /// Rows handed on at once.
    const BATCH: usize = 4096;
    let drained = std::cell::Cell::new(false);
    let reader = Watch {
        inner: reader,
        drained: &drained,
    };
    let mut batch = Vec::with_capacity(BATCH);
    super::csv::for_each_incident(reader, name, columns, |incident| {
        batch.push(incident);
        // When the source has nothing more for now, what was read goes out now.
        if batch.len() == BATCH || drained.get() {
            f(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))?;
        }
        Ok::<(), E>(())
    })?;
    if !batch.is_empty() {
        f(batch)?;
    }
    Ok(())
}

/// A reader that notes when a read gave less than asked (a live stream with
/// nothing more for now).
struct Watch<'a, R> {
    inner: R,
    drained: &'a std::cell::Cell<bool>,
}

impl<R: Read> Read for Watch<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.drained.set(n < buf.len());
        Ok(n)
    }
}
