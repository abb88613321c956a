//! SVG output. Text is written as glyph outlines (paths) from the bundled font, so the picture
//! looks the same in every viewer whatever fonts it has; each text keeps its characters in an
//! `aria-label` (and a `<title>`) for search, accessibility and checks.
//!
//! Coordinates are page pixels, written with two decimals; the output depends only on the scene.

use super::font;
use super::geom::{Contour, Rect, Seg};
use super::scene::{Cap, Item, LineStyle, Paint, Scene};
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
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{pw}" height="{ph}" viewBox="0 0 {w} {h}">"#
    );
    let mut clips: Vec<Rect> = Vec::new();
    for e in &scene.entries {
        if let Some(c) = e.clip {
            if !clips.contains(&c) {
                clips.push(c);
            }
        }
    }
    if !clips.is_empty() {
        out.push_str("<defs>\n");
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
            Item::Text(t) => {
                let glyphs = font::outline(t);
                let d = path_data(&glyphs);
                let label = escape(&t.text);
                let _ = write!(out, r#"<g aria-label="{label}"><title>{label}</title>"#);
                if let Some((colour, width)) = t.halo {
                    let _ = write!(
                        out,
                        r#"<path d="{d}" fill="none"{}/>"#,
                        stroke_attrs(&LineStyle::solid(
                            Paint::with(colour, t.paint.opacity),
                            width
                        ))
                    );
                }
                let _ = writeln!(out, r#"<path d="{d}"{}/></g>"#, fill_attrs(&t.paint));
            }
        }
    }
    if open.is_some() {
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
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

/// Escapes text for XML attributes and content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
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
        assert!(!svg.contains("<text"));
        assert!(svg.contains(r#"aria-label="A &amp; B &lt;Київ&gt;""#));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("path")).count(),
            2
        );
    }
}
