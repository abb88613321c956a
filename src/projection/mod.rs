//! Map projections behind one small trait, with two engines:
//! the pure-Rust [`proj4rs`] engine (default) and real PROJ (cargo feature `proj`).
//!
//! Geographic coordinates are WGS84 lon/lat in degrees; projected ones are
//! easting/northing in metres.

use geo_types::Coord;

/// A projection definition, independent of the engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProjectionDef {
    /// UTM zone 1–60, northern or southern hemisphere, on WGS84.
    Utm { zone: u8, north: bool },
    /// Transverse Mercator centred on (`lon0`, `lat0`) degrees with scale `k0`.
    TransverseMercator { lon0: f64, lat0: f64, k0: f64 },
    /// Azimuthal equidistant centred on (`lon0`, `lat0`) degrees: distances
    /// from the centre are geodesic distances.
    AzimuthalEquidistant { lon0: f64, lat0: f64 },
    /// Oblique stereographic (conformal) centred on (`lon0`, `lat0`) degrees.
    Stereographic { lon0: f64, lat0: f64 },
    /// Lambert conformal conic with standard parallels `lat1`, `lat2` degrees.
    LambertConformalConic {
        lon0: f64,
        lat0: f64,
        lat1: f64,
        lat2: f64,
    },
}

impl ProjectionDef {
    /// The PROJ string for this projection on the WGS84 ellipsoid.
    pub fn proj_string(&self) -> String {
        match *self {
            Self::Utm { zone, north } => format!(
                "+proj=utm +zone={zone}{} +ellps=WGS84 +units=m +no_defs",
                if north { "" } else { " +south" }
            ),
            Self::TransverseMercator { lon0, lat0, k0 } => format!(
                "+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k={k0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
            ),
            Self::AzimuthalEquidistant { lon0, lat0 } => format!(
                "+proj=aeqd +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
            ),
            Self::Stereographic { lon0, lat0 } => format!(
                "+proj=sterea +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
            ),
            Self::LambertConformalConic { lon0, lat0, lat1, lat2 } => format!(
                "+proj=lcc +lat_0={lat0} +lon_0={lon0} +lat_1={lat1} +lat_2={lat2} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
            ),
        }
    }
}

/// Errors from a projection engine.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The engine rejected the definition.
    #[error("cannot set up projection `{def}`: {message}")]
    Setup { def: String, message: String },
    /// A coordinate could not be transformed.
    #[error("cannot project ({x}, {y}): {message}")]
    Transform { x: f64, y: f64, message: String },
}

/// A ready projection: WGS84 lon/lat degrees ⇄ projected metres.
pub trait Projection: Send + Sync {
    /// Lon/lat degrees → easting/northing metres.
    fn forward(&self, lon_lat: Coord<f64>) -> Result<Coord<f64>, ProjectionError>;
    /// Easting/northing metres → lon/lat degrees.
    fn inverse(&self, xy: Coord<f64>) -> Result<Coord<f64>, ProjectionError>;
}
