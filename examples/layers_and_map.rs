//! Library use, end to end: read the bundled case, compute the proximity
//! rows, write the QGIS layers (GeoJSON with QML styles) and draw a detail
//! map of the embassy in Kyiv as PNG and SVG.
//!
//! Run with `cargo run --example layers_and_map -- OUT_DIR` (default: a
//! folder `impactmap-example` in the system's temporary folder).

use impactmap::io::layers::{write_layers, LayerFormat};
use impactmap::io::{basemap, csv::CsvColumns, read};
use impactmap::layers::LayerOptions;
use impactmap::proximity::{Engine, Options};
use impactmap::render::map::{render_map, MapSpec};
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("impactmap-example"));

    let sites = read::sites(&case.join("sites.geojson"))?;
    let incidents = read::incidents(
        &case.join("incidents.geojson"),
        &sites,
        &CsvColumns::default(),
    )?;
    let rows = Engine::new(&sites, Options::default()).rows(&incidents)?;

    let layers = out.join("layers");
    let written = write_layers(
        &layers,
        &sites,
        &incidents,
        &rows,
        &LayerOptions::default(),
        LayerFormat::GeoJson,
    )?;
    println!(
        "{} layer files in {}",
        written.files.len(),
        layers.display()
    );

    let spec = MapSpec::detail("az_embassy_kyiv", None);
    for name in ["kyiv.png", "kyiv.svg"] {
        let path = out.join(name);
        render_map(&spec, &sites, &incidents, &rows, &basemap::bundled(), &path)?;
        println!("map: {}", path.display());
    }
    Ok(())
}
