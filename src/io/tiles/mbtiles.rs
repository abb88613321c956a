//! MBTiles packages of raster tiles (SQLite; rows in the TMS order, counted from the south).

use super::{TileError, TileSource};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// An MBTiles package, opened read-only.
pub struct MbTiles {
    name: String,
    db: Connection,
    zooms: (u8, u8),
}

impl MbTiles {
    /// Opens the package and reads its zoom levels.
    pub fn open(path: &Path) -> Result<MbTiles, TileError> {
        let name = path.display().to_string();
        let err = |e: rusqlite::Error| {
            TileError::source(&name, format!("not a readable MBTiles package: {e}"))
        };
        if !path.is_file() {
            return Err(TileError::source(&name, "no such file"));
        }
        let db =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
        let (lo, hi): (Option<i64>, Option<i64>) = db
            .query_row(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(err)?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Err(TileError::source(&name, "the package holds no tiles"));
        };
        let z = |v: i64| v.clamp(0, 30) as u8;
        Ok(MbTiles {
            name,
            db,
            zooms: (z(lo), z(hi)),
        })
    }

    /// The package's `attribution` metadata, if any.
    pub fn attribution(&self) -> Option<String> {
        self.db
            .query_row(
                "SELECT value FROM metadata WHERE name = 'attribution'",
                [],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .filter(|s| !s.trim().is_empty())
    }
}

impl TileSource for MbTiles {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn zooms(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&mut self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        let tms_y = (1u32 << z) - 1 - y;
        self.db
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                (z, x, tms_y),
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()
            .map_err(|e| TileError::source(&self.name, format!("tile {z}/{x}/{y}: {e}")))
    }
}
