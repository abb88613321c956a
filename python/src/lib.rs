//! `impactmap._impactmap`: the Python extension module. Geodesic distances
//! (WGS84, metres) and nearest sites over anything speaking the Arrow
//! PyCapsule interface; geometries are WKB or GeoArrow native arrays with
//! lon/lat coordinates (EPSG:4326). The GIL is released while computing.

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use arrow_schema::FieldRef;
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

/// An array argument's chunks and field (whose extension name says WKB or
/// a GeoArrow native type).
fn chunks(array: AnyArray) -> PyResult<(Vec<ArrayRef>, FieldRef)> {
    Ok(array.into_chunked_array()?.into_inner())
}

/// Decodes all chunks on all cores (WKB or GeoArrow native, see
/// `impactmap.io.arrow.Geometries`); the first bad value is the error.
fn decode(
    (chunks, field): &(Vec<ArrayRef>, FieldRef),
    what: &str,
) -> Result<Vec<Option<SiteGeometry>>, String> {
    let mut out = Vec::new();
    for chunk in chunks {
        let first = out.len();
        let geometries =
            ia::Geometries::new(chunk.as_ref(), field).map_err(|m| format!("{what}: {m}"))?;
        let decoded: Vec<_> = (0..chunk.len())
            .into_par_iter()
            .map(|i| {
                geometries
                    .get(i)
                    .map_err(|m| format!("{what}[{}]: {m}", first + i))
            })
            .collect();
        for g in decoded {
            out.push(g?);
        }
    }
    Ok(out)
}

/// Elementwise geodesic distance (WGS84, metres) from each point to the
/// geometry at the same position (Point, Polygon or MultiPolygon; 0 inside
/// a polygon). Both are WKB or GeoArrow native arrays; one of length 1 is
/// broadcast. Null where either value is null.
#[pyfunction]
fn distance(py: Python<'_>, points: AnyArray, geometries: AnyArray) -> PyResult<Py<PyAny>> {
    let (points, geometries) = (chunks(points)?, chunks(geometries)?);
    let length = |(c, _): &(Vec<ArrayRef>, FieldRef)| c.iter().map(|c| c.len()).sum::<usize>();
    let n = match (length(&points), length(&geometries)) {
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
            // Value i, or the only value of a broadcast argument.
            fn at(v: &[Option<SiteGeometry>], i: usize) -> Option<&SiteGeometry> {
                v[if v.len() == 1 { 0 } else { i }].as_ref()
            }
            (0..n)
                .into_par_iter()
                .map(|i| match (at(&points, i), at(&geometries, i)) {
                    (Some(SiteGeometry::Point(p)), Some(g)) => Ok(Some(exact(g, *p).distance_m)),
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

/// Each geometry's bounding box in degrees (WGS84 lon/lat): a table of
/// `xmin`, `ymin`, `xmax`, `ymax`, null for null geometries. Spatial
/// partitioning needs no more than this to route sites and incidents.
#[pyfunction]
fn bounds(py: Python<'_>, geometries: AnyArray) -> PyResult<Py<PyAny>> {
    let geometries = chunks(geometries)?;
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
/// (`id` and a WKB or GeoArrow native `geometry`; incidents also `date`). Returns a
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
