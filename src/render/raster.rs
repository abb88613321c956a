//! PNG output: an anti-aliased rasteriser for the scene (coverage from `ab_glyph_rasterizer`,
//! the same accumulator that draws the glyphs), and the PNG encoder.
//!
//! Areas are filled by the non-zero rule with coverage clamped to 1, lines are turned into
//! outlines (segment quads, round joins, butt or round caps) and filled the same way, and text
//! is filled from the glyph outlines of [`super::font`], so the PNG matches the SVG.

use super::font;
use super::geom::{circle_ring, clip_ring, pt, Contour, Pt, Rect};
use super::scene::{Cap, Item, LineStyle, Paint, Scene};
use super::symbols::{marker_code, marker_rings};
use crate::style::Marker;
use ab_glyph_rasterizer::{point, Rasterizer};
use std::collections::HashMap;

/// Flattening tolerance for curves, pixels.
const FLATTEN_PX: f64 = 0.2;

/// An RGB picture being painted.
pub struct Canvas {
    width: usize,
    height: usize,
    /// Pixels, RGB, row by row from the top.
    pub rgb: Vec<u8>,
    raster: Rasterizer,
    stamps: HashMap<StampKey, Stamp>,
}

/// Markers are rasterised once per shape, size, halo and quarter-pixel offset, then stamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct StampKey {
    marker: u8,
    size: u64,
    halo: u64,
    fx: u8,
    fy: u8,
}

/// Coverage of a marker's halo and fill in a small window (`x0`, `y0` relative to the pixel
/// holding the marker's centre).
struct Stamp {
    x0: i64,
    y0: i64,
    w: usize,
    h: usize,
    halo: Vec<f32>,
    fill: Vec<f32>,
}

/// Quarter-pixel steps of marker positions (the picture is off by at most 1/8 pixel).
const STAMP_STEPS: f64 = 4.0;

impl Canvas {
    /// Paints the scene.
    pub fn paint(scene: &Scene) -> Canvas {
        let (w, h) = (scene.width as usize, scene.height as usize);
        let bg = scene.background;
        let rgb = [bg.0, bg.1, bg.2].repeat(w * h);
        let mut c = Canvas {
            width: w,
            height: h,
            rgb,
            raster: Rasterizer::new(0, 0),
            stamps: HashMap::new(),
        };
        let page = Rect::new(0.0, 0.0, w as f64, h as f64);
        for e in &scene.entries {
            let clip = e.clip.and_then(|r| r.intersection(&page)).unwrap_or(page);
            match &e.item {
                Item::Fill { contours, paint } => {
                    let rings: Vec<Vec<Pt>> =
                        contours.iter().map(|k| k.flatten(FLATTEN_PX)).collect();
                    match axis_aligned_rect(&rings) {
                        Some(r) => c.fill_rect(&r, *paint, &clip),
                        None => c.fill(&rings, *paint, &clip),
                    }
                }
                Item::Line {
                    points,
                    closed,
                    style,
                } => {
                    let rings = stroke_outline(points, *closed, style, &clip);
                    c.fill(&rings, style.paint, &clip);
                }
                Item::Marker {
                    marker,
                    at,
                    size,
                    paint,
                    halo,
                } => c.marker(*marker, *at, *size, *paint, *halo, &clip),
                Item::Text(t) => {
                    let glyphs = font::outline(t);
                    if let Some((colour, width)) = t.halo {
                        let style = LineStyle::solid(Paint::solid(colour), width);
                        let rings: Vec<Vec<Pt>> = glyphs
                            .iter()
                            .flat_map(|g| {
                                stroke_outline(&g.flatten(FLATTEN_PX), true, &style, &clip)
                            })
                            .collect();
                        c.fill(&rings, Paint::with(colour, t.paint.opacity), &clip);
                    }
                    let rings: Vec<Vec<Pt>> = glyphs
                        .iter()
                        .map(|k: &Contour| k.flatten(FLATTEN_PX))
                        .collect();
                    c.fill(&rings, t.paint, &clip);
                }
            }
        }
        c
    }

    /// Stamps a marker: its halo, then its fill, from coverage computed once per shape.
    fn marker(
        &mut self,
        marker: Marker,
        at: Pt,
        size: f64,
        paint: Paint,
        halo: Option<(crate::style::Rgb, f64)>,
        clip: &Rect,
    ) {
        let (bx, by) = (at.x.floor(), at.y.floor());
        let q = |f: f64| ((f * STAMP_STEPS).round() as u8).min(STAMP_STEPS as u8);
        let key = StampKey {
            marker: marker_code(marker),
            size: size.to_bits(),
            halo: halo.map_or(0, |h| h.1.to_bits()),
            fx: q(at.x - bx),
            fy: q(at.y - by),
        };
        if !self.stamps.contains_key(&key) {
            let stamp = self.make_stamp(marker, size, halo.map_or(0.0, |h| h.1), key);
            self.stamps.insert(key, stamp);
        }
        let Some(stamp) = self.stamps.get(&key) else {
            return;
        };
        let (w, h) = (self.width as i64, self.height as i64);
        let (cx0, cy0) = (
            clip.x0.floor().max(0.0) as i64,
            clip.y0.floor().max(0.0) as i64,
        );
        let (cx1, cy1) = (
            clip.x1.ceil().min(w as f64) as i64,
            clip.y1.ceil().min(h as f64) as i64,
        );
        // The stamp's rows and columns that fall inside the clip.
        let (ox, oy) = (bx as i64 + stamp.x0, by as i64 + stamp.y0);
        let (sx0, sx1) = (
            (cx0 - ox).max(0) as usize,
            (cx1 - ox).clamp(0, stamp.w as i64) as usize,
        );
        let (sy0, sy1) = (
            (cy0 - oy).max(0) as usize,
            (cy1 - oy).clamp(0, stamp.h as i64) as usize,
        );
        let opacity = paint.opacity.min(1.0) as f32;
        let fill = (
            paint.colour.0 as f32,
            paint.colour.1 as f32,
            paint.colour.2 as f32,
        );
        let halo_rgb = halo.map(|(c, _)| (c.0 as f32, c.1 as f32, c.2 as f32));
        for sy in sy0..sy1 {
            let row = ((oy + sy as i64) as usize * self.width) * 3;
            for sx in sx0..sx1 {
                let k = sy * stamp.w + sx;
                let (hc, fc) = (stamp.halo.get(k).copied().unwrap_or(0.0), stamp.fill[k]);
                if hc <= 0.0 && fc <= 0.0 {
                    continue;
                }
                let i = row + (ox + sx as i64) as usize * 3;
                let px = &mut self.rgb[i..i + 3];
                if fc >= 1.0 && opacity >= 1.0 {
                    // Inside the shape the fill hides the halo.
                    px.copy_from_slice(&[paint.colour.0, paint.colour.1, paint.colour.2]);
                    continue;
                }
                for (c, a) in [(halo_rgb, hc), (Some(fill), fc)] {
                    if let (Some((r, g, b)), true) = (c, a > 0.0) {
                        let a = a * opacity;
                        px[0] = blend(px[0], r, a);
                        px[1] = blend(px[1], g, a);
                        px[2] = blend(px[2], b, a);
                    }
                }
            }
        }
    }

    fn make_stamp(&mut self, marker: Marker, size: f64, halo_width: f64, key: StampKey) -> Stamp {
        let reach = (size / 2.0 * 1.2 + halo_width).ceil() + 1.0;
        let (x0, y0) = (-reach, -reach);
        let n = (2.0 * reach) as usize + 1;
        // Window coordinates: the centre sits at (reach + fx, reach + fy).
        let c = pt(
            reach + key.fx as f64 / STAMP_STEPS,
            reach + key.fy as f64 / STAMP_STEPS,
        );
        let rings = marker_rings(marker, c, size);
        let window = Rect::new(0.0, 0.0, n as f64, n as f64);
        let mut coverage = |rings: &[Vec<Pt>]| -> Vec<f32> {
            self.raster.reset(n, n);
            for r in rings {
                let r = clip_ring(r, &window);
                for i in 0..r.len() {
                    let (a, b) = (r[i], r[(i + 1) % r.len()]);
                    self.raster
                        .draw_line(point(a.x as f32, a.y as f32), point(b.x as f32, b.y as f32));
                }
            }
            let mut out = Vec::with_capacity(n * n);
            self.raster.for_each_pixel(|_, a| out.push(a.min(1.0)));
            out
        };
        let fill = coverage(&rings);
        let halo = if halo_width > 0.0 {
            let style = LineStyle::solid(Paint::solid(crate::style::HALO), halo_width);
            let outline: Vec<Vec<Pt>> = rings
                .iter()
                .flat_map(|r| stroke_outline(r, true, &style, &window))
                .collect();
            coverage(&outline)
        } else {
            Vec::new()
        };
        // Keep only the rows and columns with any coverage.
        let used = |k: usize| fill[k] > 0.0 || halo.get(k).is_some_and(|&a| a > 0.0);
        let (mut r0, mut r1, mut c0, mut c1) = (n, 0, n, 0);
        for y in 0..n {
            for x in 0..n {
                if used(y * n + x) {
                    (r0, r1, c0, c1) = (r0.min(y), r1.max(y + 1), c0.min(x), c1.max(x + 1));
                }
            }
        }
        if r0 >= r1 {
            return Stamp {
                x0: 0,
                y0: 0,
                w: 0,
                h: 0,
                halo: Vec::new(),
                fill: Vec::new(),
            };
        }
        let crop = |v: &[f32]| -> Vec<f32> {
            if v.is_empty() {
                return Vec::new();
            }
            (r0..r1)
                .flat_map(|y| v[y * n + c0..y * n + c1].iter().copied())
                .collect()
        };
        Stamp {
            x0: x0 as i64 + c0 as i64,
            y0: y0 as i64 + r0 as i64,
            w: c1 - c0,
            h: r1 - r0,
            halo: crop(&halo),
            fill: crop(&fill),
        }
    }

    /// Fills an axis-aligned rectangle inside `clip`, with partial coverage on fractional edges
    /// (the same coverage the general fill gives, without the accumulation buffer).
    fn fill_rect(&mut self, r: &Rect, paint: Paint, clip: &Rect) {
        let Some(r) = r.intersection(clip) else {
            return;
        };
        let (x0, x1) = (r.x0.max(0.0), r.x1.min(self.width as f64));
        let (y0, y1) = (r.y0.max(0.0), r.y1.min(self.height as f64));
        if x1 <= x0 || y1 <= y0 || paint.opacity <= 0.0 {
            return;
        }
        let cover = |lo: f64, hi: f64, i: usize| -> f32 {
            let (a, b) = (i as f64, i as f64 + 1.0);
            (hi.min(b) - lo.max(a)).clamp(0.0, 1.0) as f32
        };
        let opacity = paint.opacity.min(1.0) as f32;
        for y in (y0.floor() as usize)..(y1.ceil() as usize) {
            let cy = cover(y0, y1, y);
            for x in (x0.floor() as usize)..(x1.ceil() as usize) {
                let a = cy * cover(x0, x1, x) * opacity;
                if a <= 0.0 {
                    continue;
                }
                let i = (y * self.width + x) * 3;
                put(&mut self.rgb[i..i + 3], paint.colour, a);
            }
        }
    }

    /// Fills rings (non-zero rule, coverage clamped to 1) inside `clip`.
    fn fill(&mut self, rings: &[Vec<Pt>], paint: Paint, clip: &Rect) {
        if paint.opacity <= 0.0 {
            return;
        }
        let Some(bounds) = Rect::bounding(rings.iter().flatten().copied()) else {
            return;
        };
        let Some(win) = bounds.intersection(clip) else {
            return;
        };
        let (x0, y0) = (win.x0.floor().max(0.0), win.y0.floor().max(0.0));
        let (x1, y1) = (
            win.x1.ceil().min(self.width as f64),
            win.y1.ceil().min(self.height as f64),
        );
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let window = Rect::new(x0, y0, x1, y1);
        let (ww, wh) = ((x1 - x0) as usize, (y1 - y0) as usize);
        self.raster.reset(ww, wh);
        let cut = clip.intersection(&window).unwrap_or(window);
        let inside = cut.contains_rect(&bounds);
        let mut clipped;
        for ring in rings {
            // Clip only what reaches out of the window.
            let r: &[Pt] = if inside {
                ring
            } else {
                clipped = clip_ring(ring, &cut);
                &clipped
            };
            let n = r.len();
            if n < 3 {
                continue;
            }
            for i in 0..n {
                let (a, b) = (r[i], r[(i + 1) % n]);
                self.raster.draw_line(
                    point((a.x - x0) as f32, (a.y - y0) as f32),
                    point((b.x - x0) as f32, (b.y - y0) as f32),
                );
            }
        }
        let (ix0, iy0) = (x0 as usize, y0 as usize);
        let opacity = paint.opacity.min(1.0) as f32;
        let (width, rgb) = (self.width, &mut self.rgb);
        // The rasteriser visits the window row by row: follow along instead of dividing.
        let (mut x, mut row) = (0usize, (iy0 * width + ix0) * 3);
        self.raster.for_each_pixel(|_, cov| {
            let a = cov.min(1.0) * opacity;
            if a > 0.0 {
                let i = row + x * 3;
                put(&mut rgb[i..i + 3], paint.colour, a);
            }
            x += 1;
            if x == ww {
                x = 0;
                row += width * 3;
            }
        });
    }

    /// Encodes the picture as PNG, recording `dpi` (pHYs chunk) when given.
    pub fn encode_png(&self, dpi: Option<f64>) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Fast);
            if let Some(dpi) = dpi {
                let ppm = (dpi / 0.0254).round() as u32;
                enc.set_pixel_dims(Some(png::PixelDimensions {
                    xppu: ppm,
                    yppu: ppm,
                    unit: png::Unit::Meter,
                }));
            }
            let mut w = enc.write_header()?;
            w.write_image_data(&self.rgb)?;
            w.finish()?;
        }
        Ok(out)
    }

    /// The colour of the pixel at (`x`, `y`).
    pub fn pixel(&self, x: usize, y: usize) -> (u8, u8, u8) {
        let i = (y * self.width + x) * 3;
        (self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }
}

/// The rectangle, if the rings are a single axis-aligned rectangle.
fn axis_aligned_rect(rings: &[Vec<Pt>]) -> Option<Rect> {
    let [ring] = rings else { return None };
    if ring.len() != 4 {
        return None;
    }
    let r = Rect::bounding(ring.iter().copied())?;
    ring.iter()
        .all(|p| (p.x == r.x0 || p.x == r.x1) && (p.y == r.y0 || p.y == r.y1))
        .then_some(r)
}

/// Paints one RGB pixel with `colour` at alpha `a` (copies it when opaque).
#[inline]
fn put(px: &mut [u8], colour: crate::style::Rgb, a: f32) {
    if a >= 1.0 {
        px.copy_from_slice(&[colour.0, colour.1, colour.2]);
    } else {
        px[0] = blend(px[0], colour.0 as f32, a);
        px[1] = blend(px[1], colour.1 as f32, a);
        px[2] = blend(px[2], colour.2 as f32, a);
    }
}

#[inline]
fn blend(dst: u8, src: f32, a: f32) -> u8 {
    let d = dst as f32;
    // Between dst and src, so within 0..=255: adding a half and truncating rounds it (without
    // a call to `roundf` on targets lacking SSE4.1).
    (d + (src - d) * a + 0.5) as u8
}

/// The outline of a stroked line as rings to fill with the non-zero rule (all clockwise on the
/// page): one quad per segment, a disc at every join, and caps. Dashes are cut first, following
/// SVG's `stroke-dasharray` (the pattern runs on across vertices). Parts far outside `clip` are
/// left out.
pub fn stroke_outline(points: &[Pt], closed: bool, style: &LineStyle, clip: &Rect) -> Vec<Vec<Pt>> {
    let h = style.width / 2.0;
    let reach = clip.inflate(style.width + 2.0);
    let mut path: Vec<Pt> = points.to_vec();
    if closed && path.len() > 2 && path.first() != path.last() {
        path.push(path[0]);
    }
    let pieces = match &style.dash {
        Some(pattern) if pattern.iter().sum::<f64>() > 0.0 => dash(&path, pattern),
        _ => vec![path],
    };
    let undashed_closed = closed && style.dash.is_none();
    let tol = 0.25_f64.min(h / 2.0).max(0.05);
    let mut rings = Vec::new();
    for piece in pieces {
        let n = piece.len();
        for i in 0..n.saturating_sub(1) {
            let (a, b) = (piece[i], piece[i + 1]);
            let len = a.dist(b);
            if len < 1e-9 || !reach.hits_segment(a, b) {
                continue;
            }
            let (nx, ny) = (-(b.y - a.y) / len * h, (b.x - a.x) / len * h);
            // Clockwise on the page, like the join discs (same sign for every segment).
            rings.push(vec![
                pt(a.x - nx, a.y - ny),
                pt(b.x - nx, b.y - ny),
                pt(b.x + nx, b.y + ny),
                pt(a.x + nx, a.y + ny),
            ]);
        }
        let joins = if undashed_closed {
            0..n.saturating_sub(1)
        } else {
            1..n.saturating_sub(1)
        };
        for i in joins {
            // A join needs its disc only where the line turns: below 10° the gap between the
            // segment ends is under a fifth of the half-width.
            let prev = if i == 0 { piece[n - 2] } else { piece[i - 1] };
            let (d0, d1) = (
                (piece[i].x - prev.x, piece[i].y - prev.y),
                (piece[i + 1].x - piece[i].x, piece[i + 1].y - piece[i].y),
            );
            let turn = (d0.0 * d1.1 - d0.1 * d1.0)
                .atan2(d0.0 * d1.0 + d0.1 * d1.1)
                .abs();
            if turn > 10f64.to_radians() && reach.contains(piece[i]) {
                rings.push(circle_ring(piece[i], h, tol));
            }
        }
        if style.cap == Cap::Round && !undashed_closed && n >= 2 {
            for p in [piece[0], piece[n - 1]] {
                if reach.contains(p) {
                    rings.push(circle_ring(p, h, tol));
                }
            }
        }
    }
    rings
}

/// Cuts a polyline into the "on" pieces of a dash pattern (pixels: on, off, on, off, …).
pub fn dash(path: &[Pt], pattern: &[f64]) -> Vec<Vec<Pt>> {
    let mut pieces = Vec::new();
    let mut k = 0; // index in pattern
    let mut left = pattern[0]; // length left in the current dash or gap
    let mut on = true;
    let mut cur: Vec<Pt> = path.first().map(|p| vec![*p]).unwrap_or_default();
    for w in path.windows(2) {
        let (mut a, b) = (w[0], w[1]);
        let mut len = a.dist(b);
        while len > left {
            let p = a.lerp(b, left / len);
            if on {
                if cur.last() != Some(&p) {
                    cur.push(p);
                }
                pieces.push(std::mem::take(&mut cur));
            } else {
                cur = vec![p];
            }
            len -= left;
            a = p;
            on = !on;
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= len;
        if on && cur.last() != Some(&b) {
            cur.push(b);
        }
    }
    if on && cur.len() >= 2 {
        pieces.push(cur);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Rgb;

    #[test]
    fn a_filled_square_covers_its_pixels_and_antialiases_its_edges() {
        let mut s = Scene::new(40, 40, None, Rgb(255, 255, 255));
        s.fill_ring(
            vec![
                pt(10.0, 10.0),
                pt(30.0, 10.0),
                pt(30.0, 30.0),
                pt(10.0, 30.5),
            ],
            Paint::solid(Rgb(0, 0, 0)),
        );
        let c = Canvas::paint(&s);
        assert_eq!(c.pixel(20, 20), (0, 0, 0));
        assert_eq!(c.pixel(5, 5), (255, 255, 255));
        // The bottom edge slants from y = 30 to 30.5: a partly covered row.
        let (g, _, _) = c.pixel(12, 30);
        assert!(g > 0 && g < 255, "{g}");
    }

    #[test]
    fn rectangles_take_the_fast_path_with_the_same_edges() {
        let rect = Rect::new(10.25, 10.5, 30.75, 20.0);
        let mut fast = Scene::new(40, 30, None, Rgb(255, 255, 255));
        fast.fill_rect(rect, Paint::solid(Rgb(0, 0, 0)));
        // The same rectangle as a five-point ring goes through the general path.
        let mut slow = Scene::new(40, 30, None, Rgb(255, 255, 255));
        let r = crate::render::scene::rect_ring(&rect);
        slow.fill_ring(
            vec![r[0], r[1], r[2], r[3], r[3].lerp(r[0], 0.5)],
            Paint::solid(Rgb(0, 0, 0)),
        );
        let (a, b) = (Canvas::paint(&fast), Canvas::paint(&slow));
        for (x, y) in [(20, 15), (10, 15), (30, 15), (20, 10), (5, 5)] {
            let (p, q) = (a.pixel(x, y).0 as i32, b.pixel(x, y).0 as i32);
            assert!((p - q).abs() <= 1, "{x},{y}: {p} vs {q}");
        }
        assert_eq!(a.pixel(10, 15).0, 64); // three quarters of the pixel covered
    }

    #[test]
    fn stroke_pieces_all_turn_the_same_way() {
        let style = LineStyle::solid(Paint::solid(Rgb(0, 0, 0)), 4.0);
        let path = [pt(0.0, 0.0), pt(10.0, 3.0), pt(4.0, 12.0), pt(-5.0, 2.0)];
        let rings = stroke_outline(&path, true, &style, &Rect::new(-50.0, -50.0, 50.0, 50.0));
        assert!(rings.len() >= 8);
        assert!(rings
            .iter()
            .all(|r| crate::render::geom::signed_area2(r) > 0.0));
    }

    #[test]
    fn holes_stay_empty() {
        let mut s = Scene::new(40, 40, None, Rgb(255, 255, 255));
        let outer = circle_ring(pt(20.0, 20.0), 15.0, 0.1);
        let inner = circle_ring(pt(20.0, 20.0), 8.0, 0.1);
        s.fill_polygons(&[vec![outer, inner]], Paint::solid(Rgb(0, 0, 0)));
        let c = Canvas::paint(&s);
        assert_eq!(c.pixel(20, 20), (255, 255, 255));
        assert_eq!(c.pixel(20, 8), (0, 0, 0));
    }

    #[test]
    fn dashes_follow_the_pattern_across_vertices() {
        let path = [pt(0.0, 0.0), pt(10.0, 0.0), pt(10.0, 10.0)];
        let d = dash(&path, &[4.0, 2.0]);
        // 20 px of path: on 0–4, 6–10, 12–16, 18–20.
        assert_eq!(d.len(), 4);
        assert_eq!(d[1], vec![pt(6.0, 0.0), pt(10.0, 0.0)]);
        assert_eq!(d[2], vec![pt(10.0, 2.0), pt(10.0, 6.0)]);
        assert_eq!(d[3], vec![pt(10.0, 8.0), pt(10.0, 10.0)]);
    }

    #[test]
    fn a_stroked_line_has_the_requested_width() {
        let mut s = Scene::new(60, 30, None, Rgb(255, 255, 255));
        s.line(
            vec![pt(5.0, 15.0), pt(55.0, 15.0)],
            false,
            LineStyle::solid(Paint::solid(Rgb(0, 0, 0)), 6.0),
        );
        let c = Canvas::paint(&s);
        let dark: Vec<usize> = (0..30).filter(|&y| c.pixel(30, y).0 < 128).collect();
        assert_eq!(dark, vec![12, 13, 14, 15, 16, 17]);
    }
}
