//! OGC GeoPackage 1.3 output (SQLite through `rusqlite`'s bundled library).
//!
//! One feature table per layer, registered in `gpkg_contents` and
//! `gpkg_geometry_columns` with EPSG:4326; geometries as GeoPackage binary
//! (header `GP`, version 0, little-endian, xy envelope, then ISO WKB); an
//! R-tree spatial index per table (`gpkg_rtree_index` extension); and the
//! QGIS styles in the `layer_styles` table, marked as the default style, so
//! QGIS applies them when the layers are loaded.
//!
//! Timestamps are fixed so the same layers give the same bytes.

use crate::layers::{Feature, FieldType, GeometryType, Layer, Value};
use geo_types::{Coord, Geometry, Polygon};
use rusqlite::{params, Connection};
use std::path::Path;

/// `application_id` of a GeoPackage ("GPKG").
const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.0.
const USER_VERSION: i32 = 10300;
/// The time written into `last_change` and `update_time`: fixed, for reproducible files.
pub const FIXED_TIME: &str = "2000-01-01T00:00:00.000Z";

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// Envelope `[min_x, max_x, min_y, max_y]` of a geometry.
fn envelope(g: &Geometry<f64>) -> [f64; 4] {
    let mut e = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |c: &Coord<f64>| {
        e[0] = e[0].min(c.x);
        e[1] = e[1].max(c.x);
        e[2] = e[2].min(c.y);
        e[3] = e[3].max(c.y);
    };
    match g {
        Geometry::Point(p) => add(&p.0),
        Geometry::LineString(l) => l.0.iter().for_each(&mut add),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| p.exterior().0.iter())
                .for_each(&mut add)
        }
        _ => {}
    }
    e
}

fn wkb_ring(out: &mut Vec<u8>, coords: &[Coord<f64>]) {
    out.extend((coords.len() as u32).to_le_bytes());
    for c in coords {
        out.extend(c.x.to_le_bytes());
        out.extend(c.y.to_le_bytes());
    }
}

fn wkb_polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.push(1);
    out.extend(3u32.to_le_bytes());
    out.extend((1 + p.interiors().len() as u32).to_le_bytes());
    wkb_ring(out, &p.exterior().0);
    for h in p.interiors() {
        wkb_ring(out, &h.0);
    }
}

/// Little-endian ISO WKB of a point, line string or multipolygon.
pub fn wkb(g: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    match g {
        Geometry::Point(p) => {
            out.push(1);
            out.extend(1u32.to_le_bytes());
            out.extend(p.x().to_le_bytes());
            out.extend(p.y().to_le_bytes());
        }
        Geometry::LineString(l) => {
            out.push(1);
            out.extend(2u32.to_le_bytes());
            wkb_ring(&mut out, &l.0);
        }
        Geometry::MultiPolygon(mp) => {
            out.push(1);
            out.extend(6u32.to_le_bytes());
            out.extend((mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                wkb_polygon(&mut out, p);
            }
        }
        _ => {}
    }
    out
}

/// A GeoPackage binary geometry: header with SRS id and xy envelope, then WKB.
pub fn gpkg_blob(g: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0];
    // flags: bit 0 little-endian, bits 1-3 envelope [minx, maxx, miny, maxy] = 1.
    out.push(0b0000_0011);
    out.extend(srs_id.to_le_bytes());
    for v in envelope(g) {
        out.extend(v.to_le_bytes());
    }
    out.extend(wkb(g));
    out
}

/// Column type of a field in a GeoPackage table.
fn sql_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "TEXT",
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Date => "DATE",
        FieldType::DateTime => "DATETIME",
    }
}

/// OGC name of a geometry type, as in `gpkg_geometry_columns`.
fn ogc_name(g: GeometryType) -> &'static str {
    match g {
        GeometryType::Point => "POINT",
        GeometryType::LineString => "LINESTRING",
        GeometryType::MultiPolygon => "MULTIPOLYGON",
    }
}

/// Quotes an SQL identifier.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn create_core_tables(db: &Connection) -> rusqlite::Result<()> {
    db.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {USER_VERSION};
         CREATE TABLE gpkg_spatial_ref_sys (
           srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
           organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (
           table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (
           table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT uk_gc_table_name UNIQUE (table_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE gpkg_extensions (
           table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
           scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         CREATE TABLE layer_styles (
           id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
           f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
           styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
           update_time DATETIME DEFAULT CURRENT_TIMESTAMP);"
    ))?;
    let mut srs = db.prepare(
        "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    srs.execute(params![
        "Undefined cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined cartesian coordinate reference system"
    ])?;
    srs.execute(params![
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system"
    ])?;
    srs.execute(params![
        "WGS 84 geodetic",
        4326,
        "EPSG",
        4326,
        WGS84_WKT,
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
    ])?;
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        params![FIXED_TIME],
    )?;
    Ok(())
}

fn value_sql(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Text(s) | Value::DateTime(s) => S::Text(s.clone()),
        Value::Integer(i) => S::Integer(*i),
        Value::Real(r) if r.is_finite() => S::Real(*r),
        Value::Real(_) => S::Null,
        Value::Date(d) => S::Text(d.format("%Y-%m-%d").to_string()),
    }
}

fn write_table(db: &Connection, layer: &Layer, qml: &str) -> rusqlite::Result<()> {
    let t = &layer.name;
    // The readers refuse such names; a layer built otherwise gets a message
    // naming the field instead of SQLite's.
    if let Some((name, _)) = layer
        .fields
        .iter()
        .find(|(n, _)| n.contains(char::is_control))
    {
        return Err(rusqlite::Error::InvalidColumnName(format!(
            "layer `{t}`: the field name {} holds a control character, which a GeoPackage \
             column name cannot hold: rename the property",
            serde_json::Value::String(name.clone())
        )));
    }
    let mut cols = vec![
        "\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        format!("\"geom\" {}", ogc_name(layer.geometry_type)),
    ];
    cols.extend(
        layer
            .fields
            .iter()
            .map(|(n, ty)| format!("{} {}", ident(n), sql_type(*ty))),
    );
    db.execute_batch(&format!("CREATE TABLE {} ({});", ident(t), cols.join(", ")))?;

    let mut ext = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut envelopes: Vec<(i64, [f64; 4])> = Vec::new();
    {
        let names: Vec<String> = std::iter::once("\"geom\"".to_string())
            .chain(layer.fields.iter().map(|(n, _)| ident(n)))
            .collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let mut ins = db.prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            ident(t),
            names.join(", "),
            marks.join(", ")
        ))?;
        for Feature { geometry, values } in &layer.features {
            let mut row: Vec<rusqlite::types::Value> = Vec::with_capacity(values.len() + 1);
            row.push(match geometry {
                Some(g) => rusqlite::types::Value::Blob(gpkg_blob(g, 4326)),
                None => rusqlite::types::Value::Null,
            });
            row.extend(values.iter().map(value_sql));
            ins.execute(rusqlite::params_from_iter(row))?;
            if let Some(g) = geometry {
                let e = envelope(g);
                envelopes.push((db.last_insert_rowid(), e));
                ext = [
                    ext[0].min(e[0]),
                    ext[1].max(e[1]),
                    ext[2].min(e[2]),
                    ext[3].max(e[3]),
                ];
            }
        }
    }
    create_rtree(db, t, &envelopes)?;
    let bounds: [Option<f64>; 4] = if ext[0].is_finite() {
        [Some(ext[0]), Some(ext[2]), Some(ext[1]), Some(ext[3])]
    } else {
        [None; 4]
    };
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 4326)",
        params![t, layer.description, FIXED_TIME, bounds[0], bounds[1], bounds[2], bounds[3]],
    )?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        params![t, ogc_name(layer.geometry_type)],
    )?;
    db.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
         VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, '', NULL, ?4)",
        params![t, qml, format!("impactmap style for {t}"), FIXED_TIME],
    )?;
    Ok(())
}

/// The R-tree table and the triggers that keep it in step with the feature
/// table (GeoPackage 1.3, annex F.3). The triggers call `ST_IsEmpty`,
/// `ST_MinX`… which GeoPackage readers (GDAL, QGIS) provide; they only run
/// when a reader edits the table.
///
/// The index is filled from `envelopes` (feature id, `[min_x, max_x, min_y,
/// max_y]`) before the triggers exist, since those functions are not defined here.
fn create_rtree(db: &Connection, t: &str, envelopes: &[(i64, [f64; 4])]) -> rusqlite::Result<()> {
    let rt = format!("rtree_{t}_geom");
    let (qt, qrt) = (ident(t), ident(&rt));
    db.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {qrt} USING rtree(id, minx, maxx, miny, maxy);"
    ))?;
    {
        let mut ins = db.prepare(&format!("INSERT INTO {qrt} VALUES (?1, ?2, ?3, ?4, ?5)"))?;
        for (id, e) in envelopes {
            ins.execute(params![id, e[0], e[1], e[2], e[3]])?;
        }
    }
    let trig = |suffix: &str| ident(&format!("{rt}_{suffix}"));
    db.execute_batch(&format!(
        "CREATE TRIGGER {ins} AFTER INSERT ON {qt}
           WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           INSERT OR REPLACE INTO {qrt} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {upd1} AFTER UPDATE OF geom ON {qt}
           WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           INSERT OR REPLACE INTO {qrt} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {upd2} AFTER UPDATE OF geom ON {qt}
           WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {qrt} WHERE id = OLD.fid;
         END;
         CREATE TRIGGER {upd3} AFTER UPDATE ON {qt}
           WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {qrt} WHERE id = OLD.fid;
           INSERT OR REPLACE INTO {qrt} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
         END;
         CREATE TRIGGER {upd4} AFTER UPDATE ON {qt}
           WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN
           DELETE FROM {qrt} WHERE id IN (OLD.fid, NEW.fid);
         END;
         CREATE TRIGGER {del} AFTER DELETE ON {qt}
           WHEN old.geom NOT NULL
         BEGIN
           DELETE FROM {qrt} WHERE id = OLD.fid;
         END;",
        ins = trig("insert"),
        upd1 = trig("update1"),
        upd2 = trig("update2"),
        upd3 = trig("update3"),
        upd4 = trig("update4"),
        del = trig("delete"),
    ))?;
    db.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t],
    )?;
    Ok(())
}

/// Writes every layer and its style into a new GeoPackage at `path` (which must not exist).
pub fn write_gpkg(path: &Path, layers: &[(&Layer, &str)]) -> rusqlite::Result<()> {
    let mut db = Connection::open(path)?;
    db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    let tx = db.transaction()?;
    create_core_tables(&tx)?;
    for (layer, qml) in layers {
        write_table(&tx, layer, qml)?;
    }
    tx.commit()?;
    db.execute_batch("VACUUM;")?;
    Ok(())
}
