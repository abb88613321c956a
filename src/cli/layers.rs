//! `impactmap layers`: QGIS-ready layers (GeoJSON with styles, or a GeoPackage).

use super::{InputArgs, UsageError};
use clap::{Args, ValueEnum};
use impactmap::io::layers::{set_files, write_layer_set, LayerFormat, GPKG_NAME};
use impactmap::layers::{build_layers, LayerOptions};
use impactmap::model::StepLength;
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "Examples:
  impactmap layers --sites geodata/azerbaijan-missions/sites.geojson \\
      --incidents geodata/azerbaijan-missions/incidents.geojson -o layers/
  impactmap layers --sites sites.geojson --incidents acled.csv --rings 100,500,1000 \\
      --format gpkg -o out/

Writes sites, site_footprints, incidents, incident_areas, links, rings and
uncertainty, each with a QGIS style (a GeoJSON layer that would hold no
geometry is left out, and named) (.qml beside each .geojson, or in the
GeoPackage's layer_styles table). Open them in QGIS by dragging the files
(or the .gpkg) onto the map: the styles load with them.";

/// Output formats of `impactmap layers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One RFC 7946 GeoJSON file per layer, with a .qml style beside each.
    Geojson,
    /// One GeoPackage (layers.gpkg) with every layer and its style.
    Gpkg,
}

/// Options of `impactmap layers`.
#[derive(Debug, Clone, Args)]
pub struct LayersArgs {
    /// Sites and incidents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created if missing); the layer files replace those of the same name, other files are left alone.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Ring radii around the sites with incidents, metres, comma-separated.
    #[arg(long, value_name = "M,M,...", default_value = "50,100,250,500", value_parser = parse_radii)]
    pub rings: Radii,
    /// Draw the rings around every site, not only those with incidents.
    #[arg(long)]
    pub rings_all_sites: bool,
    /// Link each incident to every site within this many metres (default: only the nearest site).
    #[arg(long, value_name = "M", value_parser = parse_distance)]
    pub max_distance: Option<f64>,
    /// Step length assumption in metres, for distances given in steps.
    #[arg(long, value_name = "MIN,NOMINAL,MAX", default_value = "0.6,0.75,0.9", value_parser = StepLength::parse)]
    pub steps_m: StepLength,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
    pub format: FormatArg,
}

/// Ring radii in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Radii(pub Vec<f64>);

/// Parses `50,100,250` into radii in metres (each above 0 and at most 1,000 km).
fn parse_radii(s: &str) -> Result<Radii, String> {
    let bad = || format!("`{s}`: give ring radii in metres, comma-separated, e.g. 50,100,250,500");
    let v: Vec<f64> = s
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if v.iter()
        .any(|r| !(r.is_finite() && *r > 0.0 && *r <= 1_000_000.0))
    {
        return Err(format!(
            "`{s}`: each ring radius must be above 0 and at most 1000000 m"
        ));
    }
    Ok(Radii(v))
}

/// Parses a distance in metres, 0 or more.
fn parse_distance(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(m) if m.is_finite() && m >= 0.0 => Ok(m),
        _ => Err(format!("`{s}`: give a distance in metres, 0 or more")),
    }
}

/// Runs the command.
pub fn run(args: &LayersArgs) -> anyhow::Result<()> {
    if args.output.is_file() {
        return Err(UsageError(format!(
            "-o {}: is a file; give a folder for the layers (it is created if missing)",
            args.output.display()
        ))
        .into());
    }
    let (case, rows) = args.input.load_with_rows(args.max_distance, args.steps_m)?;
    let layer_options = LayerOptions {
        rings_m: args.rings.0.clone(),
        rings_all_sites: args.rings_all_sites,
        steps: args.steps_m,
        ..LayerOptions::default()
    };
    let format = match args.format {
        FormatArg::Geojson => LayerFormat::GeoJson,
        FormatArg::Gpkg => LayerFormat::GeoPackage,
    };
    let layers = build_layers(&case.sites, &case.incidents, &rows, &layer_options);
    for (path, _) in set_files(&args.output, &layers, format) {
        args.input.check_output(&path)?;
    }
    let written = write_layer_set(&args.output, &layers, format)?;
    for (path, n) in &written.files {
        let is_style = path.extension().is_some_and(|e| e == "qml");
        if is_style {
            continue;
        }
        if path.file_name().is_some_and(|f| f == GPKG_NAME) {
            eprintln!(
                "wrote {} ({n} features; every layer with its style)",
                path.display()
            );
        } else {
            eprintln!("wrote {} ({n} features, style beside it)", path.display());
        }
    }
    for l in &written.left_out {
        eprintln!(
            "not written: {}.geojson ({}; QGIS would open it as a table, not a map layer)",
            l.layer, l.reason
        );
    }
    for path in &written.removed {
        eprintln!(
            "removed {}: an earlier run wrote it, and this run has no such layer",
            path.display()
        );
    }
    for path in &written.foreign {
        eprintln!(
            "left in place: {} (not written by impactmap; it is not part of these layers)",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radii_parse_and_reject() {
        assert_eq!(
            parse_radii("50, 100,250").unwrap(),
            Radii(vec![50.0, 100.0, 250.0])
        );
        assert!(parse_radii("50,abc").is_err());
        assert!(parse_radii("0,50").is_err());
        assert!(parse_radii("-5").is_err());
        assert_eq!(parse_distance("500"), Ok(500.0));
        assert!(parse_distance("-1").is_err() && parse_distance("NaN").is_err());
    }
}
