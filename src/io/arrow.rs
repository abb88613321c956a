//! Sites, incidents and the proximity table as Apache Arrow record batches,
//! geometries as WKB (ISO or extended, either byte order) in binary,
//! large-binary or binary-view columns (feature `arrow`).
//!
//! Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326), checked
//! as the GeoJSON reader checks them. A sites table has an `id` column and a
//! geometry column (Point, Polygon or MultiPolygon), optionally `name`,
//! `kind`, `part` and `position_uncertainty_m`; an incidents table has `id`,
//! `date` and a Point geometry column, optionally `uncertainty_m` (metres)
//! and `weapon`. Values of any type are read as their text (an integer id,
//! a date column), numbers from any numeric column.
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

use super::geojson::{check_lon_lat, check_unique, checked_polygon};
use super::InputError;
use crate::model::{DateSpan, Incident, Location, Site, SiteGeometry, Text, WeaponCategory};
use crate::proximity::ProximityRow;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, BinaryArray, Float64Array, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema};
use geo_traits::{
    CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PointTrait,
    PolygonTrait,
};
use geo_types::{Coord, MultiPolygon, Point, Polygon};
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
            "geometry must be WKB in a binary, large-binary or binary-view column, found {other}"
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
    check_lon_lat(c.x(), c.y())?;
    Ok(Coord { x: c.x(), y: c.y() })
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
    checked_polygon(rings).map_err(|(ring, problem)| match ring {
        Some(r) => format!("ring {r}: {problem}"),
        None => problem,
    })
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

    /// The geometry column's WKB values.
    fn wkb(&self, name: &str) -> Result<Vec<Option<&'b [u8]>>, InputError> {
        let column = self.required(name, "name the geometry column")?;
        wkb_values(column.as_ref())
            .map_err(|m| InputError::file(self.file, format!("column `{name}`: {m}")))
    }
}

/// The geometry column of a schema: `name` if given, else the first column
/// marked as GeoArrow WKB, else `geometry`.
pub fn geometry_column(schema: &Schema, name: Option<&str>) -> String {
    if let Some(n) = name {
        return n.to_string();
    }
    schema
        .fields()
        .iter()
        .find(|f| {
            f.metadata().get("ARROW:extension:name").map(String::as_str) == Some(WKB_EXTENSION)
        })
        .map_or_else(|| "geometry".to_string(), |f| f.name().clone())
}

/// Reads sites from record batches (one table); the geometry column is
/// `geometry_name` or found by [`geometry_column`]; `file` names the input
/// in errors. Site ids (with parts) must be unique.
pub fn sites(
    batches: &[RecordBatch],
    geometry_name: Option<&str>,
    file: &str,
) -> Result<Vec<Site>, InputError> {
    let mut sites = Vec::new();
    for batch in batches {
        let geometry_name = geometry_column(&batch.schema(), geometry_name);
        let c = Columns {
            batch,
            file,
            first_row: sites.len(),
        };
        let ids = c
            .text("id")?
            .ok_or_else(|| InputError::file(file, "no `id` column: give each site an id"))?;
        let wkb = c.wkb(&geometry_name)?;
        let names = c.text("name")?;
        let kinds = c.text("kind")?;
        let parts = c.text("part")?;
        let spread = c.numbers("position_uncertainty_m")?;
        let cell = |col: &Option<Vec<Option<String>>>, i: usize| {
            col.as_ref()
                .and_then(|v| v[i].as_deref())
                .filter(|s| !s.is_empty())
                .map(Text::from)
        };
        for i in 0..batch.num_rows() {
            let id = ids[i]
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(Text::from)
                .ok_or_else(|| c.err(i, "id", "missing: give each site an id"))?;
            let bytes = wkb[i].ok_or_else(|| {
                c.err(
                    i,
                    &geometry_name,
                    "missing: a site needs a Point, Polygon or MultiPolygon",
                )
            })?;
            let geometry = geometry(bytes).map_err(|m| c.err(i, &geometry_name, m))?;
            let position_uncertainty_m = c.radius(&spread, i, "position_uncertainty_m")?;
            sites.push(Site {
                name: cell(&names, i).unwrap_or_else(|| id.clone()),
                kind: cell(&kinds, i).unwrap_or_else(|| Text::const_new("site")),
                part: cell(&parts, i),
                id,
                geometry,
                position_uncertainty_m,
                notified: None,
                details: None,
            });
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
    let mut incidents: Vec<Incident> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for batch in batches {
        let geometry_name = geometry_column(&batch.schema(), geometry_name);
        let c = Columns {
            batch,
            file,
            first_row: incidents.len(),
        };
        let ids = c
            .text("id")?
            .ok_or_else(|| InputError::file(file, "no `id` column: give each incident an id"))?;
        let dates = c
            .text("date")?
            .ok_or_else(|| InputError::file(file, "no `date` column: give each incident a date"))?;
        let wkb = c.wkb(&geometry_name)?;
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
            let bytes = wkb[i]
                .ok_or_else(|| c.err(i, &geometry_name, "missing: an incident needs a Point"))?;
            let point = match geometry(bytes).map_err(|m| c.err(i, &geometry_name, m))? {
                SiteGeometry::Point(p) => p,
                other => {
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
