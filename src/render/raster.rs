//! PNG output: the scene painted with `tiny-skia` (anti-aliased fills and strokes, round joins,
//! dashes), then encoded with the resolution recorded.
//!
//! Each item is drawn as the SVG writer describes it — areas filled by the non-zero rule,
//! lines stroked with round joins, markers and text filled over a stroked halo, text from the
//! glyph outlines of [`super::font`] — so the PNG matches the SVG. Markers, often thousands of
//! the same few, are painted once per look and quarter-pixel position and then blended where
//! each stands (at most 1/8 pixel from their place).

use super::font;
use super::geom::{clip_ring, clip_segment, Contour, Pt, Rect, Seg};
use super::scene::{Cap, Item, LineStyle, Paint, Raster, Scene};
use super::symbols::{marker_code, marker_rings};
use crate::style::{Marker, Rgb};
use std::collections::HashMap;
use tiny_skia as sk;

/// Flattening tolerance for curves that must be clipped before drawing, pixels.
const FLATTEN_PX: f64 = 0.2;

/// Geometry reaching further than this beyond its clip rectangle is cut down first, pixels:
/// `tiny-skia` works in `f32`, which loses sub-pixel precision millions of pixels out.
const REACH_PX: f64 = 4096.0;

/// An RGB picture, painted from a scene.
pub struct Canvas {
    width: usize,
    height: usize,
    /// Pixels, RGB, row by row from the top.
    pub rgb: Vec<u8>,
}

impl Canvas {
    /// Paints the scene.
    pub fn paint(scene: &Scene) -> Canvas {
        let mut painter = Painter::new(scene);
        for e in &scene.entries {
            painter.draw(&e.item, e.clip);
        }
        let pixmap = painter.pixmap;
        // The background is opaque, so every pixel is: premultiplied equals straight RGB.
        let rgb = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        Canvas {
            width: pixmap.width() as usize,
            height: pixmap.height() as usize,
            rgb,
        }
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

/// The pixmap being painted, with the clip masks and marker outlines made so far.
struct Painter {
    pixmap: sk::Pixmap,
    page: Rect,
    /// One mask per clip rectangle (keyed by its bits).
    masks: HashMap<[u64; 4], sk::Mask>,
    /// Markers painted so far, by look and position within a pixel.
    stamps: HashMap<StampKey, Option<Stamp>>,
}

impl Painter {
    fn new(scene: &Scene) -> Painter {
        // A zero-sized page still gives a (1 × 1) picture rather than none.
        let (w, h) = (scene.width.max(1), scene.height.max(1));
        let mut pixmap = sk::Pixmap::new(w, h).expect("a page of at most 2^31 / 4 pixels a side");
        pixmap.fill(colour(scene.background, 1.0));
        Painter {
            pixmap,
            page: Rect::new(0.0, 0.0, w as f64, h as f64),
            masks: HashMap::new(),
            stamps: HashMap::new(),
        }
    }

    fn draw(&mut self, item: &Item, clip: Option<Rect>) {
        let Some(clip) = clip.map_or(Some(self.page), |c| c.intersection(&self.page)) else {
            return;
        };
        match item {
            Item::Fill { contours, paint } => {
                let bounds = bounds(contours.iter().flat_map(|c| c.control_points()));
                let Some(path) = fill_path(contours, bounds, &clip) else {
                    return;
                };
                let mask = clip_mask(
                    &mut self.masks,
                    &self.page,
                    &clip,
                    bounds.map(|b| b.inflate(1.0)),
                );
                self.pixmap.fill_path(
                    &path,
                    &sk_paint(*paint),
                    sk::FillRule::Winding,
                    sk::Transform::identity(),
                    mask,
                );
            }
            Item::Line {
                points,
                closed,
                style,
            } => {
                let reach = clip.inflate(style.width + 2.0);
                let b = bounds(points.iter().copied()).map(|b| b.inflate(style.width / 2.0));
                let pieces = if b.is_some_and(|b| reach.inflate(REACH_PX).contains_rect(&b)) {
                    vec![(polyline(points, *closed), 0.0)]
                } else {
                    clip_polyline(points, *closed, &reach)
                };
                let mask = clip_mask(
                    &mut self.masks,
                    &self.page,
                    &clip,
                    b.map(|b| b.inflate(1.0)),
                );
                for (path, offset) in pieces {
                    if let (Some(path), Some(stroke)) = (path, stroke(style, offset)) {
                        self.pixmap.stroke_path(
                            &path,
                            &sk_paint(style.paint),
                            &stroke,
                            sk::Transform::identity(),
                            mask,
                        );
                    }
                }
            }
            Item::Marker {
                marker,
                at,
                size,
                paint,
                halo,
            } => {
                // Quarter-pixel steps of the position: the marker is off by at most 1/8 pixel.
                let (bx, by) = (at.x.floor(), at.y.floor());
                let step = |f: f64| (f * STAMP_STEPS).round() as u8;
                let key = StampKey {
                    marker: marker_code(*marker),
                    size: size.to_bits(),
                    paint: (rgb(paint.colour), paint.opacity.to_bits()),
                    halo: halo.map(|(c, w)| (rgb(c), w.to_bits())),
                    step: (step(at.x - bx), step(at.y - by)),
                };
                let stamp = self
                    .stamps
                    .entry(key)
                    .or_insert_with(|| Stamp::new(*marker, *size, *paint, *halo, key.step));
                let Some(stamp) = stamp else {
                    return;
                };
                let (x, y) = (bx as i32 + stamp.x0, by as i32 + stamp.y0);
                let (w, h) = (stamp.pixmap.width() as f64, stamp.pixmap.height() as f64);
                let b = Rect::new(x as f64, y as f64, x as f64 + w, y as f64 + h);
                if !b.overlaps(&clip) {
                    return;
                }
                let mask = clip_mask(&mut self.masks, &self.page, &clip, Some(b));
                self.pixmap.draw_pixmap(
                    x,
                    y,
                    stamp.pixmap.as_ref(),
                    &sk::PixmapPaint::default(),
                    sk::Transform::identity(),
                    mask,
                );
            }
            Item::Image(r) => self.draw_image(r, &clip),
            Item::Text(t) => {
                let contours = font::outline(t);
                let reach = t.halo.map_or(0.0, |h| h.1 / 2.0) + 1.0;
                let b = bounds(contours.iter().flat_map(|c| c.control_points()))
                    .map(|b| b.inflate(reach));
                if !b.is_some_and(|b| b.overlaps(&clip)) {
                    return;
                }
                let Some(path) = path_of(&contours) else {
                    return;
                };
                self.fill_with_halo(&path, t.paint, t.halo, &clip, b);
            }
        }
    }

    /// Paints a picture pixel for pixel at its place, inside `clip`.
    fn draw_image(&mut self, r: &Raster, clip: &Rect) {
        // tiny-skia blends premultiplied colours.
        let data: Vec<u8> = r
            .rgba
            .chunks_exact(4)
            .flat_map(|p| {
                let c = sk::ColorU8::from_rgba(p[0], p[1], p[2], p[3]).premultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        let size = sk::IntSize::from_wh(r.width, r.height);
        let Some(pixmap) = size.and_then(|s| sk::Pixmap::from_vec(data, s)) else {
            return;
        };
        let b = Rect::new(
            f64::from(r.x),
            f64::from(r.y),
            f64::from(r.x) + f64::from(r.width),
            f64::from(r.y) + f64::from(r.height),
        );
        let mask = clip_mask(&mut self.masks, &self.page, clip, Some(b));
        self.pixmap.draw_pixmap(
            r.x,
            r.y,
            pixmap.as_ref(),
            &sk::PixmapPaint::default(),
            sk::Transform::identity(),
            mask,
        );
    }

    /// Fills `path` over its halo (a round-joined stroke of the halo's colour and width, at the
    /// fill's opacity).
    fn fill_with_halo(
        &mut self,
        path: &sk::Path,
        paint: Paint,
        halo: Option<(Rgb, f64)>,
        clip: &Rect,
        bounds: Option<Rect>,
    ) {
        let transform = sk::Transform::identity();
        let mask = clip_mask(&mut self.masks, &self.page, clip, bounds);
        if let Some((halo_colour, width)) = halo {
            let style = LineStyle::solid(Paint::with(halo_colour, paint.opacity), width);
            if let Some(stroke) = stroke(&style, 0.0) {
                let halo_paint = sk_paint(style.paint);
                self.pixmap
                    .stroke_path(path, &halo_paint, &stroke, transform, mask);
            }
        }
        self.pixmap.fill_path(
            path,
            &sk_paint(paint),
            sk::FillRule::Winding,
            transform,
            mask,
        );
    }
}

/// Steps per pixel of marker positions.
const STAMP_STEPS: f64 = 4.0;

/// A marker's look and its position within a pixel, in quarter pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct StampKey {
    marker: u8,
    size: u64,
    paint: ([u8; 3], u64),
    halo: Option<([u8; 3], u64)>,
    step: (u8, u8),
}

/// A marker painted once (halo, then fill, over transparency) into a small picture, then
/// blended wherever a marker with the same look stands.
struct Stamp {
    pixmap: sk::Pixmap,
    /// Top left corner of the picture from the pixel holding the marker's centre.
    x0: i32,
    y0: i32,
}

impl Stamp {
    fn new(
        marker: Marker,
        size: f64,
        paint: Paint,
        halo: Option<(Rgb, f64)>,
        step: (u8, u8),
    ) -> Option<Stamp> {
        let rings = marker_rings(marker, Pt::default(), size);
        let reach = halo.map_or(0.0, |h| h.1 / 2.0) + 1.0;
        let b = Rect::bounding(rings.iter().flatten().copied())?.inflate(reach);
        let (x0, y0) = (b.x0.floor() - 1.0, b.y0.floor() - 1.0);
        let (w, h) = (
            (b.x1.ceil() + 2.0 - x0) as u32,
            (b.y1.ceil() + 2.0 - y0) as u32,
        );
        let mut pixmap = sk::Pixmap::new(w, h)?;
        let at = sk::Transform::from_translate(
            (f64::from(step.0) / STAMP_STEPS - x0) as f32,
            (f64::from(step.1) / STAMP_STEPS - y0) as f32,
        );
        let contours: Vec<Contour> = rings.iter().map(|r| Contour::polygon(r)).collect();
        let path = path_of(&contours)?;
        if let Some((colour, width)) = halo {
            let style = LineStyle::solid(Paint::with(colour, paint.opacity), width);
            if let Some(stroke) = stroke(&style, 0.0) {
                pixmap.stroke_path(&path, &sk_paint(style.paint), &stroke, at, None);
            }
        }
        let rule = sk::FillRule::Winding;
        pixmap.fill_path(&path, &sk_paint(paint), rule, at, None);
        Some(Stamp {
            pixmap,
            x0: x0 as i32,
            y0: y0 as i32,
        })
    }
}

/// The mask for `clip` (made once per clip rectangle), or none where the clip is the whole
/// page or the item (`bounds`) lies inside it.
fn clip_mask<'a>(
    masks: &'a mut HashMap<[u64; 4], sk::Mask>,
    page: &Rect,
    clip: &Rect,
    bounds: Option<Rect>,
) -> Option<&'a sk::Mask> {
    if clip == page || bounds.is_some_and(|b| clip.contains_rect(&b)) {
        return None;
    }
    let key = [clip.x0, clip.y0, clip.x1, clip.y1].map(f64::to_bits);
    let mask = masks.entry(key).or_insert_with(|| {
        let (w, h) = (page.width() as u32, page.height() as u32);
        let mut mask = sk::Mask::new(w, h).expect("the page's size");
        let rect = sk::Rect::from_ltrb(
            clip.x0 as f32,
            clip.y0 as f32,
            clip.x1 as f32,
            clip.y1 as f32,
        );
        if let Some(rect) = rect {
            let path = sk::PathBuilder::from_rect(rect);
            mask.fill_path(
                &path,
                sk::FillRule::Winding,
                true,
                sk::Transform::identity(),
            );
        }
        mask
    });
    Some(mask)
}

/// A fill's path, cut down to `clip` (with a margin) when it reaches far beyond it.
fn fill_path(contours: &[Contour], bounds: Option<Rect>, clip: &Rect) -> Option<sk::Path> {
    let bounds = bounds?;
    if !bounds.overlaps(clip) {
        return None;
    }
    if clip.inflate(REACH_PX).contains_rect(&bounds) {
        return path_of(contours);
    }
    let window = clip.inflate(2.0);
    let cut: Vec<Contour> = contours
        .iter()
        .map(|c| clip_ring(&c.flatten(FLATTEN_PX), &window))
        .filter(|r| r.len() >= 3)
        .map(|r| Contour::polygon(&r))
        .collect();
    path_of(&cut)
}

/// The pieces of a polyline inside `window`, each with the length of line before it (pixels;
/// the dash pattern runs on from there).
fn clip_polyline(points: &[Pt], closed: bool, window: &Rect) -> Vec<(Option<sk::Path>, f64)> {
    let mut path = points.to_vec();
    if closed && path.len() > 2 {
        path.push(path[0]);
    }
    let mut pieces: Vec<(Vec<Pt>, f64)> = Vec::new();
    let mut run = 0.0;
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        if let Some((p, q)) = clip_segment(a, b, window) {
            let start = run + a.dist(p);
            match pieces.last_mut() {
                Some((piece, _)) if piece.last() == Some(&p) => piece.push(q),
                _ => pieces.push((vec![p, q], start)),
            }
        }
        run += a.dist(b);
    }
    pieces
        .into_iter()
        .map(|(piece, start)| (polyline(&piece, false), start))
        .collect()
}

/// A path through the points, closed back to the first if `closed`.
fn polyline(points: &[Pt], closed: bool) -> Option<sk::Path> {
    let mut pb = sk::PathBuilder::with_capacity(points.len() + 1, points.len());
    let (first, rest) = points.split_first()?;
    pb.move_to(first.x as f32, first.y as f32);
    for p in rest {
        pb.line_to(p.x as f32, p.y as f32);
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

/// A path of closed contours (lines and Bézier curves).
fn path_of(contours: &[Contour]) -> Option<sk::Path> {
    let mut pb = sk::PathBuilder::new();
    for c in contours {
        pb.move_to(c.start.x as f32, c.start.y as f32);
        for s in &c.segs {
            match *s {
                Seg::Line(p) => pb.line_to(p.x as f32, p.y as f32),
                Seg::Quad(a, p) => pb.quad_to(a.x as f32, a.y as f32, p.x as f32, p.y as f32),
                Seg::Cubic(a, b, p) => pb.cubic_to(
                    a.x as f32, a.y as f32, b.x as f32, b.y as f32, p.x as f32, p.y as f32,
                ),
            }
        }
        pb.close();
    }
    pb.finish()
}

/// The stroke of a line style (round joins, as in the SVG), its dash pattern starting
/// `offset` pixels into the line.
fn stroke(style: &LineStyle, offset: f64) -> Option<sk::Stroke> {
    let dash = match &style.dash {
        Some(pattern) if pattern.iter().sum::<f64>() > 0.0 => {
            let pattern: Vec<f32> = pattern.iter().map(|&v| v as f32).collect();
            Some(sk::StrokeDash::new(pattern, offset as f32)?)
        }
        _ => None,
    };
    (style.width > 0.0).then(|| sk::Stroke {
        width: style.width as f32,
        line_cap: match style.cap {
            Cap::Butt => sk::LineCap::Butt,
            Cap::Round => sk::LineCap::Round,
        },
        line_join: sk::LineJoin::Round,
        dash,
        ..sk::Stroke::default()
    })
}

fn colour(c: Rgb, opacity: f64) -> sk::Color {
    sk::Color::from_rgba8(
        c.0,
        c.1,
        c.2,
        (opacity.clamp(0.0, 1.0) * 255.0).round() as u8,
    )
}

fn rgb(c: Rgb) -> [u8; 3] {
    [c.0, c.1, c.2]
}

fn sk_paint(p: Paint) -> sk::Paint<'static> {
    let mut paint = sk::Paint::default();
    paint.set_color(colour(p.colour, p.opacity));
    paint.anti_alias = true;
    paint
}

fn bounds(points: impl IntoIterator<Item = Pt>) -> Option<Rect> {
    Rect::bounding(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::geom::{circle_ring, pt};

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
    fn a_partly_covered_pixel_gets_its_share_of_the_colour() {
        let mut s = Scene::new(40, 30, None, Rgb(255, 255, 255));
        s.fill_rect(
            Rect::new(10.25, 10.5, 30.75, 20.0),
            Paint::solid(Rgb(0, 0, 0)),
        );
        let c = Canvas::paint(&s);
        // Three quarters of the pixel covered: 255 / 4.
        let g = c.pixel(10, 15).0 as i32;
        assert!((g - 64).abs() <= 2, "{g}");
        assert_eq!(c.pixel(20, 15), (0, 0, 0));
        assert_eq!(c.pixel(5, 5), (255, 255, 255));
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
        // 20 px of path, dashes 4 on, 2 off: on 0–4, 6–10, 12–16, 18–20, turning at (40, 10).
        let mut s = Scene::new(60, 60, None, Rgb(255, 255, 255));
        let path = vec![pt(30.0, 10.0), pt(40.0, 10.0), pt(40.0, 20.0)];
        s.line(
            path,
            false,
            LineStyle::dashed(Paint::solid(Rgb(0, 0, 0)), 2.0, 4.0, 2.0),
        );
        let c = Canvas::paint(&s);
        let dark = |x: usize, y: usize| c.pixel(x, y).0 < 128;
        assert!(dark(32, 10) && !dark(35, 10) && dark(37, 10));
        assert!(dark(40, 14) && !dark(40, 17) && dark(40, 19));
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

    #[test]
    fn lines_reaching_far_off_the_page_keep_their_place_and_dashes() {
        // The same dashed line, once as drawn and once from 10 million pixels away: the part
        // on the page is the same.
        let style = LineStyle::dashed(Paint::solid(Rgb(0, 0, 0)), 3.0, 6.0, 4.0);
        let near = {
            let mut s = Scene::new(100, 40, None, Rgb(255, 255, 255));
            s.line(vec![pt(-10.0, 20.0), pt(110.0, 20.0)], false, style.clone());
            Canvas::paint(&s)
        };
        let far = {
            let mut s = Scene::new(100, 40, None, Rgb(255, 255, 255));
            // 1e7 is a whole number of 10-pixel patterns from -10.
            s.line(vec![pt(-1.0e7 - 10.0, 20.0), pt(110.0, 20.0)], false, style);
            Canvas::paint(&s)
        };
        for x in 0..100 {
            let (a, b) = (near.pixel(x, 20).0 as i32, far.pixel(x, 20).0 as i32);
            assert!((a - b).abs() <= 2, "x = {x}: {a} vs {b}");
        }
    }

    #[test]
    fn markers_are_filled_over_their_halo_where_they_stand() {
        let grey = Rgb(128, 128, 128);
        let red = Rgb(200, 0, 0);
        let mut s = Scene::new(60, 40, None, grey);
        for x in [15.3, 40.8] {
            s.push(Item::Marker {
                marker: Marker::Circle,
                at: pt(x, 20.6),
                size: 16.0,
                paint: Paint::solid(red),
                halo: Some((Rgb(255, 255, 255), 4.0)),
            });
        }
        let c = Canvas::paint(&s);
        for x in [15.3, 40.8] {
            let px = |dx: f64, dy: f64| c.pixel((x + dx) as usize, (20.6 + dy) as usize);
            assert_eq!(px(0.0, 0.0), (200, 0, 0));
            assert_eq!(px(6.0, 0.0), (200, 0, 0));
            // The halo: 2 px outside the 8 px radius, white.
            assert_eq!(px(9.0, 0.0), (255, 255, 255));
            assert_eq!(px(0.0, -9.0), (255, 255, 255));
            assert_eq!(px(12.0, 0.0), (128, 128, 128));
        }
    }

    #[test]
    fn areas_reaching_far_off_the_page_keep_their_holes() {
        // A square ten million pixels wide around the page, with a hole in the middle.
        let mut s = Scene::new(40, 40, None, Rgb(255, 255, 255));
        let far = |x: f64, y: f64| pt(20.0 + x * 1.0e7, 20.0 + y * 1.0e7);
        let outer = vec![
            far(-1.0, -1.0),
            far(1.0, -1.0),
            far(1.0, 1.0),
            far(-1.0, 1.0),
        ];
        let hole = circle_ring(pt(20.0, 20.0), 8.0, 0.1);
        s.fill_polygons(&[vec![outer, hole]], Paint::solid(Rgb(0, 0, 0)));
        let c = Canvas::paint(&s);
        assert_eq!(c.pixel(20, 20), (255, 255, 255));
        assert_eq!(c.pixel(2, 2), (0, 0, 0));
        assert_eq!(c.pixel(37, 20), (0, 0, 0));
    }

    #[test]
    fn clipped_items_stay_inside_their_clip() {
        let mut s = Scene::new(40, 40, None, Rgb(255, 255, 255));
        s.set_clip(Some(Rect::new(10.0, 10.0, 30.0, 30.0)));
        s.fill_rect(Rect::new(0.0, 0.0, 40.0, 40.0), Paint::solid(Rgb(0, 0, 0)));
        let c = Canvas::paint(&s);
        assert_eq!(c.pixel(20, 20), (0, 0, 0));
        assert_eq!(c.pixel(5, 20), (255, 255, 255));
        assert_eq!(c.pixel(20, 35), (255, 255, 255));
    }
}
