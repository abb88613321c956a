//! GeoParquet 1.0/1.1 in and out (feature `geoparquet`): sites and
//! incidents from `.parquet` files in WGS84 lon/lat, geometries as WKB (as
//! GeoPandas, DuckDB and GDAL write them) or in GeoParquet 1.1's native
//! GeoArrow encodings (`point`, `polygon`, `multipolygon`, …; see
//! [`super::geoarrow`]), and the proximity table with the sites' nearest
//! points as WKB geometry.
//!
//! The columns are those of [`super::arrow`]; bounding-box covering columns
//! and secondary geometry columns are not read. A file without GeoParquet
//! metadata is read when it has a WKB (or GeoArrow-marked) `geometry`
//! column. Files are read one batch of a row group at a time, each batch
//! converted before the next is decoded, so the decoded table never sits
//! in memory whole.

use super::geoarrow::Native;
use super::{arrow, InputError};
use crate::model::{Incident, Site};
use crate::proximity::ProximityRow;
use crate::util::atomic::{at, persist, temp_file_beside};
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Rows decoded at a time: enough for every core to convert a batch's rows
/// in parallel (Parquet's default, 1,024, leaves them mostly idle), few
/// enough to keep the decoded batches in flight small.
const BATCH_ROWS: usize = 32_768;

/// Whether a file name says Parquet (`.parquet`, `.geoparquet`).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "parquet" | "geoparquet"))
}

/// Reads the sites of a GeoParquet file, converting each batch of rows as
/// it is read (see [`arrow::sites`] for the columns).
pub fn read_sites(path: &Path) -> Result<Vec<Site>, InputError> {
    let (batches, geometry) = read_batches(path)?;
    let file = path.display().to_string();
    prefetched(batches, |b| arrow::sites_from(b, Some(&geometry), &file))
}

/// Reads the incidents (impact points) of a GeoParquet file, converting
/// each batch of rows as it is read (see [`arrow::incidents`]).
pub fn read_incidents(path: &Path) -> Result<Vec<Incident>, InputError> {
    let (batches, geometry) = read_batches(path)?;
    let file = path.display().to_string();
    prefetched(batches, |b| {
        arrow::incidents_from(b, Some(&geometry), &file)
    })
}

/// Runs `convert` over `batches` while a thread of its own decodes the next
/// ones (at most two ahead): decompressing and decoding Parquet is serial,
/// converting a batch runs on every core, and the two then overlap.
fn prefetched<T>(
    batches: impl Iterator<Item = Result<RecordBatch, InputError>> + Send,
    convert: impl FnOnce(&mut dyn Iterator<Item = Result<RecordBatch, InputError>>) -> T,
) -> T {
    std::thread::scope(|scope| {
        let (sender, received) = std::sync::mpsc::sync_channel(2);
        scope.spawn(move || {
            for batch in batches {
                // The converter stopped (a bad row): decode no more.
                if sender.send(batch).is_err() {
                    break;
                }
            }
        });
        convert(&mut received.into_iter())
    })
}

/// A file's record batches, read one at a time (a row group is decoded as
/// its rows are asked for), and the name of its primary geometry column,
/// checked to be in WGS84 lon/lat. The geometry column's field carries the
/// GeoArrow extension name of its GeoParquet encoding (`geoarrow.wkb`,
/// `geoarrow.polygon`, …); bounding-box covering columns and other geometry
/// columns are not read.
pub fn read_batches(
    path: &Path,
) -> Result<
    (
        impl Iterator<Item = Result<RecordBatch, InputError>>,
        String,
    ),
    InputError,
> {
    let name = path.display().to_string();
    let bad = |m: String| InputError::file(&name, m);
    let file = super::geojson::open(path)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| bad(format!("is not a readable Parquet file ({e})")))?;
    let geo = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == "geo"))
        .and_then(|kv| kv.value.clone());
    let column = match geo {
        None => GeoColumn {
            name: "geometry".to_string(),
            native: None,
            skip: Vec::new(),
        },
        Some(text) => {
            let geo: Value = serde_json::from_str(&text)
                .map_err(|e| bad(format!("its GeoParquet metadata is not JSON ({e})")))?;
            primary_column(&geo).map_err(bad)?
        }
    };
    let schema = builder.schema().clone();
    let kept: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| !column.skip.contains(schema.field(i).name()))
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), kept.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| bad(format!("cannot be read ({e})")))?;
    // The encoding the GeoParquet metadata gives, on the geometry field.
    let marked = column.marked(&reader.schema());
    let geometry = column.name;
    let batches = reader.map(move |batch| {
        let batch = batch.map_err(|e| InputError::file(&name, format!("cannot be read ({e})")))?;
        match &marked {
            None => Ok(batch),
            Some(schema) => RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
                .map_err(|e| InputError::file(&name, format!("cannot be read ({e})"))),
        }
    });
    Ok((batches, geometry))
}

/// The primary geometry column of a GeoParquet file.
#[derive(Debug)]
struct GeoColumn {
    name: String,
    /// The native GeoArrow type of its encoding; `None` for WKB.
    native: Option<Native>,
    /// Columns not to read: the other geometry columns and bounding-box coverings.
    skip: Vec<String>,
}

impl GeoColumn {
    /// `schema` with the geometry field marked with its encoding's
    /// extension name (`None` when the file has no such column).
    fn marked(&self, schema: &SchemaRef) -> Option<SchemaRef> {
        let i = schema.index_of(&self.name).ok()?;
        let extension = self
            .native
            .map_or_else(|| arrow::WKB_EXTENSION.to_string(), Native::extension_name);
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        let mut metadata = fields[i].metadata().clone();
        metadata.insert(arrow::EXTENSION_KEY.to_string(), extension);
        fields[i] = fields[i].clone().with_metadata(metadata);
        Some(Arc::new(Schema::new_with_metadata(
            fields,
            schema.metadata().clone(),
        )))
    }
}

/// The primary geometry column of GeoParquet metadata, checked: WKB or a
/// native encoding, lon/lat on WGS84 (no `crs`, or OGC:CRS84 / EPSG:4326).
fn primary_column(geo: &Value) -> Result<GeoColumn, String> {
    let column = geo["primary_column"]
        .as_str()
        .ok_or("its GeoParquet metadata names no primary_column")?;
    let meta = &geo["columns"][column];
    let native = match meta["encoding"].as_str() {
        Some(e) if e.eq_ignore_ascii_case("wkb") => None,
        Some(e) => Some(Native::from_encoding(e).ok_or_else(|| {
            format!(
                "geometry column `{column}` is in the {e} encoding: write it as WKB or a GeoArrow \
                 native encoding (point, linestring, polygon, multipoint, multilinestring, multipolygon)"
            )
        })?),
        None => return Err(format!("geometry column `{column}` has no encoding")),
    };
    let crs = &meta["crs"];
    let id = (crs["id"]["authority"].as_str(), &crs["id"]["code"]);
    let wgs84 = match id {
        _ if crs.is_null() => true,
        (Some("OGC"), Value::String(c)) => c == "CRS84",
        (Some("EPSG"), c) => c.as_u64() == Some(4326) || c.as_str() == Some("4326"),
        _ => false,
    };
    if !wgs84 {
        let named = crs["name"].as_str().unwrap_or("another CRS");
        return Err(format!(
            "geometry column `{column}` is in {named}: reproject to WGS84 lon/lat (EPSG:4326)"
        ));
    }
    let skip = arrow::not_attributes(geo, column);
    Ok(GeoColumn {
        name: column.to_string(),
        native,
        skip,
    })
}

/// Writes the proximity table (see [`arrow::rows_batch`]) to `path` as
/// GeoParquet 1.1 (zstd), atomically: the sites' nearest points as the WKB
/// `geometry` column in WGS84 lon/lat, with its bounding box.
pub fn write_rows(
    path: &Path,
    rows: &[ProximityRow],
    sites: &[Site],
    incidents: &[Incident],
) -> std::io::Result<()> {
    let batch = arrow::rows_batch(rows, sites, incidents);
    let points = rows.iter().filter_map(|r| r.nearest);
    let bbox = points.fold(None, |b: Option<[f64; 4]>, p| {
        let [x0, y0, x1, y1] = b.unwrap_or([p.x(), p.y(), p.x(), p.y()]);
        Some([x0.min(p.x()), y0.min(p.y()), x1.max(p.x()), y1.max(p.y())])
    });
    let mut column = json!({"encoding": "WKB", "geometry_types": ["Point"]});
    if let Some(b) = bbox {
        column["bbox"] = json!(b);
    }
    let geo = json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": column},
    });
    // In the Arrow schema's metadata, which pyarrow reads back, and in the
    // file's key-value metadata, where GeoParquet readers look.
    let geo = HashMap::from([("geo".to_string(), geo.to_string())]);
    let schema = Arc::new(batch.schema().as_ref().clone().with_metadata(geo.clone()));
    let batch = batch.with_schema(schema.clone()).expect("same fields");
    let metadata = geo.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_key_value_metadata(Some(metadata))
        .build();
    let tmp = temp_file_beside(path, ".tmp")?;
    let written = (|| -> parquet::errors::Result<()> {
        let mut w = ArrowWriter::try_new(tmp.as_file(), schema, Some(props))?;
        w.write(&batch)?;
        w.close()?;
        Ok(())
    })();
    written
        .map_err(std::io::Error::other)
        .map_err(at("writing", path))?;
    tmp.as_file().sync_all().map_err(at("writing", path))?;
    persist(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(column: Value) -> Value {
        json!({"version": "1.1.0", "primary_column": "geom", "columns": {"geom": column}})
    }

    #[test]
    fn wkb_in_wgs84_is_accepted_with_or_without_a_crs() {
        let crs84 = json!({"id": {"authority": "OGC", "code": "CRS84"}});
        let epsg = json!({"id": {"authority": "EPSG", "code": 4326}});
        for crs in [Value::Null, crs84, epsg] {
            let m = meta(json!({"encoding": "WKB", "geometry_types": [], "crs": crs}));
            let column = primary_column(&m).unwrap();
            assert_eq!((column.name.as_str(), column.native), ("geom", None));
        }
    }

    #[test]
    fn native_encodings_are_read_and_others_refused_with_the_fix() {
        for (encoding, native) in [
            ("point", Native::Point),
            ("MultiPolygon", Native::MultiPolygon),
        ] {
            let m = meta(json!({"encoding": encoding, "geometry_types": []}));
            assert_eq!(primary_column(&m).unwrap().native, Some(native));
        }
        let wkt = meta(json!({"encoding": "WKT", "geometry_types": ["Point"]}));
        let e = primary_column(&wkt).unwrap_err();
        assert!(
            e.contains("write it as WKB or a GeoArrow native encoding"),
            "{e}"
        );
        let utm =
            json!({"name": "WGS 84 / UTM zone 36N", "id": {"authority": "EPSG", "code": 32636}});
        let projected = meta(json!({"encoding": "WKB", "crs": utm}));
        let e = primary_column(&projected).unwrap_err();
        assert!(e.contains("UTM zone 36N") && e.contains("reproject"), "{e}");
        assert!(primary_column(&json!({"version": "1.0.0"})).is_err());
    }

    #[test]
    fn coverings_and_other_geometry_columns_are_skipped() {
        let bbox = json!({"xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"],
                          "xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"]});
        let geo = json!({"version": "1.1.0", "primary_column": "geom", "columns": {
            "geom": {"encoding": "polygon", "geometry_types": [], "covering": {"bbox": bbox}},
            "centroid": {"encoding": "WKB", "geometry_types": []},
        }});
        assert_eq!(primary_column(&geo).unwrap().skip, ["bbox", "centroid"]);
    }
}
