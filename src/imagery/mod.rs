//! Imagery under a map: a GeoTIFF, a tile package (MBTiles, a `{z}/{x}/{y}` folder) or online
//! XYZ tiles, reprojected onto the map's page pixels ([`warp`]).
//!
//! [`Imagery`] is the renderer's [`Backdrop`]: it reads what the map's frame needs (a GeoTIFF's
//! overview for the scale, the tiles at the zoom for the scale and print resolution), makes a
//! [`GeoImage`] of it, and reprojects that onto the page. Coordinates going in are WGS84 lon/lat
//! degrees; the picture's own CRS comes from its GeoTIFF keys (an EPSG code) or is Web Mercator
//! (EPSG:3857) for tiles.

pub mod warp;

use crate::io::geotiff::{self, GeoTiffError};
use crate::io::tiles::{self, OnlineOptions, TileError};
use crate::projection::{Projection, ProjectionError};
use crate::render::backdrop::Backdrop;
use crate::render::scene::Raster;
use crate::view::MapView;
use geo_types::Coord;
use std::path::{Path, PathBuf};

/// Errors reading or placing imagery.
#[derive(Debug, thiserror::Error)]
pub enum ImageryError {
    /// A GeoTIFF could not be read.
    #[error(transparent)]
    GeoTiff(#[from] GeoTiffError),
    /// Tiles could not be had.
    #[error(transparent)]
    Tiles(#[from] TileError),
    /// The picture's CRS could not be set up.
    #[error("imagery CRS: {0}")]
    Projection(#[from] ProjectionError),
}

/// The coordinate system of a picture.
pub enum Crs {
    /// WGS84 longitude/latitude, degrees (EPSG:4326 and other geographic CRSs, without a datum
    /// shift).
    LonLat,
    /// A projected CRS: WGS84 lon/lat degrees → its easting/northing.
    Projected(Box<dyn Projection>),
}

impl Crs {
    /// The CRS that a PROJ string describes.
    pub fn from_proj_string(def: &str) -> Result<Crs, ProjectionError> {
        if crate::projection::is_geographic(def) {
            Ok(Crs::LonLat)
        } else {
            Ok(Crs::Projected(crate::projection::from_proj_string(def)?))
        }
    }

    /// Web Mercator (EPSG:3857) on the sphere of radius 6 378 137 m, as tiles use it.
    pub fn web_mercator() -> Result<Crs, ProjectionError> {
        Crs::from_proj_string(
            "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs",
        )
    }
}

/// Where a pixel grid lies: its affine transform and CRS.
pub struct Placement {
    /// Pixel grid → CRS coordinates, GDAL's order: `x = t[0] + col·t[1] + row·t[2]`,
    /// `y = t[3] + col·t[4] + row·t[5]`, with (0, 0) the top-left corner of the first pixel.
    pub transform: [f64; 6],
    /// The CRS of `transform`'s coordinates.
    pub crs: Crs,
}

/// A georeferenced RGBA picture.
pub struct GeoImage {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Straight RGBA, row by row from the top.
    pub rgba: Vec<u8>,
    /// Where its pixels lie.
    pub place: Placement,
}

impl Placement {
    /// Picture pixel coordinates (column, row; pixel centres at +0.5) of a WGS84 lon/lat point.
    pub fn lonlat_to_pixel(&self, lonlat: Coord<f64>) -> Option<(f64, f64)> {
        let xy = match &self.crs {
            Crs::LonLat => lonlat,
            Crs::Projected(p) => p.forward(lonlat).ok()?,
        };
        let t = &self.transform;
        let det = t[1] * t[5] - t[2] * t[4];
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let (dx, dy) = (xy.x - t[0], xy.y - t[3]);
        Some(((t[5] * dx - t[2] * dy) / det, (t[1] * dy - t[4] * dx) / det))
    }
}

/// Where a backdrop comes from, as `--basemap` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A GeoTIFF (`*.tif`, `*.tiff`).
    GeoTiff(PathBuf),
    /// An MBTiles package of raster tiles (`*.mbtiles`).
    MbTiles(PathBuf),
    /// A folder of `{z}/{x}/{y}.png|jpg` tiles.
    TileFolder(PathBuf),
    /// An online XYZ tile template, `https://…/{z}/{x}/{y}.png`.
    Xyz(String),
}

impl Source {
    /// The imagery source that `arg` names, or `None` when it is not imagery (an OSM extract,
    /// a vector basemap folder, `world`, `none`): a URL template with `{z}`, `{x}` and `{y}`,
    /// a `.tif`/`.tiff`/`.mbtiles` file, or a folder whose sub-folders are zoom levels.
    pub fn recognise(arg: &str) -> Option<Source> {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            return Some(Source::Xyz(arg.to_string()));
        }
        let path = Path::new(arg);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("tif" | "tiff") => Some(Source::GeoTiff(path.into())),
            Some("mbtiles") => Some(Source::MbTiles(path.into())),
            _ if tiles::folder::is_tile_folder(path) => Some(Source::TileFolder(path.into())),
            _ => None,
        }
    }
}

/// Imagery under a map, with what its credits and legend say.
#[derive(Debug, Clone, PartialEq)]
pub struct Imagery {
    /// Where the picture comes from.
    pub source: Source,
    /// Who made the picture, its licence ("Copernicus Sentinel-2 (CC BY-SA 3.0 IGO)"), as the
    /// credits print it.
    pub imagery_source: Option<String>,
    /// When the picture was taken ("2024-03-02"), as the legend and credits print it.
    pub imagery_date: Option<String>,
    /// The attribution the tiles' provider requires (default: known for OpenStreetMap's tiles,
    /// else an MBTiles package's own).
    pub attribution: Option<String>,
    /// How online tiles are fetched and cached.
    pub online: OnlineOptions,
}

/// What a user says of imagery besides where it comes from: its credits and how tiles are
/// fetched (the command line's `--imagery-source`, `--tile-cache`, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageryOptions {
    /// Who made the picture and its licence, as the credits print it.
    pub imagery_source: Option<String>,
    /// When the picture was taken, as the legend and credits print it.
    pub imagery_date: Option<String>,
    /// The attribution the tiles' provider requires.
    pub attribution: Option<String>,
    /// How online tiles are fetched and cached.
    pub online: OnlineOptions,
}

impl ImageryOptions {
    /// The imagery from `source` with these options.
    pub fn imagery(&self, source: Source) -> Imagery {
        Imagery {
            source,
            imagery_source: self.imagery_source.clone(),
            imagery_date: self.imagery_date.clone(),
            attribution: self.attribution.clone(),
            online: self.online.clone(),
        }
    }
}

impl Imagery {
    /// Imagery from `source` with no credits and the default online options.
    pub fn new(source: Source) -> Imagery {
        Imagery {
            source,
            imagery_source: None,
            imagery_date: None,
            attribution: None,
            online: OnlineOptions::default(),
        }
    }

    /// Checks what can be checked before drawing: an online source needs an attribution
    /// (given, or known for the service) and a valid URL.
    pub fn check(&self) -> Result<(), String> {
        if let Source::Xyz(t) = &self.source {
            tiles::http::XyzTiles::new(t, &self.online).map_err(|e| e.to_string())?;
            if self.required_attribution().is_none() {
                return Err(format!(
                    "tiles from {} need the attribution their provider requires: give it with --basemap-attribution TEXT",
                    tiles::http::host(t)
                ));
            }
        }
        Ok(())
    }

    /// Whether the imagery has pixels at a WGS84 lon/lat point (tiles cover the world).
    pub fn covers(&self, lonlat: Coord<f64>) -> bool {
        match &self.source {
            Source::GeoTiff(path) => geotiff::covers(path, lonlat),
            _ => true,
        }
    }

    /// The georeferenced picture the map's frame needs.
    pub fn image_for(&self, view: &MapView) -> Result<GeoImage, ImageryError> {
        Ok(match &self.source {
            Source::GeoTiff(path) => geotiff::read_for_view(path, view)?,
            Source::MbTiles(path) => tiles::mosaic(
                &mut tiles::mbtiles::MbTiles::open(path)?,
                view,
                &self.online,
            )?,
            Source::TileFolder(path) => tiles::mosaic(
                &mut tiles::folder::TileFolder::open(path)?,
                view,
                &self.online,
            )?,
            Source::Xyz(template) => tiles::mosaic(
                &mut tiles::http::XyzTiles::new(template, &self.online)?,
                view,
                &self.online,
            )?,
        })
    }

    /// The attribution to print: the one given, or the one known for the source.
    fn required_attribution(&self) -> Option<String> {
        self.attribution.clone().or_else(|| match &self.source {
            Source::Xyz(t) => tiles::http::known_attribution(t).map(str::to_string),
            Source::MbTiles(p) => tiles::mbtiles::MbTiles::open(p)
                .ok()
                .and_then(|m| m.attribution()),
            _ => None,
        })
    }
}

impl Backdrop for Imagery {
    fn picture(&self, view: &MapView) -> Result<Raster, String> {
        let img = self.image_for(view).map_err(|e| e.to_string())?;
        Ok(warp::warp(&img, view))
    }

    fn legend(&self) -> String {
        let what = match self.source {
            Source::GeoTiff(_) => "Image",
            _ => "Map tiles",
        };
        let mut s = match &self.imagery_source {
            Some(src) => format!("{what}: {src}"),
            None => match &self.source {
                Source::GeoTiff(p) | Source::MbTiles(p) | Source::TileFolder(p) => format!(
                    "{what}: {}",
                    p.file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned())
                ),
                Source::Xyz(t) => format!("{what}: {}", tiles::http::host(t)),
            },
        };
        match &self.imagery_date {
            Some(d) => s.push_str(&format!(", taken {d}")),
            None if matches!(self.source, Source::GeoTiff(_)) => s.push_str(", date not given"),
            None => {}
        }
        s
    }

    fn credits(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut imagery = String::from("Imagery");
        if let Some(s) = &self.imagery_source {
            imagery.push_str(&format!(": {s}"));
        }
        if let Some(d) = &self.imagery_date {
            imagery.push_str(&format!(" ({d})"));
        }
        if self.imagery_source.is_some() || self.imagery_date.is_some() {
            out.push(imagery);
        }
        if let Some(a) = self.required_attribution() {
            out.push(a);
        }
        out
    }
}
