//! A local equirectangular frame on the WGS84 ellipsoid: metres east and north
//! of an origin. Used to rank candidates and bound errors, never for a result.

use super::{MEAN_RADIUS_M, WGS84_A, WGS84_F};
use geo_types::{Coord, Point};

/// Largest distance from the origin (m) at which a frame's bounds are used.
/// Farther, or across the frame's seam (the meridian opposite the origin),
/// distances are bounded by Earth-centred chords instead.
pub const NEAR_FIELD_M: f64 = 200_000.0;

/// Local east/north metres around an origin, scaled by the ellipsoid's radii
/// of curvature at the origin's latitude.
#[derive(Debug, Clone, Copy)]
pub struct LocalFrame {
    lon0: f64,
    lat0: f64,
    /// Metres per degree of longitude at the origin.
    kx: f64,
    /// Metres per degree of latitude at the origin.
    ky: f64,
    /// |tan(lat0)|, which drives the frame's distortion.
    tan_lat: f64,
}

impl LocalFrame {
    /// A frame centred on `origin` (lon/lat degrees).
    pub fn new(origin: Point<f64>) -> Self {
        let phi = origin.y().to_radians();
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let n = WGS84_A / w; // prime vertical radius
        let m = WGS84_A * (1.0 - e2) / (w * w * w); // meridional radius
        let deg = std::f64::consts::PI / 180.0;
        LocalFrame {
            lon0: origin.x(),
            lat0: origin.y(),
            kx: n * phi.cos() * deg,
            ky: m * deg,
            tan_lat: phi.tan().abs().min(1e3),
        }
    }

    /// The frame's origin, lon/lat degrees.
    pub fn origin(&self) -> Point<f64> {
        Point::new(self.lon0, self.lat0)
    }

    /// Whether the segment between projected eastings `ax` and `bx` (metres)
    /// jumps across the seam, the meridian opposite the origin, where the
    /// projection is discontinuous.
    #[inline]
    pub fn tears(&self, ax: f64, bx: f64) -> bool {
        (bx - ax).abs() > 180.0 * self.kx
    }

    /// Whether the frame's bounds hold for points up to `reach_m` (projected
    /// metres) from the origin: within [`NEAR_FIELD_M`] and a distortion of
    /// at most 25 %.
    #[inline]
    pub fn holds(&self, reach_m: f64) -> bool {
        reach_m <= NEAR_FIELD_M && self.relative_error(reach_m) <= 0.25
    }

    /// Lon/lat degrees → (east, north) metres from the origin.
    #[inline]
    pub fn project(&self, c: Coord<f64>) -> (f64, f64) {
        let mut dlon = c.x - self.lon0;
        if dlon > 180.0 {
            dlon -= 360.0;
        } else if dlon < -180.0 {
            dlon += 360.0;
        }
        (dlon * self.kx, (c.y - self.lat0) * self.ky)
    }

    /// Relative distortion bound for distances within `reach_m` of the origin:
    /// a planar distance `d` in this frame satisfies
    /// `true/(1+ε) − δ ≤ d ≤ true·(1+ε) + δ` with ε from here (deliberately generous).
    #[inline]
    pub fn relative_error(&self, reach_m: f64) -> f64 {
        let r = reach_m / MEAN_RADIUS_M;
        2.0 * (1.0 + self.tan_lat) * r + 4.0 * r * r * (1.0 + self.tan_lat * self.tan_lat) + 1e-9
    }

    /// Bound on how far a geodesic edge of length `len_m` strays from the straight
    /// segment between its projected ends, metres (generous: 8× the sphere's sag).
    #[inline]
    pub fn sag_m(&self, len_m: f64) -> f64 {
        len_m * len_m * (1.0 + self.tan_lat) / MEAN_RADIUS_M + 1e-6
    }
}
