//! Map furniture: title block, scale bar, north arrow, legend, text blocks and the locator inset.

use super::font::{measure, wrap};
use super::geom::{pt, Pt, Rect};
use super::scene::{Anchor, Cap, LineStyle, Paint, Scene, Text, Weight};
use super::symbols::{draw_marker, marker_rings, site_group_style, LegendKey};
use super::view::{projection_for_extent, MapView};
use super::RenderError;
use crate::model::WeaponCategory;
use crate::style::{self, Marker, Rgb};
use geo_types::{Coord, MultiPolygon};

/// Text in the document's default style.
pub fn text(s: &str, at: Pt, size: f64, weight: Weight, anchor: Anchor, colour: Rgb) -> Text {
    Text {
        text: s.to_string(),
        at,
        size,
        weight,
        anchor,
        angle_deg: 0.0,
        paint: Paint::solid(colour),
        halo: None,
    }
}

/// Draws the title (bold) and subtitle at the top of `area`.
pub fn title_block(scene: &mut Scene, area: &Rect, title: &str, subtitle: &str, u: f64) {
    scene.text(text(
        title,
        pt(area.x0, area.y0 + 15.0 * u),
        16.0 * u,
        Weight::Bold,
        Anchor::Start,
        style::TEXT,
    ));
    scene.text(text(
        subtitle,
        pt(area.x0, area.y0 + 30.0 * u),
        10.0 * u,
        Weight::Regular,
        Anchor::Start,
        style::TEXT_MUTED,
    ));
}

/// A round length for a scale bar: 1, 2 or 5 × 10ⁿ metres, the largest not above `max_m`.
pub fn round_length(max_m: f64) -> f64 {
    let e = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .iter()
        .map(|k| k * e)
        .find(|v| *v <= max_m)
        .unwrap_or(e)
}

/// A length for a scale label: `250 m`, `1 km`, `2.5 km`.
pub fn format_length(m: f64) -> String {
    if m >= 1000.0 {
        let km = m / 1000.0;
        if (km - km.round()).abs() < 1e-9 {
            format!("{} km", km.round())
        } else {
            format!("{km} km")
        }
    } else {
        format!("{} m", m.round())
    }
}

/// The scale bar as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    /// Left end of the bar, pixels.
    pub start: Pt,
    /// Right end of the bar, pixels.
    pub end: Pt,
    /// The ground length it stands for, metres.
    pub length_m: f64,
    /// The label at its end (`250 m`).
    pub label: String,
    /// Box around bar and labels.
    pub rect: Rect,
}

/// Draws a scale bar in the lower left corner of the map frame. Its pixel length is set so that
/// the geodesic distance between its ends (at its own position on the map) is the round length.
pub fn scale_bar(scene: &mut Scene, view: &MapView, u: f64) -> Result<ScaleBar, RenderError> {
    let f = view.frame;
    let size = 7.0 * u;
    let pad = 5.0 * u;
    let start = pt(f.x0 + pad + 3.0 * u, f.y1 - pad - 4.0 * u);
    let ll = view.from_px(start)?;
    let k = view.px_per_ground_m(ll, 90.0)?;
    let length_m = round_length(0.22 * f.width() / k);
    // Refine the pixel length until the ends are exactly `length_m` apart on the ellipsoid.
    let mut len_px = length_m * k;
    for _ in 0..3 {
        let d = crate::geodesy::distance_m(
            geo_types::Point(ll),
            geo_types::Point(view.from_px(start.offset(len_px, 0.0))?),
        );
        len_px *= length_m / d;
    }
    let end = start.offset(len_px, 0.0);
    let label = format_length(length_m);
    let half = format_length(length_m / 2.0);
    let bar_h = 1.6 * u;
    let label_w = measure(&label, size, Weight::Regular).width;
    let rect = Rect::new(
        start.x - 3.0 * u,
        start.y - bar_h - 1.6 * size,
        end.x + label_w / 2.0 + 3.0 * u,
        start.y + 2.0 * u,
    );
    scene.fill_rect(rect, Paint::with(style::HALO, 0.85));
    // Two halves, dark and light, with the ticks labelled 0, half, full.
    let dark = Paint::solid(style::FRAME);
    scene.fill_rect(
        Rect::new(start.x, start.y - bar_h, start.x + len_px / 2.0, start.y),
        dark,
    );
    scene.fill_rect(
        Rect::new(start.x + len_px / 2.0, start.y - bar_h, end.x, start.y),
        Paint::solid(style::HALO),
    );
    let line = LineStyle {
        paint: dark,
        width: 0.5 * u,
        dash: None,
        cap: Cap::Butt,
    };
    scene.stroke_rect(Rect::new(start.x, start.y - bar_h, end.x, start.y), line);
    for (x, s) in [
        (start.x, "0".to_string()),
        (start.x + len_px / 2.0, half),
        (end.x, label.clone()),
    ] {
        scene.text(text(
            &s,
            pt(x, start.y - bar_h - 0.45 * size),
            size,
            Weight::Regular,
            Anchor::Middle,
            style::TEXT,
        ));
    }
    Ok(ScaleBar {
        start,
        end,
        length_m,
        label,
        rect,
    })
}

/// The north arrow as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct NorthArrow {
    /// Tail of the arrow, pixels.
    pub base: Pt,
    /// Tip of the arrow, pixels.
    pub tip: Pt,
    /// Where it stands, WGS84 lon/lat degrees.
    pub at: Coord<f64>,
    /// Angle from page up to true north there, degrees clockwise (the meridian convergence).
    pub convergence_deg: f64,
    /// Box around arrow and letter.
    pub rect: Rect,
}

/// Draws a north arrow in the upper right corner of the frame, pointing to true north at its
/// own position (turned from page up by the projection's meridian convergence there).
pub fn north_arrow(scene: &mut Scene, view: &MapView, u: f64) -> Result<NorthArrow, RenderError> {
    let f = view.frame;
    let len = 16.0 * u;
    let w = 22.0 * u;
    let rect = Rect::new(
        f.x1 - w - 5.0 * u,
        f.y0 + 5.0 * u,
        f.x1 - 5.0 * u,
        f.y0 + 5.0 * u + len + 16.0 * u,
    );
    let c = pt(rect.centre().x, rect.y0 + 11.0 * u + len / 2.0);
    let at = view.from_px(c)?;
    let g = view.convergence_deg(at)?;
    let (s, co) = g.to_radians().sin_cos();
    // Unit vector to true north on the page (y down).
    let dir = (s, -co);
    let tip = pt(c.x + dir.0 * len / 2.0, c.y + dir.1 * len / 2.0);
    let base = pt(c.x - dir.0 * len / 2.0, c.y - dir.1 * len / 2.0);
    scene.fill_rect(rect, Paint::with(style::HALO, 0.85));
    let side = (co * 4.0 * u, s * 4.0 * u); // perpendicular, to the right of the arrow
    let notch = pt(c.x - dir.0 * len * 0.25, c.y - dir.1 * len * 0.25);
    let left = pt(base.x - side.0, base.y - side.1);
    let right = pt(base.x + side.0, base.y + side.1);
    scene.fill_ring(vec![tip, right, notch], Paint::solid(style::FRAME));
    scene.fill_ring(vec![tip, notch, left], Paint::solid(style::HALO));
    scene.line(
        vec![tip, right, notch, left],
        true,
        LineStyle::solid(Paint::solid(style::FRAME), 0.5 * u),
    );
    let n_at = pt(tip.x + dir.0 * 3.0 * u, tip.y + dir.1 * 3.0 * u);
    let mut t = text(
        "N",
        n_at,
        8.0 * u,
        Weight::Bold,
        Anchor::Middle,
        style::TEXT,
    );
    t.angle_deg = g;
    // Anchor the letter by its baseline just beyond the tip.
    scene.text(t);
    Ok(NorthArrow {
        base,
        tip,
        at,
        convergence_deg: g,
        rect,
    })
}

/// Writes a heading and wrapped paragraphs in `area` from its top; returns the y below them.
pub fn text_block(
    scene: &mut Scene,
    area: &Rect,
    top: f64,
    heading: Option<&str>,
    paragraphs: &[String],
    size: f64,
    u: f64,
) -> f64 {
    let mut y = top;
    if let Some(h) = heading {
        y += 1.1 * size;
        scene.text(text(
            h,
            pt(area.x0, y),
            size,
            Weight::Bold,
            Anchor::Start,
            style::TEXT,
        ));
        y += 0.45 * size;
    }
    for p in paragraphs {
        for line in wrap(p, size, Weight::Regular, area.width()) {
            y += 1.22 * size;
            if y > area.y1 {
                return y;
            }
            scene.text(text(
                &line,
                pt(area.x0, y),
                size,
                Weight::Regular,
                Anchor::Start,
                style::TEXT_MUTED,
            ));
        }
        y += 0.35 * size;
    }
    y + 2.0 * u
}

/// Draws the legend for `keys` (in their order) in `area` from `top`; returns the y below it.
pub fn legend(
    scene: &mut Scene,
    area: &Rect,
    top: f64,
    keys: &[LegendKey],
    size: f64,
    u: f64,
) -> f64 {
    let mut y = top + 1.1 * size;
    scene.text(text(
        "Legend",
        pt(area.x0, y),
        size,
        Weight::Bold,
        Anchor::Start,
        style::TEXT,
    ));
    y += 0.5 * size;
    let sw = 2.2 * size; // swatch width
    let text_x = area.x0 + sw + 0.6 * size;
    for key in keys {
        let lines = wrap(&key.label(), size, Weight::Regular, area.x1 - text_x);
        let row_h = (lines.len() as f64 * 1.2 * size).max(1.5 * size);
        let sw_rect = Rect::xywh(
            area.x0,
            y + 0.15 * size,
            sw,
            (1.3 * size).min(row_h - 0.2 * size),
        );
        swatch(scene, key, &sw_rect, u);
        for (i, l) in lines.iter().enumerate() {
            let base = y + (i as f64 + 1.0) * 1.2 * size - 0.2 * size;
            scene.text(text(
                l,
                pt(text_x, base),
                size,
                Weight::Regular,
                Anchor::Start,
                style::TEXT,
            ));
        }
        y += row_h + 0.3 * size;
    }
    y + 2.0 * u
}

fn swatch(scene: &mut Scene, key: &LegendKey, r: &Rect, u: f64) {
    let c = r.centre();
    let h = r.height();
    match key {
        LegendKey::Site(group) => {
            let (colour, marker) = site_group_style(group);
            draw_marker(scene, marker, c, 0.95 * h, colour, 0.4 * u);
        }
        LegendKey::Footprint(group) => {
            let (colour, _) = site_group_style(group);
            let a = r.inflate(-0.1 * h);
            scene.fill_rect(a, Paint::with(colour, style::SITE_FILL_OPACITY));
            scene.stroke_rect(a, LineStyle::solid(Paint::solid(colour), 0.6 * u));
        }
        LegendKey::DistanceRange => {
            let colour = style::weapon_style(WeaponCategory::Unknown).0;
            let line = LineStyle {
                paint: Paint::solid(colour),
                width: 0.8 * u,
                dash: None,
                cap: Cap::Butt,
            };
            scene.line(vec![pt(c.x, r.y0), pt(c.x, r.y1)], false, line.clone());
            for y in [r.y0, r.y1] {
                scene.line(
                    vec![pt(c.x - 0.25 * h, y), pt(c.x + 0.25 * h, y)],
                    false,
                    line.clone(),
                );
            }
            draw_marker(scene, Marker::Circle, c, 0.45 * h, colour, 0.3 * u);
        }
        LegendKey::DateRange => {
            let colour = style::weapon_style(WeaponCategory::Unknown).0;
            let line = LineStyle {
                paint: Paint::solid(colour),
                width: 0.8 * u,
                dash: None,
                cap: Cap::Butt,
            };
            scene.line(vec![pt(r.x0, c.y), pt(r.x1, c.y)], false, line.clone());
            for x in [r.x0, r.x1] {
                scene.line(
                    vec![pt(x, c.y - 0.25 * h), pt(x, c.y + 0.25 * h)],
                    false,
                    line.clone(),
                );
            }
            draw_marker(scene, Marker::Circle, c, 0.45 * h, colour, 0.3 * u);
        }
        LegendKey::Notified => {
            scene.fill_rect(
                Rect::new(c.x - 0.3 * h, r.y0, c.x + 0.3 * h, r.y1),
                Paint::with(style::NOTIFIED, 0.15),
            );
            scene.line(
                vec![pt(c.x, r.y0), pt(c.x, r.y1)],
                false,
                LineStyle::dashed(Paint::solid(style::NOTIFIED), 0.8 * u, 1.5 * u, 1.0 * u),
            );
        }
        LegendKey::SiteUncertainty => {
            let (colour, _) = style::site_style("embassy");
            scene.line(
                super::geom::circle_ring(c, 0.48 * h, 0.1),
                true,
                LineStyle::dashed(Paint::solid(colour), 0.6 * u, 1.6 * u, 1.2 * u),
            );
        }
        LegendKey::Backdrop(_) => {
            // A picture's swatch: a little landscape of muted greens and greys.
            let a = r.inflate(-0.1 * h);
            scene.fill_rect(a, Paint::solid(style::Rgb(0x8a, 0x95, 0x7b)));
            let half = Rect::new(a.x0, a.y0, a.centre().x, a.centre().y);
            scene.fill_rect(half, Paint::solid(style::Rgb(0xb9, 0xb4, 0xa6)));
            scene.stroke_rect(a, LineStyle::solid(Paint::solid(style::FRAME), 0.5 * u));
        }
        LegendKey::Weapon(cat) => {
            let (colour, marker) = style::weapon_style(*cat);
            draw_marker(scene, marker, c, 0.9 * h, colour, 0.4 * u);
        }
        LegendKey::WeaponColour(cat) => {
            let colour = style::weapon_style(*cat).0;
            let a = Rect::new(
                c.x - 0.45 * h,
                r.y0 + 0.05 * h,
                c.x + 0.45 * h,
                r.y1 - 0.05 * h,
            );
            scene.fill_rect(a, Paint::with(colour, style::INCIDENT_FILL_OPACITY));
            scene.stroke_rect(a, LineStyle::solid(Paint::solid(colour), 1.2 * u));
        }
        LegendKey::RelativeBand => {
            let colour = style::weapon_style(WeaponCategory::Unknown).0;
            let band = Rect::new(r.x0, c.y - 0.3 * h, r.x1, c.y + 0.3 * h);
            scene.fill_rect(band, Paint::with(colour, style::INCIDENT_FILL_OPACITY));
            scene.line(
                vec![pt(r.x0, c.y), pt(r.x1, c.y)],
                false,
                LineStyle::dashed(Paint::solid(colour), 0.8 * u, 2.0 * u, 1.2 * u),
            );
        }
        LegendKey::Within => {
            let colour = style::weapon_style(WeaponCategory::Unknown).0;
            draw_marker(
                scene,
                Marker::Square,
                c,
                0.55 * h,
                style::TEXT_MUTED,
                0.3 * u,
            );
            scene.line(
                super::geom::circle_ring(c, 0.48 * h, 0.1),
                true,
                LineStyle::solid(Paint::solid(colour), 1.2 * u),
            );
        }
        LegendKey::Area => {
            let colour = style::weapon_style(WeaponCategory::Unknown).0;
            let a = r.inflate(-0.1 * h);
            scene.fill_rect(a, Paint::with(colour, style::INCIDENT_FILL_OPACITY));
            scene.stroke_rect(
                a,
                LineStyle::dashed(Paint::solid(colour), 0.6 * u, 1.6 * u, 1.0 * u),
            );
        }
        LegendKey::PointUncertainty => {
            let ring = super::geom::circle_ring(c, 0.48 * h, 0.1);
            scene.fill_ring(
                ring.clone(),
                Paint::with(style::UNCERTAINTY, style::UNCERTAINTY_OPACITY),
            );
            scene.line(
                ring,
                true,
                LineStyle::solid(Paint::solid(style::UNCERTAINTY), 0.5 * u),
            );
        }
        LegendKey::Link => {
            scene.line(
                vec![pt(r.x0, c.y), pt(r.x1, c.y)],
                false,
                LineStyle::solid(Paint::solid(style::LINK), 0.7 * u),
            );
        }
        LegendKey::DistanceRing => {
            scene.line(
                vec![pt(r.x0, c.y), pt(r.x1, c.y)],
                false,
                LineStyle::dashed(Paint::solid(style::RING), 0.6 * u, 2.4 * u, 1.6 * u),
            );
        }
        LegendKey::City(_) => {
            draw_marker(scene, Marker::Circle, c, 0.45 * h, style::CITY, 0.3 * u);
        }
        LegendKey::RegionBorder => {
            scene.fill_rect(*r, Paint::solid(style::LAND));
            scene.line(
                vec![pt(c.x, r.y0), pt(c.x, r.y1)],
                false,
                LineStyle::solid(Paint::solid(style::BORDER), 0.5 * u),
            );
        }
        LegendKey::CountryBorder(_) => {
            scene.fill_rect(Rect::new(r.x0, r.y0, c.x, r.y1), Paint::solid(style::LAND));
            scene.fill_rect(
                Rect::new(c.x, r.y0, r.x1, r.y1),
                Paint::solid(style::OUTSIDE),
            );
            scene.line(
                vec![pt(c.x, r.y0), pt(c.x, r.y1)],
                false,
                LineStyle::solid(Paint::solid(style::COUNTRY_BORDER), 1.0 * u),
            );
        }
    }
}

/// Draws a locator inset in `area`: the country (`outline`, in a projection fitted to it), its
/// regions, the capital, and the main map's extent (`extent` lon/lat ring) as a red outline, or
/// a red ring around it when it would be smaller than a few pixels. Returns the inset's frame.
pub fn inset(
    scene: &mut Scene,
    area: Rect,
    outline: &MultiPolygon<f64>,
    regions: &[&MultiPolygon<f64>],
    capital: Option<(&str, Coord<f64>)>,
    extent: &[Coord<f64>],
    u: f64,
) -> Result<Rect, RenderError> {
    let corners: Vec<Coord<f64>> = outline
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().copied())
        .chain(extent.iter().copied())
        .collect();
    let Some(bbox) = corners.iter().fold(None, |b: Option<[f64; 4]>, c| {
        Some(b.map_or([c.x, c.y, c.x, c.y], |[w, s, e, n]| {
            [w.min(c.x), s.min(c.y), e.max(c.x), n.max(c.y)]
        }))
    }) else {
        return Ok(Rect::xywh(area.x0, area.y0, area.width(), 0.0));
    };
    let view = MapView::fit(projection_for_extent(bbox), area, &corners, 2.0 * u)?;
    // Shrink the frame to the country's aspect.
    let mut pts = Vec::new();
    for p in outline.0.iter().flat_map(|p| p.exterior().0.iter()) {
        pts.push(view.to_px(*p)?);
    }
    let frame = Rect::bounding(pts.iter().copied())
        .map(|r| r.inflate(3.0 * u))
        .unwrap_or(area);
    scene.set_clip(Some(frame));
    scene.fill_rect(frame, Paint::solid(style::OUTSIDE));
    let polys = project_multipolygon(&view, outline)?;
    scene.fill_polygons(&polys, Paint::solid(style::LAND));
    for r in regions {
        for poly in project_multipolygon(&view, r)? {
            for ring in poly {
                scene.line(
                    ring,
                    true,
                    LineStyle::solid(Paint::solid(style::BORDER), 0.3 * u),
                );
            }
        }
    }
    for poly in &polys {
        for ring in poly {
            scene.line(
                ring.clone(),
                true,
                LineStyle::solid(Paint::solid(style::COUNTRY_BORDER), 0.5 * u),
            );
        }
    }
    if let Some((name, at)) = capital {
        let p = view.to_px(at)?;
        scene.fill_polygons(
            &[marker_rings(Marker::Circle, p, 2.2 * u)],
            Paint::solid(style::CITY),
        );
        scene.text(Text {
            halo: Some((style::HALO, 1.2 * u)),
            ..text(
                name,
                p.offset(2.2 * u, -1.6 * u),
                6.5 * u,
                Weight::Regular,
                Anchor::Start,
                style::TEXT,
            )
        });
    }
    let ring: Vec<Pt> = extent
        .iter()
        .map(|c| view.to_px(*c))
        .collect::<Result<_, _>>()?;
    let b = Rect::bounding(ring.iter().copied()).unwrap_or_default();
    let red = LineStyle::solid(Paint::solid(style::LOCATOR), 1.0 * u);
    if b.width().max(b.height()) < 6.0 * u {
        scene.line(
            super::geom::circle_ring(b.centre(), 3.5 * u, 0.2),
            true,
            red,
        );
    } else {
        scene.line(ring, true, red);
    }
    scene.set_clip(None);
    scene.stroke_rect(frame, LineStyle::solid(Paint::solid(style::FRAME), 0.5 * u));
    Ok(frame)
}

/// Projects a MultiPolygon to page rings (first ring of each polygon its exterior).
pub fn project_multipolygon(
    view: &MapView,
    mp: &MultiPolygon<f64>,
) -> Result<Vec<Vec<Vec<Pt>>>, RenderError> {
    let mut out = Vec::with_capacity(mp.0.len());
    for p in &mp.0 {
        let mut rings = Vec::with_capacity(1 + p.interiors().len());
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            rings.push(
                r.0.iter()
                    .map(|c| view.to_px(*c))
                    .collect::<Result<Vec<Pt>, _>>()?,
            );
        }
        out.push(rings);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_lengths_are_round() {
        assert_eq!(round_length(740.0), 500.0);
        assert_eq!(round_length(260.0), 200.0);
        assert_eq!(round_length(99.0), 50.0);
        assert_eq!(round_length(1000.0), 1000.0);
        assert_eq!(format_length(2500.0), "2.5 km");
        assert_eq!(format_length(200_000.0), "200 km");
        assert_eq!(format_length(50.0), "50 m");
    }
}
