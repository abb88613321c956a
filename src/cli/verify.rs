//! `impactmap verify`: checks a report folder against its manifest.

use super::UsageError;
use clap::Args;
use impactmap::report::{verify, Manifest, MANIFEST_NAME};
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "Examples:
  impactmap verify out
  impactmap verify out --case geodata/azerbaijan-missions

Re-hashes every file of the report (SHA-256) and compares it with the
report's manifest.json. Prints each file changed, missing or added; exits 0
when the report is as written, 1 when it was altered, 2 when the folder is
not an impactmap report.";

/// Options of `impactmap verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Report folder written by `impactmap report`.
    #[arg(value_name = "REPORT_DIR")]
    pub dir: PathBuf,
    /// Also check that this case folder's inputs are the ones the report was made from.
    #[arg(long, value_name = "CASE_DIR")]
    pub case: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let dir = args.dir.display();
    let manifest = match Manifest::read(&args.dir) {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Err(UsageError(format!(
                "{dir}: has no {MANIFEST_NAME}: give a folder written by `impactmap report`"
            ))
            .into())
        }
        Err(why) => return Err(UsageError(format!("{dir}/{MANIFEST_NAME} {why}")).into()),
    };
    let found = verify(&args.dir, &manifest, args.case.as_deref())?;
    for (what, paths) in [
        ("changed", &found.changed),
        ("missing", &found.missing),
        ("added", &found.added),
        ("input changed", &found.inputs_changed),
    ] {
        for path in paths {
            println!("{what}: {path}");
        }
    }
    if found.intact() {
        println!(
            "{dir}: all {} files as the manifest lists them (written by impactmap {})",
            found.checked, manifest.version
        );
        return Ok(());
    }
    anyhow::bail!(
        "{dir}: altered since it was written: {} changed, {} missing, {} added, {} inputs changed",
        found.changed.len(),
        found.missing.len(),
        found.added.len(),
        found.inputs_changed.len()
    )
}
