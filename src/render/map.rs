//! Report maps: a detail map around one site, or an overview of the country or of an extent.
//!
//! Incidents are drawn as honestly as their location is known: a point with its uncertainty
//! circle, a distance band (annulus, or sector when a direction is given) around the site for
//! a relative location, the highlighted site for "inside", the area for an area.

use super::basemap::Basemap;
use super::font::wrap;
use super::furniture::{self, project_multipolygon, NorthArrow, ScaleBar};
use super::geom::{circle_ring, pt, Pt, Rect};
use super::labels::{
    draw_label, DroppedLabel, LabelLine, LabelLook, LabelRequest, PlacedLabel, Placer,
};
use super::page::Page;
use super::scene::{LineStyle, Paint, Scene, Weight};
use super::symbols::{draw_marker, site_group, LegendKey};
use super::view::{projection_for_extent, MapView, UKRAINE_BBOX};
use super::RenderError;
use crate::geodesy;
use crate::model::{DateSpan, Incident, Location, Site, SiteGeometry, StepLength};
use crate::projection::ProjectionDef;
use crate::proximity::{ProximityRow, Ternary};
use crate::shapes::{self, ShapeOptions};
use crate::style::{self, Rgb};
use geo::Centroid;
use geo_types::{coord, Coord, LineString, MultiPolygon, Point, Polygon};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The area an overview map shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Extent {
    /// The whole of Ukraine.
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

    fn bbox(&self) -> [f64; 4] {
        match self {
            Extent::Country => UKRAINE_BBOX,
            Extent::BBox(b) => *b,
        }
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

/// A symbol as placed on the page (for reports and checks).
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolMark {
    /// `site:ID`, `site:ID/PART`, `incident:ID`, `city:NAME`.
    pub key: String,
    /// Centre, pixels.
    pub centre: Pt,
    /// Box, pixels.
    pub rect: Rect,
    /// Fill colour at the centre.
    pub colour: Rgb,
}

/// What a map shows and where: the figures a report quotes and the checks read.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLayout {
    /// The map projection.
    pub projection: ProjectionDef,
    /// The map frame on the page, pixels.
    pub frame: Rect,
    /// Projected coordinates (metres) at the frame's centre.
    pub centre_xy: Coord<f64>,
    /// Projected metres per pixel.
    pub m_per_px: f64,
    /// Title and subtitle.
    pub title: (String, String),
    /// Legend entries, in order.
    pub legend: Vec<String>,
    /// The scale bar.
    pub scale_bar: ScaleBar,
    /// The north arrow.
    pub north_arrow: NorthArrow,
    /// Symbols placed.
    pub symbols: Vec<SymbolMark>,
    /// Labels placed.
    pub labels: Vec<PlacedLabel>,
    /// Labels left out for lack of room.
    pub dropped: Vec<DroppedLabel>,
    /// Furniture boxes inside the map frame (scale bar, north arrow), pixels.
    pub furniture: Vec<Rect>,
    /// Notes printed on the map.
    pub notes: Vec<String>,
    /// The source line.
    pub sources: String,
    /// The attribution line.
    pub attribution: String,
}

/// Draws the map and writes it to `out` (PNG or SVG by extension, atomically).
pub fn render_map(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    basemap: &Basemap,
    out: &Path,
) -> Result<MapLayout, RenderError> {
    let (scene, layout) = build_map(spec, sites, incidents, rows, basemap)?;
    super::write_scene(&scene, out)?;
    Ok(layout)
}

/// Page areas: title block, map frame (or chart), side (or bottom) panel.
pub(crate) struct Areas {
    pub(crate) title: Rect,
    pub(crate) frame: Rect,
    pub(crate) panel: Rect,
}

pub(crate) fn areas(page: &Page, u: f64) -> Areas {
    let (w, h) = (page.width_px as f64, page.height_px as f64);
    let m = 22.0 * u;
    let title_h = 40.0 * u;
    let title = Rect::new(m, m, w - m, m + title_h);
    let body = Rect::new(m, m + title_h + 6.0 * u, w - m, h - m);
    if page.is_landscape() {
        let pw = (0.28 * body.width()).clamp(150.0 * u, 230.0 * u);
        Areas {
            title,
            frame: Rect::new(body.x0, body.y0, body.x1 - pw - 12.0 * u, body.y1),
            panel: Rect::new(body.x1 - pw, body.y0, body.x1, body.y1),
        }
    } else {
        let ph = (0.32 * body.height()).clamp(150.0 * u, 300.0 * u);
        Areas {
            title,
            frame: Rect::new(body.x0, body.y0, body.x1, body.y1 - ph - 10.0 * u),
            panel: Rect::new(body.x0, body.y1 - ph, body.x1, body.y1),
        }
    }
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
}

/// Builds the map's scene and layout without writing anything.
pub fn build_map(
    spec: &MapSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    basemap: &Basemap,
) -> Result<(Scene, MapLayout), RenderError> {
    let page = spec.page;
    let u = page.px_per_pt();
    let a = areas(&page, u);
    let (view, detail_focus) = match &spec.kind {
        MapKind::Detail { focus, radius_m } => {
            let parts: Vec<&Site> = sites.iter().filter(|s| s.id == *focus).collect();
            if parts.is_empty() {
                let mut ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
                ids.dedup();
                return Err(RenderError::Spec(format!(
                    "--focus `{focus}` is not a site id in the sites file; known ids: {}",
                    ids.join(", ")
                )));
            }
            let centre = site_centre(&parts);
            let radius = match radius_m {
                Some(r) if r.is_finite() && *r > 0.0 => *r,
                Some(r) => {
                    return Err(RenderError::Spec(format!(
                        "--radius {r} is not a positive number of metres"
                    )))
                }
                None => default_radius(centre, &parts, incidents, rows, sites),
            };
            let def = ProjectionDef::Stereographic {
                lon0: centre.x(),
                lat0: centre.y(),
            };
            let half = a.frame.width().min(a.frame.height()) / 2.0;
            (
                MapView::new(def, a.frame, coord! {x: 0.0, y: 0.0}, radius / half)?,
                Some((focus.clone(), parts, radius)),
            )
        }
        MapKind::Overview { extent } => {
            let bbox = extent.bbox();
            let def = projection_for_extent(bbox);
            let outline: Vec<Coord<f64>> = match extent {
                Extent::Country if !basemap.outline.0.is_empty() => basemap
                    .outline
                    .0
                    .iter()
                    .flat_map(|p| p.exterior().0.iter().copied())
                    .collect(),
                _ => bbox_ring(bbox, 16),
            };
            let pad = 6.0 * u;
            let fitted = MapView::fit(def, a.frame, &outline, pad)?;
            // Shrink the frame to the content's shape, keeping its top left corner.
            let px: Vec<Pt> = outline
                .iter()
                .map(|c| fitted.to_px(*c))
                .collect::<Result<_, _>>()?;
            let content = Rect::bounding(px).unwrap_or(a.frame).inflate(pad);
            let frame = Rect::xywh(
                a.frame.x0,
                a.frame.y0,
                content.width().min(a.frame.width()),
                content.height().min(a.frame.height()),
            );
            (
                MapView::new(def, frame, fitted.centre_xy, fitted.m_per_px)?,
                None,
            )
        }
    };
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
    };
    let frame = c.view.frame;
    c.scene.set_clip(Some(frame));
    let half_width_m = frame.width().min(frame.height()) / 2.0 * c.view.m_per_px;
    let draw_regions = !basemap.is_empty() && half_width_m >= 25_000.0;
    let draw_cities = !basemap.is_empty() && half_width_m >= 5_000.0;
    if draw_regions {
        c.scene.fill_rect(frame, Paint::solid(style::OUTSIDE));
        c.draw_basemap(basemap)?;
    } else {
        c.scene.fill_rect(frame, Paint::solid(style::LAND));
    }
    if draw_cities {
        c.draw_cities(basemap)?;
    }
    let shown = c.shown_incidents()?;
    match &detail_focus {
        Some((focus, _, radius)) => {
            c.draw_rings(focus, *radius, spec.rings_m.as_deref(), &shown)?;
            c.draw_sites(Some(focus))?;
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
    let mut placer = Placer::new(frame.inflate(-2.0 * u));
    // Symbols keep a little room around them, so a label does not seem to name its neighbour
    // (labels step out by the same room from their own symbol).
    let room = 1.5 * u;
    for r in &c.obstacles {
        placer.add_obstacle(r.inflate(room));
    }
    for req in c.labels.iter_mut().filter(|r| !r.centred) {
        for (_, clear) in req.anchors.iter_mut() {
            *clear += room;
        }
    }
    placer.add_obstacle(scale.rect);
    placer.add_obstacle(north.rect);
    for r in &c.areas {
        placer.add_area(*r);
    }
    for (a, b) in &c.line_obstacles {
        placer.add_line_obstacle(*a, *b);
    }
    let placed = placer.place_all(std::mem::take(&mut c.labels));
    let unlabelled: Vec<std::ops::Range<usize>> = c
        .ring_entries
        .iter()
        .filter(|(key, _)| placer.dropped().iter().any(|d| &d.key == key))
        .map(|(_, r)| r.clone())
        .collect();
    for r in unlabelled.iter().rev() {
        c.scene.entries.drain(r.clone());
    }
    if !c.ring_entries.is_empty() && unlabelled.len() == c.ring_entries.len() {
        c.legend.remove(&LegendKey::DistanceRing);
    }
    for (req, p) in &placed {
        draw_label(&mut c.scene, req, p, 0.5 * u);
    }
    c.scene.set_clip(None);
    c.scene
        .stroke_rect(frame, LineStyle::solid(Paint::solid(style::FRAME), 0.7 * u));

    // Title block.
    let (title, subtitle) = titles(
        spec,
        &c,
        &shown,
        detail_focus.as_ref().map(|(f, _, _)| f.as_str()),
        basemap,
    );
    furniture::title_block(&mut c.scene, &a.title, &title, &subtitle, u);

    // Panel: inset (detail maps), legend, notes, sources, attribution.
    let panel = a.panel;
    let mut y = panel.y0;
    if let Some((_, _, _)) = &detail_focus {
        if !basemap.is_empty() {
            let h = (panel.width() * 0.62).min(panel.height() * 0.3);
            let extent: Vec<Coord<f64>> = [frame.x0, frame.x1, frame.x1, frame.x0]
                .iter()
                .zip([frame.y0, frame.y0, frame.y1, frame.y1])
                .map(|(x, y)| c.view.from_px(pt(*x, y)))
                .collect::<Result<_, _>>()?;
            let regions: Vec<&MultiPolygon<f64>> =
                basemap.regions.iter().map(|r| &r.area).collect();
            let capital = basemap
                .cities
                .iter()
                .find(|k| k.name == "Kyiv")
                .map(|k| (k.name.as_str(), k.position.0));
            let r = furniture::inset(
                &mut c.scene,
                Rect::xywh(panel.x0, y, panel.width(), h),
                &basemap.outline,
                &regions,
                capital,
                &extent,
                u,
            )?;
            y = r.y1 + 8.0 * u;
        }
    }
    let keys: Vec<LegendKey> = c.legend.iter().cloned().collect();
    let body = 7.0 * u;
    y = furniture::legend(&mut c.scene, &panel, y, &keys, body, u);
    let mut notes = c.notes_text(
        spec,
        placer.dropped(),
        &north,
        detail_focus.is_none() || draw_regions,
    );
    // Caveats the data gives for the incidents (conflicting dates, readings of "about"), when
    // there are few enough to print.
    if shown.len() <= 10 {
        let at = notes
            .iter()
            .position(|n| n.starts_with("Projection:"))
            .unwrap_or(notes.len());
        let caveats: Vec<String> = shown
            .iter()
            .filter_map(|&i| {
                let inc = &incidents[i];
                inc.notes
                    .as_ref()
                    .map(|n| format!("{}: {n}", inc.short_name()))
            })
            .collect();
        notes.splice(at..at, caveats);
    }
    if detail_focus.is_none() && shown.len() > MAX_LABELLED {
        notes.insert(
            0,
            format!(
                "With {} incidents shown, incident points are not labelled one by one.",
                thousands(shown.len())
            ),
        );
    }
    y = furniture::text_block(
        &mut c.scene,
        &panel,
        y + 2.0 * u,
        Some("Notes"),
        &notes,
        6.5 * u,
        u,
    );
    let sources = sources_line(incidents, &shown);
    let mut attribution = Vec::new();
    if draw_regions || draw_cities || (detail_focus.is_some() && !basemap.is_empty()) {
        attribution.push(format!("Basemap: {}", basemap.attribution.join("; ")));
    }
    if sites.iter().any(|s| {
        s.position_source()
            .is_some_and(|p| p.to_ascii_lowercase().contains("openstreetmap") || p.contains("OSM"))
    }) {
        attribution.push("© OpenStreetMap contributors (ODbL)".into());
    }
    let attribution = attribution.join(". ");
    let mut paras = vec![sources.clone()];
    if !attribution.is_empty() {
        paras.push(attribution.clone());
    }
    furniture::text_block(&mut c.scene, &panel, y, Some("Sources"), &paras, 6.5 * u, u);

    let layout = MapLayout {
        projection: c.view.def,
        frame,
        centre_xy: c.view.centre_xy,
        m_per_px: c.view.m_per_px,
        title: (title, subtitle),
        legend: keys.iter().map(|k| k.label()).collect(),
        furniture: vec![scale.rect, north.rect],
        scale_bar: scale,
        north_arrow: north,
        symbols: c.symbols,
        labels: placed.into_iter().map(|(_, p)| p).collect(),
        dropped: placer.dropped().to_vec(),
        notes,
        sources,
        attribution,
    };
    Ok((c.scene, layout))
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

/// A radius for a detail map: two and a half times the reach of the incidents placed around the
/// site (distance bands, impact points), or, when none are, the site's position uncertainty with
/// a margin; never under 100 m and always holding the site's own footprint.
fn default_radius(
    centre: Point<f64>,
    parts: &[&Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    sites: &[Site],
) -> f64 {
    let mut extent: f64 = 0.0;
    let mut uncertainty: f64 = 0.0;
    for s in parts {
        uncertainty = uncertainty.max(s.position_uncertainty_m);
        for p in s.geometry.polygons() {
            for c in &p.exterior().0 {
                extent = extent.max(geodesy::distance_m(centre, Point(*c)));
            }
        }
    }
    let id = &parts[0].id;
    let mut reach: f64 = 0.0;
    for (i, inc) in incidents.iter().enumerate() {
        let row = rows.iter().find(|w| w.incident == i);
        match &inc.location {
            Location::Relative { site, distance, .. } if site == id => {
                let d = row
                    .map(|w| w.distance.max)
                    .unwrap_or_else(|| distance.interval_m(&StepLength::default()).max);
                reach = reach.max(extent + d);
            }
            Location::Point {
                point,
                uncertainty_m,
            } if row.is_some_and(|w| sites.get(w.site.index()).is_some_and(|s| s.id == id)) => {
                reach = reach.max(geodesy::distance_m(centre, *point) + uncertainty_m);
            }
            _ => {}
        }
    }
    let r = if reach > 0.0 {
        2.5 * reach
    } else {
        1.3 * uncertainty.max(extent)
    };
    r.max(1.5 * extent).max(100.0)
}

/// The point a fraction `t` of the way along a page polyline.
fn along(pts: &[Pt], t: f64) -> Pt {
    let total: f64 = pts.windows(2).map(|w| w[0].dist(w[1])).sum();
    let mut left = t * total;
    for w in pts.windows(2) {
        let len = w[0].dist(w[1]);
        if len > 0.0 && left <= len {
            let k = left / len;
            return pt(
                w[0].x + (w[1].x - w[0].x) * k,
                w[0].y + (w[1].y - w[0].y) * k,
            );
        }
        left -= len;
    }
    pts[pts.len() - 1]
}

fn bbox_ring(b: [f64; 4], n: usize) -> Vec<Coord<f64>> {
    let [w, s, e, nn] = b;
    let mut out = Vec::new();
    for i in 0..n {
        let t = i as f64 / n as f64;
        out.push(coord! {x: w + (e - w) * t, y: s});
        out.push(coord! {x: e, y: s + (nn - s) * t});
        out.push(coord! {x: e - (e - w) * t, y: nn});
        out.push(coord! {x: w, y: nn - (nn - s) * t});
    }
    out
}

/// Distances for rings: round values up to the radius, the largest four.
fn default_rings(radius_m: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut e = 1.0;
    while e <= 1e6 {
        for k in [1.0, 2.5, 5.0] {
            let d = k * e * 10.0;
            if d <= 0.9 * radius_m {
                v.push(d);
            }
        }
        e *= 10.0;
    }
    let n = v.len();
    v.split_off(n.saturating_sub(3))
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

    fn draw_basemap(&mut self, b: &Basemap) -> Result<(), RenderError> {
        let u = self.u;
        let land = project_multipolygon(&self.view, &b.outline)?;
        self.scene.fill_polygons(&land, Paint::solid(style::LAND));
        for r in &b.regions {
            for poly in project_multipolygon(&self.view, &r.area)? {
                for ring in poly {
                    self.scene.line(
                        ring,
                        true,
                        LineStyle::solid(Paint::solid(style::BORDER), 0.5 * u),
                    );
                }
            }
        }
        for poly in &land {
            for ring in poly {
                self.scene.line(
                    ring.clone(),
                    true,
                    LineStyle::solid(Paint::solid(style::COUNTRY_BORDER), 1.0 * u),
                );
            }
        }
        // Region borders share their vertices with the outline where they follow it: the legend
        // lists a layer only if some of its own line shows in the frame.
        let frame = self.view.frame;
        let key = |c: &Coord<f64>| (c.x.to_bits(), c.y.to_bits());
        let on_outline: std::collections::HashSet<(u64, u64)> = b
            .outline
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|r| r.0.iter().map(key))
            .collect();
        let mut region_shown = false;
        'regions: for r in &b.regions {
            for c in r
                .area
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.iter())
            {
                if !on_outline.contains(&key(c)) && frame.contains(self.px(*c)?) {
                    region_shown = true;
                    break 'regions;
                }
            }
        }
        if region_shown {
            self.legend.insert(LegendKey::RegionBorder);
        }
        if land.iter().flatten().flatten().any(|p| frame.contains(*p)) {
            self.legend.insert(LegendKey::CountryBorder);
        }
        Ok(())
    }

    fn draw_cities(&mut self, b: &Basemap) -> Result<(), RenderError> {
        let u = self.u;
        let frame = self.view.frame;
        // A city under a site's marker (a site known only to the city) keeps its name, not its dot.
        let sites_px: Vec<Pt> = self
            .sites
            .iter()
            .map(|s| self.px(geometry_centre(&s.geometry).0))
            .collect::<Result<_, _>>()?;
        for (rank, city) in b.cities.iter().enumerate() {
            let p = self.px(city.position.0)?;
            if !frame.contains(p) {
                continue;
            }
            let size = if rank == 0 { 4.0 * u } else { 3.0 * u };
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
                self.legend.insert(LegendKey::City);
                size / 2.0
            };
            self.labels.push(LabelRequest {
                key: format!("city:{}", city.name),
                name: city.name.clone(),
                lines: vec![if rank == 0 {
                    LabelLine::bold(&city.name)
                } else {
                    LabelLine::plain(&city.name)
                }],
                size: 6.5 * u,
                anchors: vec![(p, clear)],
                // The capital labelled early, for orientation; other cities last.
                priority: if rank == 0 { 30 } else { 1000 + rank as u32 },
                look: LabelLook::Halo,
                leader: false,
                centred: false,
                colour: style::TEXT_MUTED,
                note_if_dropped: false,
            });
        }
        Ok(())
    }

    /// Incidents to draw: those whose location falls in the frame (relative and within ones by
    /// their site), in date order.
    fn shown_incidents(&self) -> Result<Vec<usize>, RenderError> {
        let frame = self.view.frame;
        let mut out = Vec::new();
        for (i, inc) in self.incidents.iter().enumerate() {
            let anchor = match &inc.location {
                Location::Point { point, .. } => Some(point.0),
                Location::Area { centre, area, .. } => {
                    let mut inside = frame.contains(self.px(centre.0)?);
                    for p in area.0.iter().flat_map(|p| p.exterior().0.iter()) {
                        inside |= frame.contains(self.px(*p)?);
                    }
                    if inside {
                        out.push(i);
                    }
                    continue;
                }
                Location::Relative { site, .. } | Location::Within { site, .. } => self
                    .sites
                    .iter()
                    .find(|s| s.id == site)
                    .map(|s| geometry_centre(&s.geometry).0),
            };
            if let Some(c) = anchor {
                if frame.contains(self.px(c)?) {
                    out.push(i);
                }
            }
        }
        out.sort_by(|a, b| {
            self.incidents[*a]
                .start
                .first
                .cmp(&self.incidents[*b].start.first)
                .then(a.cmp(b))
        });
        Ok(out)
    }

    /// The site feature a relative or within location names, by the one rule of
    /// [`shapes::resolve`].
    fn referenced_site(&self, site: &str, part: Option<&str>) -> Option<&Site> {
        shapes::resolve_id(self.sites, site, part).map(|r| &self.sites[r.site])
    }

    fn row_for(&self, incident: usize) -> Option<&ProximityRow> {
        self.rows
            .iter()
            .filter(|r| r.incident == incident)
            .min_by(|a, b| a.distance.nominal.total_cmp(&b.distance.nominal))
    }

    fn draw_rings(
        &mut self,
        focus: &str,
        radius: f64,
        rings: Option<&[f64]>,
        shown: &[usize],
    ) -> Result<(), RenderError> {
        let u = self.u;
        let Some(uncertainty) = self
            .referenced_site(focus, None)
            .map(|s| s.position_uncertainty_m)
        else {
            return Ok(());
        };
        let mut ds: Vec<f64> = rings
            .map(<[f64]>::to_vec)
            .unwrap_or_else(|| default_rings(radius));
        // A ring on top of a reported distance would read as part of it: leave such rings out.
        let reported: Vec<f64> = shown
            .iter()
            .filter_map(|&i| match &self.incidents[i].location {
                Location::Relative {
                    site: s, distance, ..
                } if s == focus => Some(distance.interval_m(&StepLength::default()).nominal),
                _ => None,
            })
            .collect();
        if rings.is_none() {
            ds.retain(|d| {
                !reported
                    .iter()
                    .chain([&uncertainty])
                    .any(|r| (r - d).abs() < 0.12 * d)
            });
        }
        let style_ring = LineStyle::dashed(Paint::solid(style::RING), 0.6 * u, 3.0 * u, 2.0 * u);
        for d in ds {
            let ring =
                shapes::distance_ring(self.sites, focus, d).unwrap_or_else(|| MultiPolygon(vec![]));
            let outlines: Vec<Vec<Pt>> =
                self.multipolygon_px(&ring)?.into_iter().flatten().collect();
            let Some(first) = outlines.first() else {
                continue;
            };
            // Label anchors on the ring, upper right first.
            let n = first.len();
            let anchors: Vec<(Pt, f64)> = [0.125, 0.375, 0.875, 0.625, 0.0, 0.25, 0.5, 0.75]
                .iter()
                .map(|t| (first[((t * n as f64) as usize).min(n - 1)], 0.0))
                .collect();
            let first_entry = self.scene.entries.len();
            for ring in outlines {
                self.scene.line(ring, true, style_ring.clone());
            }
            self.ring_entries
                .push((format!("ring:{d}"), first_entry..self.scene.entries.len()));
            self.legend.insert(LegendKey::DistanceRing);
            self.labels.push(LabelRequest {
                key: format!("ring:{d}"),
                name: furniture::format_length(d),
                lines: vec![LabelLine::plain(furniture::format_length(d))],
                size: 6.5 * u,
                anchors,
                priority: 500,
                look: LabelLook::Halo,
                leader: false,
                centred: true,
                colour: style::RING,
                note_if_dropped: false,
            });
        }
        Ok(())
    }

    fn draw_sites(&mut self, focus: Option<&str>) -> Result<(), RenderError> {
        let u = self.u;
        let frame = self.view.frame;
        let mut seen: Vec<(String, Pt)> = Vec::new();
        // Uncertainty circles and footprints first, markers on top.
        for s in self.sites {
            let (colour, _) = style::site_style(&s.kind);
            if s.position_uncertainty_m > 0.0
                && (s.part.is_none() || self.sites.iter().all(|o| o.id != s.id || o.part.is_some()))
            {
                let outline = shapes::site_uncertainty(s).unwrap_or_else(|| MultiPolygon(vec![]));
                let rings = self.multipolygon_px(&outline)?;
                let pts = || rings.iter().flatten().flatten().copied();
                let visible = pts().any(|p| frame.contains(p));
                if visible && Rect::bounding(pts()).is_some_and(|b| b.width() > 4.0 * u) {
                    for ring in rings.into_iter().flatten() {
                        self.scene.line(
                            ring,
                            true,
                            LineStyle::dashed(Paint::solid(colour), 0.7 * u, 2.5 * u, 1.8 * u),
                        );
                    }
                    self.legend.insert(LegendKey::SiteUncertainty);
                }
            }
            for p in s.geometry.polygons() {
                let rings = self.polygon_px(p)?;
                if rings.iter().flatten().any(|q| frame.contains(*q)) {
                    self.legend
                        .insert(LegendKey::Footprint(site_group(&s.kind)));
                }
                self.scene.fill_polygons(
                    std::slice::from_ref(&rings),
                    Paint::with(colour, style::SITE_FILL_OPACITY),
                );
                for r in rings {
                    self.scene
                        .line(r, true, LineStyle::solid(Paint::solid(colour), 0.8 * u));
                }
            }
        }
        let mut site_ids: Vec<&str> = Vec::new();
        for s in self.sites {
            if !site_ids.contains(&s.id.as_str()) {
                site_ids.push(&s.id);
            }
        }
        for s in self.sites {
            let (colour, marker) = style::site_style(&s.kind);
            let centre = geometry_centre(&s.geometry);
            let p = self.px(centre.0)?;
            if !frame.contains(p) {
                continue;
            }
            let is_focus = focus == Some(s.id.as_str());
            let polygon = !s.geometry.polygons().is_empty();
            let size = if is_focus { 10.0 * u } else { 8.0 * u };
            let key = match &s.part {
                Some(part) => format!("site:{}/{}", s.id, part),
                None => format!("site:{}", s.id),
            };
            // Parts recorded at the site's own point add nothing to draw.
            if seen.iter().any(|(id, q)| id == s.id && q.dist(p) < 1.0) {
                continue;
            }
            seen.push((s.id.to_string(), p));

            let rect = if polygon {
                let mut pts = Vec::new();
                for poly in s.geometry.polygons() {
                    pts.extend(self.ring_px(poly.exterior())?);
                }
                let b = Rect::bounding(pts).unwrap_or_else(|| Rect::around(p, 1.0));
                if b.width().max(b.height()) < 6.0 * u {
                    self.legend.insert(LegendKey::Site(site_group(&s.kind)));
                    draw_marker(&mut self.scene, marker, p, size, colour, 0.6 * u)
                } else {
                    b
                }
            } else {
                self.legend.insert(LegendKey::Site(site_group(&s.kind)));
                draw_marker(&mut self.scene, marker, p, size, colour, 0.6 * u)
            };
            if polygon && rect.width() > 2.0 {
                self.soft_obstacle([pt(rect.x0, rect.y0), pt(rect.x1, rect.y1)]);
            } else {
                self.obstacles.push(rect);
            }
            self.symbols.push(SymbolMark {
                key: key.clone(),
                centre: p,
                rect,
                colour,
            });
            let (lines, priority) = match (&s.part, is_focus) {
                (Some(part), _) => (vec![LabelLine::plain(part.clone())], 300),
                (None, true) => {
                    let mut l = vec![LabelLine::bold(s.name.clone())];
                    if let Some(a) = short_address(s) {
                        l.push(LabelLine::plain(a));
                    }
                    (l, 0)
                }
                (None, false) if focus.is_some() => (vec![LabelLine::plain(s.name.clone())], 200),
                (None, false) => {
                    // Long names on two lines, so the block finds room near its site.
                    let mut l: Vec<LabelLine> = wrap(&s.name, 7.0 * u, Weight::Bold, 150.0 * u)
                        .into_iter()
                        .map(LabelLine::bold)
                        .collect();
                    l.extend(self.incident_list(&s.id));
                    (
                        l,
                        10 + site_ids.iter().position(|i| *i == s.id).unwrap_or(0) as u32,
                    )
                }
            };
            let clear = rect.width().hypot(rect.height()) / 2.0;
            self.labels.push(LabelRequest::callout(
                key,
                s.name.to_string(),
                lines,
                if is_focus { 8.0 * u } else { 7.0 * u },
                vec![(p, clear)],
                priority,
            ));
        }
        Ok(())
    }

    /// For overview maps: one line per incident at a site (relative or within), with its marker.
    fn incident_list(&mut self, site_id: &str) -> Vec<LabelLine> {
        let mut lines = Vec::new();
        let mut list: Vec<usize> = (0..self.incidents.len())
            .filter(|&i| {
                self.incidents[i]
                    .location
                    .reference()
                    .is_some_and(|(s, _)| s == site_id)
            })
            .collect();
        list.sort_by(|a, b| {
            self.incidents[*a]
                .start
                .first
                .cmp(&self.incidents[*b].start.first)
        });
        for i in list {
            let inc = &self.incidents[i];
            let (colour, marker) = style::weapon_style(inc.weapon_category);
            self.legend.insert(LegendKey::Weapon(inc.weapon_category));
            let fig = self.figure(i);
            lines.push(LabelLine {
                text: format!("{} · {}", inc.start, fig),
                weight: Weight::Regular,
                marker: Some((marker, colour)),
            });
        }
        lines
    }

    /// The distance figure of an incident as printed: "26 m (21–32 m)" or "inside (0 m)".
    fn figure(&mut self, i: usize) -> String {
        let inc = &self.incidents[i];
        if let Location::Relative { distance, .. } = &inc.location {
            if distance.unit == crate::model::DistanceUnit::Steps {
                self.steps_used = true;
            }
        }
        let row = self.row_for(i);
        match (row, &inc.location) {
            (Some(r), _) if r.inside == Ternary::Yes => format!("inside ({})", r.distance),
            (Some(r), _) if r.inside == Ternary::Possible => {
                format!("{}, possibly inside", r.distance)
            }
            (Some(r), _) => r.distance.to_string(),
            (None, Location::Within { .. }) => "inside".into(),
            (None, Location::Relative { distance, .. }) => {
                distance.interval_m(&StepLength::default()).to_string()
            }
            (None, _) => "distance not computed".into(),
        }
    }

    fn draw_incidents(&mut self, shown: &[usize], detail: bool) -> Result<(), RenderError> {
        let u = self.u;
        let mut within_count: BTreeMap<String, usize> = BTreeMap::new();
        for &i in shown {
            let inc = &self.incidents[i];
            let cat = inc.weapon_category;
            let (colour, marker) = style::weapon_style(cat);
            let fill = Paint::with(colour, style::INCIDENT_FILL_OPACITY);
            let key = format!("incident:{}", inc.id);
            let mut anchors: Vec<(Pt, f64)> = Vec::new();
            match &inc.location {
                Location::Relative { bearing_deg, .. } => {
                    if !detail {
                        continue; // listed with their site on overview maps
                    }
                    let row = self.row_for(i);
                    let Some(shape) = shapes::location_shape(
                        self.sites,
                        inc,
                        row.map(|r| r.distance),
                        &ShapeOptions::default(),
                    ) else {
                        continue;
                    };
                    let polys = self.multipolygon_px(&shape.area)?;
                    self.sector_drawn |= bearing_deg.is_some();
                    self.scene.fill_polygons(&polys, fill);
                    for ring in polys.iter().flatten() {
                        self.scene.line(
                            ring.clone(),
                            true,
                            LineStyle::solid(Paint::with(colour, 0.8), 0.5 * u),
                        );
                    }
                    for line in &shape.nominal.0 {
                        self.scene.line(
                            self.ring_px(line)?,
                            line.is_closed() && bearing_deg.is_none(),
                            LineStyle::dashed(Paint::solid(colour), 0.9 * u, 3.0 * u, 1.5 * u),
                        );
                    }
                    self.legend.insert(LegendKey::RelativeBand);
                    self.legend.insert(LegendKey::WeaponColour(cat));
                    self.soft_obstacle(polys.iter().flatten().flatten().copied());
                    if let Some(outer) = polys.first().and_then(|p| p.first()) {
                        let n = outer.len();
                        for t in [0.1, 0.9, 0.4, 0.6, 0.25, 0.75, 0.0, 0.5] {
                            anchors.push((outer[((t * n as f64) as usize).min(n - 1)], 1.0 * u));
                        }
                    }
                }
                Location::Within { site, part, .. } => {
                    if !detail {
                        continue;
                    }
                    let Some(s) = self.referenced_site(site, part.as_deref()).cloned() else {
                        continue;
                    };
                    let k = within_count.entry(s.label()).or_insert(0);
                    let nth = *k as f64;
                    *k += 1;
                    self.legend.insert(LegendKey::Within);
                    self.legend.insert(LegendKey::WeaponColour(cat));
                    let shape =
                        shapes::location_shape(self.sites, inc, None, &ShapeOptions::default());
                    // A footprint (with its position uncertainty, if any) is drawn as the
                    // layers hold it; a point site gets a ring around its marker.
                    let area = shape
                        .filter(|_| !s.geometry.polygons().is_empty())
                        .map(|sh| sh.area);
                    if let Some(area) = area {
                        let polys = self.multipolygon_px(&area)?;
                        self.scene.fill_polygons(&polys, fill);
                        for r in polys.into_iter().flatten() {
                            self.scene.line(
                                r,
                                true,
                                LineStyle::solid(Paint::solid(colour), (1.4 + 0.8 * nth) * u),
                            );
                        }
                        anchors.push((self.px(geometry_centre(&s.geometry).0)?, 2.0 * u));
                    } else {
                        let c = self.px(geometry_centre(&s.geometry).0)?;
                        let r = 7.5 * u + nth * 2.2 * u;
                        self.scene.line(
                            circle_ring(c, r, 0.2),
                            true,
                            LineStyle::solid(Paint::solid(colour), 1.4 * u),
                        );
                        self.areas.push(Rect::around(c, r + 0.7 * u));
                        anchors.push((c, r + 1.0 * u));
                    }
                }
                Location::Area { area, centre, .. } => {
                    let polys: Vec<Vec<Vec<Pt>>> = area
                        .0
                        .iter()
                        .map(|p| self.polygon_px(p))
                        .collect::<Result<_, _>>()?;
                    self.scene.fill_polygons(&polys, fill);
                    for ring in polys.iter().flatten() {
                        self.scene.line(
                            ring.clone(),
                            true,
                            LineStyle::dashed(Paint::solid(colour), 0.7 * u, 2.5 * u, 1.5 * u),
                        );
                    }
                    self.legend.insert(LegendKey::Area);
                    self.legend.insert(LegendKey::Weapon(cat));
                    let c = self.px(centre.0)?;
                    self.incident_marker(&key, marker, c, 6.0 * u, colour);
                    anchors.push((c, 3.5 * u));
                    if let Some(outer) = polys.first().and_then(|p| p.first()) {
                        let frame = self.view.frame;
                        let step = (outer.len() / 12).max(1);
                        anchors.extend(
                            outer
                                .iter()
                                .step_by(step)
                                .filter(|p| frame.contains(**p))
                                .map(|p| (*p, 1.0 * u)),
                        );
                    }
                }
                Location::Point {
                    point,
                    uncertainty_m,
                } => {
                    let c = self.px(point.0)?;
                    if *uncertainty_m > 0.0 {
                        let circle = shapes::uncertainty_circle(*point, *uncertainty_m);
                        let ring = self.ring_px(circle.0[0].exterior())?;
                        if Rect::bounding(ring.iter().copied()).is_some_and(|b| b.width() > 3.0 * u)
                        {
                            self.scene.fill_ring(
                                ring.clone(),
                                Paint::with(style::UNCERTAINTY, style::UNCERTAINTY_OPACITY),
                            );
                            self.scene.line(
                                ring,
                                true,
                                LineStyle::solid(Paint::solid(style::UNCERTAINTY), 0.5 * u),
                            );
                            self.legend.insert(LegendKey::PointUncertainty);
                        }
                    }
                    if let Some(row) = self.row_for(i).cloned() {
                        if let Some(line) = shapes::link(row.from, row.nearest) {
                            if row.distance.nominal > 0.0 && (detail || shown.len() <= MAX_LABELLED)
                            {
                                self.draw_link(&line, &row, &key)?;
                            }
                        }
                    }
                    self.legend.insert(LegendKey::Weapon(cat));
                    self.incident_marker(&key, marker, c, 7.0 * u, colour);
                    anchors.push((c, 4.0 * u));
                }
            }
            if anchors.is_empty() || (!detail && shown.len() > MAX_LABELLED) {
                continue;
            }
            let lines = self.incident_label(i, detail);
            self.labels.push(LabelRequest::callout(
                key,
                inc.short_name(),
                lines,
                7.0 * u,
                anchors,
                if detail { 50 } else { 100 } + i as u32 % 100,
            ));
        }
        Ok(())
    }

    fn incident_label(&mut self, i: usize, detail: bool) -> Vec<LabelLine> {
        let inc = &self.incidents[i];
        let u = self.u;
        let weapon = inc
            .weapon
            .clone()
            .unwrap_or_else(|| inc.weapon_category.label().to_string());
        let mut lines = vec![LabelLine::bold(format!("{} · {}", inc.start, weapon))];
        if !detail {
            return lines;
        }
        let described = inc.location.as_described().map(str::to_string);
        let after = self.row_for(i).and_then(|r| r.after_notification);
        if let Some(d) = described {
            for l in wrap(&format!("“{d}”"), 7.0 * u, Weight::Regular, 150.0 * u) {
                lines.push(LabelLine::plain(l));
            }
        }
        lines.push(LabelLine::plain(self.figure(i)));
        if after == Some(Ternary::Yes) {
            let when = self
                .row_for(i)
                .and_then(|r| self.sites.get(r.site.index()))
                .and_then(|s| s.notified.as_ref())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            lines.push(LabelLine::plain(format!(
                "after the coordinates were notified{when}"
            )));
        }
        lines
    }

    /// Draws the line from an impact to the nearest point of its site, with the distance along it
    /// when the line is long enough to carry it (the incident's label gives it in any case).
    fn draw_link(
        &mut self,
        line: &LineString<f64>,
        row: &ProximityRow,
        key: &str,
    ) -> Result<(), RenderError> {
        let u = self.u;
        let pts = self.ring_px(line)?;
        for w in pts.windows(2) {
            self.line_obstacles.push((w[0], w[1]));
        }
        let anchors = [0.5, 0.375, 0.625, 0.25, 0.75]
            .iter()
            .map(|&t| (along(&pts, t), 0.5 * u))
            .collect();
        let (first, last) = (pts[0], pts[pts.len() - 1]);
        self.scene.line(
            pts,
            false,
            LineStyle::solid(Paint::solid(style::LINK), 0.7 * u),
        );
        self.legend.insert(LegendKey::Link);
        let size = 6.5 * u;
        let text = row.distance.to_string();
        if first.dist(last) < super::font::measure(&text, size, Weight::Regular).width + 6.0 * size
        {
            return Ok(());
        }
        self.labels.push(LabelRequest {
            key: format!("link:{key}"),
            name: format!("distance {}", row.distance),
            lines: vec![LabelLine::plain(row.distance.to_string())],
            size: 6.5 * u,
            anchors,
            priority: 2,
            look: LabelLook::Halo,
            leader: false,
            centred: false,
            colour: style::LINK,
            note_if_dropped: true,
        });
        Ok(())
    }

    fn notes_text(
        &self,
        spec: &MapSpec,
        dropped: &[DroppedLabel],
        north: &NorthArrow,
        small_scale: bool,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        let approx: Vec<&Site> = {
            let mut v: Vec<&Site> = Vec::new();
            for s in self
                .sites
                .iter()
                .filter(|s| s.position_uncertainty_m > 0.0 && s.part.is_none())
            {
                if self.view.frame.contains(
                    self.view
                        .to_px(geometry_centre(&s.geometry).0)
                        .unwrap_or(pt(-1.0, -1.0)),
                ) {
                    v.push(s);
                }
            }
            v
        };
        if approx.len() > 3 {
            notes.push(format!(
                "{} sites have approximate positions (dashed circles where visible).",
                approx.len()
            ));
        } else {
            for s in approx {
                let src = s
                    .position_source()
                    .map(|p| format!("; position from {p}"))
                    .unwrap_or_default();
                notes.push(format!(
                    "{}: position approximate, possibly off by up to {}{src}.",
                    s.name,
                    furniture::format_length(s.position_uncertainty_m)
                ));
            }
        }
        if self.legend.contains(&LegendKey::RelativeBand) {
            notes.push("No impact coordinates were published for incidents described by their distance from a site: each is drawn as the band of distances the source allows around the site's recorded position, not as a point.".into());
        }
        if self.sector_drawn {
            notes.push(format!(
                "A direction given by a source is drawn as a sector of ±{}° (one compass point) around it.",
                shapes::BEARING_HALF_WIDTH_DEG
            ));
        }
        if self.steps_used {
            notes.push(format!(
                "Distances given in steps are converted at {}.",
                spec.steps
            ));
        }
        if self.legend.contains(&LegendKey::Within) {
            notes.push("“Inside”: the source places the impact within the site; the exact point is not known.".into());
        }
        if self.legend.contains(&LegendKey::Area) {
            notes.push(
                "Some incidents are known only to a district or city: the area is shown.".into(),
            );
        }
        if !small_scale {
            notes.push("No street map is drawn: positions are shown relative to the sites' recorded coordinates.".into());
        }
        let noted: Vec<&str> = dropped
            .iter()
            .filter(|d| d.note)
            .map(|d| d.name.as_str())
            .collect();
        if !noted.is_empty() {
            let list = if noted.len() <= 4 {
                format!(": {}", noted.join("; "))
            } else {
                String::new()
            };
            notes.push(format!(
                "{} label(s) left out for lack of room{list}.",
                noted.len()
            ));
        }
        notes.push(format!(
            "Projection: {}, WGS84.",
            describe_projection(&self.view.def)
        ));
        if north.convergence_deg.abs() >= 0.5 {
            notes.push(format!("The north arrow points to true north at its position, {:.1}° from the map's vertical.", north.convergence_deg.abs()));
        }
        notes
    }
}

/// Overview maps label incident points one by one up to this many incidents.
const MAX_LABELLED: usize = 200;

/// A count with thousands separators: `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The site's address when it is a short street address (not a note such as "not found: …").
fn short_address(s: &Site) -> Option<String> {
    s.address()
        .filter(|a| a.chars().count() <= 45 && !a.to_ascii_lowercase().starts_with("not found"))
        .map(str::to_string)
}

/// A plain description of a projection for the map's notes.
pub fn describe_projection(def: &ProjectionDef) -> String {
    let ll = |lon: f64, lat: f64| {
        format!(
            "{:.4}° {}, {:.4}° {}",
            lat.abs(),
            if lat >= 0.0 { "N" } else { "S" },
            lon.abs(),
            if lon >= 0.0 { "E" } else { "W" }
        )
    };
    match *def {
        ProjectionDef::Stereographic { lon0, lat0 } => {
            format!("oblique stereographic centred on {}", ll(lon0, lat0))
        }
        ProjectionDef::LambertConformalConic {
            lon0, lat1, lat2, ..
        } => {
            format!("Lambert conformal conic, standard parallels {lat1:.1}° and {lat2:.1}°, central meridian {lon0:.1}°")
        }
        ProjectionDef::Utm { zone, north } => {
            format!("UTM zone {zone}{}", if north { "N" } else { "S" })
        }
        ProjectionDef::TransverseMercator { lon0, lat0, .. } => {
            format!("transverse Mercator centred on {}", ll(lon0, lat0))
        }
        ProjectionDef::AzimuthalEquidistant { lon0, lat0 } => {
            format!("azimuthal equidistant centred on {}", ll(lon0, lat0))
        }
    }
}

/// "2 Jan 2024 – 14 Nov 2025", or one date, or "".
pub fn period(dates: &[&DateSpan]) -> String {
    let first = dates.iter().min_by_key(|d| d.first);
    let last = dates.iter().max_by_key(|d| d.last);
    match (first, last) {
        (Some(a), Some(b)) if a.first == b.first && a.precision == b.precision => a.to_string(),
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => String::new(),
    }
}

fn titles(
    spec: &MapSpec,
    c: &Ctx<'_>,
    shown: &[usize],
    focus: Option<&str>,
    basemap: &Basemap,
) -> (String, String) {
    let dates: Vec<&DateSpan> = shown.iter().map(|&i| &c.incidents[i].start).collect();
    let when = period(&dates);
    let n = shown.len();
    let count = match n {
        0 => "no incidents recorded".to_string(),
        1 => "1 incident".to_string(),
        n => format!("{} incidents", thousands(n)),
    };
    match focus {
        Some(id) => {
            let site = c
                .sites
                .iter()
                .find(|s| s.id == id && s.part.is_none())
                .or_else(|| c.sites.iter().find(|s| s.id == id));
            let name = site.map_or_else(|| id.to_string(), |s| s.name.to_string());
            let address = site.and_then(short_address);
            let place = address.or_else(|| {
                let centre = site.map(|s| geometry_centre(&s.geometry))?;
                basemap
                    .cities
                    .iter()
                    .map(|k| (geodesy::distance_m(centre, k.position), k))
                    .filter(|(d, _)| *d < 30_000.0)
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| k.name.clone())
            });
            let title = spec.title.clone().unwrap_or_else(|| {
                format!(
                    "Incidents at and near the {}",
                    name.trim_start_matches("the ")
                )
            });
            let sub = [place, Some(count), (!when.is_empty()).then_some(when)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            (title, sub)
        }
        None => {
            let n_sites = {
                let mut ids: Vec<&str> = c.sites.iter().map(|s| s.id.as_str()).collect();
                ids.sort();
                ids.dedup();
                ids.len()
            };
            let title = spec.title.clone().unwrap_or_else(|| match spec.kind {
                MapKind::Overview {
                    extent: Extent::Country,
                } => "Incidents at protected sites in Ukraine".into(),
                _ => "Incidents at protected sites".into(),
            });
            let sub = [
                Some(format!(
                    "{count} at {n_sites} site{}",
                    if n_sites == 1 { "" } else { "s" }
                )),
                (!when.is_empty()).then_some(when),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            (title, sub)
        }
    }
}

/// "Sources: A (published); B. Data as of DATE." from the shown incidents' sources.
fn sources_line(incidents: &[Incident], shown: &[usize]) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut latest: Option<DateSpan> = None;
    for &i in shown {
        let inc = &incidents[i];
        if latest.as_ref().is_none_or(|l| inc.start.last > l.last) {
            latest = Some(inc.start.clone());
        }
        for s in &inc.sources {
            let entry = match &s.published {
                Some(p) => format!("{} ({p})", s.title),
                None => s.title.clone(),
            };
            if let Some(p) = s.published.as_deref().and_then(|p| DateSpan::parse(p).ok()) {
                if latest.as_ref().is_none_or(|l| p.last > l.last) {
                    latest = Some(p);
                }
            }
            if !s.title.is_empty() && !seen.contains(&entry) {
                seen.push(entry);
            }
        }
    }
    let mut line = if seen.is_empty() {
        "Sources: none given in the data.".to_string()
    } else {
        format!("Sources: {}.", seen.join("; "))
    };
    if let Some(l) = latest {
        line.push_str(&format!(" Data as of {l}."));
    }
    line
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

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn default_rings_are_round_and_inside_the_radius() {
        assert_eq!(default_rings(390.0), vec![50.0, 100.0, 250.0]);
        assert_eq!(default_rings(13_000.0), vec![2_500.0, 5_000.0, 10_000.0]);
    }
}
