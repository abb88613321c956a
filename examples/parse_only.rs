//! The parse floor of a proximity run: how long reading the input alone takes.
//!
//! ```text
//! parse_only tool SITES INCIDENTS   # impactmap's own readers, nothing else
//! parse_only json SITES INCIDENTS   # read the bytes and check the JSON syntax only
//! ```
//!
//! The benchmark script (`bench/run.sh`) reports a proximity run's time as a
//! multiple of both.

use impactmap::io::{csv::CsvColumns, read};
use std::path::Path;

/// The allocator of the `impactmap` binary, so the floor is measured alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, sites, incidents] = args.as_slice() else {
        anyhow::bail!("usage: parse_only tool|json SITES INCIDENTS");
    };
    match mode.as_str() {
        "tool" => {
            let sites = read::sites(Path::new(sites))?;
            let incidents = read::incidents(Path::new(incidents), &sites, &CsvColumns::default())?;
            eprintln!("{} sites, {} incidents", sites.len(), incidents.len());
        }
        "json" => {
            for path in [sites, incidents] {
                let bytes = std::fs::read(path)?;
                if path.ends_with(".csv") {
                    let rows = csv::Reader::from_reader(bytes.as_slice()).records().count();
                    eprintln!("{path}: {rows} rows");
                } else {
                    serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)?;
                    eprintln!("{path}: {} bytes of valid JSON", bytes.len());
                }
            }
        }
        other => anyhow::bail!("unknown mode `{other}`: use tool or json"),
    }
    Ok(())
}
