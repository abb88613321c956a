//! The input options every subcommand shares: sites and incidents files.

use super::UsageError;
use clap::Args;
use impactmap::io::csv::CsvColumns;
use impactmap::io::osm::TagFilter;
use impactmap::io::{self, read, InputError};
use impactmap::model::{Incident, Site};
use std::path::{Path, PathBuf};

/// Sites and incidents to read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Protected sites: GeoJSON FeatureCollection (Point, Polygon or MultiPolygon
    /// features), or one Feature per line for .geojsonl/.ndjson/.geojsons names,
    /// or GeoParquet (.parquet, WKB geometries; `id`, `name`, `kind` columns).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "sites_osm",
        conflicts_with = "sites_osm"
    )]
    pub sites: Option<PathBuf>,
    /// Protected sites from an OpenStreetMap extract (.osm.pbf): the nodes, closed
    /// ways and multipolygon relations that match a --tag.
    #[arg(long, value_name = "FILE", requires = "tag")]
    pub sites_osm: Option<PathBuf>,
    /// With --sites-osm: keep elements with this tag, e.g. `building`,
    /// `amenity=embassy`, `office=diplomatic` (repeat for any of several).
    #[arg(long, value_name = "KEY[=VALUE]", requires = "sites_osm")]
    pub tag: Vec<String>,
    /// With --sites-osm or --footprints-osm: leave out elements with this tag,
    /// e.g. `building=no`, `building=entrance` (repeat for several).
    #[arg(long, value_name = "KEY[=VALUE]")]
    pub exclude_tag: Vec<String>,
    /// With --sites-osm: OSM tags to keep as attributes of their own, e.g.
    /// `name,building,addr:street`; every tag also travels in `osm_tags`, one
    /// JSON object.
    #[arg(
        long,
        value_name = "KEY,...",
        value_delimiter = ',',
        requires = "sites_osm"
    )]
    pub osm_attributes: Vec<String>,
    /// Gives point sites the outline of the OSM building or compound that
    /// contains them (or the nearest within their position uncertainty,
    /// preferring embassy, diplomatic or hospital tags or a matching name; an
    /// `osm_id` property such as `way/123` pins it), from this .osm.pbf extract.
    #[arg(long, value_name = "FILE")]
    pub footprints_osm: Option<PathBuf>,
    /// Incidents: GeoJSON FeatureCollection, newline-delimited GeoJSON or RFC 8142
    /// text sequence, or CSV with latitude/longitude columns; `-` reads standard
    /// input as it comes (GeoJSON or CSV, told apart by the first character);
    /// or GeoParquet (.parquet: `id`, `date` and WKB Point geometries).
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
    /// The input files as named (`-` for standard input included).
    pub fn paths(&self) -> Vec<&std::path::Path> {
        [
            self.sites.as_deref(),
            self.sites_osm.as_deref(),
            self.footprints_osm.as_deref(),
            Some(self.incidents.as_path()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Refuses an output file that is one of the inputs.
    pub fn check_output(&self, output: &std::path::Path) -> anyhow::Result<()> {
        impactmap::io::ownership::check_not_an_input(output, &self.paths())?;
        Ok(())
    }

    /// Reads both files.
    pub fn load(&self) -> anyhow::Result<LoadedCase> {
        let sites = self.load_sites()?;
        let mut incidents = Vec::new();
        self.for_each_incident_batch(&sites, |batch| {
            incidents.extend(batch);
            Ok(())
        })?;
        Ok(LoadedCase { sites, incidents })
    }

    /// Reads the sites (GeoJSON, or OpenStreetMap with warnings about skipped
    /// elements on standard error), and gives point sites their footprints
    /// when asked.
    pub fn load_sites(&self) -> anyhow::Result<Vec<Site>> {
        let exclude = tag_filters(&self.exclude_tag)?;
        let (mut sites, name) = match (&self.sites, &self.sites_osm) {
            (_, Some(osm)) => {
                let filters = tag_filters(&self.tag)?;
                let read = io::osm::read_selected(osm, &filters, &exclude, &self.osm_attributes)
                    .map_err(|e| e.to_input_error(osm))?;
                for w in &read.warnings {
                    eprintln!("warning: {}: {w}", osm.display());
                }
                for f in &read.unmatched_filters {
                    eprintln!("warning: {}: no element matches --tag {f}", osm.display());
                }
                (read.sites, osm)
            }
            (Some(path), None) => (read_geojson_sites(path)?, path),
            (None, None) => {
                return Err(UsageError(
                    "give --sites FILE or --sites-osm FILE --tag KEY[=VALUE]".into(),
                )
                .into())
            }
        };
        if sites.is_empty() {
            return Err(InputError::file(
                &name.display().to_string(),
                "has no features: there is nothing to measure against; check that this is the sites file",
            )
            .into());
        }
        if let Some(osm) = &self.footprints_osm {
            let found = io::osm::footprints::apply_footprints(osm, &mut sites, &exclude)
                .map_err(|e| e.to_input_error(osm))?;
            for f in &found {
                eprintln!("{}: {}", sites[f.site].label(), f.outcome.note());
            }
        }
        Ok(sites)
    }

    /// Reads the incidents a batch at a time, handing each batch to `f` as
    /// soon as it is read (so standard input is processed as it comes).
    pub fn for_each_incident_batch(
        &self,
        sites: &[Site],
        f: impl FnMut(Vec<Incident>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let path = &self.incidents;
        if path.as_os_str() == "-" {
            // No bigger than the readers' own requests, so that they read the
            // pipe directly and see when it has nothing more for now.
            let stdin = std::io::BufReader::with_capacity(8 << 10, std::io::stdin());
            return read::for_each_incident_batch_from(
                stdin,
                "standard input",
                sites,
                &self.columns(),
                f,
            );
        }
        read::for_each_incident_batch(path, sites, &self.columns(), f)
    }

    /// Reads both files and computes the proximity rows (nearest site, or
    /// every site within `max_distance_m`).
    pub fn load_with_rows(
        &self,
        max_distance_m: Option<f64>,
        steps: impactmap::model::StepLength,
    ) -> anyhow::Result<(LoadedCase, Vec<impactmap::proximity::ProximityRow>)> {
        let case = self.load()?;
        let options = impactmap::proximity::Options {
            max_distance_m,
            steps,
        };
        let rows = impactmap::proximity::Engine::new(&case.sites, options).rows(&case.incidents)?;
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

/// Parses `--tag`/`--exclude-tag` values.
fn tag_filters(specs: &[String]) -> Result<Vec<TagFilter>, UsageError> {
    specs
        .iter()
        .map(|t| t.parse::<TagFilter>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| UsageError(e.to_string()))
}

/// Reads a GeoJSON sites file, a FeatureCollection memory-mapped rather than
/// read into memory (see [`map_file`]).
fn read_geojson_sites(path: &Path) -> Result<Vec<Site>, InputError> {
    if io::geojson::is_sequence_name(path) || io::geoparquet::is_parquet(path) {
        return read::sites(path);
    }
    let file = io::geojson::open(path)?;
    let map = map_file(&file).map_err(|e| io::geojson::open_error(path, e))?;
    read::sites_from_bytes(map, &path.display().to_string())
}

/// The file's bytes, mapped into memory: read from the page cache as the
/// parsing tasks need them, without a copy. A national extract's sites file
/// runs to gigabytes; the library's reader would first copy all of it.
///
/// The library never maps files: its safe functions cannot promise what
/// mapping needs, that nothing changes the file while it is read. This
/// program makes that promise for its own run, as ripgrep does: its inputs
/// are not written while it runs, and if another program truncated one
/// meanwhile, reading the lost pages would stop the process (SIGBUS) rather
/// than give wrong figures quietly.
fn map_file(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is only read, never written through, and dropped once
    // parsed; see above for a file changed while it is read.
    let map = unsafe { memmap2::Mmap::map(file)? };
    // The features are read front to back by each task.
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(map)
}
