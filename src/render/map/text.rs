//! The words on a map: titles, labels, notes and the sources line.

use super::{geometry_centre, Ctx, Extent, MapKind, MapSpec};
use crate::basemap::Basemap;
use crate::geodesy;
use crate::model::{DateSpan, Incident, Location, Site, StepLength};
use crate::projection::ProjectionDef;
use crate::proximity::Ternary;
use crate::render::font::wrap;
use crate::render::furniture::{self, NorthArrow};
use crate::render::geom::pt;
use crate::render::labels::{DroppedLabel, LabelLine};
use crate::render::scene::Weight;
use crate::render::symbols::LegendKey;
use crate::shapes;
use crate::style;
impl Ctx<'_> {
    /// For overview maps: one line per incident at a site (relative or within), with its marker.
    pub(super) fn incident_list(&mut self, site_id: &str) -> Vec<LabelLine> {
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
    pub(super) fn figure(&mut self, i: usize) -> String {
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

    pub(super) fn incident_label(&mut self, i: usize, detail: bool) -> Vec<LabelLine> {
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

    pub(super) fn notes_text(
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
        let backdrop = self
            .legend
            .iter()
            .any(|k| matches!(k, LegendKey::Backdrop(_)));
        if backdrop {
            notes.push("The picture under the map is placed by its own georeferencing, which may be off by its own accuracy; positions are the sites' recorded coordinates.".into());
        } else if !small_scale && self.ground_credits.is_empty() {
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

/// A count with thousands separators: `10,000`.
pub(crate) fn thousands(n: usize) -> String {
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
pub(super) fn short_address(s: &Site) -> Option<String> {
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

pub(super) fn titles(
    spec: &MapSpec,
    c: &Ctx<'_>,
    shown: &[usize],
    focus: Option<&str>,
    basemap: &Basemap,
    place: &super::place::Place,
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
            let names = basemap.names(&place.countries);
            let title = spec.title.clone().unwrap_or_else(|| match spec.kind {
                MapKind::Overview {
                    extent: Extent::Country,
                } if !names.is_empty() => format!("Incidents at protected sites in {names}"),
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
pub(super) fn sources_line(incidents: &[Incident], shown: &[usize]) -> String {
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
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
