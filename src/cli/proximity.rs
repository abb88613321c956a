//! `impactmap proximity`: the proximity table.

use super::{InputArgs, UsageError};
use crate::io::atomic::write_atomic;
use crate::io::table::{write_table, TableFormat};
use crate::model::StepLength;
use anyhow::Context;
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "Examples:
  impactmap proximity --sites geodata/azerbaijan-missions/sites.geojson \\
      --incidents geodata/azerbaijan-missions/incidents.geojson
  impactmap proximity --sites sites.geojson --incidents acled.csv --max-distance 500 -o near.csv";

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
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    let (case, rows) = args.input.load_with_rows(args.max_distance, args.steps_m)?;
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let format = TableFormat::from_path(path).ok_or_else(|| {
                UsageError(format!(
                    "{}: unknown output format: use .csv, .json or .md",
                    path.display()
                ))
            })?;
            write_atomic(path, |w| {
                write_table(w, format, &rows, &case.sites, &case.incidents)
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let format = if stdout.is_terminal() {
                TableFormat::Terminal
            } else {
                TableFormat::Csv
            };
            let mut lock = stdout.lock();
            write_table(&mut lock, format, &rows, &case.sites, &case.incidents)?;
        }
    }
    Ok(())
}
