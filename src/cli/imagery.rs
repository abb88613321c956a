//! Imagery options shared by the picture commands: credits for a GeoTIFF or tiles named by
//! `--basemap`, and how online tiles are fetched.

use super::UsageError;
use clap::Args;
use impactmap::imagery::{Imagery, ImageryOptions, Source};
use impactmap::io::tiles::{OnlineOptions, DEFAULT_TILE_LIMIT};
use std::path::PathBuf;

/// Options for imagery and tiles under a map.
#[derive(Debug, Clone, Args)]
pub struct ImageryArgs {
    /// Who made the image under the map and its licence, printed in the credits (e.g. "Copernicus Sentinel-2 (CC BY-SA 3.0 IGO)").
    #[arg(long, value_name = "TEXT")]
    pub imagery_source: Option<String>,
    /// When the image under the map was taken (e.g. 2024-03-02), printed in the legend and credits.
    #[arg(long, value_name = "DATE")]
    pub imagery_date: Option<String>,
    /// The attribution the tiles' provider requires, printed on the map (known for OpenStreetMap's standard tiles).
    #[arg(long, value_name = "TEXT")]
    pub basemap_attribution: Option<String>,
    /// Folder for cached online tiles (default: the platform's cache folder).
    #[arg(long, value_name = "DIR")]
    pub tile_cache: Option<PathBuf>,
    /// Use only cached tiles: never connect to the tile server.
    #[arg(long)]
    pub offline: bool,
    /// The most tiles one map may use.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TILE_LIMIT)]
    pub tile_limit: usize,
    /// A contact (e-mail or URL) added to the User-Agent sent to tile servers.
    #[arg(long, value_name = "EMAIL|URL")]
    pub tile_contact: Option<String>,
}

impl ImageryArgs {
    /// The options given.
    pub fn options(&self) -> ImageryOptions {
        ImageryOptions {
            imagery_source: self.imagery_source.clone(),
            imagery_date: self.imagery_date.clone(),
            attribution: self.basemap_attribution.clone(),
            online: OnlineOptions {
                cache_dir: self.tile_cache.clone(),
                offline: self.offline,
                tile_limit: self.tile_limit,
                contact: self.tile_contact.clone(),
            },
        }
    }

    /// The imagery `--basemap` names, with these options, checked.
    pub fn imagery(&self, source: Option<&Source>) -> Result<Option<Imagery>, UsageError> {
        let Some(source) = source else {
            return Ok(None);
        };
        let imagery = self.options().imagery(source.clone());
        imagery.check().map_err(UsageError)?;
        Ok(Some(imagery))
    }
}
