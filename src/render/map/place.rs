//! The place a map is about, from the case: the country or countries of its sites and incidents
//! (an overview) or of its focus site (a detail map's inset), and their parts near the case.

use super::geometry_centre;
use crate::basemap::{cells, Basemap};
use crate::model::{Incident, Location, Site};
use geo_types::{Coord, Point, Polygon};

/// The least margin around the case's positions on an overview, degrees (about 20 km).
const MARGIN_DEG: f64 = 0.2;

/// The countries a map shows as its own.
pub(super) struct Place {
    /// Indices into the basemap's countries, the most sites and incidents first.
    pub(super) countries: Vec<usize>,
    /// Their parts near the case's positions, WGS84 lon/lat.
    pub(super) parts: Vec<Polygon<f64>>,
    /// The case's positions (sites, incident points and areas), one per 0.01° cell.
    pub(super) points: Vec<Point<f64>>,
}

impl Place {
    /// The place of `points` in `basemap`.
    pub(super) fn of(basemap: &Basemap, points: Vec<Point<f64>>) -> Place {
        let points: Vec<Point<f64>> = cells(&points).into_iter().map(|(p, _)| p).collect();
        let countries = basemap.countries_at(&points);
        let parts = countries
            .iter()
            .flat_map(|&i| basemap.near_parts(i, &points))
            .cloned()
            .collect();
        Place {
            countries,
            parts,
            points,
        }
    }

    /// The place of the whole case: every site and every incident that has a position.
    pub(super) fn of_case(basemap: &Basemap, sites: &[Site], incidents: &[Incident]) -> Place {
        let mut points: Vec<Point<f64>> =
            sites.iter().map(|s| geometry_centre(&s.geometry)).collect();
        points.extend(incidents.iter().filter_map(|i| match &i.location {
            Location::Point { point, .. } => Some(*point),
            Location::Area { centre, .. } => Some(*centre),
            _ => None,
        }));
        Place::of(basemap, points)
    }

    /// Whether country `i` is one of the place's.
    pub(super) fn has(&self, i: usize) -> bool {
        self.countries.contains(&i)
    }

    /// The outline to frame: the exteriors of the countries' near parts, and the box of the
    /// case's positions widened by a tenth of its size and at least [`MARGIN_DEG`].
    pub(super) fn outline(&self) -> Vec<Coord<f64>> {
        let mut out: Vec<Coord<f64>> = self
            .parts
            .iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .collect();
        let pts: Vec<Coord<f64>> = self.points.iter().map(|p| p.0).collect();
        if let Some([w, s, e, n]) = super::framing::bounds(&pts) {
            let mx = ((e - w) / 10.0).max(MARGIN_DEG);
            let my = ((n - s) / 10.0).max(MARGIN_DEG);
            let (w, e) = ((w - mx).max(-180.0), (e + mx).min(180.0));
            let (s, n) = ((s - my).max(-85.0), (n + my).min(85.0));
            out.extend([
                Coord { x: w, y: s },
                Coord { x: e, y: s },
                Coord { x: e, y: n },
                Coord { x: w, y: n },
            ]);
        }
        out
    }
}
