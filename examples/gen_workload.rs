//! Writes a synthetic city workload (see `impactmap::workload`) for benchmarks:
//! `sites.geojson`, `incidents.geojson` and `incidents.csv` in a directory.
//!
//! ```text
//! cargo run --release --example gen_workload -- --sites 100000 --incidents 10000 --out bench/out/100k
//! ```

use clap::Parser;
use impactmap::util::atomic::write_atomic;
use impactmap::workload::{self, Spec};
use std::path::PathBuf;

/// Synthetic building footprints and impacts around Kyiv.
#[derive(Debug, Parser)]
struct Args {
    /// Number of footprints.
    #[arg(long, default_value_t = 100_000)]
    sites: usize,
    /// Number of impacts.
    #[arg(long, default_value_t = 10_000)]
    incidents: usize,
    /// Seed of the pseudo-random sequence.
    #[arg(long, default_value_t = Spec::new(0, 0).seed)]
    seed: u64,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let spec = Spec {
        seed: args.seed,
        ..Spec::new(args.sites, args.incidents)
    };
    let w = workload::generate(&spec);
    write_atomic(&args.out.join("sites.geojson"), |f| {
        workload::write_sites_geojson(f, &w.footprints)
    })?;
    write_atomic(&args.out.join("incidents.geojson"), |f| {
        workload::write_incidents_geojson(f, &w.impacts)
    })?;
    write_atomic(&args.out.join("incidents.csv"), |f| {
        workload::write_incidents_csv(f, &w.impacts)
    })?;
    eprintln!(
        "{} footprints, {} impacts in {}",
        w.footprints.len(),
        w.impacts.len(),
        args.out.display()
    );
    Ok(())
}
