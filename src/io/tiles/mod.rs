//! Map tiles in the XYZ scheme (Web Mercator, 256-pixel tiles, `y` from the north): from an
//! MBTiles package ([`mbtiles`]), a `{z}/{x}/{y}.png|jpg` folder ([`folder`]) or a tile server
//! ([`http`], with its cache), put together into one georeferenced picture for a map's frame
//! ([`mosaic`]).
//!
//! The zoom is the lowest whose tiles have at least one pixel per page pixel at the frame's
//! centre (so the page's print resolution decides it), within the source's zooms. Only the
//! tiles that the frame covers are asked for, and never more than the per-map limit.

pub mod folder;
pub mod http;
pub mod mbtiles;

use crate::imagery::{Crs, GeoImage, Placement};
use crate::view::geom::pt;
use crate::view::MapView;
use std::path::PathBuf;

/// Half the Web Mercator world's width, metres (π × 6 378 137).
const HALF_WORLD_M: f64 = std::f64::consts::PI * 6_378_137.0;
/// Tile size, pixels.
pub const TILE_PX: u32 = 256;
/// The default limit of tiles one map may use.
pub const DEFAULT_TILE_LIMIT: usize = 200;

/// Errors getting tiles.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// A tile package or folder cannot be read.
    #[error("tiles `{source_name}`: {message}")]
    Source {
        /// The package, folder or URL template.
        source_name: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The map would need more tiles than allowed.
    #[error("the map needs {needed} tiles at zoom {zoom}, more than the limit of {limit}: draw a smaller page or a lower --dpi, or raise --tile-limit if the tile source allows it")]
    Limit {
        /// Tiles needed.
        needed: usize,
        /// Zoom level.
        zoom: u8,
        /// The limit.
        limit: usize,
    },
}

impl TileError {
    /// A source error.
    pub fn source(name: &str, message: impl Into<String>) -> TileError {
        TileError::Source {
            source_name: name.to_string(),
            message: message.into(),
        }
    }
}

/// How online tiles are fetched and cached, and how many a map may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineOptions {
    /// Cache folder (default: the platform's cache folder, `impactmap/tiles` in it).
    pub cache_dir: Option<PathBuf>,
    /// Use only cached tiles; never connect.
    pub offline: bool,
    /// The most tiles one map may use (online or from a package).
    pub tile_limit: usize,
    /// A contact (e-mail or URL) added to the User-Agent, as tile servers ask.
    pub contact: Option<String>,
}

impl Default for OnlineOptions {
    fn default() -> Self {
        OnlineOptions {
            cache_dir: None,
            offline: false,
            tile_limit: DEFAULT_TILE_LIMIT,
            contact: None,
        }
    }
}

/// A source of XYZ tiles.
pub trait TileSource {
    /// The source's name for messages (file, folder or URL template).
    fn name(&self) -> String;
    /// The zoom levels it holds, lowest and highest.
    fn zooms(&self) -> (u8, u8);
    /// The encoded tile (PNG or JPEG) at `z`/`x`/`y` (XYZ: `y` from the north), `None` if it
    /// has none there.
    fn tile(&mut self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError>;
}

/// The zoom whose tiles have at least one pixel per page pixel at the frame's centre, within
/// `zooms`.
pub fn zoom_for(view: &MapView, zooms: (u8, u8)) -> u8 {
    let c = view.frame.centre();
    let lat = view.from_px(c).map_or(0.0, |ll| ll.y);
    // Ground metres per page pixel at the centre (a 10-pixel step east).
    let ground = view
        .from_px(pt(c.x + 10.0, c.y))
        .ok()
        .zip(view.from_px(c).ok())
        .map(|(a, b)| crate::geodesy::distance_m(a.into(), b.into()) / 10.0)
        .unwrap_or(view.m_per_px);
    let at_zoom0 = 2.0 * HALF_WORLD_M * lat.to_radians().cos() / f64::from(TILE_PX);
    let z = (at_zoom0 / ground.max(1e-3)).log2().ceil();
    (z.clamp(0.0, 30.0) as u8).clamp(zooms.0, zooms.1)
}

/// The tiles at zoom `z` covering the frame: columns `x0..=x1`, rows `y0..=y1`.
fn tile_range(view: &MapView, z: u8) -> Option<[u32; 4]> {
    let n = f64::from(1u32 << z);
    let f = view.frame;
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let steps = 16;
    for i in 0..=steps {
        for j in 0..=steps {
            let p = pt(
                f.x0 + f.width() * f64::from(i) / f64::from(steps),
                f.y0 + f.height() * f64::from(j) / f64::from(steps),
            );
            let Ok(ll) = view.from_px(p) else { continue };
            let x = (ll.x + 180.0) / 360.0 * n;
            let lat = ll.y.clamp(-85.051_128, 85.051_128).to_radians();
            let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    }
    if b[0] > b[2] {
        return None;
    }
    let cl = |v: f64| v.floor().clamp(0.0, n - 1.0) as u32;
    Some([cl(b[0]), cl(b[1]), cl(b[2]), cl(b[3])])
}

/// The tiles covering `view`'s frame, at the zoom for its scale, as one picture in Web
/// Mercator. Tiles the source lacks stay transparent.
pub fn mosaic(
    src: &mut dyn TileSource,
    view: &MapView,
    options: &OnlineOptions,
) -> Result<GeoImage, TileError> {
    let z = zoom_for(view, src.zooms());
    let [x0, y0, x1, y1] = tile_range(view, z)
        .ok_or_else(|| TileError::source(&src.name(), "the map's frame cannot be placed"))?;
    let (nx, ny) = ((x1 - x0 + 1) as usize, (y1 - y0 + 1) as usize);
    if nx * ny > options.tile_limit {
        return Err(TileError::Limit {
            needed: nx * ny,
            zoom: z,
            limit: options.tile_limit,
        });
    }
    let t = TILE_PX as usize;
    let (w, h) = (nx * t, ny * t);
    let mut rgba = vec![0u8; w * h * 4];
    for ty in y0..=y1 {
        for tx in x0..=x1 {
            let Some(bytes) = src.tile(z, tx, ty)? else {
                continue;
            };
            let (tw, th, px) = decode(&bytes)
                .map_err(|m| TileError::source(&src.name(), format!("tile {z}/{tx}/{ty}: {m}")))?;
            if (tw, th) != (t, t) {
                return Err(TileError::source(
                    &src.name(),
                    format!(
                        "tile {z}/{tx}/{ty} is {tw}×{th} pixels; only 256×256 tiles are supported"
                    ),
                ));
            }
            let (ox, oy) = ((tx - x0) as usize * t, (ty - y0) as usize * t);
            for r in 0..t {
                let dst = ((oy + r) * w + ox) * 4;
                rgba[dst..dst + t * 4].copy_from_slice(&px[r * t * 4..(r + 1) * t * 4]);
            }
        }
    }
    let tile_m = 2.0 * HALF_WORLD_M / f64::from(1u32 << z);
    let px_m = tile_m / f64::from(TILE_PX);
    Ok(GeoImage {
        width: w as u32,
        height: h as u32,
        rgba,
        place: Placement {
            transform: [
                -HALF_WORLD_M + f64::from(x0) * tile_m,
                px_m,
                0.0,
                HALF_WORLD_M - f64::from(y0) * tile_m,
                0.0,
                -px_m,
            ],
            crs: Crs::web_mercator().map_err(|e| TileError::source(&src.name(), e.to_string()))?,
        },
    })
}

/// A PNG or JPEG tile decoded to straight RGBA: (width, height, pixels).
pub fn decode(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>), String> {
    if bytes.starts_with(b"\x89PNG") {
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        dec.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = dec.read_info().map_err(|e| format!("bad PNG: {e}"))?;
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|e| format!("bad PNG: {e}"))?;
        let (w, h) = (info.width as usize, info.height as usize);
        let px = &buf[..info.buffer_size()];
        let rgba = match info.color_type {
            png::ColorType::Rgba => px.to_vec(),
            png::ColorType::Rgb => px
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
            png::ColorType::GrayscaleAlpha => px
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0], p[1]])
                .collect(),
            png::ColorType::Grayscale => px.iter().flat_map(|&g| [g, g, g, 255]).collect(),
            png::ColorType::Indexed => return Err("palette PNG not expanded".into()),
        };
        Ok((w, h, rgba))
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        use zune_jpeg::zune_core::{colorspace::ColorSpace, options::DecoderOptions};
        let opts = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGBA);
        let mut dec = zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(bytes), opts);
        let px = dec.decode().map_err(|e| format!("bad JPEG: {e}"))?;
        let (w, h) = dec.dimensions().ok_or("bad JPEG: no size")?;
        Ok((w, h, px))
    } else {
        Err("neither PNG nor JPEG".into())
    }
}
