//! Incidents (strikes, attacks) and the four ways their location is known.

use super::{DateSpan, DistanceUnit, Interval, StepLength, TimePrecision};
use geo_types::{MultiPolygon, Point};
use serde_json::{Map, Value};

/// Normalised weapon category; the source's own words stay in [`Incident::weapon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WeaponCategory {
    /// Ballistic missile (Iskander-M, KN-23).
    BallisticMissile,
    /// Cruise missile (Kh-101, Kalibr).
    CruiseMissile,
    /// Hypersonic / aeroballistic missile (Kh-47M2 Kinzhal, Zircon).
    HypersonicMissile,
    /// One-way attack drone (Shahed/Geran).
    AttackDrone,
    /// Air strike or guided bomb.
    AirStrike,
    /// Artillery or rockets (MLRS).
    Artillery,
    /// Not known.
    Unknown,
}

impl WeaponCategory {
    /// Every category, in legend order.
    pub const ALL: [WeaponCategory; 7] = [
        Self::BallisticMissile,
        Self::CruiseMissile,
        Self::HypersonicMissile,
        Self::AttackDrone,
        Self::AirStrike,
        Self::Artillery,
        Self::Unknown,
    ];

    /// Machine name used in outputs (`ballistic_missile`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::BallisticMissile => "ballistic_missile",
            Self::CruiseMissile => "cruise_missile",
            Self::HypersonicMissile => "hypersonic_missile",
            Self::AttackDrone => "attack_drone",
            Self::AirStrike => "air_strike",
            Self::Artillery => "artillery",
            Self::Unknown => "unknown",
        }
    }

    /// Human label for legends (`Ballistic missile`).
    pub fn label(&self) -> &'static str {
        match self {
            Self::BallisticMissile => "Ballistic missile",
            Self::CruiseMissile => "Cruise missile",
            Self::HypersonicMissile => "Hypersonic missile",
            Self::AttackDrone => "Attack drone",
            Self::AirStrike => "Air strike / guided bomb",
            Self::Artillery => "Artillery / rockets",
            Self::Unknown => "Unknown weapon",
        }
    }

    /// Parses a category name (`ballistic_missile`, `ballistic missile`, `drone`, …).
    pub fn parse(s: &str) -> Option<Self> {
        let key: String = s.trim().to_ascii_lowercase().replace([' ', '-', '/'], "_");
        Some(match key.as_str() {
            "ballistic_missile" | "ballistic" => Self::BallisticMissile,
            "cruise_missile" | "cruise" => Self::CruiseMissile,
            "hypersonic_missile" | "hypersonic" | "aeroballistic_missile" => {
                Self::HypersonicMissile
            }
            "attack_drone" | "drone" | "uav" | "loitering_munition" => Self::AttackDrone,
            "air_strike" | "airstrike" | "air_strike___guided_bomb" | "guided_bomb" | "bomb" => {
                Self::AirStrike
            }
            "artillery" | "rocket" | "rockets" | "mlrs" | "shelling" => Self::Artillery,
            "unknown" | "" => Self::Unknown,
            _ => return None,
        })
    }

    /// Guesses a category from the weapon as a source describes it
    /// ("Kinzhal missile (Kh-47M2)" → hypersonic missile).
    pub fn infer(weapon: &str) -> Self {
        let w = weapon.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|k| w.contains(k));
        if has(&[
            "kinzhal",
            "kh-47",
            "zircon",
            "tsirkon",
            "hypersonic",
            "кинжал",
            "кінжал",
        ]) {
            Self::HypersonicMissile
        } else if has(&[
            "iskander",
            "kn-23",
            "ballistic",
            "tochka",
            "s-300",
            "s-400",
            "іскандер",
            "искандер",
        ]) {
            Self::BallisticMissile
        } else if has(&[
            "kh-101",
            "kh-555",
            "kalibr",
            "kh-22",
            "kh-32",
            "cruise",
            "калібр",
            "калибр",
        ]) {
            Self::CruiseMissile
        } else if has(&[
            "shahed",
            "geran",
            "drone",
            "uav",
            "lancet",
            "шахед",
            "дрон",
            "бпла",
        ]) {
            Self::AttackDrone
        } else if has(&[
            "airstrike",
            "air strike",
            "air raid",
            "bomb",
            "kab",
            "fab",
            "aircraft",
            "авіа",
        ]) {
            Self::AirStrike
        } else if has(&[
            "artillery",
            "shell",
            "mlrs",
            "grad",
            "smerch",
            "uragan",
            "rocket",
            "mortar",
        ]) {
            Self::Artillery
        } else {
            Self::Unknown
        }
    }
}

/// One source for an incident: a statement, an article, an archived copy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// Title or publisher and title.
    pub title: String,
    /// Address of the source.
    pub url: Option<String>,
    /// Publication date as given.
    pub published: Option<String>,
    /// Archived copy.
    pub archive_url: Option<String>,
}

/// A distance as a source gives it: "about 35 steps", "about 50 m".
#[derive(Debug, Clone, PartialEq)]
pub struct RelativeDistance {
    /// The number as given.
    pub value: f64,
    /// Its unit.
    pub unit: DistanceUnit,
    /// ± tolerance in the same unit (0 if the source gives none and the
    /// data's author adds none).
    pub tolerance: f64,
}

impl RelativeDistance {
    /// The distance in metres with its interval, converting steps with `steps`.
    ///
    /// ```
    /// use impactmap::model::{DistanceUnit, RelativeDistance, StepLength};
    /// let d = RelativeDistance { value: 35.0, unit: DistanceUnit::Steps, tolerance: 0.0 };
    /// let i = d.interval_m(&StepLength::default());
    /// assert_eq!((i.nominal, i.min, i.max), (26.25, 21.0, 31.5));
    /// ```
    pub fn interval_m(&self, steps: &StepLength) -> Interval {
        let (lo, hi) = (
            (self.value - self.tolerance).max(0.0),
            self.value + self.tolerance,
        );
        match self.unit {
            DistanceUnit::Metres => Interval {
                nominal: self.value,
                min: lo,
                max: hi,
            },
            DistanceUnit::Kilometres => Interval {
                nominal: self.value * 1e3,
                min: lo * 1e3,
                max: hi * 1e3,
            },
            DistanceUnit::Steps => Interval {
                nominal: self.value * steps.nominal_m,
                min: lo * steps.min_m,
                max: hi * steps.max_m,
            },
        }
    }
}

/// Where an incident happened, as precisely as the sources allow.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A known point, WGS84 lon/lat, with a radius of uncertainty in metres (0 = surveyed).
    Point {
        /// The impact point.
        point: Point<f64>,
        /// Radius of uncertainty, metres.
        uncertainty_m: f64,
    },
    /// Described from a site: "about 35 steps from the administrative building".
    Relative {
        /// Site id.
        site: String,
        /// Part of the site the distance is measured from.
        part: Option<String>,
        /// Distance as given.
        distance: RelativeDistance,
        /// Direction from the site, degrees clockwise from true north, if given.
        bearing_deg: Option<f64>,
        /// The source's own words.
        as_described: Option<String>,
    },
    /// Inside a site or part, exact point unknown ("fell on the territory of the embassy").
    Within {
        /// Site id.
        site: String,
        /// Part, if the source names one.
        part: Option<String>,
        /// The source's own words.
        as_described: Option<String>,
    },
    /// Only a district or city is known: a polygon, or a centre with a radius.
    Area {
        /// The area, WGS84 lon/lat (a centre and radius as [`crate::shapes::area_circle`]).
        area: MultiPolygon<f64>,
        /// A representative point (the given centre, or the area's centroid).
        centre: Point<f64>,
        /// Name of the area ("Odesa district").
        name: Option<String>,
        /// The source's own words.
        as_described: Option<String>,
    },
}

impl Location {
    /// `point`, `relative`, `within` or `area`, as in the `location_kind` output field.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Point { .. } => "point",
            Self::Relative { .. } => "relative",
            Self::Within { .. } => "within",
            Self::Area { .. } => "area",
        }
    }

    /// The site a relative or within location refers to.
    pub fn reference(&self) -> Option<(&str, Option<&str>)> {
        match self {
            Self::Relative { site, part, .. } | Self::Within { site, part, .. } => {
                Some((site.as_str(), part.as_deref()))
            }
            _ => None,
        }
    }

    /// The source's words for the location, if kept.
    pub fn as_described(&self) -> Option<&str> {
        match self {
            Self::Relative { as_described, .. }
            | Self::Within { as_described, .. }
            | Self::Area { as_described, .. } => as_described.as_deref(),
            Self::Point { .. } => None,
        }
    }
}

/// One strike or attack.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Stable identifier.
    pub id: String,
    /// When it started, with precision.
    pub start: DateSpan,
    /// When it ended, if given.
    pub end: Option<DateSpan>,
    /// Precision of `start` (stated, or implied by the value).
    pub time_precision: TimePrecision,
    /// The weapon as the source reports it.
    pub weapon: Option<String>,
    /// Normalised category.
    pub weapon_category: WeaponCategory,
    /// What happened.
    pub description: Option<String>,
    /// Damage as reported.
    pub damage: Option<String>,
    /// Casualties as reported.
    pub casualties: Option<String>,
    /// Where the facts come from.
    pub sources: Vec<Source>,
    /// Notes (conflicting dates, caveats).
    pub notes: Option<String>,
    /// Where it happened.
    pub location: Location,
    /// Every other property of the input feature, kept for outputs.
    pub properties: Map<String, Value>,
}

impl Incident {
    /// The incident as maps and the timeline name it: its date and weapon
    /// category (`2024-01-02 (missile)`).
    pub fn short_name(&self) -> String {
        format!(
            "{} ({})",
            self.start,
            self.weapon_category.label().to_lowercase()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_categories_from_reported_weapons() {
        assert_eq!(
            WeaponCategory::infer("Kinzhal missile (Kh-47M2)"),
            WeaponCategory::HypersonicMissile
        );
        assert_eq!(
            WeaponCategory::infer("Iskander-type missile"),
            WeaponCategory::BallisticMissile
        );
        assert_eq!(
            WeaponCategory::infer("attack drones (Shahed)"),
            WeaponCategory::AttackDrone
        );
        assert_eq!(
            WeaponCategory::infer("airstrike"),
            WeaponCategory::AirStrike
        );
        assert_eq!(WeaponCategory::infer("something"), WeaponCategory::Unknown);
    }

    #[test]
    fn relative_distance_in_km_and_metres() {
        let s = StepLength::default();
        let d = RelativeDistance {
            value: 50.0,
            unit: DistanceUnit::Metres,
            tolerance: 10.0,
        };
        assert_eq!(
            d.interval_m(&s),
            Interval {
                nominal: 50.0,
                min: 40.0,
                max: 60.0
            }
        );
        let k = RelativeDistance {
            value: 1.5,
            unit: DistanceUnit::Kilometres,
            tolerance: 0.5,
        };
        assert_eq!(
            k.interval_m(&s),
            Interval {
                nominal: 1500.0,
                min: 1000.0,
                max: 2000.0
            }
        );
    }
}
