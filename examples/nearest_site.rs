//! Library use: read the bundled case, compute the proximity rows with the
//! engine, and print each incident's distance to its site with the basis of
//! the figure.
//!
//! Run with `cargo run --example nearest_site`.

use impactmap::io::{csv::CsvColumns, read};
use impactmap::proximity::{Engine, Options};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let sites = read::sites(&dir.join("sites.geojson"))?;
    let incidents = read::incidents(
        &dir.join("incidents.geojson"),
        &sites,
        &CsvColumns::default(),
    )?;
    let engine = Engine::new(&sites, Options::default());
    for row in engine.rows(&incidents)? {
        let (incident, site) = (&incidents[row.incident], &sites[row.site]);
        println!(
            "{} {:<22} {:<30} {:>16}  inside: {}",
            incident.start,
            incident.id,
            site.id,
            row.distance.to_string(),
            row.inside.as_str()
        );
    }
    Ok(())
}
