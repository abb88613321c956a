//! `impactmap report`: everything a case needs, from one command.
//!
//! Reads a case folder (`sites.geojson`, `incidents.geojson`, optional
//! `case.toml`) and writes, into the output folder: the proximity table (CSV,
//! Markdown, JSON), the QGIS layers with styles, a detail map per site with
//! incidents, the overview map, the timeline, and `report.md` tying them
//! together with the figures and sources, and `manifest.json` listing every
//! file with its SHA-256 (see [`manifest`]). The folder is written under a
//! temporary name beside the output and moved into place at the end, so a
//! failed run leaves the previous report untouched.
//!
//! The output folder must be absent, empty, or an earlier report holding
//! nothing but the files its manifest lists; a folder that is, holds, is
//! inside or contains the case is refused ([`check_output_folder`]).

mod config;
pub mod manifest;
mod markdown;

pub use config::{CaseConfig, MapConfig};
pub use manifest::{verify, Manifest, Verification, MANIFEST_NAME};

use crate::imagery::{Imagery, ImageryOptions};
use crate::io::basemap_sources::{BasemapSource, Basemaps};
use crate::io::layers::{write_layer_set, LayerFormat};
use crate::io::ownership::{check_folder_apart, resolve, OutputClash};
use crate::io::table::{write_table, TableFormat};
use crate::io::{self, InputError};
use crate::layers::{build_layers, LayerOptions};
use crate::model::{Incident, Site, StepLength};
use crate::proximity::{self, Options, ProximityRow};
use crate::render::{self, Backdrop, Basemap, Extent, MapSpec, Page, Paper, TimelineSpec};
use crate::util::atomic::{at, write_atomic, StagingDir};
use std::path::{Path, PathBuf};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Bad input in the case folder.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A relative or within location names an unknown site.
    #[error(transparent)]
    UnknownSite(#[from] proximity::UnknownSite),
    /// The output folder is not one the report may replace.
    #[error(transparent)]
    Output(#[from] OutputClash),
    /// The output could not be written (the message names the path and what
    /// was being done).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Layers could not be written.
    #[error(transparent)]
    Layers(#[from] crate::io::layers::LayersError),
    /// A map or chart could not be drawn.
    #[error("{what}: {source}")]
    Render {
        /// Which picture.
        what: String,
        /// What went wrong.
        source: render::RenderError,
    },
}

impl ReportError {
    /// Whether the case folder or the output folder is at fault (bad input,
    /// a reference to no site, an output that would destroy the case); a
    /// picture that cannot be drawn is not (see [`crate::Error::is_input`]).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            ReportError::Input(_) | ReportError::UnknownSite(_) | ReportError::Output(_)
        )
    }
}

/// What the report contains, for the caller to print.
#[derive(Debug, Clone, Default)]
pub struct ReportSummary {
    /// Files written, relative to the output folder.
    pub files: Vec<PathBuf>,
    /// Number of incidents and sites read.
    pub incidents: usize,
    /// Number of sites read.
    pub sites: usize,
    /// Labels the maps had to leave out for lack of room, with the map's name.
    pub dropped_labels: Vec<String>,
    /// GeoJSON layers not written, and why (they are in the GeoPackage).
    pub left_out: Vec<crate::io::layers::LeftOut>,
}

/// Everything read from a case folder.
pub struct Case {
    /// The sites.
    pub sites: Vec<Site>,
    /// The incidents.
    pub incidents: Vec<Incident>,
    /// `case.toml`, or the defaults.
    pub config: CaseConfig,
    /// The folder, as named by the user.
    pub dir: PathBuf,
}

/// The files of the case folder `dir` that [`read_case`] reads: `sites.geojson`,
/// `incidents.geojson` (or else `incidents.csv`), `case.toml`, and the
/// OpenStreetMap extracts `case.toml` names, those that exist.
pub fn case_inputs(dir: &Path) -> Vec<PathBuf> {
    let incidents = ["incidents.geojson", "incidents.csv"]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|p| p.exists());
    let config = std::fs::read_to_string(dir.join("case.toml"))
        .ok()
        .and_then(|text| CaseConfig::parse(&text).ok())
        .unwrap_or_default();
    let extracts = [config.sites_osm, config.footprints_osm].map(|p| p.map(|p| dir.join(p)));
    [
        Some(dir.join("sites.geojson")),
        incidents,
        Some(dir.join("case.toml")),
    ]
    .into_iter()
    .chain(extracts)
    .flatten()
    .filter(|p| p.exists())
    .collect()
}

/// Reads `sites.geojson` (or the sites of the extract `case.toml` names),
/// `incidents.geojson` (or `incidents.csv`) and `case.toml` from `dir`, and
/// gives point sites their footprints when `case.toml` names an extract for them.
pub fn read_case(dir: &Path) -> Result<Case, ReportError> {
    let name = dir.display().to_string();
    if !dir.is_dir() {
        return Err(InputError::file(
            &name,
            "is not a folder: give the case folder holding sites.geojson and incidents.geojson",
        )
        .into());
    }
    let toml_path = dir.join("case.toml");
    let config = if toml_path.exists() {
        let text = io::text::read_text(&toml_path)?;
        CaseConfig::parse(&text)
            .map_err(|m| InputError::file(&toml_path.display().to_string(), m))?
    } else {
        CaseConfig::default()
    };
    let mut sites = read_case_sites(dir, &config)?;
    let incidents = match (dir.join("incidents.geojson"), dir.join("incidents.csv")) {
        (g, _) if g.exists() => io::geojson::read_incidents(&g, &sites)?,
        (_, c) if c.exists() => {
            let file = std::fs::File::open(&c).map_err(|e| {
                InputError::file(&c.display().to_string(), format!("cannot be opened ({e})"))
            })?;
            io::csv::read_incidents(
                std::io::BufReader::new(file),
                &c.display().to_string(),
                &Default::default(),
            )?
        }
        _ => {
            return Err(InputError::file(&name, "has no incidents.geojson or incidents.csv").into())
        }
    };
    if let Some(extract) = &config.footprints_osm {
        let path = dir.join(extract);
        let exclude = case_filters(dir, "exclude_tags", config.exclude_tags.as_deref())?;
        io::osm::footprints::apply_footprints(&path, &mut sites, &exclude)
            .map_err(|e| e.to_input_error(&path))?;
    }
    Ok(Case {
        sites,
        incidents,
        config,
        dir: dir.to_path_buf(),
    })
}

/// The basemaps the case's `basemap` and `label_lang` keys name.
fn case_basemaps(case: &Case, label_lang: Option<&str>) -> Result<Basemaps, ReportError> {
    let sources = case
        .config
        .basemap
        .iter()
        .flatten()
        .map(|s| BasemapSource::parse(s, &case.dir))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|s| Basemaps::load(&s, label_lang.or(case.config.label_lang.as_deref())))
        .map_err(|e| config_error(case, "basemap", e.to_string()))?;
    Ok(sources)
}

/// The sites of a case: from the extract `sites_osm` names, else `sites.geojson`.
fn read_case_sites(dir: &Path, config: &CaseConfig) -> Result<Vec<Site>, ReportError> {
    let Some(extract) = &config.sites_osm else {
        let sites_path = dir.join("sites.geojson");
        if !sites_path.exists() {
            return Err(InputError::file(
                &dir.display().to_string(),
                "has no sites.geojson: put the protected sites there (or name an extract with sites_osm in case.toml)",
            )
            .into());
        }
        return Ok(io::geojson::read_sites(&sites_path)?);
    };
    let path = dir.join(extract);
    let tags = case_filters(dir, "osm_tags", config.osm_tags.as_deref())?;
    if tags.is_empty() {
        return Err(InputError::at(
            &dir.join("case.toml").display().to_string(),
            "case.toml",
            Some("osm_tags"),
            "sites_osm needs the tags that make a site, e.g. osm_tags = [\"amenity=embassy\"]",
        )
        .into());
    }
    let exclude = case_filters(dir, "exclude_tags", config.exclude_tags.as_deref())?;
    let attributes = config.osm_attributes.clone().unwrap_or_default();
    let read = io::osm::read_selected(&path, &tags, &exclude, &attributes)
        .map_err(|e| e.to_input_error(&path))?;
    Ok(read.sites)
}

/// Tag filters of a `case.toml` list.
fn case_filters(
    dir: &Path,
    field: &str,
    specs: Option<&[String]>,
) -> Result<Vec<io::osm::TagFilter>, ReportError> {
    specs
        .unwrap_or_default()
        .iter()
        .map(|s| {
            s.parse().map_err(|_| {
                InputError::at(
                    &dir.join("case.toml").display().to_string(),
                    "case.toml",
                    Some(field),
                    format!("{s:?}: expected KEY or KEY=VALUE, e.g. \"building=no\""),
                )
                .into()
            })
        })
        .collect()
}

/// A picture that could not be drawn or written, named by its file in the report.
fn render_error(rel: &Path) -> impl Fn(render::RenderError) -> ReportError + '_ {
    move |source| ReportError::Render {
        what: rel.display().to_string(),
        source,
    }
}

/// Reads the case in `case_dir` and writes the whole report into `out_dir`.
pub fn write_report(
    case_dir: &Path,
    out_dir: &Path,
    basemap: &Basemap,
) -> Result<ReportSummary, ReportError> {
    let basemaps = Basemaps {
        world: basemap.clone(),
        extracts: Vec::new(),
        imagery: None,
        label_lang: None,
    };
    write_report_over(
        case_dir,
        out_dir,
        Some(&basemaps),
        None,
        &ImageryOptions::default(),
    )
}

/// Reads the case in `case_dir` and writes the whole report into `out_dir`, drawing the maps
/// over `basemaps`, or (`None`) over the sources the case's `basemap` key names (paths from
/// the case folder; default `world`), with `label_lang` or else the case's. Imagery among the
/// basemaps goes under the detail maps of the sites it covers, credited as `imagery` says, or
/// else as `case.toml` does (`imagery_source`, `imagery_date`).
pub fn write_report_over(
    case_dir: &Path,
    out_dir: &Path,
    basemaps: Option<&Basemaps>,
    label_lang: Option<&str>,
    imagery: &ImageryOptions,
) -> Result<ReportSummary, ReportError> {
    let inputs = case_inputs(case_dir);
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    if case_dir.is_dir() {
        check_folder_apart(out_dir, case_dir, &input_refs)?;
    }
    check_output_folder(out_dir)?;
    let case = read_case(case_dir)?;
    let steps = match case.config.steps_m {
        Some([min_m, nominal_m, max_m]) => {
            StepLength::parse(&format!("{min_m},{nominal_m},{max_m}"))
                .map_err(|m| config_error(&case, "steps_m", m))?
        }
        None => StepLength::default(),
    };
    let options = Options {
        max_distance_m: case.config.max_distance_m,
        steps,
    };
    let rows = proximity::run(&case.sites, &case.incidents, &options)?;
    let from_case;
    let basemaps = match basemaps {
        Some(b) => b,
        None => {
            from_case = case_basemaps(&case, label_lang)?;
            &from_case
        }
    };

    let target = resolve(out_dir);
    let staging = StagingDir::new_in(crate::util::atomic::parent_dir(&target), "report")?;
    let root = staging.path().to_path_buf();
    let mut summary = ReportSummary {
        incidents: case.incidents.len(),
        sites: case.sites.len(),
        ..Default::default()
    };
    for (name, format) in [
        ("proximity.csv", TableFormat::Csv),
        ("proximity.md", TableFormat::Markdown),
        ("proximity.json", TableFormat::Json),
    ] {
        let path = root.join(name);
        write_atomic(&path, |w| {
            write_table(w, format, &rows, &case.sites, &case.incidents)
        })?;
        summary.files.push(name.into());
    }

    let layer_options = LayerOptions {
        rings_m: case
            .config
            .rings_m
            .clone()
            .unwrap_or_else(|| LayerOptions::default().rings_m),
        rings_all_sites: case.config.rings_all_sites.unwrap_or(false),
        steps,
        ..LayerOptions::default()
    };
    // Built once, written in both formats.
    let layers = build_layers(&case.sites, &case.incidents, &rows, &layer_options);
    for format in [LayerFormat::GeoJson, LayerFormat::GeoPackage] {
        let written = write_layer_set(&root.join("layers"), &layers, format)?;
        for (path, _) in written.files {
            summary
                .files
                .push(path.strip_prefix(&root).unwrap_or(&path).to_path_buf());
        }
        summary.left_out.extend(written.left_out);
    }

    let page = page(&case)?;
    let formats = formats(&case)?;
    let maps = planned_maps(&case, &rows)?;
    let maps_dir = root.join("maps");
    std::fs::create_dir_all(&maps_dir).map_err(at("creating the folder", &maps_dir))?;
    let mut drawn = Vec::new();
    let imagery: Option<Imagery> = match basemaps.imagery.clone() {
        Some(source) => {
            let options = ImageryOptions {
                imagery_source: imagery
                    .imagery_source
                    .clone()
                    .or_else(|| case.config.imagery_source.clone()),
                imagery_date: imagery
                    .imagery_date
                    .clone()
                    .or_else(|| case.config.imagery_date.clone()),
                ..imagery.clone()
            };
            let i = options.imagery(source);
            i.check().map_err(|m| config_error(&case, "basemap", m))?;
            Some(i)
        }
        None => None,
    };
    for planned in &maps {
        let spec = MapSpec {
            page,
            steps,
            title: planned.title.clone(),
            ..planned.spec.clone()
        };
        let files: Vec<PathBuf> = formats
            .iter()
            .map(|ext| PathBuf::from("maps").join(format!("{}.{ext}", planned.name)))
            .collect();
        // Drawn once, written in every format.
        // Imagery under the detail maps whose site it covers: an overview spans a country,
        // and one image rarely holds every site of a case.
        let backdrop = match &spec.kind {
            render::MapKind::Detail { focus, .. } => imagery
                .as_ref()
                .filter(|i| site_point(&case.sites, focus).is_none_or(|p| i.covers(p)))
                .map(|i| i as &dyn Backdrop),
            render::MapKind::Overview { .. } => None,
        };
        let (scene, layout) = render::build_map_over(
            &spec,
            &case.sites,
            &case.incidents,
            &rows,
            &render::Backgrounds {
                basemap: &basemaps.world,
                ground: basemaps,
                backdrop,
            },
        )
        .map_err(render_error(&files[0]))?;
        for rel in &files {
            for written in
                render::write_scene_files(&scene, &root.join(rel)).map_err(render_error(rel))?
            {
                let written = written.strip_prefix(&root).unwrap_or(&written);
                summary.files.push(written.to_path_buf());
            }
        }
        summary.dropped_labels.extend(
            layout
                .dropped
                .iter()
                .map(|d| format!("{}: {}", planned.name, d.name)),
        );
        drawn.push(markdown::DrawnMap {
            file: files[0].clone(),
            heading: planned.heading.clone(),
            site: planned.site.clone(),
            layout,
        });
    }
    let mut timeline = None;
    if case.config.timeline.unwrap_or(true) && !rows.is_empty() {
        let spec = TimelineSpec {
            page,
            title: None,
            site: None,
        };
        let files: Vec<PathBuf> = formats
            .iter()
            .map(|ext| PathBuf::from(format!("timeline.{ext}")))
            .collect();
        let (scene, _) = render::build_timeline(&spec, &case.sites, &case.incidents, &rows)
            .map_err(render_error(&files[0]))?;
        for rel in &files {
            render::write_scene(&scene, &root.join(rel)).map_err(render_error(rel))?;
            summary.files.push(rel.clone());
        }
        timeline = Some(files[0].clone());
    }

    let report_md = markdown::report(
        &case,
        &rows,
        &drawn,
        timeline.as_deref(),
        &steps,
        &summary.left_out,
    );
    let path = root.join("report.md");
    write_atomic(&path, |w| w.write_all(report_md.as_bytes()))?;
    summary.files.push("report.md".into());

    // The extracts and imagery drawn from are inputs too, wherever they lie.
    let mut inputs = inputs;
    for file in basemaps.files() {
        if !inputs.contains(&file) {
            inputs.push(file);
        }
    }
    let manifest = Manifest::of(&root, case_dir, &inputs)?;
    let path = root.join(MANIFEST_NAME);
    write_atomic(&path, |w| w.write_all(manifest.to_json().as_bytes()))?;
    summary.files.push(MANIFEST_NAME.into());

    // Checked again: a file put into the folder while the report was made
    // would be lost too.
    check_output_folder(out_dir)?;
    staging.replace(&target)?;
    Ok(summary)
}

/// Refuses an output folder the report may not replace: anything but an
/// absent or empty folder, or an earlier report holding only the files its
/// manifest lists (a file added to it would be lost).
pub fn check_output_folder(dir: &Path) -> Result<(), OutputClash> {
    let refuse = |reason: String| {
        Err(OutputClash {
            output: dir.to_path_buf(),
            reason,
        })
    };
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return refuse(
            "exists and is not a folder: give a new or empty folder, or an earlier report".into(),
        );
    }
    let present = manifest::files_under(dir).map_err(|e| OutputClash {
        output: dir.to_path_buf(),
        reason: format!("cannot be listed ({e}): give a new or empty folder"),
    })?;
    if present.is_empty() {
        return Ok(());
    }
    let manifest = match Manifest::read(dir) {
        Ok(Some(m)) => m,
        Ok(None) => {
            return refuse(format!(
                "holds files and is not an impactmap report (no {MANIFEST_NAME}); the report \
                 replaces its output folder as a whole: give a new or empty folder, or move \
                 those files away"
            ))
        }
        Err(why) => return refuse(format!("{MANIFEST_NAME} {why}: give a new or empty folder")),
    };
    let foreign: Vec<&String> = present
        .iter()
        .filter(|p| p.as_str() != MANIFEST_NAME && !manifest.files.iter().any(|f| &f.path == *p))
        .collect();
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(|s| s.as_str()).collect();
        let more = if foreign.len() > 5 {
            format!(" and {} more", foreign.len() - 5)
        } else {
            String::new()
        };
        return refuse(format!(
            "is an earlier report but also holds files it did not write ({}{more}); the \
             report replaces its output folder as a whole: move them away or give another folder",
            shown.join(", ")
        ));
    }
    Ok(())
}

fn config_error(case: &Case, field: &str, message: impl Into<String>) -> ReportError {
    let file = case.dir.join("case.toml").display().to_string();
    InputError::at(&file, "case.toml", Some(field), message).into()
}

fn page(case: &Case) -> Result<Page, ReportError> {
    let c = &case.config;
    let paper = match c.paper.as_deref() {
        None => Paper::A4,
        Some(p) => Paper::parse(p).map_err(|m| config_error(case, "paper", m))?,
    };
    Page::paper(paper, c.landscape.unwrap_or(true), c.dpi.unwrap_or(200.0))
        .map_err(|m| config_error(case, "dpi", m))
}

fn formats(case: &Case) -> Result<Vec<String>, ReportError> {
    let formats = case
        .config
        .formats
        .clone()
        .unwrap_or_else(|| vec!["png".into(), "svg".into()]);
    if formats.is_empty() || formats.iter().any(|f| f != "png" && f != "svg") {
        return Err(config_error(
            case,
            "formats",
            "list one or both of \"png\" and \"svg\"",
        ));
    }
    Ok(formats)
}

/// A map the report will draw.
/// A point of site `id` (its first part's first vertex, or its point), lon/lat.
fn site_point(sites: &[Site], id: &str) -> Option<geo_types::Coord<f64>> {
    let site = sites.iter().find(|s| s.id == id)?;
    match &site.geometry {
        crate::model::SiteGeometry::Point(p) => Some(p.0),
        g => g
            .polygons()
            .first()
            .and_then(|p| p.exterior().0.first().copied()),
    }
}

struct PlannedMap {
    spec: MapSpec,
    name: String,
    heading: String,
    title: Option<String>,
    site: Option<String>,
}

/// The maps of `case.toml`, or by default a detail map per site with
/// incidents (in order of first appearance) and the country overview.
fn planned_maps(case: &Case, rows: &[ProximityRow]) -> Result<Vec<PlannedMap>, ReportError> {
    let site_name = |id: &str| {
        case.sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.to_string())
    };
    let detail =
        |id: &str, radius_m: Option<f64>, title: Option<String>, name: Option<String>| PlannedMap {
            spec: MapSpec::detail(id, radius_m),
            name: name.unwrap_or_else(|| format!("detail-{}", file_safe(id))),
            heading: site_name(id),
            title,
            site: Some(id.to_string()),
        };
    let overview = |extent: Extent, title: Option<String>, name: Option<String>| PlannedMap {
        spec: MapSpec::overview(extent),
        name: name.unwrap_or_else(|| "overview".into()),
        heading: "Overview".into(),
        title,
        site: None,
    };
    let Some(maps) = &case.config.maps else {
        let mut ids: Vec<&str> = Vec::new();
        for r in rows {
            let id = case.sites[r.site].id.as_str();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut planned: Vec<PlannedMap> = vec![overview(Extent::Country, None, None)];
        planned.extend(ids.into_iter().map(|id| detail(id, None, None, None)));
        return Ok(planned);
    };
    maps.iter()
        .enumerate()
        .map(|(i, m)| match m.kind.as_str() {
            "detail" => {
                let id = m.site.as_deref().ok_or_else(|| {
                    config_error(
                        case,
                        &format!("maps[{i}].site"),
                        "a detail map needs the site id",
                    )
                })?;
                if !case.sites.iter().any(|s| s.id == id) {
                    return Err(config_error(
                        case,
                        &format!("maps[{i}].site"),
                        format!("unknown site `{id}`"),
                    ));
                }
                Ok(detail(id, m.radius_m, m.title.clone(), m.name.clone()))
            }
            "overview" => {
                let extent = match &m.extent {
                    None => Extent::Country,
                    Some(toml::Value::String(s)) => Extent::parse(s)
                        .map_err(|e| config_error(case, &format!("maps[{i}].extent"), e))?,
                    Some(toml::Value::Array(a)) => {
                        let v: Vec<String> = a.iter().map(|x| x.to_string()).collect();
                        Extent::parse(&v.join(","))
                            .map_err(|e| config_error(case, &format!("maps[{i}].extent"), e))?
                    }
                    Some(_) => {
                        return Err(config_error(
                            case,
                            &format!("maps[{i}].extent"),
                            "\"country\" or [lon0, lat0, lon1, lat1]",
                        ))
                    }
                };
                Ok(overview(extent, m.title.clone(), m.name.clone()))
            }
            other => Err(config_error(
                case,
                &format!("maps[{i}].kind"),
                format!("`{other}`: use \"detail\" or \"overview\""),
            )),
        })
        .collect()
}

/// A site id as a file name: letters, digits, `-` and `_` kept, the rest `_`.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
