//! The input options every subcommand shares: sites and incidents files.

use crate::io::csv::CsvColumns;
use crate::io::{self, InputError};
use crate::model::{Incident, Site};
use clap::Args;
use std::path::{Path, PathBuf};

/// Sites and incidents to read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Protected sites: GeoJSON FeatureCollection (Point, Polygon or MultiPolygon features).
    #[arg(long, value_name = "FILE")]
    pub sites: PathBuf,
    /// Incidents: GeoJSON FeatureCollection, or CSV with latitude/longitude columns.
    #[arg(long, value_name = "FILE")]
    pub incidents: PathBuf,
    /// CSV incidents: name of the latitude column (default: latitude, lat or y).
    #[arg(long, value_name = "NAME")]
    pub lat_col: Option<String>,
    /// CSV incidents: name of the longitude column (default: longitude, lon, lng or x).
    #[arg(long, value_name = "NAME")]
    pub lon_col: Option<String>,
    /// CSV incidents: name of the identifier column (default: id, incident_id or event_id_cnty).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// CSV incidents: name of the date column (default: start, date, event_date, datetime or time).
    #[arg(long, value_name = "NAME")]
    pub date_col: Option<String>,
}

/// Sites and incidents as read.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The sites.
    pub sites: Vec<Site>,
    /// The incidents.
    pub incidents: Vec<Incident>,
}

impl InputArgs {
    /// Reads both files.
    pub fn load(&self) -> Result<LoadedCase, InputError> {
        let sites = io::geojson::read_sites(&self.sites)?;
        if sites.is_empty() {
            return Err(InputError::file(
                &self.sites.display().to_string(),
                "has no features: there is nothing to measure against; check that this is the sites file",
            ));
        }
        let incidents = read_incidents(&self.incidents, &sites, &self.columns())?;
        Ok(LoadedCase { sites, incidents })
    }

    /// Reads both files and computes the proximity rows (nearest site, or
    /// every site within `max_distance_m`).
    pub fn load_with_rows(
        &self,
        max_distance_m: Option<f64>,
        steps: crate::model::StepLength,
    ) -> anyhow::Result<(LoadedCase, Vec<crate::proximity::ProximityRow>)> {
        let case = self.load()?;
        let options = crate::proximity::Options {
            max_distance_m,
            steps,
        };
        let rows = crate::proximity::run(&case.sites, &case.incidents, &options)?;
        Ok((case, rows))
    }

    fn columns(&self) -> CsvColumns {
        CsvColumns {
            lat: self.lat_col.clone(),
            lon: self.lon_col.clone(),
            id: self.id_col.clone(),
            date: self.date_col.clone(),
        }
    }
}

/// Reads incidents from GeoJSON or CSV, chosen by extension.
pub fn read_incidents(
    path: &Path,
    sites: &[Site],
    columns: &CsvColumns,
) -> Result<Vec<Incident>, InputError> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let file = std::fs::File::open(path).map_err(|e| {
                InputError::file(&name, format!("cannot be opened ({e}): check the path"))
            })?;
            io::csv::read_incidents(std::io::BufReader::new(file), &name, columns)
        }
        "geojson" | "json" => io::geojson::read_incidents(path, sites),
        _ => Err(InputError::file(
            &name,
            "unknown format: use .geojson (or .json) or .csv",
        )),
    }
}
