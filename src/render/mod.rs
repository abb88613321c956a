//! Report maps and charts: print-ready PNG and SVG.
//!
//! A map or chart is first built as a [`Scene`] (drawing items in page pixels), then written by
//! [`raster`] (PNG painted with `tiny-skia`, with the resolution recorded) or [`svg`] (text as
//! glyph outlines, so the picture is the same in every viewer). Both draw text from the bundled
//! DejaVu Sans (Cyrillic included) and both are deterministic: the same input gives the same
//! bytes.
//!
//! Why not `plotters`' backends: its bitmap backend rasterises on integer coordinates without
//! anti-aliasing for areas and thick lines, and its SVG backend writes text as `<text
//! font-family="sans-serif">` and cannot fill areas with holes (distance bands are annuli).
//! A map needs all three, so both writers here work from one scene.
//!
//! Entry points: [`render_map`] / [`build_map`] for detail and overview maps ([`MapSpec`]), and
//! [`render_timeline`] / [`build_timeline`] for the timeline chart ([`TimelineSpec`]).
//! Coordinates going in are WGS84 lon/lat degrees; distances metres.
//!
//! ```no_run
//! use impactmap::render::{render_map, render_timeline, Extent, MapSpec, Page, Paper, TimelineSpec};
//! # fn run(sites: &[impactmap::Site], incidents: &[impactmap::Incident],
//! #        rows: &[impactmap::proximity::ProximityRow]) -> Result<(), impactmap::render::RenderError> {
//! let basemap = impactmap::io::basemap::bundled();
//! let page = Page::paper(Paper::A4, true, 300.0).expect("a valid page");
//! // A detail map around one site (radius from its incidents), then the country.
//! let detail = MapSpec { page, ..MapSpec::detail("az_embassy_kyiv", None) };
//! let layout = render_map(&detail, sites, incidents, rows, &basemap, "embassy.png".as_ref())?;
//! println!("scale bar {}, {} labels left out", layout.scale_bar.label, layout.dropped.len());
//! render_map(&MapSpec { page, ..MapSpec::overview(Extent::Country) }, sites, incidents, rows, &basemap, "overview.svg".as_ref())?;
//! render_timeline(&TimelineSpec { page, ..Default::default() }, sites, incidents, rows, "timeline.png".as_ref())?;
//! # Ok(()) }
//! ```

pub mod backdrop;
pub mod font;
pub mod furniture;
pub use crate::view::geom;
// The ground model lives below render and io (the OSM reader fills it, the map draws it).
pub use crate::basemap::ground;
pub mod labels;
pub mod map;
pub mod page;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod symbols;
pub mod timeline;
pub use crate::view;

pub use crate::basemap::Basemap;
pub use backdrop::Backdrop;
pub use ground::{Ground, GroundSource};
pub use map::{
    build_map, build_map_over, render_map, render_map_over, Backgrounds, Extent, MapKind,
    MapLayout, MapSpec,
};
pub use page::{Page, Paper};
pub use scene::{Georef, Raster, Scene};
pub use timeline::{build_timeline, render_timeline, TimelineLayout, TimelineSpec};

use std::path::{Path, PathBuf};

/// Errors while drawing or writing a picture.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The request cannot be drawn (unknown focus site, empty extent, …).
    #[error("{0}")]
    Spec(String),
    /// The map projection failed.
    #[error(transparent)]
    Projection(#[from] crate::projection::ProjectionError),
    /// The picture under the map could not be had (imagery, tiles).
    #[error("{0}")]
    Backdrop(String),
    /// The output file name has no known picture extension.
    #[error("cannot tell the picture format of `{0}`: end the file name in .png or .svg")]
    Format(String),
    /// PNG encoding failed.
    #[error("cannot encode PNG: {0}")]
    Png(#[from] png::EncodingError),
    /// Writing the file failed.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The output path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Picture formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Portable Network Graphics.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl Format {
    /// The format for a file name ending in `.png` or `.svg` (any case).
    pub fn from_path(path: &Path) -> Result<Format, RenderError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(RenderError::Format(path.display().to_string())),
        }
    }
}

/// The scene encoded in `format`.
pub fn encode(scene: &Scene, format: Format) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Png => raster::Canvas::paint(scene).encode_png(scene.dpi)?,
        Format::Svg => svg::to_svg(scene).into_bytes(),
    })
}

/// Writes the scene to `path`, format by extension, atomically (a temporary file in the same
/// folder, then renamed), so a failed run leaves no partial picture. A map written as PNG comes
/// with its world file and projection ([`write_scene_files`]).
pub fn write_scene(scene: &Scene, path: &Path) -> Result<(), RenderError> {
    write_scene_files(scene, path).map(|_| ())
}

/// Writes the scene as [`write_scene`] does and returns the files written: the picture, and for
/// a map in PNG its world file (`.pgw`: the page's pixels in the map projection's metres) and
/// its projection (`.prj`, WKT), as QGIS print layouts write them. All are written to
/// temporary files first and renamed into place only once every one is whole.
pub fn write_scene_files(scene: &Scene, path: &Path) -> Result<Vec<PathBuf>, RenderError> {
    use crate::util::atomic::{persist, temp_file_beside};
    use std::io::Write;
    let format = Format::from_path(path)?;
    let mut files = vec![(path.to_path_buf(), encode(scene, format)?)];
    if let (Format::Png, Some(g)) = (format, &scene.georef) {
        files.push((path.with_extension("pgw"), world_file(g).into_bytes()));
        files.push((path.with_extension("prj"), g.projection.wkt().into_bytes()));
    }
    let io_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| RenderError::Io { path, source }
    };
    let mut staged = Vec::new();
    for (target, bytes) in &files {
        let mut tmp = temp_file_beside(target, ".tmp").map_err(io_err(target))?;
        tmp.write_all(bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io_err(target))?;
        staged.push((tmp, target));
    }
    for (tmp, target) in staged {
        persist(tmp, target).map_err(io_err(target))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The six lines of a world file: pixel size in x, two rotation terms (0), pixel size in y
/// (negative: rows go south), and the projected coordinates of the top-left pixel's centre.
pub fn world_file(g: &scene::Georef) -> String {
    let m = g.m_per_px;
    format!("{m}\n0\n0\n{}\n{}\n{}\n", -m, g.origin.x, g.origin.y)
}
