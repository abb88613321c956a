//! The basemap model: countries, their first-level regions, cities and water, generalised for
//! overview maps and locator insets (never used for distances). Coordinates are WGS84 lon/lat
//! degrees.
//!
//! [`crate::io::basemap`] reads it (the bundled world basemap or a folder of GeoJSON);
//! [`crate::render`] draws it. Which countries a map shows comes from the case: [`Basemap::country_at`]
//! and [`Basemap::countries_at`] find them from the sites' and incidents' positions.

pub mod ground;

use crate::geodesy;
use geo::{BoundingRect, ClosestPoint, Contains, Intersects};
use geo_types::{MultiPolygon, Point, Polygon, Rect};

/// A country (Natural Earth admin-0 unit).
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    /// Natural Earth's three-letter code (`ADM0_A3`), or an id from the source.
    pub code: String,
    /// ISO 3166-1 alpha-2 code, matching the cities' country codes (empty when unknown).
    pub iso2: String,
    /// English name.
    pub name: String,
    /// Geometry, WGS84 lon/lat.
    pub area: MultiPolygon<f64>,
}

/// A first-level administrative region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Identifier in the source.
    pub id: String,
    /// English name.
    pub name: String,
    /// The [`Country::code`] of its country.
    pub country: String,
    /// Geometry, WGS84 lon/lat.
    pub area: MultiPolygon<f64>,
}

/// A city or town.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of its country (empty when unknown).
    pub country: String,
    /// Position, WGS84 lon/lat.
    pub position: Point<f64>,
    /// Population, used only to rank labels.
    pub population: u64,
    /// Whether it is its country's capital.
    pub capital: bool,
}

/// Background layers for overview maps and locator insets.
#[derive(Debug, Clone, PartialEq)]
pub struct Basemap {
    /// Countries.
    pub countries: Vec<Country>,
    /// First-level regions.
    pub regions: Vec<Region>,
    /// Cities, capitals first, then most populous first.
    pub cities: Vec<City>,
    /// Lakes and other inland water.
    pub water: Vec<MultiPolygon<f64>>,
    /// Credits for the data, as printed on maps ("Natural Earth …", "GeoNames (CC BY 4.0)").
    pub attribution: Vec<String>,
}

/// How far a position may lie outside every country outline and still count as in the
/// nearest one, metres: a site on the shore may fall in the sea of a generalised coast.
pub const COAST_SLACK_M: f64 = 25_000.0;

/// How far from the case's positions a distant part of a country (an overseas territory, a far
/// island) may lie and still be shown with it, metres.
pub const PART_REACH_M: f64 = 1_500_000.0;

impl Basemap {
    /// No background at all (`--basemap none`).
    pub fn empty() -> Self {
        Basemap {
            countries: Vec::new(),
            regions: Vec::new(),
            cities: Vec::new(),
            water: Vec::new(),
            attribution: Vec::new(),
        }
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty() && self.regions.is_empty() && self.cities.is_empty()
    }

    /// Sorts the cities capitals first, then by population (most first), then by name.
    pub fn rank_cities(&mut self) {
        self.cities.sort_by(|a, b| {
            b.capital
                .cmp(&a.capital)
                .then(b.population.cmp(&a.population))
                .then_with(|| a.name.cmp(&b.name))
        });
    }

    /// The index of the country containing `p`, or of the nearest one within
    /// [`COAST_SLACK_M`]; `None` at sea or where no outline is known.
    pub fn country_at(&self, p: Point<f64>) -> Option<usize> {
        self.locate(&self.part_bounds(), p)
    }

    /// The countries of `points` (see [`Basemap::country_at`]), most points first, then by name.
    /// Points are looked up once per 0.01° cell (about 1 km), so that a large case costs little.
    pub fn countries_at(&self, points: &[Point<f64>]) -> Vec<usize> {
        let bounds = self.part_bounds();
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for (p, n) in cells(points) {
            if let Some(i) = self.locate(&bounds, p) {
                match counts.iter_mut().find(|(c, _)| *c == i) {
                    Some((_, k)) => *k += n,
                    None => counts.push((i, n)),
                }
            }
        }
        counts.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| self.countries[a.0].name.cmp(&self.countries[b.0].name))
        });
        counts.into_iter().map(|(i, _)| i).collect()
    }

    /// The bounding box of every country's every part.
    fn part_bounds(&self) -> Vec<Vec<Option<Rect<f64>>>> {
        self.countries
            .iter()
            .map(|c| c.area.0.iter().map(|p| p.bounding_rect()).collect())
            .collect()
    }

    fn locate(&self, bounds: &[Vec<Option<Rect<f64>>>], p: Point<f64>) -> Option<usize> {
        let mut nearest: Option<(f64, usize)> = None;
        // About COAST_SLACK_M in degrees of latitude, widened for longitude where needed.
        let slack = COAST_SLACK_M / 111_000.0 / p.y().to_radians().cos().max(0.1);
        for (i, c) in self.countries.iter().enumerate() {
            for (part, b) in c.area.0.iter().zip(&bounds[i]) {
                let Some(b) = b else { continue };
                let near = Rect::new(
                    (b.min().x - slack, b.min().y - slack),
                    (b.max().x + slack, b.max().y + slack),
                );
                if !near.intersects(&p) {
                    continue;
                }
                if part.contains(&p) {
                    return Some(i);
                }
                if let geo::Closest::SinglePoint(q) | geo::Closest::Intersection(q) =
                    part.closest_point(&p)
                {
                    let d = geodesy::distance_m(p, q);
                    if d <= COAST_SLACK_M && nearest.is_none_or(|(best, _)| d < best) {
                        nearest = Some((d, i));
                    }
                }
            }
        }
        nearest.map(|(_, i)| i)
    }

    /// The parts of country `i` that hold one of `points` or lie within [`PART_REACH_M`] of
    /// one (so that a map of France near Paris leaves out French Guiana).
    pub fn near_parts(&self, i: usize, points: &[Point<f64>]) -> Vec<&Polygon<f64>> {
        self.countries[i]
            .area
            .0
            .iter()
            .filter(|part| {
                let reach = PART_REACH_M / 111_000.0;
                let Some(b) = part.bounding_rect() else {
                    return false;
                };
                points.iter().any(|p| {
                    // Far in latitude is far: skip the exact distance.
                    if p.y() < b.min().y - reach || p.y() > b.max().y + reach {
                        return false;
                    }
                    part.contains(p)
                        || match part.closest_point(p) {
                            geo::Closest::SinglePoint(q) | geo::Closest::Intersection(q) => {
                                geodesy::distance_m(*p, q) <= PART_REACH_M
                            }
                            geo::Closest::Indeterminate => false,
                        }
                })
            })
            .collect()
    }

    /// The regions of the country with code `code`.
    pub fn regions_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Region> + 'a {
        self.regions.iter().filter(move |r| r.country == code)
    }

    /// The capital of the country with ISO code `iso2`, if the cities name one.
    pub fn capital_of(&self, iso2: &str) -> Option<&City> {
        self.cities.iter().find(|c| c.capital && c.country == iso2)
    }

    /// The names of countries `idx` in words: "Lebanon", "Lebanon and Syria", "A, B and C".
    pub fn names(&self, idx: &[usize]) -> String {
        let names: Vec<&str> = idx
            .iter()
            .map(|&i| self.countries[i].name.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

/// `points` gathered into 0.01° cells (about 1 km): each cell's rounded position and how many
/// points fell in it, in a stable order; points with a non-finite coordinate are left out.
pub fn cells(points: &[Point<f64>]) -> Vec<(Point<f64>, usize)> {
    let mut keys: Vec<(i64, i64)> = points
        .iter()
        .filter(|p| p.x().is_finite() && p.y().is_finite())
        .map(|p| {
            (
                (p.x() * 100.0).round() as i64,
                (p.y() * 100.0).round() as i64,
            )
        })
        .collect();
    keys.sort_unstable();
    keys.chunk_by(|a, b| a == b)
        .map(|run| {
            let (x, y) = run[0];
            (Point::new(x as f64 / 100.0, y as f64 / 100.0), run.len())
        })
        .collect()
}
