//! Map projections behind one small trait, with two engines:
//! the pure-Rust `proj4rs` engine (default, [`proj4rs()`]) and real PROJ
//! (cargo feature `proj`, `proj()`).
//!
//! Geographic coordinates are WGS84 lon/lat in degrees; projected ones are
//! easting/northing in metres. Both engines read the same PROJ string
//! ([`ProjectionDef::proj_string`]) and apply no datum shift: the projected
//! CRS is on the WGS84 ellipsoid, like the input.
//!
//! The engines agree to about 3 nm for UTM, transverse Mercator, azimuthal
//! equidistant and oblique stereographic around Kyiv, Kharkiv and Odesa
//! (tested with the `proj` feature). Lambert conformal conic differs in the
//! inverse only, by up to ~1.4 µm: `proj4rs` solves for the latitude with
//! Snyder's fixed-point iteration and stops once a step is below 1e-10 rad,
//! while PROJ 9 iterates Newton's method to full precision. Forward results
//! agree to nanometres.
//!
//! ```
//! use impactmap::projection::{self, ProjectionDef};
//! use geo_types::coord;
//!
//! let kyiv = coord! { x: 30.5234, y: 50.4501 };
//! let utm = projection::engine(&ProjectionDef::utm_for(kyiv.x, kyiv.y)).unwrap();
//! let en = utm.forward(kyiv).unwrap(); // UTM 36N easting/northing, metres
//! assert!((en.x - 324_182.209).abs() < 0.001 && (en.y - 5_591_607.607).abs() < 0.001);
//! let back = utm.inverse(en).unwrap();
//! assert!((back.x - kyiv.x).abs() < 1e-12 && (back.y - kyiv.y).abs() < 1e-12);
//! ```

mod proj4rs_engine;
#[cfg(feature = "proj")]
mod proj_engine;

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
    /// The UTM zone on WGS84 that contains (`lon`, `lat`) degrees: zone
    /// `⌊(lon + 180) / 6⌋ + 1` (longitude 180° falls in zone 60), northern
    /// hemisphere for `lat ≥ 0`, with the standard exceptions of the UTM grid
    /// (zone 32 widened over south-west Norway, zones 31/33/35/37 over Svalbard).
    /// UTM is defined from 80° S to 84° N; nearer the poles the zone is still
    /// returned, but its distortion grows quickly (use a stereographic instead).
    ///
    /// ```
    /// use impactmap::projection::ProjectionDef;
    /// assert_eq!(ProjectionDef::utm_for(30.5234, 50.4501), ProjectionDef::Utm { zone: 36, north: true });
    /// assert_eq!(ProjectionDef::utm_for(-70.65, -33.45), ProjectionDef::Utm { zone: 19, north: false });
    /// ```
    pub fn utm_for(lon: f64, lat: f64) -> ProjectionDef {
        // Bring the longitude into [-180, 180) first, so 180° E = 180° W.
        let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
        let mut zone = ((lon + 180.0) / 6.0).floor().clamp(0.0, 59.0) as u8 + 1;
        if (56.0..64.0).contains(&lat) && (3.0..12.0).contains(&lon) {
            zone = 32;
        } else if (72.0..=84.0).contains(&lat) && (0.0..42.0).contains(&lon) {
            zone = match lon {
                l if l < 9.0 => 31,
                l if l < 21.0 => 33,
                l if l < 33.0 => 35,
                _ => 37,
            };
        }
        ProjectionDef::Utm {
            zone,
            north: lat >= 0.0,
        }
    }

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

impl ProjectionDef {
    /// The projection as ESRI-style WKT 1 on the WGS84 datum, as a `.prj` file holds it
    /// (UTM with its EPSG code, from the `crs-definitions` tables).
    pub fn wkt(&self) -> String {
        const GEOGCS: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let (name, method, params): (String, &str, Vec<(&str, f64)>) = match *self {
            Self::Utm { zone, north } => {
                let code = if north { 32600 } else { 32700 } + u16::from(zone);
                if let Some(def) = crs_definitions::from_code(code) {
                    return def.wkt.to_string();
                }
                let (lon0, y0) = (f64::from(zone) * 6.0 - 183.0, if north { 0.0 } else { 1e7 });
                let name = format!("WGS_1984_UTM_Zone_{zone}{}", if north { "N" } else { "S" });
                let p = vec![
                    ("False_Easting", 500_000.0),
                    ("False_Northing", y0),
                    ("Central_Meridian", lon0),
                    ("Scale_Factor", 0.9996),
                    ("Latitude_Of_Origin", 0.0),
                ];
                (name, "Transverse_Mercator", p)
            }
            Self::TransverseMercator { lon0, lat0, k0 } => (
                "WGS_1984_Transverse_Mercator".into(),
                "Transverse_Mercator",
                vec![
                    ("False_Easting", 0.0),
                    ("False_Northing", 0.0),
                    ("Central_Meridian", lon0),
                    ("Scale_Factor", k0),
                    ("Latitude_Of_Origin", lat0),
                ],
            ),
            Self::AzimuthalEquidistant { lon0, lat0 } => (
                "WGS_1984_Azimuthal_Equidistant".into(),
                "Azimuthal_Equidistant",
                vec![
                    ("False_Easting", 0.0),
                    ("False_Northing", 0.0),
                    ("Central_Meridian", lon0),
                    ("Latitude_Of_Origin", lat0),
                ],
            ),
            Self::Stereographic { lon0, lat0 } => (
                "WGS_1984_Oblique_Stereographic".into(),
                "Double_Stereographic",
                vec![
                    ("False_Easting", 0.0),
                    ("False_Northing", 0.0),
                    ("Central_Meridian", lon0),
                    ("Scale_Factor", 1.0),
                    ("Latitude_Of_Origin", lat0),
                ],
            ),
            Self::LambertConformalConic {
                lon0,
                lat0,
                lat1,
                lat2,
            } => (
                "WGS_1984_Lambert_Conformal_Conic".into(),
                "Lambert_Conformal_Conic",
                vec![
                    ("False_Easting", 0.0),
                    ("False_Northing", 0.0),
                    ("Central_Meridian", lon0),
                    ("Standard_Parallel_1", lat1),
                    ("Standard_Parallel_2", lat2),
                    ("Latitude_Of_Origin", lat0),
                ],
            ),
        };
        let params: String = params
            .iter()
            .map(|(k, v)| format!(r#",PARAMETER["{k}",{v:?}]"#))
            .collect();
        format!(r#"PROJCS["{name}",{GEOGCS},PROJECTION["{method}"]{params},UNIT["Meter",1.0]]"#)
    }
}

/// The PROJ string of an EPSG code, from the `crs-definitions` tables (`None` if unknown).
pub fn epsg_proj_string(code: u16) -> Option<&'static str> {
    crs_definitions::from_code(code).map(|d| d.proj4)
}

/// A projection from a PROJ string (`+proj=… +ellps=…`): WGS84 lon/lat degrees ⇄ that CRS's
/// coordinates, with the pure-Rust engine. A geographic CRS (`+proj=longlat`) is not a
/// projection: check [`is_geographic`] first.
pub fn from_proj_string(def: &str) -> Result<Box<dyn Projection>, ProjectionError> {
    let engine = proj4rs_engine::Proj4rsEngine::new(def)?;
    Ok(Box::new(InDegrees {
        proj_string: def.to_string(),
        engine,
    }))
}

/// Whether a PROJ string describes geographic longitude/latitude in degrees.
pub fn is_geographic(def: &str) -> bool {
    def.split_whitespace()
        .any(|t| t == "+proj=longlat" || t == "+proj=latlong" || t == "+proj=lonlat")
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

/// The default engine for `def`: the pure-Rust `proj4rs` engine.
///
/// Both engines agree to 1 µm for UTM, transverse Mercator and azimuthal
/// equidistant around the bundled sites (tested when the `proj` feature is on).
pub fn engine(def: &ProjectionDef) -> Result<Box<dyn Projection>, ProjectionError> {
    proj4rs(def)
}

/// The pure-Rust `proj4rs` engine for `def`, whatever features are enabled.
pub fn proj4rs(def: &ProjectionDef) -> Result<Box<dyn Projection>, ProjectionError> {
    in_degrees(def, proj4rs_engine::Proj4rsEngine::new)
}

/// The real PROJ engine for `def` (cargo feature `proj`).
#[cfg(feature = "proj")]
pub fn proj(def: &ProjectionDef) -> Result<Box<dyn Projection>, ProjectionError> {
    in_degrees(def, proj_engine::ProjEngine::new)
}

/// Sets up `def` with an engine and puts it behind [`Projection`].
fn in_degrees<E: RadianEngine + 'static>(
    def: &ProjectionDef,
    setup: fn(&str) -> Result<E, ProjectionError>,
) -> Result<Box<dyn Projection>, ProjectionError> {
    let proj_string = def.proj_string();
    let engine = setup(&proj_string)?;
    Ok(Box::new(InDegrees {
        proj_string,
        engine,
    }))
}

/// What an engine provides: a projection with geographic coordinates in
/// radians (as both PROJ and `proj4rs` take them), failures as messages.
trait RadianEngine: Send + Sync {
    /// Lon/lat radians → easting/northing metres.
    fn forward_rad(&self, lam: f64, phi: f64) -> Result<(f64, f64), String>;
    /// Easting/northing metres → lon/lat radians.
    fn inverse_rad(&self, x: f64, y: f64) -> Result<(f64, f64), String>;
}

/// An engine behind the crate's interface: degrees in and out, inputs and
/// outputs checked (engines may answer NaN instead of failing).
struct InDegrees<E> {
    proj_string: String,
    engine: E,
}

impl<E: RadianEngine> InDegrees<E> {
    /// The error for a coordinate the engine could not transform.
    fn failed(&self, c: Coord<f64>, why: &str) -> ProjectionError {
        ProjectionError::Transform {
            x: c.x,
            y: c.y,
            message: format!("{why} (projection `{}`)", self.proj_string),
        }
    }

    /// Engines may answer NaN or infinity instead of failing.
    fn finite(&self, input: Coord<f64>, out: Coord<f64>) -> Result<Coord<f64>, ProjectionError> {
        if out.x.is_finite() && out.y.is_finite() {
            Ok(out)
        } else {
            Err(self.failed(input, "outside the projection's domain (no finite result)"))
        }
    }
}

impl<E: RadianEngine> Projection for InDegrees<E> {
    fn forward(&self, lon_lat: Coord<f64>) -> Result<Coord<f64>, ProjectionError> {
        let Coord { x: lon, y: lat } = lon_lat;
        if !lon.is_finite() || !lat.is_finite() || lat.abs() > 90.0 || lon.abs() > 540.0 {
            return Err(self.failed(
                lon_lat,
                "not a longitude/latitude in degrees (need finite values, |lat| ≤ 90)",
            ));
        }
        let (x, y) = self
            .engine
            .forward_rad(lon.to_radians(), lat.to_radians())
            .map_err(|m| self.failed(lon_lat, &m))?;
        self.finite(lon_lat, Coord { x, y })
    }

    fn inverse(&self, xy: Coord<f64>) -> Result<Coord<f64>, ProjectionError> {
        let (lam, phi) = self
            .engine
            .inverse_rad(xy.x, xy.y)
            .map_err(|m| self.failed(xy, &m))?;
        self.finite(
            xy,
            Coord {
                x: lam.to_degrees(),
                y: phi.to_degrees(),
            },
        )
    }
}

/// Step in latitude (degrees, about 11 m) for [`grid_convergence_deg`].
const CONVERGENCE_STEP_DEG: f64 = 1e-4;

/// Grid convergence at (`lon`, `lat`) degrees, in degrees: the angle from
/// true north to grid north, positive when grid north lies clockwise (east)
/// of true north — the sign convention of PROJ's `meridian_convergence` and
/// of the UTM literature (positive east of the central meridian in the
/// northern hemisphere).
///
/// On a map drawn in the projected grid (grid north up), true north points
/// `−γ` from the page's up direction, i.e. a north arrow is rotated
/// counter-clockwise by `γ`.
///
/// Computed numerically from the projection of two points 10⁻⁴° of latitude
/// (≈ 11 m) south and north of the point (a central difference; the error is
/// far below 10⁻⁶°). Returns NaN where the projection cannot be evaluated.
pub fn grid_convergence_deg(p: &dyn Projection, lon: f64, lat: f64) -> f64 {
    let h = CONVERGENCE_STEP_DEG;
    // Keep both samples on the ellipsoid near the poles.
    let lat_s = (lat - h).max(-90.0);
    let lat_n = (lat + h).min(90.0);
    match (
        p.forward(Coord { x: lon, y: lat_s }),
        p.forward(Coord { x: lon, y: lat_n }),
    ) {
        (Ok(s), Ok(n)) => {
            let (dx, dy) = (n.x - s.x, n.y - s.y);
            // Direction of true north measured clockwise from grid north is
            // atan2(dx, dy); grid north relative to true north is its negative.
            -dx.atan2(dy).to_degrees()
        }
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_zones_follow_the_grid_and_its_exceptions() {
        let utm = |zone, north| ProjectionDef::Utm { zone, north };
        // Zone boundaries every 6° from 180° W.
        assert_eq!(ProjectionDef::utm_for(-180.0, 10.0), utm(1, true));
        assert_eq!(ProjectionDef::utm_for(-174.000_001, 10.0), utm(1, true));
        assert_eq!(ProjectionDef::utm_for(-174.0, 10.0), utm(2, true));
        assert_eq!(ProjectionDef::utm_for(179.999, 10.0), utm(60, true));
        assert_eq!(ProjectionDef::utm_for(180.0, 10.0), utm(1, true));
        assert_eq!(ProjectionDef::utm_for(36.23, 49.99), utm(37, true)); // Kharkiv
        assert_eq!(ProjectionDef::utm_for(30.73, 46.48), utm(36, true)); // Odesa
        assert_eq!(ProjectionDef::utm_for(18.42, -33.92), utm(34, false)); // Cape Town
        assert_eq!(ProjectionDef::utm_for(0.0, 0.0), utm(31, true));
        // Norway: 32V spans 3°–12° E.
        assert_eq!(ProjectionDef::utm_for(5.32, 60.39), utm(32, true)); // Bergen
        assert_eq!(ProjectionDef::utm_for(2.9, 60.0), utm(31, true));
        // Svalbard: 31X, 33X, 35X, 37X.
        assert_eq!(ProjectionDef::utm_for(15.63, 78.22), utm(33, true)); // Longyearbyen
        assert_eq!(ProjectionDef::utm_for(8.0, 79.0), utm(31, true));
        assert_eq!(ProjectionDef::utm_for(25.0, 80.0), utm(35, true));
        assert_eq!(ProjectionDef::utm_for(40.0, 80.0), utm(37, true));
    }

    #[test]
    fn bad_inputs_are_errors_naming_the_projection() {
        let p = engine(&ProjectionDef::Utm {
            zone: 36,
            north: true,
        })
        .unwrap();
        for (x, y) in [
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
            (0.0, 90.5),
            (600.0, 0.0),
        ] {
            let err = p.forward(Coord { x, y }).unwrap_err().to_string();
            assert!(
                err.contains("longitude/latitude") && err.contains("+proj=utm +zone=36"),
                "{err}"
            );
        }
        assert!(p
            .forward(Coord {
                x: -180.0,
                y: -90.0
            })
            .is_ok());
        let err = p
            .inverse(Coord {
                x: f64::NAN,
                y: 0.0,
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("+proj=utm"), "{err}");
    }
}
