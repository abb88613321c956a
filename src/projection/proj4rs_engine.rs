//! The default engine: `proj4rs`, a pure-Rust port of PROJ's projection code
//! (no system libraries). Geographic coordinates go in and out in radians.

use super::{ProjectionError, RadianEngine};
use proj4rs::proj::Proj;
use proj4rs::transform::transform;

/// Geographic WGS84 lon/lat, on the same ellipsoid as the projected side and
/// without a datum, so no datum shift is ever applied.
const LONLAT_WGS84: &str = "+proj=longlat +ellps=WGS84 +no_defs";

/// A `proj4rs` projection: the geographic and projected ends of the transform.
pub(super) struct Proj4rsEngine {
    lonlat: Proj,
    projected: Proj,
}

impl Proj4rsEngine {
    /// Sets up the PROJ string `def`.
    pub(super) fn new(def: &str) -> Result<Self, ProjectionError> {
        let setup = |s: &str| {
            Proj::from_proj_string(s).map_err(|e| ProjectionError::Setup {
                def: s.to_string(),
                message: e.to_string(),
            })
        };
        Ok(Proj4rsEngine {
            lonlat: setup(LONLAT_WGS84)?,
            projected: setup(def)?,
        })
    }
}

fn run(from: &Proj, to: &Proj, x: f64, y: f64) -> Result<(f64, f64), String> {
    let mut p = (x, y, 0.0);
    transform(from, to, &mut p).map_err(|e| e.to_string())?;
    Ok((p.0, p.1))
}

impl RadianEngine for Proj4rsEngine {
    fn forward_rad(&self, lam: f64, phi: f64) -> Result<(f64, f64), String> {
        run(&self.lonlat, &self.projected, lam, phi)
    }

    fn inverse_rad(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        run(&self.projected, &self.lonlat, x, y)
    }
}
