//! SVG output. Text is written as glyph outlines from the bundled font, so the picture looks
//! the same in every viewer whatever fonts it has: each glyph used is defined once (a `<path>`
//! in font units in `<defs>`) and placed with `<use>`. Each text keeps its characters in an
//! `aria-label` (and a `<title>`) for accessibility and checks, and in an invisible `<text>`
//! laid over the glyphs at their size and width (`fill-opacity="0"`, hidden from screen
//! readers, which read the label), so that a browser's find-in-page and copying find the words
//! where they are drawn. (librsvg leaves such text out of the PDFs it makes.)
//!
//! Coordinates are page pixels, written with two decimals; the output depends only on the scene.

use super::font;
use super::geom::{pt, Contour, Rect, Seg};
use super::scene::{Cap, Item, LineStyle, Paint, Raster, Scene, Text, Weight};
use super::symbols::{marker_code, marker_rings};
use crate::util::xml::escape;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Writes the scene as a standalone SVG document.
pub fn to_svg(scene: &Scene) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let (w, h) = (scene.width, scene.height);
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let (pw, ph) = match scene.dpi {
        Some(dpi) => (
            format!("{}mm", num(w as f64 / dpi * 25.4)),
            format!("{}mm", num(h as f64 / dpi * 25.4)),
        ),
        None => (w.to_string(), h.to_string()),
    };
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{pw}" height="{ph}" viewBox="0 0 {w} {h}">"#
    );
    let mut clips: Vec<Rect> = Vec::new();
    for e in &scene.entries {
        if let Some(c) = e.clip {
            if !clips.contains(&c) {
                clips.push(c);
            }
        }
    }
    let glyphs: BTreeSet<(u8, u16)> = scene
        .texts()
        .flat_map(|t| {
            font::layout(t)
                .glyphs
                .into_iter()
                .map(move |(id, _)| (weight_key(t.weight), id))
        })
        .collect();
    let mut markers: Vec<(crate::style::Marker, f64)> = Vec::new();
    for e in &scene.entries {
        if let Item::Marker { marker, size, .. } = e.item {
            if !markers
                .iter()
                .any(|(m, s)| *m == marker && marker_id(*m, *s) == marker_id(marker, size))
            {
                markers.push((marker, size));
            }
        }
    }
    markers.sort_by_key(|(m, s)| marker_id(*m, *s));
    if !clips.is_empty() || !glyphs.is_empty() || !markers.is_empty() {
        out.push_str("<defs>\n");
        for &(m, size) in &markers {
            let rings: Vec<Contour> = marker_rings(m, pt(0.0, 0.0), size)
                .iter()
                .map(|r| Contour::polygon(r))
                .collect();
            let _ = writeln!(
                out,
                r#"<path id="{}" d="{}"/>"#,
                marker_id(m, size),
                path_data(&rings)
            );
        }
        for &(wk, id) in &glyphs {
            let weight = if wk == 0 {
                Weight::Regular
            } else {
                Weight::Bold
            };
            let d = path_data(&font::glyph_outline(weight, id, pt));
            let _ = writeln!(out, r#"<path id="{}" d="{d}"/>"#, glyph_ref(weight, id));
        }
        for (i, c) in clips.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<clipPath id="clip{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                num(c.x0),
                num(c.y0),
                num(c.width()),
                num(c.height())
            );
        }
        out.push_str("</defs>\n");
    }
    let _ = writeln!(
        out,
        r#"<rect width="{w}" height="{h}" fill="{}"/>"#,
        scene.background.hex()
    );
    let mut open: Option<Rect> = None;
    for e in &scene.entries {
        if e.clip != open {
            if open.is_some() {
                out.push_str("</g>\n");
            }
            if let Some(c) = e.clip {
                let i = clips.iter().position(|k| *k == c).unwrap_or(0);
                let _ = writeln!(out, r#"<g clip-path="url(#clip{i})">"#);
            }
            open = e.clip;
        }
        match &e.item {
            Item::Fill { contours, paint } => {
                let _ = writeln!(
                    out,
                    r#"<path d="{}"{}/>"#,
                    path_data(contours),
                    fill_attrs(paint)
                );
            }
            Item::Line {
                points,
                closed,
                style,
            } => {
                let mut d = String::new();
                for (i, p) in points.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if i == 0 { "M" } else { " L" },
                        num(p.x),
                        num(p.y)
                    );
                }
                if *closed {
                    d.push_str(" Z");
                }
                let _ = writeln!(out, r#"<path d="{d}" fill="none"{}/>"#, stroke_attrs(style));
            }
            Item::Text(t) => write_text(&mut out, t),
            Item::Image(r) => write_image(&mut out, r),
            Item::Marker {
                marker,
                at,
                size,
                paint,
                halo,
            } => {
                let (id, x, y) = (marker_id(*marker, *size), num(at.x), num(at.y));
                if let Some((colour, width)) = halo {
                    let style = LineStyle::solid(Paint::with(*colour, paint.opacity), *width);
                    let _ = writeln!(
                        out,
                        r##"<use xlink:href="#{id}" x="{x}" y="{y}" fill="none"{}/>"##,
                        stroke_attrs(&style)
                    );
                }
                let _ = writeln!(
                    out,
                    r##"<use xlink:href="#{id}" x="{x}" y="{y}"{}/>"##,
                    fill_attrs(paint)
                );
            }
        }
    }
    if open.is_some() {
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// A picture as an embedded PNG (pixels unscaled, `image-rendering` kept crisp).
fn write_image(out: &mut String, r: &Raster) {
    use base64::Engine;
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, r.width, r.height);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        // Writing into a vector of the right size cannot fail.
        if let Ok(mut w) = enc.write_header() {
            let _ = w.write_image_data(&r.rgba);
        }
    }
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    let _ = writeln!(
        out,
        r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/>"#,
        r.x, r.y, r.width, r.height
    );
}

/// Id of a marker shape's definition: shape and size (`m3s29.17`).
fn marker_id(m: crate::style::Marker, size: f64) -> String {
    format!("m{}s{}", marker_code(m), num(size))
}

fn weight_key(w: Weight) -> u8 {
    match w {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }
}

fn glyph_ref(w: Weight, id: u16) -> String {
    format!("g{}{id}", if w == Weight::Bold { "b" } else { "r" })
}

/// A text: its glyphs placed with `<use>` in font units under one transform (font units are
/// y-up, hence the negative vertical scale), a halo first when it has one.
fn write_text(out: &mut String, t: &Text) {
    let run = font::layout(t);
    let label = escape(&t.text);
    let s = run.scale;
    let mut place = format!("translate({} {})", num(t.at.x), num(t.at.y));
    if t.angle_deg != 0.0 {
        let _ = write!(place, " rotate({})", num(t.angle_deg));
    }
    let transform = format!(
        "{place} translate({} 0) scale({} {})",
        num(run.x0),
        fine(s),
        fine(-s)
    );
    let uses: String = run
        .glyphs
        .iter()
        .map(|&(id, x)| {
            format!(
                r##"<use xlink:href="#{}" x="{}"/>"##,
                glyph_ref(t.weight, id),
                num(x)
            )
        })
        .collect();
    let _ = write!(
        out,
        r#"<g aria-label="{label}" transform="{transform}"><title>{label}</title>"#
    );
    if let Some((colour, width)) = t.halo {
        let halo = LineStyle::solid(Paint::with(colour, t.paint.opacity), width / s);
        let _ = write!(out, r#"<g fill="none"{}>{uses}</g>"#, stroke_attrs(&halo));
    }
    let _ = writeln!(out, r#"<g{}>{uses}</g></g>"#, fill_attrs(&t.paint));
    let width = run.width;
    if !t.text.trim().is_empty() && width > 0.0 {
        let bold = match t.weight {
            Weight::Bold => r#" font-weight="bold""#,
            Weight::Regular => "",
        };
        let _ = writeln!(
            out,
            r#"<text transform="{place}" x="{}" font-family="DejaVu Sans, sans-serif" font-size="{}"{bold} textLength="{}" lengthAdjust="spacingAndGlyphs" fill-opacity="0" aria-hidden="true">{label}</text>"#,
            num(run.x0),
            num(t.size),
            num(width)
        );
    }
}

/// A number with up to six decimals (scales).
fn fine(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn path_data(contours: &[Contour]) -> String {
    let mut d = String::new();
    for c in contours {
        let _ = write!(d, "M{} {}", num(c.start.x), num(c.start.y));
        for s in &c.segs {
            let _ = match *s {
                Seg::Line(p) => write!(d, "L{} {}", num(p.x), num(p.y)),
                Seg::Quad(a, p) => {
                    write!(d, "Q{} {} {} {}", num(a.x), num(a.y), num(p.x), num(p.y))
                }
                Seg::Cubic(a, b, p) => {
                    write!(
                        d,
                        "C{} {} {} {} {} {}",
                        num(a.x),
                        num(a.y),
                        num(b.x),
                        num(b.y),
                        num(p.x),
                        num(p.y)
                    )
                }
            };
        }
        d.push('Z');
    }
    d
}

fn fill_attrs(p: &Paint) -> String {
    let mut s = format!(r#" fill="{}""#, p.colour.hex());
    if p.opacity < 1.0 {
        let _ = write!(s, r#" fill-opacity="{}""#, num(p.opacity));
    }
    s
}

fn stroke_attrs(l: &LineStyle) -> String {
    let mut s = format!(
        r#" stroke="{}" stroke-width="{}" stroke-linejoin="round""#,
        l.paint.colour.hex(),
        num(l.width)
    );
    if l.paint.opacity < 1.0 {
        let _ = write!(s, r#" stroke-opacity="{}""#, num(l.paint.opacity));
    }
    s.push_str(match l.cap {
        Cap::Round => r#" stroke-linecap="round""#,
        Cap::Butt => r#" stroke-linecap="butt""#,
    });
    if let Some(d) = &l.dash {
        let v: Vec<String> = d.iter().map(|x| num(*x)).collect();
        let _ = write!(s, r#" stroke-dasharray="{}""#, v.join(" "));
    }
    s
}

/// A number with at most two decimals and no trailing zeros (`12.5`, `3`, `-0.25`).
fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::geom::pt;
    use crate::render::scene::{Anchor, Text, Weight};
    use crate::style::Rgb;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
    }

    #[test]
    fn text_becomes_paths_with_its_characters_kept() {
        let mut s = Scene::new(200, 100, None, Rgb(255, 255, 255));
        s.text(Text {
            text: "A & B <Київ>".into(),
            at: pt(10.0, 50.0),
            size: 12.0,
            weight: Weight::Regular,
            anchor: Anchor::Start,
            angle_deg: 0.0,
            paint: Paint::solid(Rgb(0, 0, 0)),
            halo: Some((Rgb(255, 255, 255), 2.0)),
        });
        let svg = to_svg(&s);
        assert!(svg.contains(r#"aria-label="A &amp; B &lt;Київ&gt;""#));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        // The words once more, as invisible text at the glyphs' size and width.
        let text = doc.descendants().find(|n| n.has_tag_name("text")).unwrap();
        assert_eq!(text.text(), Some("A & B <Київ>"));
        assert_eq!(text.attribute("fill-opacity"), Some("0"));
        assert_eq!(text.attribute("font-size"), Some("12"));
        let width = font::measure("A & B <Київ>", 12.0, Weight::Regular).width;
        assert_eq!(text.attribute("textLength"), Some(num(width).as_str()));
        // One definition per distinct glyph (A, space, &, B, <, К, и, ї, в, >), each placed
        // twice: halo and fill.
        let defs = doc.descendants().filter(|n| n.has_tag_name("path")).count();
        assert_eq!(defs, 10);
        let uses = doc.descendants().filter(|n| n.has_tag_name("use")).count();
        assert_eq!(uses, 2 * "A & B <Київ>".chars().count());
    }
}
