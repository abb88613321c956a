//! The one palette shared by rendered maps and QGIS styles, so a layer opened
//! in QGIS looks like the printed map.
//!
//! Colours are sRGB; opacities are in `[0, 1]`.

use crate::model::WeaponCategory;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// `r,g,b,a` with alpha 0–255, as QGIS writes colours.
    pub fn qgis(&self, opacity: f64) -> String {
        format!(
            "{},{},{},{}",
            self.0,
            self.1,
            self.2,
            (opacity.clamp(0.0, 1.0) * 255.0).round() as u8
        )
    }
}

/// Marker shapes available both to the renderer and to QGIS simple markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Filled circle.
    Circle,
    /// Upward triangle.
    Triangle,
    /// Diamond.
    Diamond,
    /// Five-pointed star.
    Star,
    /// Square.
    Square,
    /// Upright cross.
    Cross,
}

impl Marker {
    /// QGIS `SimpleMarker` shape name.
    pub fn qgis_name(&self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Triangle => "triangle",
            Self::Diamond => "diamond",
            Self::Star => "star",
            Self::Square => "square",
            Self::Cross => "cross_fill",
        }
    }
}

/// Colour and marker of an incident by weapon category.
pub fn weapon_style(category: WeaponCategory) -> (Rgb, Marker) {
    match category {
        WeaponCategory::BallisticMissile => (Rgb(0xd7, 0x19, 0x1c), Marker::Star),
        WeaponCategory::CruiseMissile => (Rgb(0xe6, 0x55, 0x0d), Marker::Diamond),
        WeaponCategory::HypersonicMissile => (Rgb(0x99, 0x00, 0x66), Marker::Star),
        WeaponCategory::AttackDrone => (Rgb(0x7b, 0x3f, 0x98), Marker::Triangle),
        WeaponCategory::AirStrike => (Rgb(0x1a, 0x1a, 0x1a), Marker::Diamond),
        WeaponCategory::Artillery => (Rgb(0x8c, 0x51, 0x0a), Marker::Cross),
        WeaponCategory::Unknown => (Rgb(0x66, 0x66, 0x66), Marker::Circle),
    }
}

/// Colour and marker of a site by kind (`embassy`, `consulate`, `energy`, …).
pub fn site_style(kind: &str) -> (Rgb, Marker) {
    match kind.to_ascii_lowercase().as_str() {
        "embassy" | "consulate" | "honorary_consulate" | "residence" | "mission" => {
            (Rgb(0x1f, 0x4e, 0x9c), Marker::Square)
        }
        "energy" | "oil_depot" | "power_plant" | "substation" | "fuel" => {
            (Rgb(0x00, 0x7a, 0x6e), Marker::Square)
        }
        "hospital" | "clinic" | "medical" => (Rgb(0x2c, 0x9c, 0x3f), Marker::Cross),
        _ => (Rgb(0x3b, 0x5b, 0x7a), Marker::Square),
    }
}

/// Legend label of a site's style group, by kind (the groups of [`site_style`]).
pub fn site_group(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "embassy" | "consulate" | "honorary_consulate" | "residence" | "mission" => {
            "Diplomatic mission"
        }
        "energy" | "oil_depot" | "power_plant" | "substation" | "fuel" => "Energy facility",
        "hospital" | "clinic" | "medical" => "Hospital",
        _ => "Other protected site",
    }
}

/// Site kinds that have their own style, in legend order.
pub const SITE_KINDS: [&str; 3] = ["embassy", "energy", "hospital"];

/// Footprint fill opacity.
pub const SITE_FILL_OPACITY: f64 = 0.35;
/// Distance rings: dashed outline colour.
pub const RING: Rgb = Rgb(0x44, 0x44, 0x44);
/// Uncertainty areas: translucent fill colour.
pub const UNCERTAINTY: Rgb = Rgb(0xf0, 0x8c, 0x00);
/// Uncertainty fill opacity.
pub const UNCERTAINTY_OPACITY: f64 = 0.22;
/// Links from impacts to their nearest site point.
pub const LINK: Rgb = Rgb(0x22, 0x22, 0x22);
/// Label halo.
pub const HALO: Rgb = Rgb(0xff, 0xff, 0xff);
/// Basemap: land, region borders, water, city markers.
pub const LAND: Rgb = Rgb(0xf4, 0xf1, 0xea);
/// Basemap region boundaries.
pub const BORDER: Rgb = Rgb(0xa0, 0x9a, 0x90);
/// Basemap water.
pub const WATER: Rgb = Rgb(0xc6, 0xdd, 0xf0);
/// Text.
pub const TEXT: Rgb = Rgb(0x1a, 0x1a, 0x1a);
/// Secondary text (notes, sources, axis labels).
pub const TEXT_MUTED: Rgb = Rgb(0x55, 0x55, 0x55);
/// Maps: the area outside the country shown (neighbours and sea alike, not told apart).
pub const OUTSIDE: Rgb = Rgb(0xe4, 0xe4, 0xe0);
/// Maps: the country border.
pub const COUNTRY_BORDER: Rgb = Rgb(0x5a, 0x55, 0x4d);
/// Maps: city markers.
pub const CITY: Rgb = Rgb(0x33, 0x33, 0x33);
/// Maps and charts: frames, scale bar, north arrow.
pub const FRAME: Rgb = Rgb(0x33, 0x33, 0x33);
/// Locator inset: the main map's extent.
pub const LOCATOR: Rgb = Rgb(0xd7, 0x19, 0x1c);
/// Charts: the notification date.
pub const NOTIFIED: Rgb = Rgb(0x1f, 0x4e, 0x9c);
/// Incident fills (bands, areas, highlighted sites): opacity of the weapon colour.
pub const INCIDENT_FILL_OPACITY: f64 = 0.25;
