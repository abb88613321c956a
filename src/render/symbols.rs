//! Point symbols (the palette's markers) and the legend keys of everything a map can show.

use super::geom::{circle_ring, pt, Pt, Rect};
use super::scene::{Item, Paint, Scene};
use crate::model::WeaponCategory;
use crate::style::{self, Marker, Rgb};

/// The outline of a marker of `size` pixels (its bounding square) centred on `c`, as rings.
pub fn marker_rings(marker: Marker, c: Pt, size: f64) -> Vec<Vec<Pt>> {
    let r = size / 2.0;
    let poly = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(x, y)| pt(c.x + x * r, c.y + y * r))
            .collect::<Vec<Pt>>()
    };
    match marker {
        Marker::Circle => vec![circle_ring(c, r, 0.1)],
        Marker::Square => vec![poly(&[
            (-0.85, -0.85),
            (0.85, -0.85),
            (0.85, 0.85),
            (-0.85, 0.85),
        ])],
        Marker::Triangle => vec![poly(&[(0.0, -1.0), (0.95, 0.75), (-0.95, 0.75)])],
        Marker::Diamond => vec![poly(&[(0.0, -1.0), (0.8, 0.0), (0.0, 1.0), (-0.8, 0.0)])],
        Marker::Star => {
            let pts: Vec<(f64, f64)> = (0..10)
                .map(|i| {
                    let a = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::PI / 5.0;
                    let rr = if i % 2 == 0 { 1.05 } else { 0.45 };
                    (rr * a.cos(), rr * a.sin() + 0.08)
                })
                .collect();
            vec![poly(&pts)]
        }
        Marker::Cross => vec![poly(&[
            (-0.3, -0.95),
            (0.3, -0.95),
            (0.3, -0.3),
            (0.95, -0.3),
            (0.95, 0.3),
            (0.3, 0.3),
            (0.3, 0.95),
            (-0.3, 0.95),
            (-0.3, 0.3),
            (-0.95, 0.3),
            (-0.95, -0.3),
            (-0.3, -0.3),
        ])],
    }
}

/// Draws a marker filled with `colour` and outlined in white (`outline` pixels wide) so it
/// stands out on any background. Returns its bounding box.
pub fn draw_marker(
    scene: &mut Scene,
    marker: Marker,
    c: Pt,
    size: f64,
    colour: Rgb,
    outline: f64,
) -> Rect {
    scene.push(Item::Marker {
        marker,
        at: c,
        size,
        paint: Paint::solid(colour),
        halo: (outline > 0.0).then_some((style::HALO, outline * 2.0)),
    });
    Rect::bounding(marker_rings(marker, c, size).into_iter().flatten())
        .unwrap_or_else(|| Rect::around(c, size / 2.0))
        .inflate(outline)
}

/// A small number naming a marker shape (for caches and SVG ids).
pub fn marker_code(marker: Marker) -> u8 {
    match marker {
        Marker::Circle => 0,
        Marker::Triangle => 1,
        Marker::Diamond => 2,
        Marker::Star => 3,
        Marker::Square => 4,
        Marker::Cross => 5,
    }
}

/// Everything a map can show, in legend order. Each drawn symbol registers its key, and the
/// legend lists exactly the registered keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LegendKey {
    /// A site marker of a style group (the group's label).
    Site(&'static str),
    /// A site footprint (polygon) of a style group.
    Footprint(&'static str),
    /// The circle within which a site's recorded position may be off.
    SiteUncertainty,
    /// An incident marker of a weapon category.
    Weapon(WeaponCategory),
    /// The colour of a weapon category on a distance band or an "inside" ring (no marker).
    WeaponColour(WeaponCategory),
    /// A distance band around a site (relative location).
    RelativeBand,
    /// A site highlighted because an incident fell inside it.
    Within,
    /// An area an incident is known only to lie in.
    Area,
    /// The uncertainty circle of an impact point.
    PointUncertainty,
    /// A line from an impact to the nearest point of its site, with the distance.
    Link,
    /// Distance rings around the focus site.
    DistanceRing,
    /// A city of at least this many inhabitants (0: any).
    City(u64),
    /// Region borders.
    RegionBorder,
    /// Charts: the range of a distance (min to max).
    DistanceRange,
    /// Charts: the period a date is known only to.
    DateRange,
    /// Charts: the date a site's coordinates were notified.
    Notified,
    /// The border of the map's own country or countries, named.
    CountryBorder(String),
    /// The picture under the map (imagery, tiles): what it is and when it was taken.
    Backdrop(String),
}

impl LegendKey {
    /// The legend text.
    pub fn label(&self) -> String {
        match self {
            Self::Site(group) => (*group).to_string(),
            Self::Footprint(group) => format!("{group}: footprint"),
            Self::SiteUncertainty => "Possible error of the site's recorded position".into(),
            Self::Weapon(c) => c.label().to_string(),
            Self::WeaponColour(c) => format!("{}: colour of band or ring", c.label()),
            Self::RelativeBand => {
                "Distance reported from the site: band = range, dashed = stated value".into()
            }
            Self::Within => "Incident inside the site (exact point not known)".into(),
            Self::Area => "Area the incident is known only to lie in".into(),
            Self::PointUncertainty => "Possible error of the impact position".into(),
            Self::Link => "Distance from impact to the nearest point of the site".into(),
            Self::DistanceRing => "Distance from the site".into(),
            Self::City(0) => "City or town".into(),
            Self::City(n) => format!(
                "City or town ({} inhabitants or more)",
                super::map::thousands(*n as usize)
            ),
            Self::RegionBorder => "First-level region border".into(),
            Self::DistanceRange => "Distance: range from the source's figures and assumptions, marker at the stated value".into(),
            Self::DateRange => "Date known only to a week, month or year".into(),
            Self::Notified => "Site coordinates notified (band: the month or period given)".into(),
            Self::CountryBorder(names) if names.is_empty() => "State border and coast".into(),
            Self::CountryBorder(names) => format!("{names}: state border and coast"),
            Self::Backdrop(what) => what.clone(),
        }
    }
}

/// Site style group label for the legend, from the site's kind.
pub fn site_group(kind: &str) -> &'static str {
    style::site_group(kind)
}

/// Colour and marker of a site group (the first kind of the group gives them).
pub fn site_group_style(group: &'static str) -> (Rgb, Marker) {
    let kind = style::SITE_KINDS
        .iter()
        .find(|k| style::site_group(k) == group)
        .copied()
        .unwrap_or("other");
    style::site_style(kind)
}
