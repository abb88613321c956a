//! The sources a map is drawn over (`--basemap SOURCE`, repeatable, and `basemap = [...]` in
//! `case.toml`), in order, bottom first:
//!
//! - `world`: the bundled basemap (country, regions, cities; the default);
//! - `none`: no basemap at all (alone);
//! - a folder of GeoJSON basemap files (`*outline.geojson`, `*regions.geojson`,
//!   `*cities.geojson`), drawn instead of the bundled one;
//! - an OpenStreetMap extract (`*.osm.pbf`): streets, buildings, water, land use, railways
//!   and names under large-scale maps, read for each map's extent only.

use super::basemap::{self, BasemapError};
use super::osm::read_ground;
use crate::basemap::ground::{Ground, GroundSource};
use crate::basemap::Basemap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One basemap source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BasemapSource {
    /// The bundled basemap.
    World,
    /// No basemap.
    None,
    /// A folder of GeoJSON basemap files.
    Folder(PathBuf),
    /// An OpenStreetMap extract (`.osm.pbf`).
    OsmPbf(PathBuf),
    /// Imagery or tiles: a GeoTIFF, an MBTiles package, a tile folder or a tile URL.
    Imagery(crate::imagery::Source),
}

impl BasemapSource {
    /// Parses `world`, `none`, a folder, an `.osm.pbf` file or imagery ([`crate::imagery::Source`]); a relative path is taken from
    /// `base` (the case folder for `case.toml`, the working folder on the command line).
    pub fn parse(s: &str, base: &Path) -> Result<Self, BasemapError> {
        match s.trim() {
            "world" => return Ok(BasemapSource::World),
            "none" => return Ok(BasemapSource::None),
            _ => {}
        }
        let t = s.trim();
        if t.starts_with("http://") || t.starts_with("https://") {
            if let Some(src) = crate::imagery::Source::recognise(t) {
                return Ok(BasemapSource::Imagery(src));
            }
        }
        let path = base.join(t);
        if let Some(src) = path.to_str().and_then(crate::imagery::Source::recognise) {
            if let crate::imagery::Source::GeoTiff(p) | crate::imagery::Source::MbTiles(p) = &src {
                if !p.is_file() {
                    return Err(bad(p, "no such file"));
                }
            }
            return Ok(BasemapSource::Imagery(src));
        }
        let lower = t.to_ascii_lowercase();
        if lower.ends_with(".osm.pbf") || lower.ends_with(".pbf") {
            if !path.is_file() {
                return Err(bad(&path, "no such file"));
            }
            Ok(BasemapSource::OsmPbf(path))
        } else if path.is_dir() {
            Ok(BasemapSource::Folder(path))
        } else {
            Err(bad(
                &path,
                "is not a basemap source: give `world`, `none`, a folder of basemap GeoJSON files, an OpenStreetMap extract (.osm.pbf), imagery (.tif, .mbtiles, a {z}/{x}/{y} tile folder) or an https://…/{z}/{x}/{y}.png tile URL",
            ))
        }
    }
}

fn bad(path: &Path, message: &str) -> BasemapError {
    BasemapError::File {
        file: path.display().to_string(),
        message: message.to_string(),
    }
}

impl fmt::Display for BasemapSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BasemapSource::World => f.write_str("world"),
            BasemapSource::None => f.write_str("none"),
            BasemapSource::Folder(p) | BasemapSource::OsmPbf(p) => write!(f, "{}", p.display()),
            BasemapSource::Imagery(crate::imagery::Source::Xyz(url)) => f.write_str(url),
            BasemapSource::Imagery(
                crate::imagery::Source::GeoTiff(p)
                | crate::imagery::Source::MbTiles(p)
                | crate::imagery::Source::TileFolder(p),
            ) => write!(f, "{}", p.display()),
        }
    }
}

/// The basemaps of a map, loaded: the small-scale basemap (outline, regions, cities) and the
/// extracts to read the ground from.
#[derive(Debug, Clone)]
pub struct Basemaps {
    /// Country, regions and cities (empty when none was asked for).
    pub world: Basemap,
    /// OpenStreetMap extracts, in the order given.
    pub extracts: Vec<PathBuf>,
    /// Imagery or tiles under everything else (one source at most).
    pub imagery: Option<crate::imagery::Source>,
    /// Language of the names (`name:xx`), when asked for.
    pub label_lang: Option<String>,
}

impl Basemaps {
    /// The files read for the maps' ground and backdrop: the extracts, and the
    /// GeoTIFF or MBTiles package (a tile folder or server is not one file).
    pub fn files(&self) -> Vec<PathBuf> {
        let imagery = match &self.imagery {
            Some(crate::imagery::Source::GeoTiff(p) | crate::imagery::Source::MbTiles(p)) => {
                Some(p.clone())
            }
            _ => None,
        };
        self.extracts.iter().cloned().chain(imagery).collect()
    }

    /// Loads `sources` (the default `world` when empty); names prefer `name:LANG`.
    pub fn load(sources: &[BasemapSource], label_lang: Option<&str>) -> Result<Self, BasemapError> {
        let mut out = Basemaps {
            world: Basemap::empty(),
            extracts: Vec::new(),
            imagery: None,
            label_lang: label_lang.map(str::to_string),
        };
        if sources.is_empty() {
            out.world = basemap::bundled();
        }
        if sources.len() > 1 && sources.contains(&BasemapSource::None) {
            return Err(BasemapError::File {
                file: "none".into(),
                message: "`none` turns every basemap off: give it alone".into(),
            });
        }
        for s in sources {
            match s {
                BasemapSource::World => out.world = basemap::bundled(),
                BasemapSource::None => {}
                BasemapSource::Folder(dir) => out.world = basemap::read_dir(dir)?,
                BasemapSource::OsmPbf(p) => out.extracts.push(p.clone()),
                BasemapSource::Imagery(src) => {
                    if out.imagery.is_some() {
                        return Err(BasemapError::File {
                            file: s.to_string(),
                            message: "one imagery or tile source per map: give only one".into(),
                        });
                    }
                    out.imagery = Some(src.clone());
                }
            }
        }
        Ok(out)
    }
}

impl GroundSource for Basemaps {
    fn ground(&self, bbox: [f64; 4]) -> Result<Vec<Ground>, String> {
        self.extracts
            .iter()
            .map(|p| read_ground(p, bbox, self.label_lang.as_deref()).map_err(|e| e.to_string()))
            .collect()
    }
}
