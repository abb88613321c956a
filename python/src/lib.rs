//! `impactmap._impactmap`: the Python extension module. Geodesic distances
//! (WGS84, metres) and nearest sites over anything speaking the Arrow
//! PyCapsule interface; geometries are WKB with lon/lat coordinates
//! (EPSG:4326). The GIL is released while computing.

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use impactmap::io::{arrow as ia, csv::CsvColumns, read};
use impactmap::model::SiteGeometry;
use impactmap::proximity::{exact, Engine, Options};
use impactmap::{Incident, Site};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};
use pyo3_arrow::{PyArray, PyTable};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A table argument: a file path, or an Arrow table or stream.
#[derive(FromPyObject)]
enum TableInput {
    Path(PathBuf),
    Arrow(AnyRecordBatch),
}

/// Bad input (the message names the file, row or feature, and the field).
fn input_error(e: impactmap::io::InputError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// All chunks of an array argument as one list of WKB values.
fn wkb_chunks(chunks: &[ArrayRef], what: &str) -> PyResult<Vec<Option<Vec<u8>>>> {
    let mut out = Vec::new();
    for chunk in chunks {
        let values = ia::wkb_values(chunk.as_ref())
            .map_err(|m| PyValueError::new_err(format!("{what}: {m}")))?;
        out.extend(values.into_iter().map(|v| v.map(<[u8]>::to_vec)));
    }
    Ok(out)
}

/// Decodes WKB values on all cores; the first bad value is the error.
fn decode(values: &[Option<Vec<u8>>], what: &str) -> Result<Vec<Option<SiteGeometry>>, String> {
    values
        .par_iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(None),
            Some(bytes) => ia::geometry(bytes)
                .map(Some)
                .map_err(|m| format!("{what}[{i}]: {m}")),
        })
        .collect()
}

/// Elementwise geodesic distance (WGS84, metres) from each point to the
/// geometry at the same position (Point, Polygon or MultiPolygon; 0 inside
/// a polygon). Both are WKB arrays; one of length 1 is broadcast. Null
/// where either value is null.
#[pyfunction]
fn distance(py: Python<'_>, points: AnyArray, geometries: AnyArray) -> PyResult<Py<PyAny>> {
    let points = points.into_chunked_array()?;
    let geometries = geometries.into_chunked_array()?;
    let points = wkb_chunks(points.chunks(), "points")?;
    let geometries = wkb_chunks(geometries.chunks(), "geometries")?;
    let n = match (points.len(), geometries.len()) {
        (a, b) if a == b => a,
        (1, b) => b,
        (a, 1) => a,
        (a, b) => {
            return Err(PyValueError::new_err(format!(
                "points has {a} values and geometries {b}: give arrays of the same length, or one of length 1"
            )))
        }
    };
    let out = py
        .detach(|| -> Result<Float64Array, String> {
            let points = decode(&points, "points")?;
            let geometries = decode(&geometries, "geometries")?;
            let at = |v: &[Option<SiteGeometry>], i: usize| -> Option<SiteGeometry> {
                v[if v.len() == 1 { 0 } else { i }].clone()
            };
            (0..n)
                .into_par_iter()
                .map(|i| match (at(&points, i), at(&geometries, i)) {
                    (Some(SiteGeometry::Point(p)), Some(g)) => Ok(Some(exact(&g, p).distance_m)),
                    (Some(other), _) => Err(format!(
                        "points[{i}] is a {}, not a Point",
                        other.type_name()
                    )),
                    _ => Ok(None),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Float64Array::from)
        })
        .map_err(PyValueError::new_err)?;
    Ok(PyArray::from_array_ref(Arc::new(out))
        .to_pyarrow(py)?
        .unbind())
}

/// Each WKB geometry's bounding box in degrees (WGS84 lon/lat): a table of
/// `xmin`, `ymin`, `xmax`, `ymax`, null for null geometries. Spatial
/// partitioning needs no more than this to route sites and incidents.
#[pyfunction]
fn bounds(py: Python<'_>, geometries: AnyArray) -> PyResult<Py<PyAny>> {
    let geometries = wkb_chunks(geometries.into_chunked_array()?.chunks(), "geometries")?;
    let batch = py
        .detach(|| -> Result<RecordBatch, String> {
            use geo::BoundingRect;
            let boxes: Vec<Option<geo::Rect<f64>>> = decode(&geometries, "geometries")?
                .into_iter()
                .map(|g| g.and_then(|g| g.to_geometry().bounding_rect()))
                .collect();
            let column = |f: fn(&geo::Rect<f64>) -> f64| -> ArrayRef {
                Arc::new(Float64Array::from_iter(
                    boxes.iter().map(|b| b.as_ref().map(f)),
                ))
            };
            RecordBatch::try_from_iter([
                ("xmin", column(|b| b.min().x)),
                ("ymin", column(|b| b.min().y)),
                ("xmax", column(|b| b.max().x)),
                ("ymax", column(|b| b.max().y)),
            ])
            .map_err(|e| e.to_string())
        })
        .map_err(PyValueError::new_err)?;
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?
        .into_pyarrow(py)?
        .unbind())
}

/// A table argument made ready to read without the GIL: a path, or the
/// Arrow table's batches (taken from Python's stream while holding the GIL).
enum Table {
    Path(PathBuf),
    Batches(Vec<RecordBatch>),
}

impl TableInput {
    fn take(self) -> PyResult<Table> {
        Ok(match self {
            TableInput::Path(p) => Table::Path(p),
            TableInput::Arrow(t) => Table::Batches(t.into_table()?.into_inner().0),
        })
    }
}

/// A missing file is an `OSError`, as Python's own `open` makes it.
fn check_exists(path: &std::path::Path) -> PyResult<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(PyOSError::new_err(format!(
            "{}: no such file",
            path.display()
        )))
    }
}

/// Reads the sites: a file as the command line reads it, or an Arrow table.
fn load_sites(table: Table) -> PyResult<Vec<Site>> {
    let sites = match table {
        Table::Path(path) => {
            check_exists(&path)?;
            read::sites(&path).map_err(input_error)?
        }
        Table::Batches(b) => ia::sites(&b, None, "sites").map_err(input_error)?,
    };
    if sites.is_empty() {
        return Err(PyValueError::new_err(
            "sites: there are no sites to measure against",
        ));
    }
    Ok(sites)
}

/// Reads the incidents: a file as the command line reads it, or an Arrow table.
fn load_incidents(table: Table, sites: &[Site]) -> PyResult<Vec<Incident>> {
    match table {
        Table::Path(path) => {
            check_exists(&path)?;
            read::incidents(&path, sites, &CsvColumns::default()).map_err(input_error)
        }
        Table::Batches(b) => ia::incidents(&b, None, "incidents").map_err(input_error),
    }
}

/// The proximity table: for each incident its nearest site, or with
/// `max_distance_m` every site within that many metres. `incidents` and
/// `sites` are file paths (as the command line reads them) or Arrow tables
/// (`id` and a WKB `geometry`; incidents also `date`). Returns a
/// `pyarrow.Table` with the CSV's columns (numbers as float64 at full
/// precision) and `geometry`, the nearest point as WKB.
#[pyfunction]
#[pyo3(signature = (incidents, sites, max_distance_m=None))]
fn nearest(
    py: Python<'_>,
    incidents: TableInput,
    sites: TableInput,
    max_distance_m: Option<f64>,
) -> PyResult<Py<PyAny>> {
    if let Some(m) = max_distance_m {
        if !(m.is_finite() && m >= 0.0) {
            return Err(PyValueError::new_err(format!(
                "max_distance_m is {m}: give a distance in metres, 0 or more"
            )));
        }
    }
    let (sites, incidents) = (sites.take()?, incidents.take()?);
    let batch = py.detach(|| -> PyResult<RecordBatch> {
        let sites = load_sites(sites)?;
        let incidents = load_incidents(incidents, &sites)?;
        let options = Options {
            max_distance_m,
            ..Options::default()
        };
        let rows = Engine::new(&sites, options)
            .rows(&incidents)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(ia::rows_batch(&rows, &sites, &incidents))
    })?;
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?
        .into_pyarrow(py)?
        .unbind())
}

/// The extension module.
#[pymodule]
fn _impactmap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(distance, m)?)?;
    m.add_function(wrap_pyfunction!(nearest, m)?)?;
    m.add_function(wrap_pyfunction!(bounds, m)?)?;
    Ok(())
}
