//! QGIS-ready layers written as files: RFC 7946 GeoJSON files with a QGIS
//! style beside each, or one GeoPackage with the styles inside.
//!
//! [`crate::layers::build_layers`] turns sites, incidents and proximity rows
//! into format-neutral [`Layer`]s; [`write_layer_set`] writes them as a set:
//! every file is first written into a temporary folder inside the output
//! folder, and only when all are complete are they renamed into place, one
//! rename each. A failed run (a full disk, an error) leaves no new file and an
//! earlier set whole; files of other names in the output folder are left
//! alone. [`write_layers`] builds and writes in one call.
//!
//! ```no_run
//! use impactmap::io::layers::{write_layers, LayerFormat};
//! use impactmap::layers::LayerOptions;
//! # let (sites, incidents, rows) = (vec![], vec![], vec![]);
//! let written = write_layers("out".as_ref(), &sites, &incidents, &rows, &LayerOptions::default(), LayerFormat::GeoJson)?;
//! for (path, n) in &written.files {
//!     println!("{} ({n} features)", path.display());
//! }
//! # Ok::<(), impactmap::io::layers::LayersError>(())
//! ```

pub mod geojson_out;
pub mod gpkg;
pub mod qml;

use crate::layers::{build_layers, Layer, LayerOptions};
use crate::model::{Incident, Site};
use crate::proximity::ProximityRow;
use crate::util::atomic::{at, persist, temp_file_beside, write_atomic, StagingDir};
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

/// Why layers could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LayersError {
    /// A file or folder could not be written (the message names the path and
    /// what was being done).
    #[error(transparent)]
    Io(#[from] std::io::Error),
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
    /// GeoJSON layers not written, with why (see [`left_out`]).
    pub left_out: Vec<LeftOut>,
    /// Files an earlier run wrote for layers this set leaves out, removed so
    /// that the folder does not mix two runs.
    pub removed: Vec<PathBuf>,
    /// Files named as a left-out layer that impactmap did not write: kept.
    pub foreign: Vec<PathBuf>,
}

/// A layer not written as GeoJSON: it would hold no geometry, and QGIS
/// opens such a file as a table without a CRS instead of a map layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The layer's name (`links`).
    pub layer: String,
    /// Why, in words ("no features", "2 features, none with a geometry").
    pub reason: String,
}

/// The layers [`write_layer_set`] leaves out of a GeoJSON set: those
/// without a single geometry. A GeoPackage keeps them, typed and empty.
pub fn left_out(layers: &[Layer]) -> Vec<LeftOut> {
    layers
        .iter()
        .filter(|l| l.features.iter().all(|f| f.geometry.is_none()))
        .map(|l| LeftOut {
            layer: l.name.clone(),
            reason: match l.features.len() {
                0 => "no features".into(),
                1 => "its one feature has no geometry".into(),
                n => format!("{n} features, none with a geometry"),
            },
        })
        .collect()
}

/// The layers of a GeoJSON set: those with a geometry to draw.
fn drawable(layers: &[Layer]) -> impl Iterator<Item = &Layer> {
    layers
        .iter()
        .filter(|l| l.features.iter().any(|f| f.geometry.is_some()))
}

/// Name of the GeoPackage written by [`write_layers`] in GeoPackage format.
pub const GPKG_NAME: &str = "layers.gpkg";

/// Builds the layers and writes them into the folder `dir` (created if
/// missing) in `format`: [`build_layers`] then [`write_layer_set`].
pub fn write_layers(
    dir: &Path,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    opts: &LayerOptions,
    format: LayerFormat,
) -> Result<Written, LayersError> {
    write_layer_set(dir, &build_layers(sites, incidents, rows, opts), format)
}

/// The files [`write_layer_set`] writes into `dir`, with their feature
/// counts (0 for styles), in writing order.
pub fn set_files(dir: &Path, layers: &[Layer], format: LayerFormat) -> Vec<(PathBuf, usize)> {
    match format {
        LayerFormat::GeoJson => drawable(layers)
            .flat_map(|layer| {
                [
                    (
                        dir.join(format!("{}.geojson", layer.name)),
                        layer.features.len(),
                    ),
                    (dir.join(format!("{}.qml", layer.name)), 0),
                ]
            })
            .collect(),
        LayerFormat::GeoPackage => vec![(
            dir.join(GPKG_NAME),
            layers.iter().map(|l| l.features.len()).sum(),
        )],
    }
}

/// Writes built layers, with their styles, into the folder `dir` (created if
/// missing), as a set (GeoJSON: without the layers [`left_out`] lists): staged in a temporary folder inside `dir`, then moved
/// into place once every file is complete.
pub fn write_layer_set(
    dir: &Path,
    layers: &[Layer],
    format: LayerFormat,
) -> Result<Written, LayersError> {
    let staging = StagingDir::new_in(dir, "layers")?;
    let styles: Vec<String> = layers.iter().map(qml::style_for).collect();
    let staged = staging.path();
    let mut left = Vec::new();
    match format {
        LayerFormat::GeoJson => {
            left = left_out(layers);
            for (layer, style) in layers.iter().zip(&styles) {
                if left.iter().any(|l| l.layer == layer.name) {
                    continue;
                }
                let path = staged.join(format!("{}.geojson", layer.name));
                write_atomic(&path, |mut w| geojson_out::write_layer(&mut w, layer))?;
                let qml_path = staged.join(format!("{}.qml", layer.name));
                write_atomic(&qml_path, |w| w.write_all(style.as_bytes()))?;
            }
        }
        LayerFormat::GeoPackage => {
            let styled: Vec<(&Layer, &str)> = layers
                .iter()
                .zip(styles.iter().map(String::as_str))
                .collect();
            write_gpkg_atomic(&staged.join(GPKG_NAME), &styled)?;
        }
    }
    staging.move_files_into(dir)?;
    let (removed, foreign) = remove_stale(dir, &left)?;
    Ok(Written {
        files: set_files(dir, layers, format),
        left_out: left,
        removed,
        foreign,
    })
}

/// Removes from `dir` the GeoJSON files (and their styles) of the layers
/// `left` that an earlier run wrote. A file is taken as impactmap's only
/// when it begins as [`geojson_out::write_layer`] begins that layer; others
/// are left in place and returned second.
fn remove_stale(dir: &Path, left: &[LeftOut]) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    use std::io::Read;
    let (mut removed, mut foreign) = (Vec::new(), Vec::new());
    for l in left {
        let path = dir.join(format!("{}.geojson", l.layer));
        let expected = geojson_out::header(&l.layer);
        let mut start = Vec::with_capacity(expected.len());
        match std::fs::File::open(&path) {
            Ok(f) => f
                .take(expected.len() as u64)
                .read_to_end(&mut start)
                .map_err(at("reading", &path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(at("reading", &path)(e)),
        };
        if start != expected.as_bytes() {
            foreign.push(path);
            continue;
        }
        for stale in [path.clone(), path.with_extension("qml")] {
            match std::fs::remove_file(&stale) {
                Ok(()) => removed.push(stale),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(at("removing", &stale)(e)),
            }
        }
    }
    Ok((removed, foreign))
}

/// Writes a GeoPackage to a temporary file beside `path`, then renames it over `path`.
pub fn write_gpkg_atomic(path: &Path, layers: &[(&Layer, &str)]) -> Result<(), LayersError> {
    let tmp = temp_file_beside(path, ".gpkg.tmp")?;
    gpkg::write_gpkg(tmp.path(), layers).map_err(|source| LayersError::GeoPackage {
        path: path.to_path_buf(),
        source,
    })?;
    persist(tmp, path)?;
    Ok(())
}
