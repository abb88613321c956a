//! The panel beside (or below) a map: the locator inset of a detail map, the legend, the notes
//! and the sources with the data's attribution.

use super::incidents::MAX_LABELLED;
use super::text::{sources_line, thousands};
use super::{Ctx, Drawn, MapSpec};
use crate::basemap::Basemap;
use crate::render::furniture::{self, NorthArrow};
use crate::render::geom::{pt, Rect};
use crate::render::labels::DroppedLabel;
use crate::render::symbols::LegendKey;
use crate::render::RenderError;
use geo_types::{Coord, MultiPolygon};
/// The words of a drawn panel, for the map's layout.
pub(super) struct PanelText {
    /// Legend entries, in order.
    pub(super) legend: Vec<String>,
    /// Notes, in order.
    pub(super) notes: Vec<String>,
    /// The sources line.
    pub(super) sources: String,
    /// Credits for the basemap and site data, or empty.
    pub(super) attribution: String,
    /// The locator inset, if drawn.
    pub(super) inset: Option<super::Inset>,
}

impl Ctx<'_> {
    /// Draws the panel in `panel` (pixels): the inset (detail maps), legend, notes, sources and
    /// attribution. `dropped` are the labels left out, `north` the north arrow drawn.
    pub(super) fn draw_panel(
        &mut self,
        spec: &MapSpec,
        panel: Rect,
        drawn: &Drawn,
        basemap: &Basemap,
        dropped: &[DroppedLabel],
        north: &NorthArrow,
    ) -> Result<PanelText, RenderError> {
        let u = self.u;
        let shown = &drawn.shown;
        let mut y = panel.y0;
        let mut inset = None;
        if drawn.focus.is_some() && !drawn.place.countries.is_empty() {
            let h = (panel.width() * 0.62).min(panel.height() * 0.3);
            let r = self.draw_inset(Rect::xywh(panel.x0, y, panel.width(), h), basemap, drawn)?;
            y = r.y1 + 8.0 * u;
            inset = Some(super::Inset {
                frame: r,
                country: basemap.countries[drawn.place.countries[0]].name.clone(),
            });
        }
        let keys: Vec<LegendKey> = self.legend.iter().cloned().collect();
        let body = 7.0 * u;
        y = furniture::legend(&mut self.scene, &panel, y, &keys, body, u);
        let mut notes =
            self.notes_text(spec, dropped, north, drawn.focus.is_none() || drawn.regions);
        // Caveats the data gives for the incidents (conflicting dates, readings of "about"),
        // when there are few enough to print.
        if shown.len() <= 10 {
            let at = notes
                .iter()
                .position(|n| n.starts_with("Projection:"))
                .unwrap_or(notes.len());
            let caveats: Vec<String> = shown
                .iter()
                .filter_map(|&i| {
                    let inc = &self.incidents[i];
                    inc.notes
                        .as_ref()
                        .map(|n| format!("{}: {n}", inc.short_name()))
                })
                .collect();
            notes.splice(at..at, caveats);
        }
        // Where the outline of a detail map's site comes from (an OSM footprint, or why it
        // stayed a point), as the basis of every figure measured to it says.
        if let Some(focus) = &drawn.focus {
            let at = notes
                .iter()
                .position(|n| n.starts_with("Projection:"))
                .unwrap_or(notes.len());
            let mut footprints: Vec<String> = self
                .sites
                .iter()
                .filter(|s| s.id == focus.id)
                .filter_map(|s| s.details().footprint.as_deref())
                .map(|f| format!("{}.", capitalised(f)))
                .collect();
            footprints.dedup();
            notes.splice(at..at, footprints);
        }
        if drawn.focus.is_none() && shown.len() > MAX_LABELLED {
            notes.insert(
                0,
                format!(
                    "With {} incidents shown, incident points are not labelled one by one.",
                    thousands(shown.len())
                ),
            );
        }
        y = furniture::text_block(
            &mut self.scene,
            &panel,
            y + 2.0 * u,
            Some("Notes"),
            &notes,
            6.5 * u,
            u,
        );
        let sources = sources_line(self.incidents, shown);
        let attribution = self.attribution(drawn, basemap);
        let mut paras = vec![sources.clone()];
        if !attribution.is_empty() {
            paras.push(attribution.clone());
        }
        furniture::text_block(
            &mut self.scene,
            &panel,
            y,
            Some("Sources"),
            &paras,
            6.5 * u,
            u,
        );
        Ok(PanelText {
            legend: keys.iter().map(|k| k.label()).collect(),
            notes,
            sources,
            attribution,
            inset,
        })
    }

    /// Draws the locator inset in `rect`: the focus site's country (its parts near the site),
    /// its regions and capital, with the map's frame marked. Returns the inset's box.
    fn draw_inset(
        &mut self,
        rect: Rect,
        basemap: &Basemap,
        drawn: &Drawn,
    ) -> Result<Rect, RenderError> {
        let frame = self.view.frame;
        let extent: Vec<Coord<f64>> = [frame.x0, frame.x1, frame.x1, frame.x0]
            .iter()
            .zip([frame.y0, frame.y0, frame.y1, frame.y1])
            .map(|(x, y)| self.view.from_px(pt(*x, y)))
            .collect::<Result<_, _>>()?;
        let place = &drawn.place;
        let country = &basemap.countries[place.countries[0]];
        let outline = MultiPolygon(place.parts.clone());
        let regions: Vec<&MultiPolygon<f64>> =
            basemap.regions_of(&country.code).map(|r| &r.area).collect();
        let capital = basemap
            .capital_of(&country.iso2)
            .filter(|_| !country.iso2.is_empty())
            .map(|k| (k.name.as_str(), k.position.0));
        furniture::inset(
            &mut self.scene,
            rect,
            &outline,
            &regions,
            capital,
            &extent,
            self.u,
        )
    }

    /// Credits for the basemap (when any of it is drawn) and for OpenStreetMap site data.
    fn attribution(&self, drawn: &Drawn, basemap: &Basemap) -> String {
        let mut attribution = self.credits.clone();
        if drawn.regions || drawn.cities || (drawn.focus.is_some() && !basemap.is_empty()) {
            attribution.push(format!("Basemap: {}", basemap.attribution.join("; ")));
        }
        if self.sites.iter().any(|s| {
            s.position_source().is_some_and(|p| {
                p.to_ascii_lowercase().contains("openstreetmap") || p.contains("OSM")
            }) || s
                .details()
                .footprint
                .as_deref()
                .is_some_and(|f| f.starts_with("footprint: OSM"))
        }) {
            attribution.push("© OpenStreetMap contributors (ODbL)".into());
        }
        for credit in &self.ground_credits {
            if !attribution.contains(credit) {
                attribution.push(credit.clone());
            }
        }
        attribution.join(". ")
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
