//! GeoTIFF imagery, pure Rust: the `tiff` crate decodes the pixels (strips or tiles; deflate,
//! LZW, JPEG, PackBits), this module reads the GeoTIFF tags that place them.
//!
//! Placement: ModelTiepoint with ModelPixelScale, or ModelTransformation (GDAL's geotransform);
//! the CRS from the GeoKeyDirectory's EPSG code (ProjectedCSTypeGeoKey, else
//! GeographicTypeGeoKey), turned into a PROJ string by the `crs-definitions` tables;
//! `PixelIsPoint` rasters are shifted half a pixel as GDAL does. Pictures: grey, grey + alpha,
//! RGB, RGBA, 8 or 16 bits (16-bit bands stretched from their 2nd to 98th percentile, as QGIS
//! shows them); GDAL's no-data value is made transparent. Reduced-resolution images in the file
//! (overviews, as Cloud-Optimised GeoTIFFs hold them) are used when the map needs fewer pixels,
//! and only the blocks the map's frame covers are decoded.

use crate::imagery::warp::{frame_window, pixels_per_page_pixel};
use crate::imagery::{Crs, GeoImage, Placement};
use crate::view::MapView;
use geo_types::Coord;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;
use tiff::ColorType;

/// Errors reading a GeoTIFF.
#[derive(Debug, thiserror::Error)]
#[error("GeoTIFF `{path}`: {message}")]
pub struct GeoTiffError {
    /// The file.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// GeoKey ids (GeoTIFF 1.1, section 7).
const MODEL_TYPE: u16 = 1024;
const RASTER_TYPE: u16 = 1025;
const GEOGRAPHIC_TYPE: u16 = 2048;
const PROJECTED_TYPE: u16 = 3072;
/// The GeoKey value for a CRS defined by parameters instead of a code.
const USER_DEFINED: u16 = 32767;

type Tiff = Decoder<BufReader<File>>;

/// The whole GeoTIFF at full resolution (for checks and small pictures).
pub fn read(path: &Path) -> Result<GeoImage, GeoTiffError> {
    let mut t = open(path)?;
    let place = placement(&mut t, path)?;
    let (w, h) = t.dimensions().map_err(tiff_err(path))?;
    read_window(&mut t, path, place, [0, 0, w, h])
}

/// The part of the GeoTIFF that `view`'s frame shows, from the coarsest of its images (full
/// resolution or overview) that still has at least one pixel per page pixel.
pub fn read_for_view(path: &Path, view: &MapView) -> Result<GeoImage, GeoTiffError> {
    let mut t = open(path)?;
    let full = placement(&mut t, path)?;
    let (w0, h0) = t.dimensions().map_err(tiff_err(path))?;
    let need = pixels_per_page_pixel(&full, view).unwrap_or(1.0);
    let mut chosen = (0usize, w0, h0);
    for (index, w, h) in overviews(&mut t, path)? {
        if f64::from(w0) / f64::from(w) <= need.max(1.0) && w < chosen.1 {
            chosen = (index, w, h);
        }
    }
    let (index, w, h) = chosen;
    t.seek_to_image(index).map_err(tiff_err(path))?;
    let (fx, fy) = (f64::from(w0) / f64::from(w), f64::from(h0) / f64::from(h));
    let g = full.transform;
    let place = Placement {
        transform: [g[0], g[1] * fx, g[2] * fy, g[3], g[4] * fx, g[5] * fy],
        crs: full.crs,
    };
    let Some(b) = frame_window(&place, view) else {
        return Err(error(
            path,
            "the map's frame cannot be placed on the image".into(),
        ));
    };
    // A few pixels more on every side for the resampling.
    let clampu = |v: f64, n: u32| (v.max(0.0).min(f64::from(n))) as u32;
    let win = [
        clampu(b[0].floor() - 4.0, w),
        clampu(b[1].floor() - 4.0, h),
        clampu(b[2].ceil() + 4.0, w),
        clampu(b[3].ceil() + 4.0, h),
    ];
    if win[0] >= win[2] || win[1] >= win[3] {
        return Err(error(
            path,
            "the image does not cover the map's frame (check its CRS and the map's extent)".into(),
        ));
    }
    read_window(&mut t, path, place, win)
}

/// Whether the GeoTIFF has pixels at a WGS84 lon/lat point. A file that cannot be read is
/// taken to cover it, so that drawing it reports what is wrong.
pub fn covers(path: &Path, lonlat: Coord<f64>) -> bool {
    let Ok(mut t) = open(path) else { return true };
    let (Ok(place), Ok((w, h))) = (placement(&mut t, path), t.dimensions()) else {
        return true;
    };
    place
        .lonlat_to_pixel(lonlat)
        .is_none_or(|(u, v)| (0.0..=f64::from(w)).contains(&u) && (0.0..=f64::from(h)).contains(&v))
}

fn open(path: &Path) -> Result<Tiff, GeoTiffError> {
    let file = File::open(path).map_err(|e| error(path, format!("cannot open: {e}")))?;
    Ok(Decoder::new(BufReader::new(file))
        .map_err(tiff_err(path))?
        .with_limits(Limits::unlimited()))
}

fn error(path: &Path, message: String) -> GeoTiffError {
    GeoTiffError {
        path: path.display().to_string(),
        message,
    }
}

fn tiff_err(path: &Path) -> impl Fn(tiff::TiffError) -> GeoTiffError + '_ {
    move |e| error(path, format!("cannot decode: {e}"))
}

/// The reduced-resolution images after the first (index, width, height), masks left out.
fn overviews(t: &mut Tiff, path: &Path) -> Result<Vec<(usize, u32, u32)>, GeoTiffError> {
    let mut out = Vec::new();
    let mut index = 0;
    while t.more_images() {
        index += 1;
        if t.seek_to_image(index).is_err() {
            break;
        }
        let kind: u32 = t
            .find_tag_unsigned(Tag::NewSubfileType)
            .map_err(tiff_err(path))?
            .unwrap_or(0);
        if kind & 1 == 1 && kind & 4 == 0 {
            let (w, h) = t.dimensions().map_err(tiff_err(path))?;
            out.push((index, w, h));
        }
    }
    t.seek_to_image(0).map_err(tiff_err(path))?;
    Ok(out)
}

/// The placement of the first image: its geotransform and CRS.
fn placement(t: &mut Tiff, path: &Path) -> Result<Placement, GeoTiffError> {
    let f64s = |t: &mut Tiff, tag| -> Result<Option<Vec<f64>>, GeoTiffError> {
        match t.find_tag(tag).map_err(tiff_err(path))? {
            Some(v) => Ok(Some(v.into_f64_vec().map_err(tiff_err(path))?)),
            None => Ok(None),
        }
    };
    let keys: Vec<u16> = t
        .find_tag_unsigned_vec(Tag::GeoKeyDirectoryTag)
        .map_err(tiff_err(path))?
        .ok_or_else(|| {
            error(
                path,
                "no GeoTIFF keys (GeoKeyDirectory): the image is not georeferenced; give it a CRS and position, e.g. with gdal_translate -a_srs EPSG:4326 -a_ullr …".into(),
            )
        })?;
    let key = |id: u16| {
        keys.get(4..)
            .unwrap_or_default()
            .chunks_exact(4)
            .find(|k| k[0] == id && k[1] == 0)
            .map(|k| k[3])
    };
    let mut transform = if let Some(m) = f64s(t, Tag::ModelTransformationTag)? {
        if m.len() < 8 {
            return Err(error(
                path,
                "ModelTransformation has fewer than 16 values".into(),
            ));
        }
        [m[3], m[0], m[1], m[7], m[4], m[5]]
    } else {
        let tie = f64s(t, Tag::ModelTiepointTag)?;
        let scale = f64s(t, Tag::ModelPixelScaleTag)?;
        match (tie, scale) {
            (Some(tp), Some(sc)) if tp.len() >= 6 && sc.len() >= 2 => [
                tp[3] - tp[0] * sc[0],
                sc[0],
                0.0,
                tp[4] + tp[1] * sc[1],
                0.0,
                -sc[1],
            ],
            _ => {
                return Err(error(
                    path,
                    "no ModelTiepoint with ModelPixelScale, nor ModelTransformation: the image has no position".into(),
                ))
            }
        }
    };
    if key(RASTER_TYPE) == Some(2) {
        // PixelIsPoint: the tie point is a pixel's centre.
        let t = &mut transform;
        t[0] -= 0.5 * (t[1] + t[2]);
        t[3] -= 0.5 * (t[4] + t[5]);
    }
    let code = match key(MODEL_TYPE) {
        Some(1) => key(PROJECTED_TYPE),
        Some(2) => key(GEOGRAPHIC_TYPE),
        _ => key(PROJECTED_TYPE).or(key(GEOGRAPHIC_TYPE)),
    };
    let code = match code {
        Some(USER_DEFINED) | None => {
            return Err(error(
                path,
                "the CRS is not given by an EPSG code (user-defined or missing); re-tag the image with one, e.g. gdal_translate -a_srs EPSG:32636".into(),
            ))
        }
        Some(c) => c,
    };
    let def = crate::projection::epsg_proj_string(code)
        .ok_or_else(|| error(path, format!("EPSG:{code} is not a CRS this program knows")))?;
    let crs = Crs::from_proj_string(def).map_err(|e| error(path, format!("EPSG:{code}: {e}")))?;
    Ok(Placement { transform, crs })
}

/// Decodes the pixels of `win` (columns `win[0]..win[2]`, rows `win[1]..win[3]`) of the current
/// image, block by block, into RGBA.
fn read_window(
    t: &mut Tiff,
    path: &Path,
    place: Placement,
    win: [u32; 4],
) -> Result<GeoImage, GeoTiffError> {
    let colour = t.colortype().map_err(tiff_err(path))?;
    let (bands, bits) = match colour {
        ColorType::Gray(b) => (1, b),
        ColorType::GrayA(b) => (2, b),
        ColorType::RGB(b) => (3, b),
        ColorType::RGBA(b) => (4, b),
        other => {
            return Err(error(
                path,
                format!("{other:?} pictures are not supported: convert to RGB, e.g. gdal_translate -expand rgb"),
            ))
        }
    };
    let planar: u16 = t
        .find_tag_unsigned(Tag::PlanarConfiguration)
        .map_err(tiff_err(path))?
        .unwrap_or(1);
    if planar != 1 && bands > 1 {
        return Err(error(
            path,
            "bands stored in separate planes are not supported: rewrite it with gdal_translate -co INTERLEAVE=PIXEL".into(),
        ));
    }
    if bits != 8 && bits != 16 {
        return Err(error(
            path,
            format!("{bits}-bit samples are not supported (8 or 16)"),
        ));
    }
    let nodata: Option<f64> = t
        .find_tag(Tag::GdalNodata)
        .ok()
        .flatten()
        .and_then(|v| v.into_string().ok())
        .and_then(|s| s.trim_matches(char::from(0)).trim().parse().ok());
    let (w, h) = t.dimensions().map_err(tiff_err(path))?;
    let (cw, ch) = t.chunk_dimensions();
    let across = w.div_ceil(cw);
    let (ww, wh) = ((win[2] - win[0]) as usize, (win[3] - win[1]) as usize);
    let mut samples = vec![0u16; ww * wh * bands];
    for cy in win[1] / ch..win[3].div_ceil(ch).min(h.div_ceil(ch)) {
        for cx in win[0] / cw..win[2].div_ceil(cw).min(across) {
            let index = cy * across + cx;
            let (dw, dh) = t.chunk_data_dimensions(index);
            let data: Vec<u16> = match t.read_chunk(index).map_err(tiff_err(path))? {
                DecodingResult::U8(v) => v.into_iter().map(u16::from).collect(),
                DecodingResult::U16(v) => v,
                _ => {
                    return Err(error(
                        path,
                        "only unsigned integer samples are supported".into(),
                    ))
                }
            };
            let stride = data.len() / (dh as usize).max(1);
            for r in 0..dh {
                let y = cy * ch + r;
                if y < win[1] || y >= win[3] {
                    continue;
                }
                for c in 0..dw {
                    let x = cx * cw + c;
                    if x < win[0] || x >= win[2] {
                        continue;
                    }
                    let src = r as usize * stride + c as usize * bands;
                    let dst = ((y - win[1]) as usize * ww + (x - win[0]) as usize) * bands;
                    if let Some(s) = data.get(src..src + bands) {
                        samples[dst..dst + bands].copy_from_slice(s);
                    }
                }
            }
        }
    }
    let rgba = to_rgba(&samples, bands, bits, nodata);
    let g = place.transform;
    let (c0, r0) = (f64::from(win[0]), f64::from(win[1]));
    Ok(GeoImage {
        width: ww as u32,
        height: wh as u32,
        rgba,
        place: Placement {
            transform: [
                g[0] + c0 * g[1] + r0 * g[2],
                g[1],
                g[2],
                g[3] + c0 * g[4] + r0 * g[5],
                g[4],
                g[5],
            ],
            crs: place.crs,
        },
    })
}

/// Samples (`bands` per pixel) to straight RGBA: grey is spread to the three colours; 16-bit
/// colour bands are stretched from their 2nd to their 98th percentile.
fn to_rgba(samples: &[u16], bands: usize, bits: u8, nodata: Option<f64>) -> Vec<u8> {
    let colour_bands = if bands >= 3 { 3 } else { 1 };
    let is_nodata =
        |px: &[u16]| nodata.is_some_and(|n| px[..colour_bands].iter().all(|&v| f64::from(v) == n));
    let stretch: Vec<(f64, f64)> = (0..bands)
        .map(|b| {
            let alpha = (bands == 2 || bands == 4) && b == bands - 1;
            if bits == 8 || alpha {
                return (0.0, if bits == 8 { 255.0 } else { 65535.0 });
            }
            let mut v: Vec<u16> = samples
                .chunks_exact(bands)
                .filter(|px| !is_nodata(px))
                .map(|px| px[b])
                .collect();
            if v.is_empty() {
                return (0.0, 65535.0);
            }
            v.sort_unstable();
            let at = |q: f64| f64::from(v[((v.len() - 1) as f64 * q).round() as usize]);
            let (lo, hi) = (at(0.02), at(0.98));
            (lo, if hi > lo { hi } else { lo + 1.0 })
        })
        .collect();
    let byte = |v: u16, b: usize| {
        let (lo, hi) = stretch[b];
        ((f64::from(v) - lo) / (hi - lo) * 255.0)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    let mut out = Vec::with_capacity(samples.len() / bands * 4);
    for px in samples.chunks_exact(bands) {
        let (r, g, b) = if colour_bands == 3 {
            (byte(px[0], 0), byte(px[1], 1), byte(px[2], 2))
        } else {
            let v = byte(px[0], 0);
            (v, v, v)
        };
        let a = match bands {
            2 => byte(px[1], 1),
            4 => byte(px[3], 3),
            _ => 255,
        };
        let a = if is_nodata(px) { 0 } else { a };
        out.extend_from_slice(&[r, g, b, a]);
    }
    out
}
