//! Sites, incidents and the proximity table as Apache Arrow record batches
//! (feature `arrow`). Geometries are WKB (ISO or extended, either byte
//! order) in binary, large-binary or binary-view columns, or GeoArrow
//! native arrays (`geoarrow.point`, `geoarrow.polygon`,
//! `geoarrow.multipolygon`, …; see [`super::geoarrow`]), told apart by the
//! field's `ARROW:extension:name`.
//!
//! Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326), checked
//! as the GeoJSON reader checks them. A sites table has an `id` column and a
//! geometry column (Point, Polygon or MultiPolygon); its other columns are
//! read as a GeoJSON Feature's properties are (`name`, `kind`, `part`,
//! `site`, `position_uncertainty_m`, `notified`, `address`, `operator`,
//! `position_source`, the rest kept as the site's properties), so a site
//! read from Arrow equals the one read from GeoJSON. An incidents table has
//! `id`, `date` and a Point geometry column, optionally `uncertainty_m`
//! (metres) and `weapon`. Values of any type are read as their text (an
//! integer id, a date column), numbers from any numeric column.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{BinaryArray, RecordBatch, StringArray};
//! use impactmap::io::arrow;
//!
//! // WKB of POINT(30 50), little-endian.
//! let mut wkb = vec![1u8, 1, 0, 0, 0];
//! wkb.extend(30f64.to_le_bytes());
//! wkb.extend(50f64.to_le_bytes());
//! let batch = RecordBatch::try_from_iter([
//!     ("id", Arc::new(StringArray::from(vec!["emb"])) as _),
//!     ("geometry", Arc::new(BinaryArray::from(vec![&wkb[..]])) as _),
//! ])?;
//! let sites = arrow::sites(&[batch], None, "sites")?;
//! assert_eq!(sites[0].id, "emb");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::geoarrow::{Native, NativeArray};
use super::geojson::{check_lon_lat, check_unique, site_from_row, PropVal};
use super::InputError;
use crate::model::{DateSpan, Incident, Location, Site, SiteGeometry, WeaponCategory};
use crate::proximity::ProximityRow;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    UInt64Array,
};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema};
use geo_traits::{
    CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PointTrait,
    PolygonTrait,
};
use geo_types::{Coord, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// The Arrow extension name of WKB geometry columns (GeoArrow).
pub const WKB_EXTENSION: &str = "geoarrow.wkb";

/// The WKB values of a binary, large-binary or binary-view array (`None` for nulls).
pub fn wkb_values(array: &dyn Array) -> Result<Vec<Option<&[u8]>>, String> {
    Ok(match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().iter().collect(),
        DataType::LargeBinary => array.as_binary::<i64>().iter().collect(),
        DataType::BinaryView => array.as_binary_view().iter().collect(),
        other => {
            return Err(format!(
            "geometry must be WKB in a binary, large-binary or binary-view column, or a GeoArrow native array, found {other}"
        ))
        }
    })
}

/// Decodes one WKB geometry: a Point, Polygon or MultiPolygon with WGS84
/// lon/lat coordinates (2D; a Z or M value is ignored).
pub fn geometry(wkb: &[u8]) -> Result<SiteGeometry, String> {
    let g = wkb::reader::read_wkb(wkb).map_err(|e| format!("not valid WKB: {e}"))?;
    Ok(match g.as_type() {
        GeometryType::Point(p) => SiteGeometry::Point(point(&p)?),
        GeometryType::Polygon(p) => SiteGeometry::Polygon(polygon(&p)?),
        GeometryType::MultiPolygon(m) => {
            if m.num_polygons() == 0 {
                return Err("an empty MultiPolygon: give at least one polygon".into());
            }
            let polygons = m
                .polygons()
                .map(|p| polygon(&p))
                .collect::<Result<_, _>>()?;
            SiteGeometry::MultiPolygon(MultiPolygon(polygons))
        }
        _ => {
            return Err(format!(
                "{} geometries are not supported: use Point, Polygon or MultiPolygon",
                type_name(&g)
            ))
        }
    })
}

/// The name of a WKB geometry's type, for messages.
fn type_name(g: &impl GeometryTrait) -> &'static str {
    match g.as_type() {
        GeometryType::Point(_) => "Point",
        GeometryType::LineString(_) => "LineString",
        GeometryType::Polygon(_) => "Polygon",
        GeometryType::MultiPoint(_) => "MultiPoint",
        GeometryType::MultiLineString(_) => "MultiLineString",
        GeometryType::MultiPolygon(_) => "MultiPolygon",
        GeometryType::GeometryCollection(_) => "GeometryCollection",
        _ => "Rect, Triangle or Line",
    }
}

fn coord(c: &impl CoordTrait<T = f64>) -> Result<Coord<f64>, String> {
    checked_coord(c.x(), c.y())
}

/// A position checked to be WGS84 lon/lat in degrees.
pub(super) fn checked_coord(x: f64, y: f64) -> Result<Coord<f64>, String> {
    check_lon_lat(x, y)?;
    Ok(Coord { x, y })
}

/// A valid polygon from rings of positions (exterior first); the error
/// names the ring at fault.
pub(super) fn checked_polygon(rings: Vec<Vec<Coord<f64>>>) -> Result<Polygon<f64>, String> {
    super::geojson::checked_polygon(rings).map_err(|(ring, problem)| match ring {
        Some(r) => format!("ring {r}: {problem}"),
        None => problem,
    })
}

fn point(p: &impl PointTrait<T = f64>) -> Result<Point<f64>, String> {
    let c = p.coord().ok_or("an empty Point: give its coordinates")?;
    coord(&c).map(Point)
}

fn polygon(p: &impl PolygonTrait<T = f64>) -> Result<Polygon<f64>, String> {
    let mut rings = Vec::with_capacity(1 + p.num_interiors());
    for r in p.exterior().into_iter().chain(p.interiors()) {
        rings.push(
            r.coords()
                .map(|c| coord(&c))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    if rings.is_empty() {
        return Err("an empty Polygon: give at least one ring".into());
    }
    checked_polygon(rings)
}

/// A table's columns by name, and where its rows start in the whole input.
struct Columns<'b> {
    batch: &'b RecordBatch,
    file: &'b str,
    first_row: usize,
}

impl<'b> Columns<'b> {
    fn err(&self, row: usize, field: &str, message: impl Into<String>) -> InputError {
        InputError::at(
            self.file,
            format!("row {}", self.first_row + row + 1),
            Some(field),
            message,
        )
    }

    fn column(&self, name: &str) -> Option<&'b ArrayRef> {
        self.batch.column_by_name(name)
    }

    fn required(&self, name: &str, what: &str) -> Result<&'b ArrayRef, InputError> {
        self.column(name)
            .ok_or_else(|| InputError::file(self.file, format!("no `{name}` column: {what}")))
    }

    /// A column's values as text (`None` for nulls), whatever its type.
    fn text(&self, name: &str) -> Result<Option<Vec<Option<String>>>, InputError> {
        let Some(column) = self.column(name) else {
            return Ok(None);
        };
        let formatter = ArrayFormatter::try_new(column, &FormatOptions::default())
            .map_err(|e| InputError::file(self.file, format!("column `{name}`: {e}")))?;
        Ok(Some(
            (0..column.len())
                .map(|i| column.is_valid(i).then(|| formatter.value(i).to_string()))
                .collect(),
        ))
    }

    /// A numeric column's values as doubles (`None` for nulls).
    fn numbers(&self, name: &str) -> Result<Option<Float64Array>, InputError> {
        let Some(column) = self.column(name) else {
            return Ok(None);
        };
        if !column.data_type().is_numeric() {
            return Err(InputError::file(
                self.file,
                format!("column `{name}` holds {}, not numbers", column.data_type()),
            ));
        }
        let cast = arrow_cast::cast(column, &DataType::Float64)
            .map_err(|e| InputError::file(self.file, format!("column `{name}`: {e}")))?;
        Ok(Some(cast.as_primitive::<Float64Type>().clone()))
    }

    /// Row `i` of a radius column (metres, 0 or more; 0 when null or absent).
    fn radius(
        &self,
        column: &Option<Float64Array>,
        i: usize,
        name: &str,
    ) -> Result<f64, InputError> {
        match column
            .as_ref()
            .filter(|c| c.is_valid(i))
            .map(|c| c.value(i))
        {
            None => Ok(0.0),
            Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
            Some(v) => Err(self.err(
                i,
                name,
                format!("{v} is not a radius in metres (0 or more)"),
            )),
        }
    }

    /// The geometry column: WKB or a GeoArrow native array.
    fn geometries(&self, name: &str) -> Result<Geometries<'b>, InputError> {
        let column = self.required(name, "name the geometry column")?;
        let schema = self.batch.schema_ref();
        let field = schema.field_with_name(name).expect("the column exists");
        Geometries::new(column.as_ref(), field)
            .map_err(|m| InputError::file(self.file, format!("column `{name}`: {m}")))
    }

    /// Every column but the geometry column `skip`, pandas' index columns
    /// (`__index_level_0__`, which GeoPandas writes for an index that is not
    /// a range) and those [`not_attributes`] names, as cells of a row, for
    /// [`site_from_row`].
    fn cells(&self, skip: &str) -> Result<Vec<(&'b str, Cells)>, InputError> {
        let schema: &'b Schema = self.batch.schema_ref();
        // A table read from GeoParquet by pyarrow keeps its `geo` metadata.
        let geo = schema.metadata().get("geo");
        let not_attributes = geo
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
            .map_or_else(Vec::new, |geo| not_attributes(&geo, skip));
        let mut out = Vec::with_capacity(schema.fields().len());
        for (field, column) in schema.fields().iter().zip(self.batch.columns()) {
            let name = field.name();
            if name != skip && !name.starts_with("__index_level_") && !not_attributes.contains(name)
            {
                let cells = Cells::new(column).map_err(|e| {
                    InputError::file(self.file, format!("column `{}`: {e}", field.name()))
                })?;
                out.push((field.name().as_str(), cells));
            }
        }
        Ok(out)
    }
}

/// A geometry column: WKB values, or a GeoArrow native array.
pub enum Geometries<'a> {
    /// WKB in a binary, large-binary or binary-view column.
    Wkb(Vec<Option<&'a [u8]>>),
    /// A GeoArrow native array (point, polygon, …).
    Native(NativeArray<'a>),
}

impl<'a> Geometries<'a> {
    /// The geometries of `array`, whose field says the encoding: its
    /// `ARROW:extension:name` (`geoarrow.wkb`, `geoarrow.point`,
    /// `geoarrow.polygon`, …); without one, WKB when the column is binary,
    /// else the native type its nesting implies ([`Native::infer`]).
    pub fn new(array: &'a dyn Array, field: &Field) -> Result<Self, String> {
        let native = match field.metadata().get(EXTENSION_KEY).map(String::as_str) {
            Some(WKB_EXTENSION) => None,
            Some(name) => Some(Native::from_extension(name).ok_or_else(|| {
                format!(
                    "{name} geometries are not read: give WKB or a GeoArrow native array \
                     (geoarrow.point, geoarrow.polygon, geoarrow.multipolygon, …)"
                )
            })?),
            None => Native::infer(array.data_type()),
        };
        match native {
            None => wkb_values(array).map(Geometries::Wkb),
            Some(kind) => NativeArray::new(kind, array).map(Geometries::Native),
        }
    }

    /// Geometry `i` (`None` when null), checked: see [`geometry`].
    pub fn get(&self, i: usize) -> Result<Option<SiteGeometry>, String> {
        match self {
            Geometries::Wkb(values) => values[i].map(geometry).transpose(),
            Geometries::Native(array) => array.geometry(i),
        }
    }
}

/// The field metadata key that names an Arrow extension type.
pub const EXTENSION_KEY: &str = "ARROW:extension:name";

/// Whether a field is marked as a GeoArrow geometry column (`geoarrow.*`,
/// read here or not: one that is not read gets its own error).
fn is_geometry(field: &Field) -> bool {
    field
        .metadata()
        .get(EXTENSION_KEY)
        .is_some_and(|n| n.starts_with("geoarrow."))
}

/// One column's cells as a GeoJSON property's values: text as strings,
/// integers, floats and booleans as JSON values, anything else (dates,
/// times, decimals) as its text; nulls (and NaN) as `null`.
enum Cells {
    Text(StringArray),
    Int(Int64Array),
    UInt(UInt64Array),
    Float(Float64Array),
    Bool(BooleanArray),
    Formatted(Vec<Option<String>>),
}

impl Cells {
    fn new(column: &ArrayRef) -> Result<Cells, String> {
        use DataType::*;
        let cast = |to: &DataType| arrow_cast::cast(column, to).map_err(|e| e.to_string());
        Ok(match column.data_type() {
            Utf8 | LargeUtf8 | Utf8View | Dictionary(..) => {
                Cells::Text(cast(&Utf8)?.as_string::<i32>().clone())
            }
            Int8 | Int16 | Int32 | Int64 => Cells::Int(cast(&Int64)?.as_primitive().clone()),
            UInt8 | UInt16 | UInt32 | UInt64 => Cells::UInt(cast(&UInt64)?.as_primitive().clone()),
            Float16 | Float32 | Float64 => Cells::Float(cast(&Float64)?.as_primitive().clone()),
            Boolean => Cells::Bool(column.as_boolean().clone()),
            _ => {
                let f = ArrayFormatter::try_new(column, &FormatOptions::default())
                    .map_err(|e| e.to_string())?;
                Cells::Formatted(
                    (0..column.len())
                        .map(|i| column.is_valid(i).then(|| f.value(i).to_string()))
                        .collect(),
                )
            }
        })
    }

    fn get(&self, i: usize) -> PropVal<'_> {
        use serde_json::Value;
        fn json<T: Into<Value>>(v: Option<T>) -> PropVal<'static> {
            PropVal::Json(v.map_or(Value::Null, Into::into))
        }
        match self {
            Cells::Text(a) if a.is_valid(i) => PropVal::Str(a.value(i)),
            Cells::Formatted(v) if v[i].is_some() => PropVal::Str(v[i].as_deref().unwrap_or("")),
            Cells::Int(a) => json(a.is_valid(i).then(|| a.value(i))),
            Cells::UInt(a) => json(a.is_valid(i).then(|| a.value(i))),
            Cells::Float(a) => json(
                a.is_valid(i)
                    .then(|| serde_json::Number::from_f64(a.value(i)))
                    .flatten(),
            ),
            Cells::Bool(a) => json(a.is_valid(i).then(|| a.value(i))),
            Cells::Text(_) | Cells::Formatted(_) => PropVal::Json(Value::Null),
        }
    }
}

/// The columns GeoParquet metadata (`geo`) names that are not attributes:
/// the geometry columns other than `primary` and the bounding-box coverings
/// (`"covering": {"bbox": {"xmin": ["bbox", "xmin"], …}}`), sorted.
pub fn not_attributes(geo: &serde_json::Value, primary: &str) -> Vec<String> {
    let columns = geo["columns"].as_object().into_iter().flatten();
    let coverings = columns
        .clone()
        .filter_map(|(_, c)| c["covering"].as_object())
        .flat_map(|covering| covering.values())
        .filter_map(|paths| paths.as_object())
        .flat_map(|paths| paths.values())
        .filter_map(|path| path.get(0)?.as_str());
    let others = columns
        .map(|(name, _)| name.as_str())
        .filter(|c| *c != primary);
    let mut names: Vec<String> = coverings.chain(others).map(str::to_string).collect();
    names.sort();
    names.dedup();
    names
}

/// The geometry column of a schema: `name` if given, else the first column
/// marked as GeoArrow (WKB or native), else `geometry`.
pub fn geometry_column(schema: &Schema, name: Option<&str>) -> String {
    if let Some(n) = name {
        return n.to_string();
    }
    schema
        .fields()
        .iter()
        .find(|f| is_geometry(f))
        .map_or_else(|| "geometry".to_string(), |f| f.name().clone())
}

/// Reads sites from record batches (one table); the geometry column is
/// `geometry_name` or found by [`geometry_column`]; `file` names the input
/// in errors. The other columns are read as a GeoJSON Feature's properties
/// are: `id` (or `site`), `part`, `name`, `kind`, `position_uncertainty_m`
/// (metres), `notified` (a date), `address`, `operator` (or `country`),
/// `position_source`, and any other column as the site's own property.
/// Site ids (with parts) must be unique.
pub fn sites(
    batches: &[RecordBatch],
    geometry_name: Option<&str>,
    file: &str,
) -> Result<Vec<Site>, InputError> {
    sites_from(batches.iter().cloned().map(Ok), geometry_name, file)
}

/// [`sites`] from batches as they are read (each converted, then dropped).
pub fn sites_from(
    batches: impl IntoIterator<Item = Result<RecordBatch, InputError>>,
    geometry_name: Option<&str>,
    file: &str,
) -> Result<Vec<Site>, InputError> {
    let mut sites = Vec::new();
    for batch in batches {
        let batch = batch?;
        let geometry_name = geometry_column(&batch.schema(), geometry_name);
        let c = Columns {
            batch: &batch,
            file,
            first_row: sites.len(),
        };
        if c.column("id").is_none() && c.column("site").is_none() {
            return Err(InputError::file(
                file,
                "no `id` column: give each site an id",
            ));
        }
        let geometries = c.geometries(&geometry_name)?;
        let cells = c.cells(&geometry_name)?;
        let read = (0..batch.num_rows())
            .into_par_iter()
            .map(|i| {
                let row = c.first_row + i;
                let geometry = geometries
                    .get(i)
                    .map_err(|m| c.err(i, &geometry_name, m))?
                    .ok_or_else(|| {
                        c.err(
                            i,
                            &geometry_name,
                            "missing: a site needs a Point, Polygon or MultiPolygon",
                        )
                    })?;
                let row_cells = cells.iter().map(|(k, v)| (*k, v.get(i))).collect();
                site_from_row(file, row, row_cells, geometry)
            })
            .collect::<Vec<_>>();
        // The first bad row is the error, whichever thread found it.
        for site in read {
            sites.push(site?);
        }
    }
    check_unique(&sites, file, |_| None)?;
    Ok(sites)
}

/// Reads incidents (impact points) from record batches (one table): `id`,
/// `date` and a Point geometry column (see [`sites`] for how it is found),
/// optionally `uncertainty_m` and `weapon`. Ids must be unique.
pub fn incidents(
    batches: &[RecordBatch],
    geometry_name: Option<&str>,
    file: &str,
) -> Result<Vec<Incident>, InputError> {
    incidents_from(batches.iter().cloned().map(Ok), geometry_name, file)
}

/// [`incidents`] from batches as they are read (each converted, then dropped).
pub fn incidents_from(
    batches: impl IntoIterator<Item = Result<RecordBatch, InputError>>,
    geometry_name: Option<&str>,
    file: &str,
) -> Result<Vec<Incident>, InputError> {
    let mut incidents: Vec<Incident> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for batch in batches {
        let batch = batch?;
        let geometry_name = geometry_column(&batch.schema(), geometry_name);
        let c = Columns {
            batch: &batch,
            file,
            first_row: incidents.len(),
        };
        let ids = c
            .text("id")?
            .ok_or_else(|| InputError::file(file, "no `id` column: give each incident an id"))?;
        let dates = c
            .text("date")?
            .ok_or_else(|| InputError::file(file, "no `date` column: give each incident a date"))?;
        let geometries = c.geometries(&geometry_name)?;
        let spread = c.numbers("uncertainty_m")?;
        let weapons = c.text("weapon")?;
        for i in 0..batch.num_rows() {
            let id = ids[i]
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| c.err(i, "id", "missing: give each incident an id"))?;
            if let Some(first) = seen.insert(id.clone(), c.first_row + i) {
                return Err(c.err(
                    i,
                    "id",
                    format!("duplicate incident id `{id}` (also row {})", first + 1),
                ));
            }
            let date = dates[i].as_deref().unwrap_or_default();
            let start = DateSpan::parse(date).map_err(|m| c.err(i, "date", m))?;
            let point = match geometries.get(i).map_err(|m| c.err(i, &geometry_name, m))? {
                Some(SiteGeometry::Point(p)) => p,
                None => return Err(c.err(i, &geometry_name, "missing: an incident needs a Point")),
                Some(other) => {
                    return Err(c.err(
                        i,
                        &geometry_name,
                        format!(
                            "a {}: incidents read from Arrow are impact points",
                            other.type_name()
                        ),
                    ))
                }
            };
            let uncertainty_m = c.radius(&spread, i, "uncertainty_m")?;
            let weapon = weapons
                .as_ref()
                .and_then(|w| w[i].clone())
                .filter(|w| !w.is_empty());
            incidents.push(Incident {
                id,
                time_precision: start.precision,
                start,
                end: None,
                weapon_category: weapon
                    .as_deref()
                    .map_or(WeaponCategory::Unknown, WeaponCategory::infer),
                weapon,
                description: None,
                damage: None,
                casualties: None,
                sources: Vec::new(),
                notes: None,
                location: Location::Point {
                    point,
                    uncertainty_m,
                },
                properties: Default::default(),
            });
        }
    }
    Ok(incidents)
}

/// Column names of [`super::table::COLUMNS`] that hold numbers: float64
/// columns at full precision (not rounded as in the CSV).
fn numeric(row: &ProximityRow, column: usize) -> Option<f64> {
    match column {
        4 => Some(row.distance.nominal),
        5 => Some(row.distance.min),
        6 => Some(row.distance.max),
        8 => row.bearing_deg,
        9 => row.nearest.map(|p| p.x()),
        10 => row.nearest.map(|p| p.y()),
        _ => None,
    }
}

/// Whether column `i` of [`super::table::COLUMNS`] holds numbers.
fn is_numeric(i: usize) -> bool {
    matches!(i, 4..=6 | 8..=10)
}

/// The proximity table as one record batch: the CSV's columns, numbers as
/// float64 at full precision (metres, degrees), text as UTF-8 (null where
/// the CSV cell is empty), then `geometry`: the site's nearest point as WKB
/// (GeoArrow WKB, WGS84 lon/lat; null when not defined).
pub fn rows_batch(rows: &[ProximityRow], sites: &[Site], incidents: &[Incident]) -> RecordBatch {
    let columns = super::table::COLUMNS;
    let mut text: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); columns.len()];
    let mut buf = String::new();
    for row in rows {
        let mut k = 0;
        let _ = super::table::for_each_cell(row, sites, incidents, &mut buf, |cell| {
            if !is_numeric(k) {
                text[k].push((!cell.is_empty()).then(|| cell.to_string()));
            }
            k += 1;
            Ok::<(), std::convert::Infallible>(())
        });
    }
    let mut fields = Vec::with_capacity(columns.len() + 1);
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len() + 1);
    for (i, name) in columns.iter().enumerate() {
        if is_numeric(i) {
            fields.push(Field::new(*name, DataType::Float64, true));
            arrays.push(Arc::new(Float64Array::from_iter(
                rows.iter().map(|r| numeric(r, i)),
            )));
        } else {
            fields.push(Field::new(*name, DataType::Utf8, true));
            arrays.push(Arc::new(StringArray::from(std::mem::take(&mut text[i]))));
        }
    }
    let wkb: Vec<Option<Vec<u8>>> = rows.iter().map(|r| r.nearest.map(point_wkb)).collect();
    fields.push(wkb_field("geometry"));
    arrays.push(Arc::new(BinaryArray::from_iter(wkb)));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).expect("columns match their fields")
}

/// A nullable binary field marked as GeoArrow WKB with WGS84 lon/lat.
pub fn wkb_field(name: &str) -> Field {
    Field::new(name, DataType::Binary, true).with_metadata(HashMap::from([(
        "ARROW:extension:name".to_string(),
        WKB_EXTENSION.to_string(),
    )]))
}

/// A point as little-endian ISO WKB (21 bytes).
pub fn point_wkb(p: Point<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(21);
    wkb::writer::write_point(&mut out, &p, &Default::default())
        .expect("writing to a Vec cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Date32Array, Int64Array};

    #[test]
    fn coverings_named_in_geo_metadata_are_not_attributes() {
        let geo = r#"{"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry":
            {"encoding": "WKB", "covering": {"bbox": {"xmin": ["bbox", "xmin"]}}}}}"#;
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(StringArray::from(vec!["a"])) as ArrayRef),
            ("bbox", Arc::new(Float64Array::from(vec![30.5])) as ArrayRef),
            (
                "floors",
                Arc::new(Float64Array::from(vec![3.0])) as ArrayRef,
            ),
            (
                "geometry",
                Arc::new(BinaryArray::from_iter_values([point_wkb(Point::new(
                    30.5, 50.4,
                ))])) as ArrayRef,
            ),
        ])
        .unwrap();
        let plain = sites(std::slice::from_ref(&batch), None, "f").unwrap();
        assert!(plain[0].details().properties.contains_key("bbox"));
        let metadata = HashMap::from([("geo".to_string(), geo.to_string())]);
        let schema = Arc::new(batch.schema().as_ref().clone().with_metadata(metadata));
        let read = sites(&[batch.with_schema(schema).unwrap()], None, "f").unwrap();
        let properties = &read[0].details().properties;
        assert!(!properties.contains_key("bbox") && properties.contains_key("floors"));
    }

    #[test]
    fn site_attributes_read_as_from_geojson() {
        let geojson = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"emb","site":null,"part":null,"name":"Embassy","kind":"embassy",
            "notified":"2022-04-01","address":"Kyiv, vul. Yaroslaviv Val 1","operator":"Azerbaijan",
            "position_source":"survey","position_uncertainty_m":300,"floors":5,"height_m":17.5,"heritage":true},
           "geometry":{"type":"Point","coordinates":[30.49056162,50.46082135]}},
          {"type":"Feature","properties":{"id":"bldg","site":"emb","part":"administrative building","name":null,
            "kind":null,"notified":null,"address":null,"operator":null,"position_source":null,
            "position_uncertainty_m":null,"floors":null,"height_m":null,"heritage":null},
           "geometry":{"type":"Point","coordinates":[30.4902,50.4602]}}
        ]}"#;
        let reference = super::super::geojson::parse_sites(geojson, "f").unwrap();
        let text = |v: [Option<&str>; 2]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
        let days = (chrono::NaiveDate::from_ymd_opt(2022, 4, 1).unwrap()
            - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days() as i32;
        let geometry: Vec<Vec<u8>> = [(30.49056162, 50.46082135), (30.4902, 50.4602)]
            .map(|p| point_wkb(Point::from(p)))
            .to_vec();
        let batch = RecordBatch::try_from_iter([
            ("id", text([Some("emb"), Some("bldg")])),
            ("site", text([None, Some("emb")])),
            ("part", text([None, Some("administrative building")])),
            ("name", text([Some("Embassy"), None])),
            ("kind", text([Some("embassy"), None])),
            (
                "notified",
                Arc::new(Date32Array::from(vec![Some(days), None])) as ArrayRef,
            ),
            ("address", text([Some("Kyiv, vul. Yaroslaviv Val 1"), None])),
            ("operator", text([Some("Azerbaijan"), None])),
            ("position_source", text([Some("survey"), None])),
            (
                "position_uncertainty_m",
                Arc::new(Int64Array::from(vec![Some(300), None])) as ArrayRef,
            ),
            (
                "floors",
                Arc::new(Int64Array::from(vec![Some(5), None])) as ArrayRef,
            ),
            (
                "height_m",
                Arc::new(Float64Array::from(vec![Some(17.5), None])) as ArrayRef,
            ),
            (
                "heritage",
                Arc::new(BooleanArray::from(vec![Some(true), None])) as ArrayRef,
            ),
            (
                "geometry",
                Arc::new(BinaryArray::from_iter_values(geometry)) as ArrayRef,
            ),
        ])
        .unwrap();
        let got = sites(std::slice::from_ref(&batch), None, "f").unwrap();
        assert_eq!(got, reference);
        assert!(got[0].notified.is_some() && got[0].details().properties.len() == 3);

        // The same checks: a date that is not one, a negative radius.
        let mut columns = batch.columns().to_vec();
        columns[5] = text([Some("soon"), None]);
        let schema = Schema::new(
            batch
                .schema()
                .fields()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == 5 {
                        Field::new("notified", DataType::Utf8, true)
                    } else {
                        f.as_ref().clone()
                    }
                })
                .collect::<Vec<_>>(),
        );
        let b = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
        let e = sites(&[b], None, "s.parquet").unwrap_err().to_string();
        assert!(e.starts_with("s.parquet: row 1: `notified`: "), "{e}");
        let mut columns = batch.columns().to_vec();
        columns[9] = Arc::new(Int64Array::from(vec![Some(-5), None]));
        let b = RecordBatch::try_new(batch.schema(), columns).unwrap();
        let e = sites(&[b], None, "s.parquet").unwrap_err().to_string();
        assert!(
            e.starts_with("s.parquet: row 1: `position_uncertainty_m`: -5 is negative"),
            "{e}"
        );
    }
}
