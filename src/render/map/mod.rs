//! Report maps: a detail map around one site, or an overview of the country or of an extent.
//!
//! Incidents are drawn as honestly as their location is known: a point with its uncertainty
//! circle, a distance band (annulus, or sector when a direction is given) around the site for
//! a relative location, the highlighted site for "inside", the area for an area.
//!
//! [`build_map`] takes a [`MapSpec`], frames the map (`framing`), draws the basemap
//! (`background`), the sites and distance rings (`sites`) and the incidents (`incidents`) into a
//! [`Scene`], places the labels, then composes the title and the panel (`text`, `panel`). It
//! returns the scene with a [`MapLayout`]: what the drawn map shows and where.

mod background;
mod framing;
mod ground;
mod incidents;
mod layout;
mod panel;
mod place;
mod sites;
mod spec;
mod text;

pub use layout::{Inset, MapLayout, SymbolMark};
pub use spec::{Extent, MapKind, MapSpec};
pub(crate) use text::thousands;
pub use text::{describe_projection, period};

use super::backdrop::Backdrop;
use super::furniture;
use super::geom::{Pt, Rect};
use super::ground::GroundSource;
use super::labels::{draw_label, DroppedLabel, LabelRequest, PlacedLabel, Placer};
use super::page::areas;
use super::scene::{Item, LineStyle, Paint, Scene};
use super::symbols::{draw_marker, LegendKey};
use super::view::MapView;
use super::RenderError;
use crate::basemap::Basemap;
use crate::model::{Incident, Site, SiteGeometry};
use crate::proximity::ProximityRow;
use crate::style::{self, Rgb};
use geo::Centroid;
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use std::collections::BTreeSet;
use std::path::Path;
use text::titles;

/// Draws the map and writes it to `out` (PNG or SVG by extension, atomically).
pub fn render_map(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    basemap: &Basemap,
    out: &Path,
) -> Result<MapLayout, RenderError> {
    let over = Backgrounds::basemap(basemap);
    render_map_over(spec, sites, incidents, rows, &over, out)
}

/// What a map is drawn over, bottom up: a backdrop (imagery, tiles) when one is given, the
/// ground of its extent (streets, buildings, … from an OpenStreetMap extract), and the
/// small-scale basemap (countries, regions, cities: the overview and the inset).
#[derive(Clone, Copy)]
pub struct Backgrounds<'a> {
    /// Countries, regions, lakes and cities.
    pub basemap: &'a Basemap,
    /// The ground of the map's extent (`&()` for none).
    pub ground: &'a dyn GroundSource,
    /// Imagery or tiles under everything else.
    pub backdrop: Option<&'a dyn Backdrop>,
}

impl<'a> Backgrounds<'a> {
    /// The basemap alone: no ground, no backdrop.
    pub fn basemap(basemap: &'a Basemap) -> Self {
        Backgrounds {
            basemap,
            ground: &(),
            backdrop: None,
        }
    }
}

/// Draws the map over its backgrounds `over` and writes it to `out` (PNG or SVG by extension,
/// atomically, with a world file beside a PNG).
pub fn render_map_over(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    over: &Backgrounds,
    out: &Path,
) -> Result<MapLayout, RenderError> {
    let (scene, layout) = build_map_over(spec, sites, incidents, rows, over)?;
    super::write_scene(&scene, out)?;
    Ok(layout)
}

/// Everything being drawn on one map.
struct Ctx<'a> {
    sites: &'a [Site],
    incidents: &'a [Incident],
    rows: &'a [ProximityRow],
    view: MapView,
    scene: Scene,
    /// Pixels per point.
    u: f64,
    legend: BTreeSet<LegendKey>,
    labels: Vec<LabelRequest>,
    obstacles: Vec<Rect>,
    areas: Vec<Rect>,
    line_obstacles: Vec<(Pt, Pt)>,
    symbols: Vec<SymbolMark>,
    steps_used: bool,
    /// Whether a distance band was limited to a direction the source gives.
    sector_drawn: bool,
    /// Scene entries of each distance ring, by its label key (a ring whose label finds no room
    /// is taken out: an unlabelled ring cannot be read).
    ring_entries: Vec<(String, std::ops::Range<usize>)>,
    /// Named streets of the ground, to label along their lines.
    streets: Vec<ground::Street>,
    /// Scene entries up to here are the ground (street names go in just above).
    ground_end: usize,
    /// Credits of the ground drawn.
    ground_credits: Vec<String>,
    /// Credits for the backdrop, printed with the sources.
    credits: Vec<String>,
}

/// Builds the map's scene and layout without writing anything.
pub fn build_map(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    basemap: &Basemap,
) -> Result<(Scene, MapLayout), RenderError> {
    build_map_over(spec, sites, incidents, rows, &Backgrounds::basemap(basemap))
}

/// Builds the map's scene and layout over its backgrounds `over`, without writing anything.
/// The ground is read and drawn only on maps of at most 10 km either side of the centre. A backdrop replaces the land colour and
/// the basemap's regions, the legend and credits say what it is, and the lines drawn over it get
/// a light casing so they stay legible.
pub fn build_map_over(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    over: &Backgrounds,
) -> Result<(Scene, MapLayout), RenderError> {
    let Backgrounds {
        basemap,
        ground,
        backdrop,
    } = *over;
    let page = spec.page;
    let u = page.px_per_pt();
    let a = areas(&page, u);
    let place = match &spec.kind {
        MapKind::Overview { .. } => place::Place::of_case(basemap, sites, incidents),
        MapKind::Detail { focus, .. } => place::Place::of(
            basemap,
            sites
                .iter()
                .filter(|s| s.id == *focus)
                .map(|s| geometry_centre(&s.geometry))
                .collect(),
        ),
    };
    let (view, focus) = framing::frame(spec, a.frame, sites, incidents, rows, &place, u)?;
    let mut c = Ctx {
        sites,
        incidents,
        rows,
        view,
        scene: Scene::new(page.width_px, page.height_px, page.dpi, style::HALO),
        u,
        legend: BTreeSet::new(),
        labels: Vec::new(),
        obstacles: Vec::new(),
        areas: Vec::new(),
        line_obstacles: Vec::new(),
        symbols: Vec::new(),
        steps_used: false,
        sector_drawn: false,
        ring_entries: Vec::new(),
        streets: Vec::new(),
        ground_end: 0,
        ground_credits: Vec::new(),
        credits: Vec::new(),
    };
    c.scene.georef = Some(super::Georef {
        projection: c.view.def,
        origin: c.view.px_to_xy(super::geom::pt(0.5, 0.5)),
        m_per_px: c.view.m_per_px,
    });
    let frame = c.view.frame;
    c.scene.set_clip(Some(frame));
    let half_width_m = frame.width().min(frame.height()) / 2.0 * c.view.m_per_px;
    let draw_regions = backdrop.is_none() && !basemap.is_empty() && half_width_m >= 25_000.0;
    let draw_cities = !basemap.is_empty() && half_width_m >= 5_000.0;
    let mut cased_from = None;
    if let Some(b) = backdrop {
        let picture = b.picture(&c.view).map_err(RenderError::Backdrop)?;
        c.scene.fill_rect(frame, Paint::solid(style::LAND));
        c.scene.push(Item::Image(picture));
        c.legend.insert(LegendKey::Backdrop(b.legend()));
        c.credits = b.credits();
        cased_from = Some(c.scene.entries.len());
    } else if draw_regions {
        c.draw_basemap(basemap, &place)?;
    } else {
        c.scene.fill_rect(frame, Paint::solid(style::LAND));
    }
    c.ground_credits = c.draw_ground(ground, half_width_m)?;
    if draw_cities {
        c.draw_cities(basemap, &place)?;
    }
    let shown = c.shown_incidents()?;
    match &focus {
        Some(f) => {
            c.draw_rings(&f.id, f.radius_m, spec.rings_m.as_deref(), &shown)?;
            c.draw_sites(Some(&f.id))?;
            c.draw_incidents(&shown, true)?;
        }
        None => {
            // Sites over incidents, so they stay visible among many.
            c.draw_incidents(&shown, false)?;
            c.draw_sites(None)?;
        }
    }
    // Furniture inside the frame, then labels around everything.
    let scale = furniture::scale_bar(&mut c.scene, &c.view, u)?;
    let north = furniture::north_arrow(&mut c.scene, &c.view, u)?;
    let (labels, dropped) = c.place_labels(&[scale.rect, north.rect]);
    if let Some(from) = cased_from {
        case_lines(&mut c.scene, from, u);
    }
    c.scene.set_clip(None);
    c.scene
        .stroke_rect(frame, LineStyle::solid(Paint::solid(style::FRAME), 0.7 * u));

    let drawn = Drawn {
        shown,
        focus,
        regions: draw_regions,
        cities: draw_cities,
        place,
    };
    let (title, subtitle) = titles(
        spec,
        &c,
        &drawn.shown,
        drawn.focus.as_ref().map(|f| f.id.as_str()),
        basemap,
        &drawn.place,
    );
    furniture::title_block(&mut c.scene, &a.title, &title, &subtitle, u);
    let panel = c.draw_panel(spec, a.panel, &drawn, basemap, &dropped, &north)?;

    let layout = MapLayout {
        projection: c.view.def,
        frame,
        centre_xy: c.view.centre_xy,
        m_per_px: c.view.m_per_px,
        title: (title, subtitle),
        legend: panel.legend,
        furniture: vec![scale.rect, north.rect],
        scale_bar: scale,
        north_arrow: north,
        symbols: c.symbols,
        labels,
        dropped,
        notes: panel.notes,
        sources: panel.sources,
        attribution: panel.attribution,
        countries: drawn
            .place
            .countries
            .iter()
            .map(|&i| basemap.countries[i].name.clone())
            .collect(),
        inset: panel.inset,
    };
    Ok((c.scene, layout))
}

/// Gives every line drawn from entry `from` on a light casing under it (the halo colour,
/// 1.6 points wider), so rings, bands and links stay legible over imagery.
fn case_lines(scene: &mut Scene, from: usize, u: f64) {
    let tail = scene.entries.split_off(from);
    for e in tail {
        if let Item::Line {
            points,
            closed,
            style: line,
        } = &e.item
        {
            let casing = LineStyle {
                paint: Paint::with(style::HALO, 0.8 * line.paint.opacity),
                width: line.width + 1.6 * u,
                dash: None,
                cap: super::scene::Cap::Round,
            };
            scene.entries.push(super::scene::Entry {
                item: Item::Line {
                    points: points.clone(),
                    closed: *closed,
                    style: casing,
                },
                clip: e.clip,
            });
        }
        scene.entries.push(e);
    }
}

/// What a map's frame shows, as its title and panel describe it.
pub(super) struct Drawn {
    /// The incidents in the frame (indices into the incidents), in date order.
    shown: Vec<usize>,
    /// The site a detail map is centred on.
    focus: Option<Focus>,
    /// Whether the basemap's regions are drawn.
    regions: bool,
    /// Whether the basemap's cities are drawn.
    cities: bool,
    /// The countries the map is about.
    place: place::Place,
}

/// The site a detail map is centred on and the radius it shows, metres.
pub(super) struct Focus {
    id: String,
    radius_m: f64,
}

impl Ctx<'_> {
    /// Places the labels requested so far around the symbols, areas and the furniture boxes
    /// (`furniture`, pixels), takes out the distance rings whose label found no room, and draws
    /// the labels. Returns the labels placed and those left out.
    fn place_labels(&mut self, furniture: &[Rect]) -> (Vec<PlacedLabel>, Vec<DroppedLabel>) {
        let u = self.u;
        let mut placer = Placer::new(self.view.frame.inflate(-2.0 * u));
        // Symbols keep a little room around them, so a label does not seem to name its
        // neighbour (labels step out by the same room from their own symbol).
        let room = 1.5 * u;
        for r in &self.obstacles {
            placer.add_obstacle(r.inflate(room));
        }
        for req in self.labels.iter_mut().filter(|r| !r.centred) {
            for (_, clear) in req.anchors.iter_mut() {
                *clear += room;
            }
        }
        for r in furniture {
            placer.add_obstacle(*r);
        }
        for r in &self.areas {
            placer.add_area(*r);
        }
        for (a, b) in &self.line_obstacles {
            placer.add_line_obstacle(*a, *b);
        }
        let placed = placer.place_all(std::mem::take(&mut self.labels));
        let unlabelled: Vec<std::ops::Range<usize>> = self
            .ring_entries
            .iter()
            .filter(|(key, _)| placer.dropped().iter().any(|d| &d.key == key))
            .map(|(_, r)| r.clone())
            .collect();
        for r in unlabelled.iter().rev() {
            self.scene.entries.drain(r.clone());
        }
        if !self.ring_entries.is_empty() && unlabelled.len() == self.ring_entries.len() {
            self.legend.remove(&LegendKey::DistanceRing);
        }
        for (req, p) in &placed {
            draw_label(&mut self.scene, req, p, 0.5 * u);
        }
        let dropped = placer.dropped().to_vec();
        let streets = self.place_street_names(&mut placer);
        let placed = placed.into_iter().map(|(_, p)| p).chain(streets).collect();
        (placed, dropped)
    }
}

impl Ctx<'_> {
    fn px(&self, c: Coord<f64>) -> Result<Pt, RenderError> {
        Ok(self.view.to_px(c)?)
    }

    fn ring_px(&self, ring: &LineString<f64>) -> Result<Vec<Pt>, RenderError> {
        ring.0.iter().map(|c| self.px(*c)).collect()
    }

    fn polygon_px(&self, p: &Polygon<f64>) -> Result<Vec<Vec<Pt>>, RenderError> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| self.ring_px(r))
            .collect()
    }

    /// Page rings of a lon/lat multipolygon: per polygon, its exterior then its holes.
    fn multipolygon_px(&self, mp: &MultiPolygon<f64>) -> Result<Vec<Vec<Vec<Pt>>>, RenderError> {
        mp.0.iter().map(|p| self.polygon_px(p)).collect()
    }

    /// Draws an incident's marker and records it as a symbol labels must keep clear of.
    fn incident_marker(&mut self, key: &str, marker: style::Marker, c: Pt, size: f64, colour: Rgb) {
        let rect = draw_marker(&mut self.scene, marker, c, size, colour, 0.5 * self.u);
        self.obstacles.push(rect);
        self.symbols.push(SymbolMark {
            key: key.to_string(),
            centre: c,
            rect,
            colour,
        });
    }

    /// Keeps labels off a drawn area when it is small enough to leave room around it.
    fn soft_obstacle(&mut self, pts: impl IntoIterator<Item = Pt>) {
        let f = self.view.frame;
        if let Some(b) = Rect::bounding(pts).and_then(|b| b.intersection(&f)) {
            if b.width().max(b.height()) < 0.6 * f.width().min(f.height()) {
                self.areas.push(b);
            }
        }
    }
}

/// The centre of a site: its whole-site point, or the centroid of its geometries.
fn site_centre(parts: &[&Site]) -> Point<f64> {
    let whole = parts.iter().find(|s| s.part.is_none()).unwrap_or(&parts[0]);
    geometry_centre(&whole.geometry)
}

fn geometry_centre(g: &SiteGeometry) -> Point<f64> {
    match g {
        SiteGeometry::Point(p) => *p,
        SiteGeometry::Polygon(p) => p.centroid().unwrap_or_else(|| Point(p.exterior().0[0])),
        SiteGeometry::MultiPolygon(m) => m
            .centroid()
            .unwrap_or_else(|| Point(m.0[0].exterior().0[0])),
    }
}
