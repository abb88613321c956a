//! The proximity table as CSV, JSON, Markdown, or an aligned terminal table.
//!
//! Numbers have fixed formatting, so the same input gives the same bytes.
//! CSV and JSON are read by machines and carry figures at full precision:
//! distances to the micrometre ([`DISTANCE_DECIMALS`]), bearings to 1e-6°
//! ([`BEARING_DECIMALS`]) and the nearest point to 1e-10°
//! ([`NEAREST_POINT_DECIMALS`]). The `label` column, the Markdown table and
//! the terminal table are for people and stay rounded.

use crate::model::{Incident, Site, BEARING_DECIMALS, DISTANCE_DECIMALS, NEAREST_POINT_DECIMALS};
use crate::proximity::ProximityRow;
use std::io::{self, Write};

/// Decimal places of bearings in the tables for people (Markdown, terminal).
const READABLE_BEARING_DECIMALS: usize = 2;

/// Column names, in order. The first 13 are the stable core.
pub const COLUMNS: [&str; 19] = [
    "incident_id",
    "incident_date",
    "site_id",
    "site_part",
    "distance_m",
    "distance_min_m",
    "distance_max_m",
    "inside",
    "bearing_deg",
    "nearest_lon",
    "nearest_lat",
    "location_kind",
    "basis",
    "label",
    "after_notification",
    "site_notified",
    "weapon",
    "weapon_category",
    "time_precision",
];

/// Output formats of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects (numbers as numbers, missing values as null).
    Json,
    /// A Markdown (GitHub) table.
    Markdown,
    /// Aligned columns for reading on a terminal.
    Terminal,
}

impl TableFormat {
    /// The format for an output file name, by extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "md" | "markdown" => Some(Self::Markdown),
            "txt" => Some(Self::Terminal),
            _ => None,
        }
    }
}

/// One row's cells as text, in [`COLUMNS`] order (empty when not defined).
pub fn cells(row: &ProximityRow, sites: &[Site], incidents: &[Incident]) -> Vec<String> {
    let mut out = Vec::with_capacity(COLUMNS.len());
    let _ = for_each_cell(row, sites, incidents, &mut String::new(), |c| {
        out.push(c.to_string());
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// Hands each of a row's cells to `cell`, in [`COLUMNS`] order (empty when
/// not defined), without allocating a string per cell; `buf` is work space.
pub fn for_each_cell<E>(
    row: &ProximityRow,
    sites: &[Site],
    incidents: &[Incident],
    buf: &mut String,
    mut cell: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    use std::fmt::Write as _;
    let inc = &incidents[row.incident];
    let site = &sites[row.site];
    // Formats into `buf` and hands it on (writing to a String cannot fail).
    let mut formatted =
        |cell: &mut dyn FnMut(&str) -> Result<(), E>, args: std::fmt::Arguments| -> Result<(), E> {
            buf.clear();
            let _ = buf.write_fmt(args);
            cell(buf)
        };
    cell(&inc.id)?;
    cell(&inc.start.iso_date())?;
    cell(&site.id)?;
    cell(row.part.as_deref().unwrap_or_default())?;
    const D: usize = DISTANCE_DECIMALS;
    formatted(&mut cell, format_args!("{:.D$}", row.distance.nominal))?;
    formatted(&mut cell, format_args!("{:.D$}", row.distance.min))?;
    formatted(&mut cell, format_args!("{:.D$}", row.distance.max))?;
    cell(row.inside.as_str())?;
    match row.bearing_deg {
        Some(b) => formatted(&mut cell, format_args!("{b:.BEARING_DECIMALS$}"))?,
        None => cell("")?,
    }
    match row.nearest {
        Some(p) => {
            const C: usize = NEAREST_POINT_DECIMALS;
            formatted(&mut cell, format_args!("{:.C$}", p.x()))?;
            formatted(&mut cell, format_args!("{:.C$}", p.y()))?;
        }
        None => {
            cell("")?;
            cell("")?;
        }
    }
    cell(inc.location.kind())?;
    cell(&row.basis)?;
    formatted(&mut cell, format_args!("{}", row.distance))?;
    cell(row.after_notification.map_or("", |a| a.as_str()))?;
    cell(site.notified.as_ref().map_or("", |n| n.original.as_str()))?;
    cell(inc.weapon.as_deref().unwrap_or_default())?;
    cell(inc.weapon_category.as_str())?;
    cell(inc.time_precision.as_str())
}

/// Columns that hold numbers (their cells are never guarded as text).
const NUMERIC: [&str; 6] = [
    "distance_m",
    "distance_min_m",
    "distance_max_m",
    "bearing_deg",
    "nearest_lon",
    "nearest_lat",
];

/// A CSV text cell made safe to open in a spreadsheet (OWASP, "CSV
/// injection"): text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, so Excel and LibreOffice show it as text
/// instead of running it as a formula. A cell that reads as a number
/// (`-12.5`) is inert and left as it is.
///
/// ```
/// use impactmap::io::table::guard_csv_text;
/// assert_eq!(guard_csv_text("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(guard_csv_text("-12.5"), "-12.5");
/// assert_eq!(guard_csv_text("kyiv_2024"), "kyiv_2024");
/// ```
pub fn guard_csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Hands each of a row's cells to `cell` as a CSV writer should write them:
/// text cells guarded with [`guard_csv_text`] unless `raw_text`, numbers as
/// they are.
pub fn for_each_csv_cell<E>(
    row: &ProximityRow,
    sites: &[Site],
    incidents: &[Incident],
    buf: &mut String,
    raw_text: bool,
    mut cell: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut column = 0;
    for_each_cell(row, sites, incidents, buf, |text| {
        let numeric = NUMERIC.contains(&COLUMNS[column]);
        column += 1;
        if raw_text || numeric {
            cell(text)
        } else {
            cell(&guard_csv_text(text))
        }
    })
}

/// Writes the table in `format` (CSV text cells guarded, see [`guard_csv_text`]).
pub fn write_table(
    w: &mut dyn Write,
    format: TableFormat,
    rows: &[ProximityRow],
    sites: &[Site],
    incidents: &[Incident],
) -> io::Result<()> {
    let table =
        || -> Vec<Vec<String>> { rows.iter().map(|r| cells(r, sites, incidents)).collect() };
    match format {
        TableFormat::Csv => write_csv(w, rows, sites, incidents),
        TableFormat::Json => {
            let numeric = NUMERIC;
            let items: Vec<serde_json::Value> = table()
                .iter()
                .map(|r| {
                    let mut obj = serde_json::Map::new();
                    for (name, cell) in COLUMNS.iter().zip(r) {
                        let v = if cell.is_empty() {
                            serde_json::Value::Null
                        } else if numeric.contains(name) {
                            serde_json::from_str(cell)
                                .unwrap_or(serde_json::Value::String(cell.clone()))
                        } else {
                            serde_json::Value::String(cell.clone())
                        };
                        obj.insert(name.to_string(), v);
                    }
                    serde_json::Value::Object(obj)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *w, &items)?;
            writeln!(w)
        }
        TableFormat::Markdown => write_markdown(w, &table()),
        TableFormat::Terminal => write_terminal(w, &table()),
    }
}

/// The table as CSV, text cells guarded (see [`guard_csv_text`]).
fn write_csv(
    w: &mut dyn Write,
    rows: &[ProximityRow],
    sites: &[Site],
    incidents: &[Incident],
) -> io::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(COLUMNS)?;
    let mut buf = String::new();
    for r in rows {
        for_each_csv_cell(r, sites, incidents, &mut buf, false, |c| out.write_field(c))?;
        out.write_record(None::<&[u8]>)?;
    }
    out.flush()
}

/// The proximity table as CSV written while incidents come in batches: the
/// header at once, then each batch's rows, their text made on all cores a
/// chunk of incidents at a time and written in incident order, flushed so a
/// slow stream's rows go out now. Text cells are guarded
/// ([`guard_csv_text`]) unless `raw_text`.
pub struct CsvStream<W: Write> {
    w: W,
    raw_text: bool,
}

/// Incidents whose CSV rows one task writes.
const CSV_CHUNK: usize = 256;

impl<W: Write> CsvStream<W> {
    /// Writes the header row into `w`.
    pub fn new(w: W, raw_text: bool) -> io::Result<Self> {
        let mut out = ::csv::Writer::from_writer(w);
        out.write_record(COLUMNS)?;
        out.flush()?;
        let w = out.into_inner().map_err(|e| e.into_error())?;
        Ok(CsvStream { w, raw_text })
    }

    /// Writes a batch's rows: `rows[i]` are the rows of `incidents[i]`
    /// ([`crate::proximity::Engine::rows_by_incident`]). Nothing of the batch
    /// is written unless all of its text could be made.
    pub fn write_batch(
        &mut self,
        rows: &[Vec<ProximityRow>],
        sites: &[Site],
        incidents: &[Incident],
    ) -> io::Result<()> {
        use rayon::prelude::*;
        let raw_text = self.raw_text;
        let chunks = rows
            .par_chunks(CSV_CHUNK)
            .map(|chunk| {
                let mut csv = ::csv::Writer::from_writer(Vec::new());
                let mut buf = String::new();
                for row in chunk.iter().flatten() {
                    for_each_csv_cell(row, sites, incidents, &mut buf, raw_text, |cell| {
                        csv.write_field(cell)
                    })?;
                    csv.write_record(None::<&[u8]>)?;
                }
                csv.into_inner().map_err(|e| e.into_error())
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()?;
        for text in chunks {
            self.w.write_all(&text)?;
        }
        self.w.flush()
    }

    /// The writer, flushed.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.w.flush()?;
        Ok(self.w)
    }
}

/// The columns a reader of a report needs, with readable headers.
const READABLE: [(usize, &str); 9] = [
    (0, "Incident"),
    (1, "Date"),
    (2, "Site"),
    (3, "Part"),
    (13, "Distance"),
    (7, "Inside"),
    (8, "Bearing (°)"),
    (11, "Location"),
    (14, "After notification"),
];

/// A cell as the tables for people show it: the bearing rounded to 0.01°,
/// everything else as written for machines.
fn readable_cell(row: &[String], column: usize) -> String {
    let cell = &row[column];
    match (COLUMNS[column], cell.parse::<f64>()) {
        ("bearing_deg", Ok(b)) => format!("{b:.READABLE_BEARING_DECIMALS$}"),
        _ => cell.clone(),
    }
}

fn write_markdown(w: &mut dyn Write, table: &[Vec<String>]) -> io::Result<()> {
    let header: Vec<&str> = READABLE.iter().map(|(_, h)| *h).chain(["Basis"]).collect();
    writeln!(w, "| {} |", header.join(" | "))?;
    writeln!(
        w,
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    )?;
    for r in table {
        let cells: Vec<String> = READABLE
            .iter()
            .map(|(i, _)| readable_cell(r, *i))
            .chain([r[12].clone()])
            .map(|c| super::markdown::cell(&c))
            .collect();
        writeln!(w, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

fn write_terminal(w: &mut dyn Write, table: &[Vec<String>]) -> io::Result<()> {
    let header: Vec<String> = READABLE.iter().map(|(_, h)| h.to_string()).collect();
    let body: Vec<Vec<String>> = table
        .iter()
        .map(|r| {
            READABLE
                .iter()
                .map(|(i, _)| terminal_text(&readable_cell(r, *i)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            std::iter::once(&header)
                .chain(&body)
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &Vec<String>| -> String {
        r.iter()
            .zip(&widths)
            .map(|(c, wd)| format!("{c:<wd$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(w, "{}", line(&header))?;
    writeln!(
        w,
        "{}",
        widths
            .iter()
            .map(|wd| "─".repeat(*wd))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    for r in &body {
        writeln!(w, "{}", line(r))?;
    }
    for r in table {
        let [id, site, basis] = [0, 2, 12].map(|i| terminal_text(&r[i]));
        writeln!(w, "\n{id} → {site}: {basis}")?;
    }
    Ok(())
}

/// Text for a terminal: control characters (an escape sequence that would
/// move the cursor or clear the screen, a line break) shown as their visible
/// control pictures (DEL and C1 controls as U+FFFD).
fn terminal_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            c if c < ' ' => crate::util::xml::control_picture(c),
            // DEL and the C1 controls (0x9B starts an escape sequence too).
            c if c.is_control() => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::guard_csv_text;

    #[test]
    fn formulas_are_guarded_and_numbers_left_alone() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+1-800", "'+1-800"),
            ("-cmd", "'-cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=x", "'\t=x"),
            ("\r=x", "'\r=x"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e5", "-1e5"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(guard_csv_text(cell), written, "{cell:?}");
        }
    }
}
