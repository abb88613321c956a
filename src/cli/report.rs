//! `impactmap report`: the whole report for a case folder.

use super::imagery::ImageryArgs;
use super::render::BasemapArgs;
use clap::Args;
use impactmap::io::basemap_sources::Basemaps;
use impactmap::report::write_report_over;
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
    /// Basemaps (instead of the case.toml's `basemap`).
    #[command(flatten)]
    pub basemap: BasemapArgs,
    /// Imagery credits (default: case.toml's imagery_source, imagery_date) and tile options.
    #[command(flatten)]
    pub imagery: ImageryArgs,
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let given = match args.basemap.sources()? {
        Some(sources) => Some(
            Basemaps::load(&sources, args.basemap.label_lang.as_deref())
                .map_err(|e| super::UsageError(format!("--basemap: {e}")))?,
        ),
        None => None,
    };
    let summary = write_report_over(
        &args.case_dir,
        &args.output,
        given.as_ref(),
        args.basemap.label_lang.as_deref(),
        &args.imagery.options(),
    )?;
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
