//! The command line: argument definitions, one module per subcommand, each
//! a thin layer over the library.

mod imagery;
mod input;
mod layers;
mod progress;
mod proximity;
mod render;
mod report;
mod timeline;
mod verify;

pub use input::InputArgs;
pub use layers::LayersArgs;
pub use proximity::ProximityArgs;
pub use render::RenderArgs;
pub use report::ReportArgs;
pub use timeline::TimelineArgs;
pub use verify::VerifyArgs;

use clap::{Parser, Subcommand};

/// impactmap: exact proximity figures, QGIS layers and report maps for strikes
/// near protected sites.
#[derive(Debug, Parser)]
#[command(name = "impactmap", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Distance, bearing and inside/outside from each incident to its nearest site (or every site within a distance).
    #[command(after_help = proximity::EXAMPLES)]
    Proximity(ProximityArgs),
    /// The whole report for a case folder: proximity table, QGIS layers, maps, timeline and report.md.
    #[command(after_help = report::EXAMPLES)]
    Report(Box<ReportArgs>),
    /// QGIS-ready layers: sites, incidents, links, distance rings and uncertainty, with styles.
    #[command(after_help = layers::EXAMPLES)]
    Layers(LayersArgs),
    /// A report map: a detail map around one site (--focus) or an overview (--extent), as PNG or SVG.
    #[command(after_help = render::EXAMPLES)]
    Render(Box<RenderArgs>),
    /// A timeline chart: incidents over time against their distance to the site, as PNG or SVG.
    #[command(after_help = timeline::EXAMPLES)]
    Timeline(TimelineArgs),
    /// Checks that a report folder is as its manifest lists it (every file re-hashed), and optionally the case's inputs.
    #[command(after_help = verify::EXAMPLES)]
    Verify(VerifyArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Proximity(args) => proximity::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Layers(args) => layers::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Timeline(args) => timeline::run(&args),
        Command::Verify(args) => verify::run(&args),
    }
}

/// Exit code for an error: 2 for bad input or usage, 1 for other failures,
/// as the outermost of the library's errors in the chain is classed
/// ([`impactmap::error::classify`]).
pub fn exit_code(err: &anyhow::Error) -> i32 {
    let bad_input = err
        .chain()
        .find_map(|e| match e.is::<UsageError>() {
            true => Some(true),
            false => impactmap::error::classify(e),
        })
        .unwrap_or(false);
    if bad_input {
        2
    } else {
        1
    }
}

/// A command line that parses but makes no sense (conflicting or missing options).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
