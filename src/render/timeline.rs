//! The timeline chart: incidents on a time axis against their distance to the site, with the
//! distance's range as a bar, incidents inside the site at 0, markers by weapon category and
//! the date the sites' coordinates were notified.

use super::font::measure;
use super::furniture::{self, text};
use super::geom::{pt, Pt, Rect};
use super::labels::{draw_label, LabelLine, LabelLook, LabelRequest, PlacedLabel, Placer};
use super::map::period;
use super::page::areas;
use super::page::Page;
use super::scene::{Anchor, Cap, LineStyle, Paint, Scene, Text, Weight};
use super::symbols::{draw_marker, LegendKey};
use super::RenderError;
use crate::model::{DateSpan, Incident, Interval, Site, TimePrecision};
use crate::proximity::{ProximityRow, Ternary};
use crate::style;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use std::path::Path;

/// A timeline to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineSpec {
    /// Page size and resolution.
    pub page: Page,
    /// Title (default: "Incidents over time and their distance to the site").
    pub title: Option<String>,
    /// Only incidents whose row refers to this site id (default: all).
    pub site: Option<String>,
}

/// One incident as plotted.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineMark {
    /// Incident id.
    pub incident: String,
    /// Marker centre, pixels.
    pub centre: Pt,
    /// Distance range drawn, as pixel rows (top = max, bottom = min).
    pub range_px: (f64, f64),
    /// The distance figure.
    pub distance: Interval,
    /// Marker colour.
    pub colour: style::Rgb,
}

/// What the chart shows and where.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineLayout {
    /// The plot area, pixels.
    pub plot: Rect,
    /// First and last day of the data (incidents and notifications).
    pub days: (NaiveDate, NaiveDate),
    /// The time axis from the plot's left to its right edge, in days from the Common Era
    /// (`NaiveDate::num_days_from_ce`; fractions are parts of a day).
    pub axis_days: (f64, f64),
    /// The distance axis from the plot's bottom to its top edge, metres.
    pub axis_m: (f64, f64),
    /// Incidents plotted.
    pub marks: Vec<TimelineMark>,
    /// Labels placed.
    pub labels: Vec<PlacedLabel>,
    /// Legend entries.
    pub legend: Vec<String>,
    /// Notification dates marked, with their x position.
    pub notified: Vec<(String, f64)>,
    /// Title and subtitle.
    pub title: (String, String),
    /// Notes printed.
    pub notes: Vec<String>,
}

/// Draws the timeline and writes it to `out` (PNG or SVG by extension, atomically).
pub fn render_timeline(
    spec: &TimelineSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    out: &Path,
) -> Result<TimelineLayout, RenderError> {
    let (scene, layout) = build_timeline(spec, sites, incidents, rows)?;
    super::write_scene(&scene, out)?;
    Ok(layout)
}

/// One plotted incident before layout.
struct Item<'a> {
    incident: &'a Incident,
    site: &'a Site,
    distance: Interval,
    inside: Ternary,
}

/// Days since the Common Era, as a continuous axis value.
fn day(d: NaiveDate) -> f64 {
    d.num_days_from_ce() as f64
}

/// Builds the chart's scene and layout without writing anything.
pub fn build_timeline(
    spec: &TimelineSpec,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
) -> Result<(Scene, TimelineLayout), RenderError> {
    if let Some(id) = &spec.site {
        if !sites.iter().any(|s| s.id == id) {
            return Err(RenderError::Spec(format!(
                "--site `{id}` is not a site id in the sites file"
            )));
        }
    }
    // The nearest row of each incident (for the chosen site).
    let mut items: Vec<Item> = Vec::new();
    let mut without = 0;
    for (i, inc) in incidents.iter().enumerate() {
        let row = rows
            .iter()
            .filter(|r| r.incident == i)
            .filter(|r| {
                spec.site
                    .as_ref()
                    .is_none_or(|id| sites.get(r.site.index()).is_some_and(|s| s.id == id))
            })
            .min_by(|a, b| a.distance.nominal.total_cmp(&b.distance.nominal));
        match row.and_then(|r| sites.get(r.site.index()).map(|s| (r, s))) {
            Some((r, s)) => items.push(Item {
                incident: inc,
                site: s,
                distance: r.distance,
                inside: r.inside,
            }),
            None if spec.site.is_none() => without += 1,
            None => {}
        }
    }
    items.sort_by(|a, b| {
        a.incident
            .start
            .first
            .cmp(&b.incident.start.first)
            .then(a.incident.id.cmp(&b.incident.id))
    });
    if items.is_empty() {
        return Err(RenderError::Spec(
            "no incident has a distance to a site: nothing to put on a timeline".into(),
        ));
    }

    let page = spec.page;
    let u = page.px_per_pt();
    let a = areas(&page, u);
    let mut scene = Scene::new(page.width_px, page.height_px, page.dpi, style::HALO);
    let mut legend: BTreeSet<LegendKey> = BTreeSet::new();

    // Notification spans of the sites shown.
    let mut notified: Vec<(DateSpan, Vec<&str>)> = Vec::new();
    for it in &items {
        let site = sites
            .iter()
            .find(|s| s.id == it.site.id && s.notified.is_some())
            .unwrap_or(it.site);
        if let Some(n) = &site.notified {
            match notified.iter_mut().find(|(d, _)| d == &**n) {
                Some((_, names)) => {
                    if !names.contains(&site.name.as_str()) {
                        names.push(&site.name)
                    }
                }
                None => notified.push(((**n).clone(), vec![&site.name])),
            }
        }
    }

    // Axes ranges.
    let mut t0 = items
        .iter()
        .map(|i| i.incident.start.first)
        .min()
        .unwrap_or_default();
    let mut t1 = items
        .iter()
        .map(|i| i.incident.start.last)
        .max()
        .unwrap_or_default();
    for (n, _) in &notified {
        t0 = t0.min(n.first);
        t1 = t1.max(n.last);
    }
    let span = (day(t1) - day(t0)).max(30.0);
    let max_m = items.iter().map(|i| i.distance.max).fold(0.0, f64::max);
    let y_step = nice_step(max_m.max(1.0) / 4.0);
    let y_max = ((max_m * 1.15) / y_step).ceil().max(1.0) * y_step;

    // Plot area inside the frame: room for axis labels left and below.
    let frame = a.frame;
    let tick = 7.0 * u;
    let y_label_w = measure(&format_m(y_max), tick, Weight::Regular)
        .width
        .max(measure("0 (inside)", tick, Weight::Regular).width);
    let plot = Rect::new(
        frame.x0 + y_label_w + 22.0 * u,
        frame.y0 + 8.0 * u,
        frame.x1 - 8.0 * u,
        frame.y1 - 26.0 * u,
    );
    // Labels, and room on the right for the latest one beside its marker.
    let label_size = 6.5 * u;
    let lines: Vec<Vec<LabelLine>> = items.iter().map(|it| incident_lines(it)).collect();
    let (x0d, x1d) = (day(t0) - 0.05 * span, day(t1) + 0.08 * span);
    let x_of = |d: f64| plot.x0 + (d - x0d) / (x1d - x0d) * plot.width();
    // Zero sits a little above the axis, so markers at 0 (inside) and their labels have room.
    let y_min = -0.08 * y_max;
    let y_of = |m: f64| plot.y1 - (m - y_min) / (y_max - y_min) * plot.height();

    // Grid, ticks and axis labels.
    let grid = LineStyle::solid(Paint::solid(style::Rgb(0xe2, 0xe2, 0xe2)), 0.5 * u);
    let axis = LineStyle {
        paint: Paint::solid(style::FRAME),
        width: 0.7 * u,
        dash: None,
        cap: Cap::Butt,
    };
    let mut m = 0.0;
    while m <= y_max + 1e-9 {
        let y = y_of(m);
        scene.line(vec![pt(plot.x0, y), pt(plot.x1, y)], false, grid.clone());
        let label = if m == 0.0 {
            "0 (inside)".to_string()
        } else {
            format_m(m)
        };
        scene.text(text(
            &label,
            pt(plot.x0 - 3.0 * u, y + 0.35 * tick),
            tick,
            Weight::Regular,
            Anchor::End,
            style::TEXT_MUTED,
        ));
        m += y_step;
    }
    for (d, label) in time_ticks(x0d, x1d) {
        let x = x_of(d);
        scene.line(vec![pt(x, plot.y0), pt(x, plot.y1)], false, grid.clone());
        scene.line(
            vec![pt(x, plot.y1), pt(x, plot.y1 + 3.0 * u)],
            false,
            axis.clone(),
        );
        scene.text(text(
            &label,
            pt(x, plot.y1 + 3.0 * u + tick),
            tick,
            Weight::Regular,
            Anchor::Middle,
            style::TEXT_MUTED,
        ));
    }
    scene.line(
        vec![
            pt(plot.x0, plot.y0),
            pt(plot.x0, plot.y1),
            pt(plot.x1, plot.y1),
        ],
        false,
        axis.clone(),
    );
    scene.text(text(
        "Date of the incident",
        pt(plot.centre().x, frame.y1 - 2.0 * u),
        7.5 * u,
        Weight::Bold,
        Anchor::Middle,
        style::TEXT,
    ));
    scene.text(Text {
        angle_deg: -90.0,
        ..text(
            "Distance to the site (m)",
            pt(frame.x0 + 8.0 * u, plot.centre().y),
            7.5 * u,
            Weight::Bold,
            Anchor::Middle,
            style::TEXT,
        )
    });

    // Notification dates.
    let mut notified_out = Vec::new();
    let mut placer = Placer::new(plot.inflate(-u));
    let mut requests = Vec::new();
    for (k, (n, names)) in notified.iter().enumerate() {
        let (xa, xb) = (x_of(day(n.first)), x_of(day(n.last) + 1.0));
        if n.first != n.last {
            scene.fill_rect(
                Rect::new(xa, plot.y0, xb, plot.y1),
                Paint::with(style::NOTIFIED, 0.15),
            );
        }
        scene.line(
            vec![pt(xa, plot.y0), pt(xa, plot.y1)],
            false,
            LineStyle::dashed(Paint::solid(style::NOTIFIED), 0.9 * u, 3.0 * u, 2.0 * u),
        );
        legend.insert(LegendKey::Notified);
        notified_out.push((n.to_string(), xa));
        let who = if names.len() == 1 {
            names[0].to_string()
        } else {
            format!("{} sites", names.len())
        };
        requests.push(LabelRequest {
            key: format!("notified:{k}"),
            name: format!("notification {n}"),
            lines: vec![
                LabelLine::bold(format!("Coordinates notified: {n}")),
                LabelLine::plain(who),
            ],
            size: 6.5 * u,
            anchors: vec![
                (pt(xb, plot.y0 + 14.0 * u), 1.5 * u),
                (pt(xb, plot.centre().y), 1.5 * u),
            ],
            priority: 0,
            look: LabelLook::Halo,
            leader: true,
            centred: false,
            colour: style::NOTIFIED,
            note_if_dropped: true,
        });
    }

    // Incidents: date range, distance range, marker.
    let mut marks = Vec::new();
    let bar = |c: style::Rgb| LineStyle {
        paint: Paint::solid(c),
        width: 1.0 * u,
        dash: None,
        cap: Cap::Butt,
    };
    for (k, it) in items.iter().enumerate() {
        let inc = it.incident;
        let (colour, marker) = style::weapon_style(inc.weapon_category);
        let x =
            x_of(day(inc.start.first) + (day(inc.start.last) - day(inc.start.first) + 1.0) / 2.0);
        let y = y_of(it.distance.nominal);
        let (ytop, ybot) = (y_of(it.distance.max), y_of(it.distance.min));
        let cap = 2.5 * u;
        if ybot - ytop > 1.0 * u {
            scene.line(vec![pt(x, ytop), pt(x, ybot)], false, bar(colour));
            scene.line(
                vec![pt(x - cap, ytop), pt(x + cap, ytop)],
                false,
                bar(colour),
            );
            scene.line(
                vec![pt(x - cap, ybot), pt(x + cap, ybot)],
                false,
                bar(colour),
            );
            legend.insert(LegendKey::DistanceRange);
            placer.add_obstacle(Rect::new(x - cap, ytop, x + cap, ybot).inflate(0.5 * u));
        }
        if inc.start.precision >= TimePrecision::Week {
            let (xa, xb) = (x_of(day(inc.start.first)), x_of(day(inc.start.last) + 1.0));
            scene.line(vec![pt(xa, y), pt(xb, y)], false, bar(colour));
            scene.line(vec![pt(xa, y - cap), pt(xa, y + cap)], false, bar(colour));
            scene.line(vec![pt(xb, y - cap), pt(xb, y + cap)], false, bar(colour));
            legend.insert(LegendKey::DateRange);
        }
        let c = pt(x, y);
        let rect = draw_marker(&mut scene, marker, c, 8.0 * u, colour, 0.6 * u);
        // Markers keep a little room around them (as on maps), so a label does not seem to
        // name its neighbour.
        placer.add_obstacle(rect.inflate(1.5 * u));
        legend.insert(LegendKey::Weapon(inc.weapon_category));
        marks.push(TimelineMark {
            incident: inc.id.clone(),
            centre: c,
            range_px: (ytop, ybot),
            distance: it.distance,
            colour,
        });
        requests.push(LabelRequest::callout(
            format!("incident:{}", inc.id),
            inc.short_name(),
            lines[k].clone(),
            label_size,
            vec![(c, rect.width().hypot(rect.height()) / 2.0 + 1.5 * u)],
            10 + k as u32,
        ));
    }
    let placed = placer.place_all(requests);
    for (r, p) in &placed {
        // Markers stand close together on a time axis: every label gets a leader to its own.
        let mut p = p.clone();
        if p.leader.is_none() {
            if let Some(&(a, clear)) = r.anchors.first() {
                let end = pt(
                    a.x.clamp(p.rect.x0, p.rect.x1),
                    a.y.clamp(p.rect.y0, p.rect.y1),
                );
                let d = a.dist(end);
                if d > clear - 1.5 * u {
                    p.leader = Some((a.lerp(end, ((clear - 1.5 * u) / d).max(0.0)), end));
                }
            }
        }
        draw_label(&mut scene, r, &p, 0.5 * u);
    }

    // Title, legend, notes.
    let site_names: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for it in &items {
            if !v.contains(&it.site.name.as_str()) {
                v.push(&it.site.name);
            }
        }
        v
    };
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| "Incidents over time and their distance to the site".into());
    let dates: Vec<&DateSpan> = items.iter().map(|i| &i.incident.start).collect();
    let what = if site_names.len() == 1 {
        site_names[0].to_string()
    } else {
        format!("{} sites", site_names.len())
    };
    let subtitle = format!(
        "{what} · {} incident{} · {}",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        period(&dates)
    );
    furniture::title_block(&mut scene, &a.title, &title, &subtitle, u);
    let keys: Vec<LegendKey> = legend.iter().cloned().collect();
    let y = furniture::legend(&mut scene, &a.panel, a.panel.y0, &keys, 7.0 * u, u);
    let mut notes = vec![
        "Distance: to the nearest point of the site (or the part the source names); 0 when the source places the incident inside the site.".to_string(),
    ];
    // Caveats the data gives (conflicting dates, readings of "about"), when few enough to print.
    if items.len() <= 10 {
        for it in &items {
            if let Some(n) = &it.incident.notes {
                notes.push(format!("{}: {n}", it.incident.short_name()));
            }
        }
    }
    if without > 0 {
        notes.push(format!(
            "{without} incident(s) without a distance to a site are not shown."
        ));
    }
    let noted: Vec<&str> = placer
        .dropped()
        .iter()
        .filter(|d| d.note)
        .map(|d| d.name.as_str())
        .collect();
    if !noted.is_empty() {
        notes.push(format!(
            "{} label(s) left out for lack of room: {}.",
            noted.len(),
            noted.join("; ")
        ));
    }
    furniture::text_block(
        &mut scene,
        &a.panel,
        y + 2.0 * u,
        Some("Notes"),
        &notes,
        6.5 * u,
        u,
    );

    let layout = TimelineLayout {
        plot,
        days: (t0, t1),
        axis_days: (x0d, x1d),
        axis_m: (y_min, y_max),
        marks,
        labels: placed.into_iter().map(|(_, p)| p).collect(),
        legend: keys.iter().map(|k| k.label()).collect(),
        notified: notified_out,
        title: (title, subtitle),
        notes,
    };
    Ok((scene, layout))
}

/// A plotted incident's label: date and distance, then the site.
fn incident_lines(it: &Item<'_>) -> Vec<LabelLine> {
    let figure = match it.inside {
        Ternary::Yes => format!("inside ({})", it.distance),
        Ternary::Possible => format!("{}, possibly inside", it.distance),
        Ternary::No => it.distance.to_string(),
    };
    vec![
        LabelLine::bold(format!("{} · {figure}", it.incident.start)),
        LabelLine::plain(short_site_name(&it.site.name)),
    ]
}

/// The name cut at a word to at most 36 characters.
fn short_site_name(name: &str) -> String {
    if name.chars().count() <= 36 {
        return name.to_string();
    }
    let mut out = String::new();
    for w in name.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > 34 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    format!("{}…", out.trim_end_matches([',', ';']))
}

/// A round step (1, 2, 2.5 or 5 × 10ⁿ) not below `raw`.
fn nice_step(raw: f64) -> f64 {
    let e = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * e)
        .find(|v| *v >= raw)
        .unwrap_or(10.0 * e)
}

fn format_m(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m}")
    }
}

/// Ticks for a time axis from day `x0` to `x1` (days from the Common Era): years, quarters or
/// months, whichever gives at most about eight.
fn time_ticks(x0: f64, x1: f64) -> Vec<(f64, String)> {
    let from = NaiveDate::from_num_days_from_ce_opt(x0.ceil() as i32).unwrap_or_default();
    let to = NaiveDate::from_num_days_from_ce_opt(x1.floor() as i32).unwrap_or_default();
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let every = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|m| months / m <= 8)
        .unwrap_or(120);
    let mut out = Vec::new();
    let (mut y, mut mo) = (from.year(), from.month());
    loop {
        if let Some(d) = NaiveDate::from_ymd_opt(y, mo, 1) {
            if d > to {
                break;
            }
            let index = y * 12 + mo as i32 - 1;
            if d >= from && index % every == 0 {
                let label = if every >= 12 {
                    format!("{y}")
                } else {
                    d.format("%b %Y").to_string()
                };
                out.push((day(d), label));
            }
        }
        mo += 1;
        if mo > 12 {
            mo = 1;
            y += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ticks_fall_on_first_days_and_are_few() {
        let d = |s: &str| day(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        let ticks = time_ticks(d("2022-02-01"), d("2025-12-31"));
        assert!(ticks.len() <= 8 && ticks.len() >= 3, "{ticks:?}");
        assert_eq!(ticks[0].1, "Jul 2022");
        let ticks = time_ticks(d("2025-07-20"), d("2025-09-10"));
        assert_eq!(
            ticks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["Aug 2025", "Sep 2025"]
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(20.0), 20.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(2100.0), 2500.0);
    }
}
