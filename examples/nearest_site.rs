//! Library use: read the bundled case, compute the proximity rows, and print
//! each incident's distance to its site with the basis of the figure.
//!
//! Run with `cargo run --example nearest_site`.

use impactmap::io::geojson::{read_incidents, read_sites};
use impactmap::proximity::{run, Options};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let sites = read_sites(&dir.join("sites.geojson"))?;
    let incidents = read_incidents(&dir.join("incidents.geojson"), &sites)?;
    for row in run(&sites, &incidents, &Options::default())? {
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
