//! `impactmap timeline`: incidents over time against their distance to the site.

use super::render::{usage, PageArgs};
use super::InputArgs;
use clap::Args;
use impactmap::model::StepLength;
use impactmap::render::{render_timeline, TimelineSpec};
use std::io::IsTerminal;
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "Examples:
  impactmap timeline --sites geodata/azerbaijan-missions/sites.geojson \\
      --incidents geodata/azerbaijan-missions/incidents.geojson -o timeline.png
  impactmap timeline --sites sites.geojson --incidents incidents.geojson \\
      --site az_embassy_kyiv --paper a4 --landscape -o embassy-timeline.svg";

/// Options of `impactmap timeline`.
#[derive(Debug, Clone, Args)]
pub struct TimelineArgs {
    /// Sites and incidents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output picture: .png or .svg.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Only incidents nearest to this site id (default: every incident with a distance).
    #[arg(long, value_name = "SITE_ID")]
    pub site: Option<String>,
    /// Page size and resolution.
    #[command(flatten)]
    pub page: PageArgs,
    /// Title.
    #[arg(long)]
    pub title: Option<String>,
    /// Step length assumption in metres, for distances given in steps.
    #[arg(long, value_name = "MIN,NOMINAL,MAX", default_value = "0.6,0.75,0.9", value_parser = StepLength::parse)]
    pub steps_m: StepLength,
}

/// Runs the command.
pub fn run(args: &TimelineArgs) -> anyhow::Result<()> {
    let page = args.page.page()?;
    impactmap::render::Format::from_path(&args.output).map_err(usage)?;
    args.input.check_output(&args.output)?;
    let (case, rows) = args.input.load_with_rows(None, args.steps_m)?;
    let spec = TimelineSpec {
        page,
        title: args.title.clone(),
        site: args.site.clone(),
    };
    let layout =
        render_timeline(&spec, &case.sites, &case.incidents, &rows, &args.output).map_err(usage)?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "wrote {} ({page}; {} incidents)",
            args.output.display(),
            layout.marks.len()
        );
    }
    Ok(())
}
