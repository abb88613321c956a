//! A folder of tiles laid out as `{z}/{x}/{y}.png` (or `.jpg`, `.jpeg`), XYZ order.

use super::{TileError, TileSource};
use std::path::{Path, PathBuf};

/// A tile folder.
pub struct TileFolder {
    dir: PathBuf,
    zooms: (u8, u8),
}

/// The zoom levels present: sub-folders named by a number from 0 to 30.
fn zoom_dirs(dir: &Path) -> Vec<u8> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut z: Vec<u8> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str()?.parse::<u8>().ok())
        .filter(|&z| z <= 30)
        .collect();
    z.sort_unstable();
    z
}

/// Whether `dir` is a folder of zoom-level folders.
pub fn is_tile_folder(dir: &Path) -> bool {
    dir.is_dir() && !zoom_dirs(dir).is_empty()
}

impl TileFolder {
    /// Opens a tile folder.
    pub fn open(dir: &Path) -> Result<TileFolder, TileError> {
        let z = zoom_dirs(dir);
        match (z.first(), z.last()) {
            (Some(&lo), Some(&hi)) => Ok(TileFolder {
                dir: dir.to_path_buf(),
                zooms: (lo, hi),
            }),
            _ => Err(TileError::source(
                &dir.display().to_string(),
                "not a tile folder: expected sub-folders {z}/{x}/ holding {y}.png or {y}.jpg",
            )),
        }
    }
}

impl TileSource for TileFolder {
    fn name(&self) -> String {
        self.dir.display().to_string()
    }

    fn zooms(&self) -> (u8, u8) {
        self.zooms
    }

    fn tile(&mut self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        for ext in ["png", "jpg", "jpeg"] {
            let path = self.dir.join(format!("{z}/{x}/{y}.{ext}"));
            match std::fs::read(&path) {
                Ok(bytes) => return Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(TileError::source(
                        &self.name(),
                        format!("cannot read {}: {e}", path.display()),
                    ))
                }
            }
        }
        Ok(None)
    }
}
