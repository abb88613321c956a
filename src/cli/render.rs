//! `impactmap render`: a detail map around a site, or an overview map.

use super::imagery::ImageryArgs;
use super::{InputArgs, UsageError};
use clap::Args;
use impactmap::io::basemap_sources::{BasemapSource, Basemaps};
use impactmap::model::StepLength;
use impactmap::render::{
    render_map_over, Backdrop, Backgrounds, Extent, MapKind, MapSpec, Page, Paper, RenderError,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub(super) const EXAMPLES: &str = "Examples:
  impactmap render --sites geodata/azerbaijan-missions/sites.geojson \\
      --incidents geodata/azerbaijan-missions/incidents.geojson \\
      --focus az_embassy_kyiv -o embassy.png
  impactmap render --sites sites.geojson --incidents incidents.geojson \\
      --extent country --paper a4 --landscape --dpi 300 -o overview.svg
  impactmap render --sites sites.geojson --incidents incidents.geojson \\
      --focus hospital_3 --basemap world --basemap ukraine-latest.osm.pbf -o hospital.png";

/// Page size options shared by the picture commands.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// Page size in pixels, WIDTHxHEIGHT (e.g. 1600x1000). Default: A4 landscape at 150 dpi.
    #[arg(long, value_name = "WxH", conflicts_with = "paper")]
    pub size: Option<String>,
    /// Paper size for print: a4 or a3 (portrait unless --landscape).
    #[arg(long, value_name = "a4|a3")]
    pub paper: Option<String>,
    /// Landscape orientation for --paper.
    #[arg(long, requires = "paper")]
    pub landscape: bool,
    /// Resolution in dots per inch (default 300 with --paper; with --size it is only recorded in the PNG).
    #[arg(long, value_name = "N")]
    pub dpi: Option<f64>,
}

impl PageArgs {
    /// The page these options describe.
    pub fn page(&self) -> Result<Page, UsageError> {
        let page = match (&self.size, &self.paper) {
            (Some(size), _) => {
                let (w, h) =
                    Page::parse_size(size).map_err(|e| UsageError(format!("--size {e}")))?;
                Page::pixels(w, h, self.dpi)
            }
            (None, Some(paper)) => {
                let paper = Paper::parse(paper).map_err(|e| UsageError(format!("--paper {e}")))?;
                Page::paper(paper, self.landscape, self.dpi.unwrap_or(300.0))
            }
            (None, None) => match self.dpi {
                Some(dpi) => Page::paper(Paper::A4, true, dpi),
                None => Ok(Page::default()),
            },
        };
        page.map_err(UsageError)
    }
}

/// Options of `impactmap render`.
#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    /// Sites and incidents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output picture: .png or .svg.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Draw a detail map around this site id (its footprint or marker, distance rings, incidents in detail).
    #[arg(long, value_name = "SITE_ID", conflicts_with = "extent")]
    pub focus: Option<String>,
    /// Detail maps: radius shown around the site, metres (default: enough for its incidents).
    #[arg(long, value_name = "M", requires = "focus")]
    pub radius: Option<f64>,
    /// Overview map of `country` (Ukraine) or of a box LON0,LAT0,LON1,LAT1 in degrees (the default when there is no --focus).
    #[arg(
        long,
        value_name = "country|LON0,LAT0,LON1,LAT1",
        allow_hyphen_values = true
    )]
    pub extent: Option<String>,
    /// Page size and resolution.
    #[command(flatten)]
    pub page: PageArgs,
    /// Title (default: made from the site or the extent).
    #[arg(long)]
    pub title: Option<String>,
    /// Basemaps.
    #[command(flatten)]
    pub basemap: BasemapArgs,
    /// Imagery credits and tile options.
    #[command(flatten)]
    pub imagery: ImageryArgs,
    /// Step length assumption in metres, for distances given in steps.
    #[arg(long, value_name = "MIN,NOMINAL,MAX", default_value = "0.6,0.75,0.9", value_parser = StepLength::parse)]
    pub steps_m: StepLength,
}

/// Basemap options shared by the map commands.
#[derive(Debug, Clone, Args)]
pub struct BasemapArgs {
    /// What to draw under the map, repeatable, drawn in order: `world` (the bundled world basemap: countries, regions, cities, lakes; the default), `none`, a folder of basemap GeoJSON files (*outline.geojson, *regions.geojson, *cities.geojson), an OpenStreetMap extract (.osm.pbf: streets, buildings, water and names under detail maps, read for the map's extent only), or imagery under everything (a GeoTIFF .tif, an .mbtiles package, a {z}/{x}/{y} tile folder, or an https://…/{z}/{x}/{y}.png tile URL; one at most).
    #[arg(long, value_name = "SOURCE")]
    pub basemap: Vec<String>,
    /// Language of street and place names from OpenStreetMap: name:LANG where the extract has it (e.g. uk, en), else name.
    #[arg(long, value_name = "LANG")]
    pub label_lang: Option<String>,
}

impl BasemapArgs {
    /// The sources given (relative paths from the working folder), `None` if none was.
    pub fn sources(&self) -> anyhow::Result<Option<Vec<BasemapSource>>> {
        if self.basemap.is_empty() {
            return Ok(None);
        }
        let sources = self
            .basemap
            .iter()
            .map(|s| BasemapSource::parse(s, Path::new("")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| UsageError(format!("--basemap: {e}")))?;
        Ok(Some(sources))
    }

    /// The basemaps these options name (the bundled one when none is given).
    pub fn load(&self) -> anyhow::Result<Basemaps> {
        let sources = self.sources()?.unwrap_or_default();
        Basemaps::load(&sources, self.label_lang.as_deref())
            .map_err(|e| UsageError(format!("--basemap: {e}")).into())
    }
}

/// Turns drawing errors the user can fix (unknown site, bad format) into usage errors.
pub(super) fn usage(e: RenderError) -> anyhow::Error {
    match e {
        RenderError::Spec(_) | RenderError::Format(_) | RenderError::Backdrop(_) => {
            UsageError(e.to_string()).into()
        }
        e => e.into(),
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> anyhow::Result<()> {
    let page = args.page.page()?;
    impactmap::render::Format::from_path(&args.output).map_err(usage)?;
    args.input.check_output(&args.output)?;
    let kind = match (&args.focus, &args.extent) {
        (Some(focus), _) => MapKind::Detail {
            focus: focus.clone(),
            radius_m: args.radius,
        },
        (None, Some(e)) => MapKind::Overview {
            extent: Extent::parse(e).map_err(UsageError)?,
        },
        (None, None) => MapKind::Overview {
            extent: Extent::Country,
        },
    };
    let (case, rows) = args.input.load_with_rows(None, args.steps_m)?;
    let basemaps = args.basemap.load()?;
    let imagery = args.imagery.imagery(basemaps.imagery.as_ref())?;
    let spec = MapSpec {
        kind,
        page,
        title: args.title.clone(),
        steps: args.steps_m,
        rings_m: None,
    };
    let layout = render_map_over(
        &spec,
        &case.sites,
        &case.incidents,
        &rows,
        &Backgrounds {
            basemap: &basemaps.world,
            ground: &basemaps,
            backdrop: imagery.as_ref().map(|i| i as &dyn Backdrop),
        },
        &args.output,
    )
    .map_err(usage)?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "wrote {} ({page}; {} labels placed, {} left out)",
            args.output.display(),
            layout.labels.len(),
            layout.dropped.len()
        );
    }
    Ok(())
}
