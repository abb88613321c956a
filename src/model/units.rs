//! Units, intervals and the step-length assumption.

use std::fmt;

/// Decimal places of distances in metres: 6, a micrometre.
pub const DISTANCE_DECIMALS: usize = 6;

/// Decimal places of bearings in degrees: 6, 1e-6° (1.7 mm sideways at 1 km).
pub const BEARING_DECIMALS: usize = 6;

/// Decimal places of the nearest point's WGS84 longitude and latitude: 10.
/// 1e-10° is 11 µm of latitude (less of longitude), so the written point
/// lies within 8 µm of the computed one.
pub const NEAREST_POINT_DECIMALS: usize = 10;

/// A distance figure in metres with its honest interval: `min <= nominal <= max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Best estimate, metres.
    pub nominal: f64,
    /// Lower bound, metres (never negative).
    pub min: f64,
    /// Upper bound, metres.
    pub max: f64,
}

impl Interval {
    /// An exact figure: `min == nominal == max`.
    pub fn exact(value_m: f64) -> Self {
        Interval {
            nominal: value_m,
            min: value_m,
            max: value_m,
        }
    }

    /// `nominal ± spread`, clamped at 0 below.
    pub fn widened(self, spread_m: f64) -> Self {
        Interval {
            nominal: self.nominal,
            min: (self.min - spread_m).max(0.0),
            max: self.max + spread_m,
        }
    }

    /// Whether min and max differ from the nominal value.
    pub fn is_exact(&self) -> bool {
        self.min == self.nominal && self.max == self.nominal
    }
}

impl fmt::Display for Interval {
    /// Formats as a report label: `26 m (21–32 m)`, or `0 m` when exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", format_metres(self.nominal))?;
        if !self.is_exact() {
            let (lo, hi) = (format_number(self.min), format_number(self.max));
            if lo != hi {
                write!(f, " ({lo}–{hi} m)")?;
            }
        }
        Ok(())
    }
}

/// A distance rounded for reading: whole metres below 10 km, else km with one decimal.
pub fn format_metres(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{:.1} km", m / 1000.0)
    } else {
        format!("{} m", format_number(m))
    }
}

fn format_number(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{:.1}k", m / 1000.0)
    } else {
        format!("{:.0}", m)
    }
}

/// The unit a source gave a distance in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceUnit {
    /// Metres.
    Metres,
    /// Kilometres.
    Kilometres,
    /// Paces ("about 35 steps"), converted with a [`StepLength`] assumption.
    Steps,
}

impl DistanceUnit {
    /// Parses `m`, `km` or `steps` (also `metres`, `meters`, `step`, `paces`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "metre" | "metres" | "meter" | "meters" => Some(Self::Metres),
            "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => {
                Some(Self::Kilometres)
            }
            "steps" | "step" | "paces" | "pace" => Some(Self::Steps),
            _ => None,
        }
    }

    /// The unit's short name as written in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Metres => "m",
            Self::Kilometres => "km",
            Self::Steps => "steps",
        }
    }
}

/// The length of one step (pace) in metres: an explicit, overridable assumption.
///
/// The default (0.6 / 0.75 / 0.9 m) turns "35 steps" into 26 m nominal, 21–32 m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLength {
    /// Shortest plausible step, metres.
    pub min_m: f64,
    /// Typical step, metres.
    pub nominal_m: f64,
    /// Longest plausible step, metres.
    pub max_m: f64,
}

impl Default for StepLength {
    fn default() -> Self {
        StepLength {
            min_m: 0.6,
            nominal_m: 0.75,
            max_m: 0.9,
        }
    }
}

impl StepLength {
    /// Parses `MIN,NOMINAL,MAX` in metres, e.g. `0.6,0.75,0.9`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                format!("`{s}` is not three numbers MIN,NOMINAL,MAX in metres (e.g. 0.6,0.75,0.9)")
            })?;
        match parts[..] {
            [min_m, nominal_m, max_m]
                if min_m > 0.0 && min_m <= nominal_m && nominal_m <= max_m && max_m < 5.0 =>
            {
                Ok(StepLength { min_m, nominal_m, max_m })
            }
            _ => Err(format!(
                "`{s}`: give three step lengths in metres with 0 < MIN <= NOMINAL <= MAX < 5 (e.g. 0.6,0.75,0.9)"
            )),
        }
    }
}

impl fmt::Display for StepLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "1 step = {} m ({}–{} m)",
            self.nominal_m, self.min_m, self.max_m
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_label_matches_report_style() {
        let i = Interval {
            nominal: 26.25,
            min: 21.0,
            max: 31.5,
        };
        assert_eq!(i.to_string(), "26 m (21–32 m)");
        assert_eq!(Interval::exact(0.0).to_string(), "0 m");
    }

    #[test]
    fn step_length_parses_and_rejects() {
        assert_eq!(
            StepLength::parse("0.6,0.75,0.9").unwrap(),
            StepLength::default()
        );
        assert!(StepLength::parse("0.9,0.75,0.6").is_err());
        assert!(StepLength::parse("abc").is_err());
        assert!(StepLength::parse("1,2").is_err());
    }
}
