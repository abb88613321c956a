//! The basemap under a map: sea, the place's own countries over their muted neighbours, lakes,
//! the own countries' regions and borders, and cities.

use super::place::Place;
use super::{geometry_centre, Ctx};
use crate::basemap::Basemap;
use crate::render::geom::{pt, Pt};
use crate::render::labels::{LabelLine, LabelLook, LabelRequest};
use crate::render::scene::{LineStyle, Paint};
use crate::render::symbols::{draw_marker, LegendKey};
use crate::render::view::MapView;
use crate::render::RenderError;
use crate::style;
use geo::{BoundingRect, Intersects};
use geo_types::{Coord, Polygon, Rect};

/// How many cities of the place's own countries an overview labels, at most (capitals apart).
const MAX_CITIES: usize = 24;

impl Ctx<'_> {
    /// Draws the sea, the countries in the frame (the place's own on land colour, the others
    /// muted), lakes, the own countries' region borders and all borders.
    pub(super) fn draw_basemap(&mut self, b: &Basemap, place: &Place) -> Result<(), RenderError> {
        let u = self.u;
        let frame = self.view.frame;
        self.scene.fill_rect(frame, Paint::solid(style::WATER));
        let Some(seen) = view_bounds(&self.view) else {
            return Ok(());
        };
        let mut own = Vec::new();
        let mut others = Vec::new();
        for (i, c) in b.countries.iter().enumerate() {
            let polys = project_parts(&self.view, &seen, &c.area.0);
            if place.has(i) {
                own.extend(polys);
            } else {
                others.extend(polys);
            }
        }
        self.scene
            .fill_polygons(&others, Paint::solid(style::OUTSIDE));
        self.scene.fill_polygons(&own, Paint::solid(style::LAND));
        let lakes: Vec<_> = b
            .water
            .iter()
            .flat_map(|w| project_parts(&self.view, &seen, &w.0))
            .collect();
        self.scene.fill_polygons(&lakes, Paint::solid(style::WATER));
        let mut regions_in_frame = 0;
        for &i in &place.countries {
            for r in b.regions_of(&b.countries[i].code) {
                let polys = project_parts(&self.view, &seen, &r.area.0);
                if polys.iter().flatten().flatten().any(|p| frame.contains(*p)) {
                    regions_in_frame += 1;
                }
                self.outline(polys, style::BORDER, 0.5 * u);
            }
        }
        self.outline(others, style::BORDER, 0.7 * u);
        let own_in_frame = own.iter().flatten().flatten().any(|p| frame.contains(*p));
        self.outline(own, style::COUNTRY_BORDER, 1.0 * u);
        // A region border shows inside the frame only when two regions do.
        if regions_in_frame >= 2 {
            self.legend.insert(LegendKey::RegionBorder);
        }
        if own_in_frame {
            self.legend
                .insert(LegendKey::CountryBorder(b.names(&place.countries)));
        }
        Ok(())
    }

    fn outline(&mut self, polys: Vec<Vec<Vec<Pt>>>, colour: style::Rgb, width: f64) {
        for ring in polys.into_iter().flatten() {
            self.scene
                .line(ring, true, LineStyle::solid(Paint::solid(colour), width));
        }
    }

    /// Draws and labels the cities in the frame: the capitals, and the most populous towns of
    /// the place's own countries (at most [`MAX_CITIES`], all above one round population), a
    /// town close to a larger one on the page left out.
    pub(super) fn draw_cities(&mut self, b: &Basemap, place: &Place) -> Result<(), RenderError> {
        let u = self.u;
        let frame = self.view.frame;
        let own: Vec<&str> = place
            .countries
            .iter()
            .map(|&i| b.countries[i].iso2.as_str())
            .collect();
        let Some(seen) = view_bounds(&self.view) else {
            return Ok(());
        };
        let mut candidates = Vec::new();
        for city in &b.cities {
            if !seen.intersects(&city.position)
                || !(city.capital || own.contains(&city.country.as_str()))
            {
                continue;
            }
            let p = self.px(city.position.0)?;
            if frame.contains(p) {
                candidates.push((city, p));
            }
        }
        // The cities come capitals first, then most populous first.
        let towns: Vec<u64> = candidates
            .iter()
            .filter(|(c, _)| !c.capital)
            .map(|(c, _)| c.population)
            .collect();
        let floor = towns
            .get(MAX_CITIES.min(towns.len()).saturating_sub(1))
            .map_or(0, |&p| round_down(p));
        // A city under a site's marker (a site known only to the city) keeps its name, not its dot.
        let sites_px: Vec<Pt> = self
            .sites
            .iter()
            .map(|s| self.px(geometry_centre(&s.geometry).0))
            .collect::<Result<_, _>>()?;
        let mut drawn: Vec<Pt> = Vec::new();
        for (rank, (city, p)) in candidates.into_iter().enumerate() {
            if (!city.capital && city.population < floor)
                || drawn.iter().any(|d| d.dist(p) < 8.0 * u)
            {
                continue;
            }
            drawn.push(p);
            let size = if city.capital { 4.0 * u } else { 3.0 * u };
            let clear = if sites_px.iter().any(|s| s.dist(p) < 6.0 * u) {
                6.0 * u
            } else {
                let rect = draw_marker(
                    &mut self.scene,
                    style::Marker::Circle,
                    p,
                    size,
                    style::CITY,
                    0.4 * u,
                );
                self.obstacles.push(rect);
                self.legend.insert(LegendKey::City(floor));
                size / 2.0
            };
            self.labels.push(LabelRequest {
                key: format!("city:{}", city.name),
                name: city.name.clone(),
                lines: vec![if city.capital {
                    LabelLine::bold(&city.name)
                } else {
                    LabelLine::plain(&city.name)
                }],
                size: 6.5 * u,
                anchors: vec![(p, clear)],
                // Capitals labelled early, for orientation; other cities last.
                priority: if city.capital { 30 } else { 1000 + rank as u32 },
                look: LabelLook::Halo,
                leader: false,
                centred: false,
                colour: style::TEXT_MUTED,
                note_if_dropped: false,
            });
        }
        Ok(())
    }
}

/// A population rounded down to 1, 2 or 5 times a power of ten (at least 1,000).
fn round_down(p: u64) -> u64 {
    let mut step = 1_000;
    let mut best = 0;
    while step <= p {
        for m in [1, 2, 5] {
            if m * step <= p {
                best = m * step;
            }
        }
        step *= 10;
    }
    best
}

/// The lon/lat box the frame shows, from points along its edges, widened by 1°; `None` when
/// the projection cannot invert them.
pub(super) fn view_bounds(view: &MapView) -> Option<Rect<f64>> {
    let f = view.frame;
    let mut pts: Vec<Coord<f64>> = Vec::new();
    for k in 0..=8 {
        let t = k as f64 / 8.0;
        let (x, y) = (f.x0 + t * f.width(), f.y0 + t * f.height());
        for p in [pt(x, f.y0), pt(x, f.y1), pt(f.x0, y), pt(f.x1, y)] {
            pts.push(view.from_px(p).ok()?);
        }
    }
    let b = super::framing::bounds(&pts)?;
    Some(Rect::new(
        (b[0] - 1.0, (b[1] - 1.0).max(-90.0)),
        (b[2] + 1.0, (b[3] + 1.0).min(90.0)),
    ))
}

/// The page rings (exterior, then holes) of the polygons whose box meets `seen`; a polygon the
/// projection cannot take whole is left out.
pub(super) fn project_parts(
    view: &MapView,
    seen: &Rect<f64>,
    polys: &[Polygon<f64>],
) -> Vec<Vec<Vec<Pt>>> {
    polys
        .iter()
        .filter(|p| p.bounding_rect().is_some_and(|b| b.intersects(seen)))
        .filter_map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| {
                    r.0.iter()
                        .map(|c| view.to_px(*c))
                        .collect::<Result<Vec<Pt>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::round_down;

    #[test]
    fn populations_round_down_to_one_two_five() {
        assert_eq!(round_down(273_000), 200_000);
        assert_eq!(round_down(199_999), 100_000);
        assert_eq!(round_down(51_000), 50_000);
        assert_eq!(round_down(15_000), 10_000);
        assert_eq!(round_down(900), 0);
    }
}
