//! Reprojection of a georeferenced picture onto a map's page pixels.
//!
//! Every page pixel's centre is taken back to the picture's pixels (page → map metres → WGS84
//! lon/lat → the picture's CRS → its pixel grid). The exact transform is computed on a grid
//! every [`GRID_PX`] page pixels and interpolated between (as GDAL's approximate transformer
//! does; the error is far below a pixel at map scales). Where the picture has more than one of
//! its pixels per page pixel it is first halved (2 × 2 area averages, a mip pyramid) to the level
//! just finer than the page, so downsampling averages areas instead of skipping pixels; each
//! page pixel is then sampled bilinearly in that level.

use super::{GeoImage, Placement};
use crate::render::scene::Raster;
use crate::view::geom::pt;
use crate::view::MapView;
use geo_types::Coord;
use rayon::prelude::*;

/// Spacing of the exactly transformed grid, page pixels.
pub const GRID_PX: usize = 16;

/// The picture's pixel coordinates (columns, rows from the top-left corner; a pixel's centre is
/// at +0.5) of each grid node over the frame, NaN where the transform fails.
struct Grid {
    /// Nodes per row.
    nx: usize,
    /// Picture pixel coordinates of the nodes, row by row.
    uv: Vec<(f64, f64)>,
}

impl Grid {
    /// The transformed grid over `w` × `h` page pixels from (`x0`, `y0`).
    fn new(img: &GeoImage, view: &MapView, x0: i32, y0: i32, w: usize, h: usize) -> Grid {
        let nx = w.div_ceil(GRID_PX) + 1;
        let ny = h.div_ceil(GRID_PX) + 1;
        let uv = (0..nx * ny)
            .into_par_iter()
            .map(|i| {
                let (gx, gy) = ((i % nx) * GRID_PX, (i / nx) * GRID_PX);
                let p = pt(f64::from(x0) + gx as f64, f64::from(y0) + gy as f64);
                view.from_px(p)
                    .ok()
                    .and_then(|ll| img.place.lonlat_to_pixel(ll))
                    .unwrap_or((f64::NAN, f64::NAN))
            })
            .collect();
        Grid { nx, uv }
    }

    /// Picture coordinates at page offset (`x`, `y`) from the grid's origin, and the picture
    /// pixels per page pixel there.
    fn at(&self, x: f64, y: f64) -> Option<(f64, f64, f64)> {
        let g = GRID_PX as f64;
        let (i, j) = ((x / g) as usize, (y / g) as usize);
        let (fx, fy) = (x / g - i as f64, y / g - j as f64);
        let n = |i: usize, j: usize| self.uv[j * self.nx + i];
        let (a, b, c, d) = (n(i, j), n(i + 1, j), n(i, j + 1), n(i + 1, j + 1));
        let lerp = |a: f64, b: f64, c: f64, d: f64| {
            (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy
        };
        let u = lerp(a.0, b.0, c.0, d.0);
        let v = lerp(a.1, b.1, c.1, d.1);
        if !(u.is_finite() && v.is_finite()) {
            return None;
        }
        let sx = ((b.0 - a.0).hypot(b.1 - a.1)) / g;
        let sy = ((c.0 - a.0).hypot(c.1 - a.1)) / g;
        Some((u, v, sx.max(sy)))
    }
}

/// One level of the pyramid: straight RGBA.
struct Level {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Level {
    /// The next coarser level: each pixel the alpha-weighted mean of a 2 × 2 block.
    fn halve(&self) -> Level {
        let (w, h) = (self.width.div_ceil(2), self.height.div_ceil(2));
        let mut rgba = vec![0u8; w * h * 4];
        rgba.par_chunks_mut(w * 4).enumerate().for_each(|(y, row)| {
            for x in 0..w {
                let mut acc = [0.0f64; 4];
                let mut n = 0.0;
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (sx, sy) = (2 * x + dx, 2 * y + dy);
                    if sx < self.width && sy < self.height {
                        let p = &self.rgba[(sy * self.width + sx) * 4..][..4];
                        let a = f64::from(p[3]);
                        for k in 0..3 {
                            acc[k] += f64::from(p[k]) * a;
                        }
                        acc[3] += a;
                        n += 1.0;
                    }
                }
                let px = &mut row[x * 4..x * 4 + 4];
                if acc[3] > 0.0 {
                    for k in 0..3 {
                        px[k] = (acc[k] / acc[3]).round() as u8;
                    }
                    px[3] = (acc[3] / n).round() as u8;
                }
            }
        });
        Level {
            width: w,
            height: h,
            rgba,
        }
    }

    /// Bilinear sample at picture coordinates (`u`, `v`) of this level (pixel centres at +0.5),
    /// alpha-weighted; `None` outside the picture.
    fn sample(&self, u: f64, v: f64) -> Option<[u8; 4]> {
        if !(u >= 0.0 && v >= 0.0 && u <= self.width as f64 && v <= self.height as f64) {
            return None;
        }
        let (x, y) = (u - 0.5, v - 0.5);
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let clamp = |k: f64, n: usize| (k.max(0.0) as usize).min(n - 1);
        let mut acc = [0.0f64; 4];
        for (dx, dy, w) in [
            (0.0, 0.0, (1.0 - fx) * (1.0 - fy)),
            (1.0, 0.0, fx * (1.0 - fy)),
            (0.0, 1.0, (1.0 - fx) * fy),
            (1.0, 1.0, fx * fy),
        ] {
            let (sx, sy) = (clamp(x0 + dx, self.width), clamp(y0 + dy, self.height));
            let p = &self.rgba[(sy * self.width + sx) * 4..][..4];
            let a = f64::from(p[3]) * w;
            for k in 0..3 {
                acc[k] += f64::from(p[k]) * a;
            }
            acc[3] += a;
        }
        if acc[3] <= 0.0 {
            return Some([0; 4]);
        }
        Some([
            (acc[0] / acc[3]).round() as u8,
            (acc[1] / acc[3]).round() as u8,
            (acc[2] / acc[3]).round() as u8,
            acc[3].round() as u8,
        ])
    }
}

/// The picture reprojected onto the page pixels covering `view.frame` (whole pixels, from the
/// frame's top-left pixel), transparent outside the picture.
pub fn warp(img: &GeoImage, view: &MapView) -> Raster {
    let f = view.frame;
    let (x0, y0) = (f.x0.floor() as i32, f.y0.floor() as i32);
    let (w, h) = (
        (f.x1.ceil() as i32 - x0).max(1) as usize,
        (f.y1.ceil() as i32 - y0).max(1) as usize,
    );
    let grid = Grid::new(img, view, x0, y0, w, h);
    // The pyramid goes as coarse as the coarsest page pixel needs.
    let coarsest = (0..w * h)
        .step_by(97)
        .filter_map(|i| grid.at((i % w) as f64 + 0.5, (i / w) as f64 + 0.5))
        .map(|(_, _, s)| s)
        .fold(1.0f64, f64::max);
    let mut levels = vec![Level {
        width: img.width as usize,
        height: img.height as usize,
        rgba: img.rgba.clone(),
    }];
    while (1usize << levels.len()) as f64 <= coarsest * 2.0 {
        let last = &levels[levels.len() - 1];
        if last.width == 1 && last.height == 1 {
            break;
        }
        let next = last.halve();
        levels.push(next);
    }
    let mut rgba = vec![0u8; w * h * 4];
    rgba.par_chunks_mut(w * 4).enumerate().for_each(|(y, row)| {
        for x in 0..w {
            let Some((u, v, s)) = grid.at(x as f64 + 0.5, y as f64 + 0.5) else {
                continue;
            };
            // The level whose pixels are just finer than the page's.
            let k = if s > 1.0 {
                s.log2().floor() as usize
            } else {
                0
            }
            .min(levels.len() - 1);
            let scale = (1u64 << k) as f64;
            if let Some(p) = levels[k].sample(u / scale, v / scale) {
                row[x * 4..x * 4 + 4].copy_from_slice(&p);
            }
        }
    });
    Raster {
        x: x0,
        y: y0,
        width: w as u32,
        height: h as u32,
        rgba,
    }
}

/// Picture pixels per page pixel at the frame's centre (for choosing an overview).
pub fn pixels_per_page_pixel(place: &Placement, view: &MapView) -> Option<f64> {
    let c = view.frame.centre();
    let at = |dx: f64, dy: f64| {
        view.from_px(pt(c.x + dx, c.y + dy))
            .ok()
            .and_then(|ll: Coord<f64>| place.lonlat_to_pixel(ll))
    };
    let (a, b, d) = (
        at(0.0, 0.0)?,
        at(GRID_PX as f64, 0.0)?,
        at(0.0, GRID_PX as f64)?,
    );
    let g = GRID_PX as f64;
    Some(((b.0 - a.0).hypot(b.1 - a.1) / g).max((d.0 - a.0).hypot(d.1 - a.1) / g))
}

/// The bounding box of `view.frame` in `place`'s pixel grid (columns, rows), from points along
/// the frame's edges and inside it; `None` if no point of the frame maps onto the grid.
pub fn frame_window(place: &Placement, view: &MapView) -> Option<[f64; 4]> {
    let f = view.frame;
    let n = 16;
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for i in 0..=n {
        for j in 0..=n {
            let p = pt(
                f.x0 + f.width() * i as f64 / n as f64,
                f.y0 + f.height() * j as f64 / n as f64,
            );
            if let Some((u, v)) = view
                .from_px(p)
                .ok()
                .and_then(|ll| place.lonlat_to_pixel(ll))
            {
                b = [b[0].min(u), b[1].min(v), b[2].max(u), b[3].max(v)];
            }
        }
    }
    (b[0] <= b[2]).then_some(b)
}
