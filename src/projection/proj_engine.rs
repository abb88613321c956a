//! The PROJ engine (cargo feature `proj`): the `proj` crate, which builds
//! PROJ 9.6 from source. The PROJ string is used as a bare conversion (no
//! CRS-to-CRS pipeline), so, as with `proj4rs`, there is no datum step and
//! geographic coordinates go through PROJ in radians.

use super::{ProjectionError, RadianEngine};
use std::sync::Mutex;

/// A PROJ object with its own context.
struct OwnedProj(proj::Proj);

// SAFETY: `proj::Proj::new` creates a fresh PROJ context for every object and
// the object never shares it, so moving it to another thread is sound. PROJ
// forbids using one context from two threads at once; the `Mutex` in
// `ProjEngine` serialises every call.
unsafe impl Send for OwnedProj {}

/// A PROJ projection, usable from any thread.
pub(super) struct ProjEngine(Mutex<OwnedProj>);

impl ProjEngine {
    /// Sets up the PROJ string `def`.
    pub(super) fn new(def: &str) -> Result<Self, ProjectionError> {
        let pj = proj::Proj::new(def).map_err(|e| ProjectionError::Setup {
            def: def.to_string(),
            message: e.to_string(),
        })?;
        Ok(ProjEngine(Mutex::new(OwnedProj(pj))))
    }

    fn run(&self, x: f64, y: f64, inverse: bool) -> Result<(f64, f64), String> {
        // A poisoned lock only means another call panicked; the PROJ object is
        // still valid because `project` resets its error state on every call.
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.project((x, y), inverse).map_err(|e| e.to_string())
    }
}

impl RadianEngine for ProjEngine {
    fn forward_rad(&self, lam: f64, phi: f64) -> Result<(f64, f64), String> {
        self.run(lam, phi, false)
    }

    fn inverse_rad(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        self.run(x, y, true)
    }
}
