//! `impactmap proximity`: the proximity table.

use super::progress::Progress;
use super::{InputArgs, UsageError};
use clap::Args;
use impactmap::io::table::{write_table, CsvStream, TableFormat};
use impactmap::model::StepLength;
use impactmap::proximity::{Engine, Options};
use impactmap::util::atomic::{at, write_atomic};
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
    /// Output file: .csv, .json, .md or .parquet (GeoParquet, the nearest points as geometry); `-` or none prints a table on a terminal and CSV in a pipe.
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
    if let Some(path) = target.filter(|p| impactmap::io::geoparquet::is_parquet(p)) {
        return write_geoparquet(args, path);
    }
    let format = match target {
        Some(path) => TableFormat::from_path(path).ok_or_else(|| {
            UsageError(format!(
                "{}: unknown output format: use .csv, .json, .md or .parquet",
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
    let options = Options {
        max_distance_m: args.max_distance,
        steps: args.steps_m,
    };
    let engine = Engine::new(&sites, options);
    progress.phase("incidents");
    let result = match (format, target) {
        (TableFormat::Csv, Some(path)) => {
            // Errors met while streaming: kept here, so the temporary file is dropped.
            let mut failure = None;
            let written = write_atomic(path, |w| {
                stream_csv(w, path, args, &engine, &progress).map_err(|e| {
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
            let dest = Path::new("standard output");
            stream_csv(&mut stdout.lock(), dest, args, &engine, &progress)
        }
        _ => {
            let (mut incidents, mut rows) = (Vec::new(), Vec::new());
            args.input.for_each_incident_batch(&sites, |batch| {
                let n = batch.len();
                engine.extend(&mut incidents, &mut rows, batch)?;
                progress.advance(n);
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
    // The program ends here: handing a million sites and their index back to
    // the allocator one by one would only delay the exit (a twentieth of the
    // run's work at a million footprints). The process's memory goes back to
    // the system whole.
    std::mem::forget(engine);
    std::mem::forget(sites);
    result
}

/// Computes every row, then writes them as GeoParquet to `path` (the
/// sites' nearest points as geometry).
fn write_geoparquet(args: &ProximityArgs, path: &Path) -> anyhow::Result<()> {
    args.input.check_output(path)?;
    let (case, rows) = args.input.load_with_rows(args.max_distance, args.steps_m)?;
    impactmap::io::geoparquet::write_rows(path, &rows, &case.sites, &case.incidents)?;
    Ok(())
}

/// Reads incidents batch by batch and writes their CSV rows as they come
/// into `w`, which is `dest` (named in write errors).
fn stream_csv(
    w: &mut dyn Write,
    dest: &Path,
    args: &ProximityArgs,
    engine: &Engine,
    progress: &Progress,
) -> anyhow::Result<()> {
    let mut out = CsvStream::new(w, args.csv_raw_text).map_err(at("writing", dest))?;
    args.input
        .for_each_incident_batch(engine.sites(), |batch| {
            let rows = engine.rows_by_incident(&batch)?;
            out.write_batch(&rows, engine.sites(), &batch)
                .map_err(at("writing", dest))?;
            progress.advance(batch.len());
            Ok(())
        })?;
    out.into_inner().map_err(at("writing", dest))?;
    Ok(())
}
