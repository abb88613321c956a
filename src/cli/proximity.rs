//! `impactmap proximity`: the proximity table.

use super::progress::Progress;
use super::{InputArgs, UsageError};
use crate::io::table::{for_each_csv_cell, write_table, TableFormat, COLUMNS};
use crate::model::{Incident, Location, Site, StepLength};
use crate::proximity::{rows_for, Options, ProximityRow, SiteIndex, UnknownSite};
use crate::util::atomic::{at, failed, write_atomic};
use clap::Args;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub(super) const EXAMPLES: &str = "Examples:
  impactmap proximity --sites geodata/azerbaijan-missions/sites.geojson \\
      --incidents geodata/azerbaijan-missions/incidents.geojson
  impactmap proximity --sites sites.geojson --incidents acled.csv --max-distance 500 -o near.csv
  impactmap proximity --sites-osm ukraine.osm.pbf --tag building --tag amenity=embassy \\
      --incidents strikes.geojsonl -o nearest.csv
  tail -f strikes.geojsonl | impactmap proximity --sites sites.geojson --incidents - > nearest.csv";

/// Options of `impactmap proximity`.
#[derive(Debug, Clone, Args)]
pub struct ProximityArgs {
    /// Sites and incidents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Report every site within this many metres of each incident (default: only the nearest site).
    #[arg(long, value_name = "M")]
    pub max_distance: Option<f64>,
    /// Step length assumption in metres, for distances given in steps.
    #[arg(long, value_name = "MIN,NOMINAL,MAX", default_value = "0.6,0.75,0.9", value_parser = StepLength::parse)]
    pub steps_m: StepLength,
    /// Output file: .csv, .json or .md; `-` or none prints a table on a terminal and CSV in a pipe.
    /// CSV rows are written as the incidents are read.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress bar (it is shown only when standard error is a terminal).
    #[arg(short, long)]
    pub quiet: bool,
    /// CSV: write text cells as they are, without the `'` that keeps a cell
    /// starting with `=`, `+`, `-`, `@`, tab or carriage return from running
    /// as a formula in a spreadsheet.
    #[arg(long)]
    pub csv_raw_text: bool,
}

/// Runs the command.
pub fn run(args: &ProximityArgs) -> anyhow::Result<()> {
    if let Some(m) = args.max_distance {
        if !(m.is_finite() && m >= 0.0) {
            return Err(UsageError(format!(
                "--max-distance {m}: give a distance in metres, 0 or more"
            ))
            .into());
        }
    }
    let target = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let format = match target {
        Some(path) => TableFormat::from_path(path).ok_or_else(|| {
            UsageError(format!(
                "{}: unknown output format: use .csv, .json or .md",
                path.display()
            ))
        })?,
        None if std::io::stdout().is_terminal() => TableFormat::Terminal,
        None => TableFormat::Csv,
    };
    if let Some(path) = target {
        args.input.check_output(path)?;
    }
    let progress = Progress::new(args.quiet);
    progress.phase("reading sites");
    let sites = args.input.load_sites()?;
    progress.phase("indexing sites");
    let index = SiteIndex::new(&sites);
    let options = Options {
        max_distance_m: args.max_distance,
        steps: args.steps_m,
    };
    progress.phase("incidents");
    let result = match (format, target) {
        (TableFormat::Csv, Some(path)) => {
            // Errors met while streaming: kept here, so the temporary file is dropped.
            let mut failure = None;
            let written = write_atomic(path, |w| {
                stream_csv(w, path, args, &sites, &index, &options, &progress).map_err(|e| {
                    failure = Some(e);
                    std::io::Error::other("stopped")
                })
            });
            match (written, failure) {
                (_, Some(e)) => Err(e),
                (Err(e), None) => Err(e.into()),
                (Ok(()), None) => Ok(()),
            }
        }
        (TableFormat::Csv, None) => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            let dest = Path::new("standard output");
            stream_csv(&mut lock, dest, args, &sites, &index, &options, &progress)
        }
        _ => {
            let mut incidents = Vec::new();
            let mut rows = Vec::new();
            args.input.for_each_incident_batch(&sites, |batch| {
                let first = incidents.len();
                for mut row in batch_rows(&index, &sites, &batch, &options)? {
                    row.incident += first;
                    rows.push(row);
                }
                progress.advance(batch.len());
                incidents.extend(batch);
                Ok(())
            })?;
            match target {
                Some(path) => {
                    write_atomic(path, |w| write_table(w, format, &rows, &sites, &incidents))
                        .map_err(Into::into)
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    write_table(&mut lock, format, &rows, &sites, &incidents).map_err(Into::into)
                }
            }
        }
    };
    progress.finish();
    // The process ends here: handing a million sites back to the allocator one
    // by one would only delay the exit.
    std::mem::forget(index);
    std::mem::forget(sites);
    result
}

/// Reads incidents batch by batch and writes their CSV rows as they come
/// into `w`, which is `dest` (named in write errors).
fn stream_csv(
    w: &mut dyn Write,
    dest: &Path,
    args: &ProximityArgs,
    sites: &[Site],
    index: &SiteIndex,
    options: &Options,
    progress: &Progress,
) -> anyhow::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(COLUMNS)
        .map_err(|e| failed("writing", dest, e.into()))?;
    out.flush().map_err(at("writing", dest))?;
    let w = out
        .into_inner()
        .map_err(|e| failed("writing", dest, e.into_error()))?;
    args.input.for_each_incident_batch(sites, |batch| {
        let rows = rows_by_incident(index, sites, &batch, options)?;
        // CSV text written in parallel, a chunk of incidents at a time; the
        // text goes out in incident order.
        let chunks: Vec<anyhow::Result<Vec<u8>>> = rows
            .par_chunks(CSV_CHUNK)
            .map(|chunk| {
                let mut csv = ::csv::Writer::from_writer(Vec::new());
                let mut buf = String::new();
                for row in chunk.iter().flatten() {
                    for_each_csv_cell(row, sites, &batch, &mut buf, args.csv_raw_text, |cell| {
                        csv.write_field(cell)
                    })?;
                    csv.write_record(None::<&[u8]>)?;
                }
                Ok(csv.into_inner().map_err(|e| e.into_error())?)
            })
            .collect();
        // Nothing of a batch is written unless all of it is good.
        let chunks = chunks.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        for text in chunks {
            w.write_all(&text).map_err(at("writing", dest))?;
        }
        // A slow stream's rows go out now, not when a buffer fills.
        w.flush().map_err(at("writing", dest))?;
        progress.advance(batch.len());
        Ok(())
    })?;
    w.flush().map_err(at("writing", dest))?;
    Ok(())
}

/// Incidents whose CSV rows one task writes.
const CSV_CHUNK: usize = 256;

/// The rows of a batch of incidents, computed in parallel, in incident order.
fn batch_rows(
    index: &SiteIndex,
    sites: &[Site],
    incidents: &[Incident],
    options: &Options,
) -> Result<Vec<ProximityRow>, UnknownSite> {
    Ok(rows_by_incident(index, sites, incidents, options)?
        .into_iter()
        .flatten()
        .collect())
}

/// Each incident's rows, in incident order, computed on all cores with the
/// incidents taken along the index's Hilbert curve, so that neighbouring
/// queries share the parts of the tree and the sites they read. The first
/// unknown site in incident order is the error.
fn rows_by_incident(
    index: &SiteIndex,
    sites: &[Site],
    incidents: &[Incident],
    options: &Options,
) -> Result<Vec<Vec<ProximityRow>>, UnknownSite> {
    let mut order: Vec<(u32, u32)> = incidents
        .par_iter()
        .enumerate()
        .map(|(i, incident)| {
            let key = match &incident.location {
                Location::Point { point, .. } => index.curve_key(*point),
                _ => u32::MAX,
            };
            (key, i as u32)
        })
        .collect();
    order.par_sort_unstable();
    let computed: Vec<(u32, Result<Vec<ProximityRow>, UnknownSite>)> = order
        .par_iter()
        .map(|&(_, i)| {
            (
                i,
                rows_for(index, sites, i as usize, &incidents[i as usize], options),
            )
        })
        .collect();
    let mut rows = vec![Vec::new(); incidents.len()];
    let mut first_error: Option<(u32, UnknownSite)> = None;
    for (i, r) in computed {
        match r {
            Ok(r) => rows[i as usize] = r,
            Err(e) if first_error.as_ref().is_none_or(|(j, _)| i < *j) => {
                first_error = Some((i, e))
            }
            Err(_) => {}
        }
    }
    match first_error {
        Some((_, e)) => Err(e),
        None => Ok(rows),
    }
}
