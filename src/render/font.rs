//! The bundled font (DejaVu Sans, with Cyrillic, from the `dejavu` crate): text measurement
//! and glyph outlines. Both the PNG and the SVG writer draw text from these outlines, so a
//! picture never depends on the fonts of the machine that shows it.

use super::geom::{pt, Contour, Pt, Seg};
use super::scene::{Anchor, Text, Weight};
use ab_glyph::{Font, FontRef, OutlineCurve};
use std::sync::OnceLock;

fn font(weight: Weight) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    match weight {
        // The crate's fonts are valid TrueType files; parsing them cannot fail.
        Weight::Regular => REGULAR.get_or_init(|| {
            FontRef::try_from_slice(dejavu::sans::regular()).expect("DejaVu Sans parses")
        }),
        Weight::Bold => BOLD.get_or_init(|| {
            FontRef::try_from_slice(dejavu::sans::bold()).expect("DejaVu Sans Bold parses")
        }),
    }
}

/// Size of a line of text, pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Advance width of the whole line.
    pub width: f64,
    /// Height above the baseline reached by capitals and ascenders.
    pub ascent: f64,
    /// Depth below the baseline reached by descenders (positive).
    pub descent: f64,
}

/// Scale from font units to pixels for an em size of `size` pixels.
fn scale(f: &FontRef<'_>, size: f64) -> f64 {
    size / f.units_per_em().unwrap_or(2048.0) as f64
}

/// Measures a line of text at em size `size` pixels.
pub fn measure(text: &str, size: f64, weight: Weight) -> Metrics {
    let f = font(weight);
    let s = scale(f, size);
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let g = f.glyph_id(c);
        if let Some(p) = prev {
            width += f.kern_unscaled(p, g) as f64 * s;
        }
        width += f.h_advance_unscaled(g) as f64 * s;
        prev = Some(g);
    }
    // DejaVu's cap height is 0.729 em and its descender 0.236 em; ascenders reach 0.76 em.
    Metrics {
        width,
        ascent: 0.76 * size,
        descent: 0.24 * size,
    }
}

/// A line of text set in the font: glyphs with their pen positions.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// Pixels per font unit.
    pub scale: f64,
    /// Offset of the first pen position from the anchor along the baseline, pixels (from the
    /// alignment).
    pub x0: f64,
    /// Glyph ids and their pen positions along the baseline, font units from `x0`.
    pub glyphs: Vec<(u16, f64)>,
    /// Advance width of the whole text, pixels.
    pub width: f64,
}

/// Sets a text item: which glyphs go where (kerning included).
pub fn layout(t: &Text) -> GlyphRun {
    let f = font(t.weight);
    let s = scale(f, t.size);
    let width = measure(&t.text, t.size, t.weight).width;
    let x0 = match t.anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -width / 2.0,
        Anchor::End => -width,
    };
    let mut glyphs = Vec::with_capacity(t.text.len());
    let mut x = 0.0;
    let mut prev = None;
    for c in t.text.chars() {
        let g = f.glyph_id(c);
        if let Some(p) = prev {
            x += f.kern_unscaled(p, g) as f64;
        }
        glyphs.push((g.0, x));
        x += f.h_advance_unscaled(g) as f64;
        prev = Some(g);
    }
    GlyphRun {
        scale: s,
        x0,
        glyphs,
        width,
    }
}

/// The outline of one glyph in font units (y up, origin at the pen position), mapped by `map`.
pub fn glyph_outline(weight: Weight, id: u16, map: impl Fn(f64, f64) -> Pt) -> Vec<Contour> {
    let mut contours = Vec::new();
    let Some(o) = font(weight).outline(ab_glyph::GlyphId(id)) else {
        return contours;
    };
    let m = |p: ab_glyph::Point| map(p.x as f64, p.y as f64);
    let mut cur: Option<Contour> = None;
    let mut last: Option<ab_glyph::Point> = None;
    for curve in &o.curves {
        let (from, end, seg) = match *curve {
            OutlineCurve::Line(a, b) => (a, b, Seg::Line(m(b))),
            OutlineCurve::Quad(a, c, b) => (a, b, Seg::Quad(m(c), m(b))),
            OutlineCurve::Cubic(a, c1, c2, b) => (a, b, Seg::Cubic(m(c1), m(c2), m(b))),
        };
        if last != Some(from) {
            contours.extend(cur.take());
            cur = Some(Contour {
                start: m(from),
                segs: Vec::new(),
            });
        }
        if let Some(k) = cur.as_mut() {
            k.segs.push(seg);
        }
        last = Some(end);
    }
    contours.extend(cur);
    contours
}

/// The glyph outlines of a text item, in page pixels.
pub fn outline(t: &Text) -> Vec<Contour> {
    let run = layout(t);
    let (sin, cos) = t.angle_deg.to_radians().sin_cos();
    let mut contours = Vec::new();
    for &(id, x) in &run.glyphs {
        let place = |gx: f64, gy: f64| -> Pt {
            let (dx, dy) = (run.x0 + (x + gx) * run.scale, -gy * run.scale);
            pt(t.at.x + dx * cos - dy * sin, t.at.y + dx * sin + dy * cos)
        };
        contours.extend(glyph_outline(t.weight, id, place));
    }
    contours
}

/// Splits `text` into lines no wider than `max_width` pixels at em size `size`, breaking at
/// spaces (a single word longer than the width gets a line of its own).
pub fn wrap(text: &str, size: f64, weight: Weight, max_width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && measure(&candidate, size, weight).width > max_width {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::Paint;
    use crate::style::TEXT;

    #[test]
    fn text_width_grows_with_size_and_length() {
        let a = measure("Kyiv", 20.0, Weight::Regular).width;
        assert!(a > 30.0 && a < 60.0, "{a}");
        assert!((measure("Kyiv", 40.0, Weight::Regular).width - 2.0 * a).abs() < 1e-9);
        assert!(measure("Київ — Kyiv", 20.0, Weight::Bold).width > a);
    }

    #[test]
    fn outlines_sit_on_the_baseline_within_the_measured_box() {
        let t = Text {
            text: "Hg Київ".into(),
            at: pt(100.0, 200.0),
            size: 20.0,
            weight: Weight::Regular,
            anchor: Anchor::Start,
            angle_deg: 0.0,
            paint: Paint::solid(TEXT),
            halo: None,
        };
        let m = measure(&t.text, t.size, t.weight);
        let contours = outline(&t);
        assert!(contours.len() >= 7);
        for p in contours.iter().flat_map(|c| c.control_points()) {
            assert!(p.x >= 99.0 && p.x <= 100.0 + m.width + 1.0, "{p:?}");
            assert!(
                p.y >= 200.0 - m.ascent - 1.0 && p.y <= 200.0 + m.descent + 0.5,
                "{p:?}"
            );
        }
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let lines = wrap(
            "Sources: Ministry of Foreign Affairs of the Republic of Azerbaijan, statement",
            10.0,
            Weight::Regular,
            150.0,
        );
        assert!(lines.len() >= 3);
        assert!(lines
            .iter()
            .all(|l| measure(l, 10.0, Weight::Regular).width <= 150.0));
    }
}
