//! The basemap under a map: country, regions and cities.

use super::{geometry_centre, Ctx};
use crate::render::basemap::Basemap;
use crate::render::furniture::project_multipolygon;
use crate::render::geom::Pt;
use crate::render::labels::{LabelLine, LabelLook, LabelRequest};
use crate::render::scene::{LineStyle, Paint};
use crate::render::symbols::{draw_marker, LegendKey};
use crate::render::RenderError;
use crate::style;
use geo_types::Coord;
impl Ctx<'_> {
    pub(super) fn draw_basemap(&mut self, b: &Basemap) -> Result<(), RenderError> {
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

    pub(super) fn draw_cities(&mut self, b: &Basemap) -> Result<(), RenderError> {
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
}
