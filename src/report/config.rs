//! `case.toml`: the optional description of a case folder — title, maps to
//! draw and options. Every key is optional.
//!
//! ```toml
//! title = "Strikes on and near Azerbaijan's diplomatic missions in Ukraine"
//! subtitle = "2022–2025, from the Ministry of Foreign Affairs' statement of 14 November 2025"
//! data_as_of = "2025-11-14"
//! rings_m = [50, 100, 250, 500]
//! steps_m = [0.6, 0.75, 0.9]
//! paper = "a4"        # or "a3"
//! landscape = true
//! dpi = 200
//! formats = ["png", "svg"]
//! timeline = true
//! basemap = ["world", "kyiv.osm.pbf"]   # drawn in order; paths from the case folder
//! label_lang = "uk"   # street and place names: name:uk where OpenStreetMap has it
//! imagery_source = "Copernicus Sentinel-2 (CC BY-SA 3.0 IGO)"  # with --basemap IMAGE.tif
//! imagery_date = "2024-03-02"
//! rings_all_sites = false                # rings only around sites with incidents
//! footprints_osm = "kyiv.osm.pbf"        # outlines for point sites (path relative to the case)
//! # sites_osm = "helsinki.osm.pbf"       # sites from an extract instead of sites.geojson,
//! # osm_tags = ["amenity=embassy"]       # with the tags that make a site,
//! exclude_tags = ["building=no"]         # those that do not,
//! osm_attributes = ["name", "building"]  # and tags kept as attributes of their own
//!
//! [[maps]]
//! kind = "detail"     # around one site
//! site = "az_embassy_kyiv"
//! radius_m = 120
//!
//! [[maps]]
//! kind = "overview"
//! extent = "country"  # or [lon0, lat0, lon1, lat1]
//! ```

use serde::Deserialize;

/// The parsed `case.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseConfig {
    /// Report title (default: made from the sites).
    pub title: Option<String>,
    /// A line under the title.
    pub subtitle: Option<String>,
    /// Date the data was last checked (`YYYY-MM-DD`), printed with the sources.
    pub data_as_of: Option<String>,
    /// Ring radii around sites in the layers, metres.
    pub rings_m: Option<Vec<f64>>,
    /// Step length MIN, NOMINAL, MAX in metres.
    pub steps_m: Option<[f64; 3]>,
    /// Report every site within this distance instead of only the nearest, metres.
    pub max_distance_m: Option<f64>,
    /// Paper size of the maps: `a4` or `a3`.
    pub paper: Option<String>,
    /// Landscape pages (default true).
    pub landscape: Option<bool>,
    /// Resolution of the PNG maps, dots per inch (default 200).
    pub dpi: Option<f64>,
    /// Picture formats to write: `png`, `svg` (default both).
    pub formats: Option<Vec<String>>,
    /// Whether to draw the timeline (default true).
    pub timeline: Option<bool>,
    /// Basemap sources, drawn in order (`world`, `none`, a basemap folder or an `.osm.pbf`
    /// extract; paths relative to the case folder). Default: `world`.
    pub basemap: Option<Vec<String>>,
    /// Language of street and place names (`name:xx`).
    pub label_lang: Option<String>,
    /// Who made the imagery under the detail maps and its licence, printed in the credits.
    pub imagery_source: Option<String>,
    /// When the imagery under the detail maps was taken, printed in the legend and credits.
    pub imagery_date: Option<String>,
    /// Maps to draw (default: a detail map per site with incidents, and the country overview).
    pub maps: Option<Vec<MapConfig>>,
    /// Rings around every site, not only those with incidents (default false).
    pub rings_all_sites: Option<bool>,
    /// Sites from this OpenStreetMap extract (relative to the case) instead of `sites.geojson`.
    pub sites_osm: Option<std::path::PathBuf>,
    /// With `sites_osm`: the tags that make an element a site (`KEY` or `KEY=VALUE`).
    pub osm_tags: Option<Vec<String>>,
    /// Elements with any of these tags are not sites nor footprints (`building=no`).
    pub exclude_tags: Option<Vec<String>>,
    /// With `sites_osm`: tags kept as attributes of their own (all travel in `osm_tags`).
    pub osm_attributes: Option<Vec<String>>,
    /// Footprints for point sites from this OpenStreetMap extract (relative to the case).
    pub footprints_osm: Option<std::path::PathBuf>,
}

/// One map in `case.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapConfig {
    /// `detail` or `overview`.
    pub kind: String,
    /// Detail maps: the site id.
    pub site: Option<String>,
    /// Detail maps: radius shown around the site, metres.
    pub radius_m: Option<f64>,
    /// Overview maps: `country` or `[lon0, lat0, lon1, lat1]`.
    pub extent: Option<toml::Value>,
    /// Title of this map.
    pub title: Option<String>,
    /// File name without extension (default: `detail-SITE` or `overview`).
    pub name: Option<String>,
}

impl CaseConfig {
    /// Parses `case.toml` text; the message says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let doc = include_str!("config.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.contains("```toml"))
            .skip(1)
            .take_while(|l| !l.contains("```"))
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let c = CaseConfig::parse(&example).unwrap();
        assert_eq!(c.maps.as_ref().unwrap().len(), 2);
        assert_eq!(c.steps_m, Some([0.6, 0.75, 0.9]));
        assert!(CaseConfig::parse("titel = \"typo\"")
            .unwrap_err()
            .contains("titel"));
    }
}
