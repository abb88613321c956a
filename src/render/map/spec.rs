//! What a map is asked to show: a detail map around one site, or an overview of an extent.

use crate::model::StepLength;
use crate::render::page::Page;

/// The area an overview map shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Extent {
    /// The country or countries of the case's sites and incidents (as the basemap draws them),
    /// with every site and incident.
    Country,
    /// A box: west, south, east, north, degrees.
    BBox([f64; 4]),
}

impl Extent {
    /// Parses `country` or `LON0,LAT0,LON1,LAT1` (degrees, WGS84).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.trim().eq_ignore_ascii_case("country") {
            return Ok(Extent::Country);
        }
        let bad = |why: &str| {
            format!("--extent `{s}`: {why}; write `country` or LON0,LAT0,LON1,LAT1 in degrees, e.g. 29.5,49.5,31.5,51")
        };
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("not four numbers"))?;
        let [lon0, lat0, lon1, lat1] = v[..] else {
            return Err(bad("not four numbers"));
        };
        let (w, e, so, n) = (
            lon0.min(lon1),
            lon0.max(lon1),
            lat0.min(lat1),
            lat0.max(lat1),
        );
        if !(w >= -180.0 && e <= 180.0 && so >= -85.0 && n <= 85.0) {
            return Err(bad(
                "longitudes must be within ±180 and latitudes within ±85",
            ));
        }
        if e - w < 1e-4 || n - so < 1e-4 {
            return Err(bad("the box is empty"));
        }
        if e - w > 60.0 || n - so > 40.0 {
            return Err(bad(
                "the box is larger than a map of one region can show (at most 60° by 40°)",
            ));
        }
        Ok(Extent::BBox([w, so, e, n]))
    }
}

/// What kind of map.
#[derive(Debug, Clone, PartialEq)]
pub enum MapKind {
    /// Around one site: its footprint or marker, parts, distance rings, incidents in detail.
    Detail {
        /// Site id.
        focus: String,
        /// Radius shown around the site, metres (`None`: enough for its incidents and uncertainty).
        radius_m: Option<f64>,
    },
    /// The country (or a box) with all sites and incidents.
    Overview {
        /// Area shown.
        extent: Extent,
    },
}

/// A map to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSpec {
    /// Detail or overview.
    pub kind: MapKind,
    /// Page size and resolution.
    pub page: Page,
    /// Title (default: made from the site or the extent).
    pub title: Option<String>,
    /// Step-length assumption, printed when a distance was given in steps.
    pub steps: StepLength,
    /// Distance rings around the focus site, metres (default: round distances for the radius).
    pub rings_m: Option<Vec<f64>>,
}

impl MapSpec {
    /// A detail map around `focus` on the default page.
    pub fn detail(focus: &str, radius_m: Option<f64>) -> Self {
        MapSpec {
            kind: MapKind::Detail {
                focus: focus.to_string(),
                radius_m,
            },
            page: Page::default(),
            title: None,
            steps: StepLength::default(),
            rings_m: None,
        }
    }

    /// An overview map of `extent` on the default page.
    pub fn overview(extent: Extent) -> Self {
        MapSpec {
            kind: MapKind::Overview { extent },
            page: Page::default(),
            title: None,
            steps: StepLength::default(),
            rings_m: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_parse_or_say_what_to_write() {
        assert_eq!(Extent::parse("country").unwrap(), Extent::Country);
        assert_eq!(
            Extent::parse("31,49,29,51").unwrap(),
            Extent::BBox([29.0, 49.0, 31.0, 51.0])
        );
        assert!(Extent::parse("1,2,3")
            .unwrap_err()
            .contains("LON0,LAT0,LON1,LAT1"));
        assert!(Extent::parse("3000000,5000000,3100000,5100000").is_err());
    }
}
