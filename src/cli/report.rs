//! `impactmap report`: the whole report for a case folder.

use super::render::load_basemap;
use clap::Args;
use impactmap::report::write_report;
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "Examples:
  impactmap report geodata/azerbaijan-missions -o out
  impactmap report my-case -o my-case-report --basemap none";

/// Options of `impactmap report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Case folder: sites.geojson, incidents.geojson (or incidents.csv) and an optional case.toml.
    #[arg(value_name = "CASE_DIR")]
    pub case_dir: PathBuf,
    /// Output folder: new, empty, or an earlier report (replaced as a whole when the report is complete; anything else is refused).
    #[arg(short, long, value_name = "OUT_DIR")]
    pub output: PathBuf,
    /// Folder with the overview basemap, or `none`. Default: the bundled basemap of Ukraine.
    #[arg(long, value_name = "DIR|none")]
    pub basemap: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let basemap = load_basemap(args.basemap.as_ref())?;
    let summary = write_report(&args.case_dir, &args.output, &basemap)?;
    eprintln!(
        "{} incidents, {} sites: wrote {} files into {} (open report.md)",
        summary.incidents,
        summary.sites,
        summary.files.len(),
        args.output.display()
    );
    for l in &summary.left_out {
        eprintln!(
            "  not written: layers/{}.geojson ({}; QGIS would open it as a table, not a map layer; it is in layers.gpkg)",
            l.layer, l.reason
        );
    }
    for d in &summary.dropped_labels {
        eprintln!("  label left out for lack of room: {d}");
    }
    Ok(())
}
