//! QGIS-ready layers: RFC 7946 GeoJSON files with a QGIS style beside each,
//! or one GeoPackage with the styles inside.
//!
//! [`build_layers`] turns sites, incidents and proximity rows into
//! format-neutral [`Layer`]s (see [`build`] for what each layer holds);
//! [`write_layers`] writes them, each file atomically (a temporary file in
//! the output folder, then a rename), so a failed run leaves no partial file.
//!
//! ```no_run
//! use impactmap::io::layers::{write_layers, LayerOptions};
//! # let (sites, incidents, rows) = (vec![], vec![], vec![]);
//! let written = write_layers("out".as_ref(), &sites, &incidents, &rows, &LayerOptions::default())?;
//! for (path, n) in &written.files {
//!     println!("{} ({n} features)", path.display());
//! }
//! # Ok::<(), impactmap::io::layers::LayersError>(())
//! ```

pub mod build;
pub mod geojson_out;
pub mod gpkg;
pub mod qml;
pub mod table;

pub use build::{build_layers, outline_tolerance_m};
pub use table::{FieldType, GeometryType, Layer, Value};

use crate::model::{Incident, Site, StepLength};
use crate::proximity::ProximityRow;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format of [`write_layers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayerFormat {
    /// One `.geojson` FeatureCollection per layer, with a `.qml` style beside each.
    #[default]
    GeoJson,
    /// One GeoPackage (`layers.gpkg`) holding every layer and its style.
    GeoPackage,
}

/// What to draw and how.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerOptions {
    /// Ring radii around every site, metres.
    pub rings_m: Vec<f64>,
    /// Step-length assumption for relative distances given in steps.
    pub steps: StepLength,
    /// Half the opening angle of the sector drawn for a relative location
    /// with a bearing, degrees (sources give a direction, not a tolerance:
    /// 22.5° is one point of an eight-point compass either side).
    pub bearing_half_width_deg: f64,
    /// Output format.
    pub format: LayerFormat,
}

impl Default for LayerOptions {
    fn default() -> Self {
        LayerOptions {
            rings_m: vec![50.0, 100.0, 250.0, 500.0],
            steps: StepLength::default(),
            bearing_half_width_deg: crate::shapes::BEARING_HALF_WIDTH_DEG,
            format: LayerFormat::GeoJson,
        }
    }
}

/// Why layers could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LayersError {
    /// A file or folder could not be written.
    #[error("cannot write {}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The GeoPackage could not be built.
    #[error("cannot write GeoPackage {}", path.display())]
    GeoPackage {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

/// What [`write_layers`] wrote: each file and its feature count (0 for styles).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Written {
    /// Paths in writing order, with feature counts.
    pub files: Vec<(PathBuf, usize)>,
}

/// Name of the GeoPackage written by [`write_layers`] in GeoPackage format.
pub const GPKG_NAME: &str = "layers.gpkg";

/// Builds the layers and writes them into the folder `dir` (created if missing).
pub fn write_layers(
    dir: &Path,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    opts: &LayerOptions,
) -> Result<Written, LayersError> {
    write_layer_set(
        dir,
        &build_layers(sites, incidents, rows, opts),
        opts.format,
    )
}

/// Writes built layers, with their styles, into the folder `dir` (created if missing).
pub fn write_layer_set(
    dir: &Path,
    layers: &[Layer],
    format: LayerFormat,
) -> Result<Written, LayersError> {
    std::fs::create_dir_all(dir).map_err(|source| LayersError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let styles: Vec<String> = layers.iter().map(qml::style_for).collect();
    let mut written = Written::default();
    match format {
        LayerFormat::GeoJson => {
            for (layer, style) in layers.iter().zip(&styles) {
                let path = dir.join(format!("{}.geojson", layer.name));
                write_atomic(&path, |mut w| geojson_out::write_layer(&mut w, layer))?;
                written.files.push((path, layer.features.len()));
                let qml_path = dir.join(format!("{}.qml", layer.name));
                write_atomic(&qml_path, |w| w.write_all(style.as_bytes()))?;
                written.files.push((qml_path, 0));
            }
        }
        LayerFormat::GeoPackage => {
            let path = dir.join(GPKG_NAME);
            let styled: Vec<(&Layer, &str)> = layers
                .iter()
                .zip(styles.iter().map(String::as_str))
                .collect();
            write_gpkg_atomic(&path, &styled)?;
            written
                .files
                .push((path, layers.iter().map(|l| l.features.len()).sum()));
        }
    }
    Ok(written)
}

/// Writes a GeoPackage to a temporary file beside `path`, then renames it over `path`.
pub fn write_gpkg_atomic(path: &Path, layers: &[(&Layer, &str)]) -> Result<(), LayersError> {
    let io_err = |source| LayersError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".impactmap-")
        .suffix(".gpkg.tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    gpkg::write_gpkg(tmp.path(), layers).map_err(|source| LayersError::GeoPackage {
        path: path.to_path_buf(),
        source,
    })?;
    crate::io::atomic::readable(tmp.as_file()).map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes a file atomically (see [`crate::io::atomic`]), naming the file in the error.
fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), LayersError> {
    crate::io::atomic::write_atomic(path, fill).map_err(|source| LayersError::Io {
        path: path.to_path_buf(),
        source,
    })
}
