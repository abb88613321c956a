//! PNG output: an anti-aliased rasteriser for the scene (coverage from `ab_glyph_rasterizer`,
//! the same accumulator that draws the glyphs), and the PNG encoder.
//!
//! Areas are filled by the non-zero rule with coverage clamped to 1, lines are turned into
//! outlines (segment quads, round joins, butt or round caps) and filled the same way, and text
//! is filled from the glyph outlines of [`super::font`], so the PNG matches the SVG.

use super::font;
use super::geom::{circle_ring, clip_ring, pt, Contour, Pt, Rect};
use super::scene::{Cap, Item, LineStyle, Paint, Scene};
use ab_glyph_rasterizer::{point, Rasterizer};

/// Flattening tolerance for curves, pixels.
const FLATTEN_PX: f64 = 0.2;

/// An RGB picture being painted.
pub struct Canvas {
    width: usize,
    height: usize,
    /// Pixels, RGB, row by row from the top.
    pub rgb: Vec<u8>,
    raster: Rasterizer,
}

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
        let (cr, cg, cb) = (
            paint.colour.0 as f32,
            paint.colour.1 as f32,
            paint.colour.2 as f32,
        );
        let opacity = paint.opacity.min(1.0) as f32;
        for y in (y0.floor() as usize)..(y1.ceil() as usize) {
            let cy = cover(y0, y1, y);
            for x in (x0.floor() as usize)..(x1.ceil() as usize) {
                let a = cy * cover(x0, x1, x) * opacity;
                if a <= 0.0 {
                    continue;
                }
                let i = (y * self.width + x) * 3;
                let px = &mut self.rgb[i..i + 3];
                if a >= 1.0 {
                    px.copy_from_slice(&[paint.colour.0, paint.colour.1, paint.colour.2]);
                } else {
                    px[0] = blend(px[0], cr, a);
                    px[1] = blend(px[1], cg, a);
                    px[2] = blend(px[2], cb, a);
                }
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
        for ring in rings {
            let r = clip_ring(ring, &cut);
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
        let (cr, cg, cb) = (
            paint.colour.0 as f32,
            paint.colour.1 as f32,
            paint.colour.2 as f32,
        );
        let opacity = paint.opacity.min(1.0) as f32;
        let (width, rgb) = (self.width, &mut self.rgb);
        self.raster.for_each_pixel_2d(|x, y, cov| {
            let a = cov.min(1.0) * opacity;
            if a <= 0.0 {
                return;
            }
            let i = ((iy0 + y as usize) * width + ix0 + x as usize) * 3;
            let px = &mut rgb[i..i + 3];
            px[0] = blend(px[0], cr, a);
            px[1] = blend(px[1], cg, a);
            px[2] = blend(px[2], cb, a);
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

#[inline]
fn blend(dst: u8, src: f32, a: f32) -> u8 {
    let d = dst as f32;
    (d + (src - d) * a).round().clamp(0.0, 255.0) as u8
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
            rings.push(super::geom::orient(
                vec![
                    pt(a.x + nx, a.y + ny),
                    pt(b.x + nx, b.y + ny),
                    pt(b.x - nx, b.y - ny),
                    pt(a.x - nx, a.y - ny),
                ],
                true,
            ));
        }
        let joins = if undashed_closed {
            0..n.saturating_sub(1)
        } else {
            1..n.saturating_sub(1)
        };
        for i in joins {
            if reach.contains(piece[i]) {
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
