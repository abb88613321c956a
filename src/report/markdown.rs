//! `report.md`: the figures, maps and sources of a case, for a reader.

use super::Case;
use crate::io::layers::LeftOut;
use crate::io::markdown::{cell, inline, link};
use crate::io::table::{write_table, TableFormat};
use crate::model::{Incident, Location, Site, StepLength};
use crate::proximity::{ProximityRow, Ternary};
use crate::render::MapLayout;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A map as drawn, for the report to show and cite.
pub(super) struct DrawnMap {
    /// File, relative to the report.
    pub file: PathBuf,
    /// Section heading.
    pub heading: String,
    /// The site a detail map is about.
    pub site: Option<String>,
    /// What was drawn (projection, scale).
    pub layout: MapLayout,
}

/// The whole `report.md`.
pub(super) fn report(
    case: &Case,
    rows: &[ProximityRow],
    maps: &[DrawnMap],
    timeline: Option<&Path>,
    steps: &StepLength,
    left_out: &[LeftOut],
) -> String {
    let (sites, incidents) = (&case.sites, &case.incidents);
    let mut md = String::new();
    let title = case
        .config
        .title
        .clone()
        .unwrap_or_else(|| default_title(sites));
    let _ = writeln!(md, "# {}\n", inline(&title));
    if let Some(sub) = &case.config.subtitle {
        let _ = writeln!(md, "_{}_\n", inline(sub));
    }
    let _ = writeln!(
        md,
        "Figures computed by impactmap {} from `{}`{}. Distances are geodesic on the WGS84 ellipsoid, in metres.\n",
        env!("CARGO_PKG_VERSION"),
        case.dir.display(),
        case.config.data_as_of.as_ref().map(|d| format!(", data as of {d}")).unwrap_or_default()
    );

    summary(&mut md, sites, incidents, rows);

    if let Some(overview) = maps.iter().find(|m| m.site.is_none()) {
        let _ = writeln!(
            md,
            "![{}]({})\n",
            inline(&overview.heading),
            overview.file.display()
        );
    }

    let _ = writeln!(md, "## Proximity figures\n");
    let mut table = Vec::new();
    let _ = write_table(&mut table, TableFormat::Markdown, rows, sites, incidents);
    md.push_str(&String::from_utf8_lossy(&table));
    let _ = writeln!(
        md,
        "\nThe same table is in `proximity.csv` (for spreadsheets) and `proximity.json`, with the nearest point's coordinates and every column.\n"
    );

    for map in maps.iter().filter(|m| m.site.is_some()) {
        let id = map.site.as_deref().unwrap_or_default();
        site_section(&mut md, sites, incidents, rows, id, map);
    }

    if let Some(t) = timeline {
        let _ = writeln!(
            md,
            "## Timeline\n\n![Incidents over time and their distance to the site]({})\n",
            t.display()
        );
    }

    method(&mut md, rows, incidents, steps, maps);
    sources(&mut md, incidents, sites);
    ground_credits(&mut md, maps);
    files(&mut md, left_out);
    md
}

fn default_title(sites: &[Site]) -> String {
    match sites {
        [one] => format!("Incidents at and near {}", one.name),
        _ => "Incidents at and near protected sites".into(),
    }
}

fn summary(md: &mut String, sites: &[Site], incidents: &[Incident], rows: &[ProximityRow]) {
    let mut dates: Vec<_> = incidents.iter().map(|i| i.start.first).collect();
    dates.sort();
    let _ = writeln!(md, "## Summary\n");
    if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
        let _ = writeln!(
            md,
            "- {} incidents between {} and {}, measured against {} sites.",
            incidents.len(),
            first.format("%-d %B %Y"),
            last.format("%-d %B %Y"),
            sites.len()
        );
    }
    let inside = rows.iter().filter(|r| r.inside == Ternary::Yes).count();
    let _ = writeln!(md, "- {inside} inside a site, by the sources' account.");
    for site in sites.iter().filter(|s| s.notified.is_some()) {
        let after: Vec<&str> = rows
            .iter()
            .filter(|r| sites[r.site].id == site.id && r.after_notification == Some(Ternary::Yes))
            .map(|r| incidents[r.incident].id.as_str())
            .collect();
        if !after.is_empty() {
            let _ = writeln!(
                md,
                "- {} of them at or near the {} came after its coordinates were notified ({}).",
                after.len(),
                inline(&site.name),
                inline(
                    &site
                        .notified
                        .as_ref()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                )
            );
        }
    }
    let approximate: Vec<String> = sites
        .iter()
        .filter(|s| s.position_uncertainty_m > 0.0)
        .map(|s| inline(&s.name))
        .collect();
    if !approximate.is_empty() {
        let _ = writeln!(
            md,
            "- Site positions are approximate for: {}.",
            approximate.join("; ")
        );
    }
    md.push('\n');
}

fn site_section(
    md: &mut String,
    sites: &[Site],
    incidents: &[Incident],
    rows: &[ProximityRow],
    id: &str,
    map: &DrawnMap,
) {
    let Some(site) = sites.iter().find(|s| s.id == id) else {
        return;
    };
    let name = inline(&site.name);
    let _ = writeln!(md, "## {name}\n");
    let _ = writeln!(md, "![Detail map: {name}]({})\n", map.file.display());
    if let Some(a) = &site.address() {
        let _ = writeln!(md, "- Address: {}", inline(a));
    }
    let position = if site.position_uncertainty_m > 0.0 {
        format!(
            "approximate, within about {} m",
            site.position_uncertainty_m.round()
        )
    } else {
        "as surveyed".into()
    };
    let _ = writeln!(
        md,
        "- Position: {position}{}",
        site.position_source()
            .as_ref()
            .map(|s| format!(" ({})", inline(s)))
            .unwrap_or_default()
    );
    if let Some(n) = &site.notified {
        let _ = writeln!(md, "- Coordinates notified: {}", inline(&n.to_string()));
    }
    let _ = writeln!(md);
    let _ = writeln!(md, "| Date | Weapon (as reported) | Location as described | Distance | Inside | After notification | Damage |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for r in rows.iter().filter(|r| sites[r.site].id == id) {
        let inc = &incidents[r.incident];
        let described = match &inc.location {
            Location::Point { uncertainty_m, .. } => {
                format!("impact point ±{} m", uncertainty_m.round())
            }
            other => other
                .as_described()
                .map(|d| format!("“{d}”"))
                .unwrap_or_else(|| other.kind().into()),
        };
        let cells = [
            inc.start.to_string(),
            inc.weapon
                .clone()
                .unwrap_or_else(|| inc.weapon_category.label().into()),
            described,
            r.distance.to_string(),
            r.inside.as_str().into(),
            r.after_notification
                .map(|a| a.as_str().to_string())
                .unwrap_or_else(|| "—".into()),
            inc.damage.clone().unwrap_or_default(),
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
    let notes: Vec<String> = rows
        .iter()
        .filter(|r| sites[r.site].id == id)
        .filter_map(|r| {
            incidents[r.incident]
                .notes
                .as_ref()
                .map(|n| format!("- {}: {}", inline(&incidents[r.incident].id), inline(n)))
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(md, "\nNotes:\n\n{}", notes.join("\n"));
    }
    let _ = writeln!(
        md,
        "\nMap: {}; scale bar {}; the north arrow points to true north.\n",
        map.layout
            .projection
            .proj_string()
            .split(" +ellps")
            .next()
            .unwrap_or_default(),
        map.layout.scale_bar.label
    );
}

fn method(
    md: &mut String,
    rows: &[ProximityRow],
    incidents: &[Incident],
    steps: &StepLength,
    maps: &[DrawnMap],
) {
    let _ = writeln!(md, "## Method and assumptions\n");
    let _ = writeln!(md, "- Distance: geodesic distance on the WGS84 ellipsoid from the incident to the nearest point of the site (0 inside or on its boundary), computed with GeographicLib's algorithms; footprint edges are geodesics.");
    let _ = writeln!(md, "- Intervals widen the figure by the uncertainty of the impact point, of the site's own position, the tolerance of a described distance, and the step assumption.");
    if incidents.iter().any(|i| matches!(&i.location, Location::Relative { distance, .. } if distance.unit == crate::model::DistanceUnit::Steps)) {
        let _ = writeln!(md, "- Distances given in steps: {steps}.");
    }
    if incidents
        .iter()
        .any(|i| !matches!(i.location, Location::Point { .. }))
    {
        let _ = writeln!(md, "- Where the sources give no impact point, none is invented: a distance described from a site is drawn as the band of distances it allows, an impact \"on the territory\" as the highlighted site, an area as the area.");
    }
    let _ = writeln!(md, "- Bearings are degrees clockwise from true north, from the site's nearest point to the incident.");
    let _ = writeln!(
        md,
        "- Each row's `basis` (in `proximity.csv`) gives what its figure rests on."
    );
    let dropped: usize = maps.iter().map(|m| m.layout.dropped.len()).sum();
    if dropped > 0 {
        let _ = writeln!(md, "- {dropped} map labels were left out for lack of room; the table above lists every incident.");
    }
    let _ = rows;
    md.push('\n');
}

fn sources(md: &mut String, incidents: &[Incident], sites: &[Site]) {
    let _ = writeln!(md, "## Sources\n");
    let mut seen: Vec<String> = Vec::new();
    for s in incidents.iter().flat_map(|i| &i.sources) {
        let mut line = inline(&s.title);
        if let Some(p) = &s.published {
            line.push_str(&format!(", {}", inline(p)));
        }
        if let Some(u) = &s.url {
            line.push_str(&format!(", {}", link(u)));
        }
        if let Some(a) = &s.archive_url {
            line.push_str(&format!(" (archived: {})", link(a)));
        }
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    for line in &seen {
        let _ = writeln!(md, "- {line}");
    }
    for s in sites.iter().filter(|s| s.position_source().is_some()) {
        let _ = writeln!(
            md,
            "- Position of {}: {}",
            inline(&s.name),
            inline(s.position_source().unwrap_or_default())
        );
    }
    for s in sites {
        if let Some(note) = &s.details().footprint {
            let _ = writeln!(md, "- {}: {}", inline(&s.name), inline(note));
        }
    }
    let from_osm = sites.iter().any(|s| {
        s.position_source() == Some("OpenStreetMap")
            || s.properties().contains_key("footprint_osm_id")
    });
    if from_osm {
        let _ = writeln!(
            md,
            "- Sites and footprints: © OpenStreetMap contributors (ODbL 1.0)"
        );
    }
    let _ = writeln!(
        md,
        "\nBasemap: Natural Earth 1:10m, German point-of-view edition (public domain); cities: GeoNames (CC BY 4.0).\n"
    );
}

/// Credits of the ground (streets, buildings, names) drawn under the maps.
fn ground_credits(md: &mut String, maps: &[DrawnMap]) {
    if maps
        .iter()
        .any(|m| m.layout.attribution.contains("OpenStreetMap contributors"))
    {
        let _ = writeln!(
            md,
            "Streets, buildings, water, land use and names under the detail maps: © OpenStreetMap contributors, under the Open Database License (ODbL 1.0, https://www.openstreetmap.org/copyright).\n"
        );
    }
}

fn files(md: &mut String, left_out: &[LeftOut]) {
    let _ = writeln!(md, "## Files\n");
    for (f, what) in [
        ("proximity.csv / .md / .json", "the proximity table"),
        (
            "layers/*.geojson + .qml",
            "QGIS layers with their styles (drag them onto QGIS)",
        ),
        (
            "layers/layers.gpkg",
            "the same layers and styles in one GeoPackage",
        ),
        (
            "maps/*.png, maps/*.svg",
            "the maps, for documents (PNG) and print (SVG)",
        ),
        ("timeline.png / .svg", "the timeline"),
    ] {
        let _ = writeln!(md, "- `{f}`: {what}");
    }
    if !left_out.is_empty() {
        let named: Vec<String> = left_out
            .iter()
            .map(|l| format!("`{}` ({})", l.layer, l.reason))
            .collect();
        let _ = writeln!(
            md,
            "\nNot written as GeoJSON, having no geometry to draw (QGIS would open such a file as a table without a CRS): {}. The GeoPackage has them, typed and empty.",
            named.join(", ")
        );
    }
}
