//! From the Earth to the page: the map projection chosen for an extent, the affine step
//! from projected metres to page pixels ([`MapView`]), and the page's own geometry
//! ([`geom`]: points and rectangles in pixels). Below both the readers that fit imagery to
//! a map ([`crate::io`]) and the renderer ([`crate::render`]), which re-exports both.

pub mod geom;

use crate::geodesy;
use crate::projection::{Projection, ProjectionDef, ProjectionError};
use geo_types::{coord, Coord, Point};
use geom::{pt, Pt, Rect};

/// The projection engine for a definition (the crate's default engine).
pub fn engine(def: &ProjectionDef) -> Result<Box<dyn Projection>, ProjectionError> {
    crate::projection::engine(def)
}

/// The projection for an extent (`[west, south, east, north]` degrees): a Lambert conformal
/// conic centred on the extent, standard parallels at one sixth of its span in from its southern
/// and northern edges, for extents wider than 3° that keep to one side of the equator; an
/// oblique stereographic (conformal) centred on the extent for anything smaller or across the
/// equator.
pub fn projection_for_extent(bbox: [f64; 4]) -> ProjectionDef {
    let [w, s, e, n] = bbox;
    let (lon0, lat0) = ((w + e) / 2.0, (s + n) / 2.0);
    let one_side = s > 0.0 || n < 0.0;
    if (e - w).max(n - s) > 3.0 && one_side {
        let span = n - s;
        ProjectionDef::LambertConformalConic {
            lon0,
            lat0,
            lat1: s + span / 6.0,
            lat2: n - span / 6.0,
        }
    } else {
        ProjectionDef::Stereographic { lon0, lat0 }
    }
}

/// A map frame on the page: projection plus scale.
pub struct MapView {
    /// The projection.
    pub def: ProjectionDef,
    proj: Box<dyn Projection>,
    /// The frame on the page, pixels.
    pub frame: Rect,
    /// Projected coordinates (metres) of the frame's centre.
    pub centre_xy: Coord<f64>,
    /// Metres (projected) per pixel.
    pub m_per_px: f64,
}

impl MapView {
    /// A view of `def` with the projected point `centre_xy` at the centre of `frame`.
    pub fn new(
        def: ProjectionDef,
        frame: Rect,
        centre_xy: Coord<f64>,
        m_per_px: f64,
    ) -> Result<Self, ProjectionError> {
        Ok(MapView {
            def,
            proj: engine(&def)?,
            frame,
            centre_xy,
            m_per_px,
        })
    }

    /// A view of `def` fitting the projected bounding box of `outline` (lon/lat points) into
    /// `frame` minus `padding` pixels on every side.
    pub fn fit(
        def: ProjectionDef,
        frame: Rect,
        outline: &[Coord<f64>],
        padding: f64,
    ) -> Result<Self, ProjectionError> {
        let proj = engine(&def)?;
        let xy: Vec<Coord<f64>> = outline
            .iter()
            .map(|c| proj.forward(*c))
            .collect::<Result<_, _>>()?;
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in &xy {
            (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
        }
        let inner = frame.inflate(-padding);
        let m_per_px = ((x1 - x0) / inner.width())
            .max((y1 - y0) / inner.height())
            .max(1e-6);
        Ok(MapView {
            def,
            proj,
            frame,
            centre_xy: coord! { x: (x0 + x1) / 2.0, y: (y0 + y1) / 2.0 },
            m_per_px,
        })
    }

    /// Projected metres → page pixels.
    pub fn xy_to_px(&self, c: Coord<f64>) -> Pt {
        let mid = self.frame.centre();
        pt(
            mid.x + (c.x - self.centre_xy.x) / self.m_per_px,
            mid.y - (c.y - self.centre_xy.y) / self.m_per_px,
        )
    }

    /// Page pixels → projected metres.
    pub fn px_to_xy(&self, p: Pt) -> Coord<f64> {
        let mid = self.frame.centre();
        coord! { x: self.centre_xy.x + (p.x - mid.x) * self.m_per_px, y: self.centre_xy.y - (p.y - mid.y) * self.m_per_px }
    }

    /// Lon/lat degrees → page pixels.
    pub fn to_px(&self, lon_lat: Coord<f64>) -> Result<Pt, ProjectionError> {
        Ok(self.xy_to_px(self.proj.forward(lon_lat)?))
    }

    /// Lon/lat point → page pixels.
    pub fn point_px(&self, p: Point<f64>) -> Result<Pt, ProjectionError> {
        self.to_px(p.0)
    }

    /// Page pixels → lon/lat degrees.
    pub fn from_px(&self, p: Pt) -> Result<Coord<f64>, ProjectionError> {
        self.proj.inverse(self.px_to_xy(p))
    }

    /// Lon/lat degrees → projected metres.
    pub fn forward(&self, lon_lat: Coord<f64>) -> Result<Coord<f64>, ProjectionError> {
        self.proj.forward(lon_lat)
    }

    /// Projected metres → lon/lat degrees.
    pub fn inverse(&self, xy: Coord<f64>) -> Result<Coord<f64>, ProjectionError> {
        self.proj.inverse(xy)
    }

    /// The angle from grid north (up on the page) to true north at a point, degrees, clockwise
    /// positive: the negative of the projection's grid convergence
    /// ([`crate::projection::grid_convergence_deg`]).
    pub fn convergence_deg(&self, lon_lat: Coord<f64>) -> Result<f64, ProjectionError> {
        let g = crate::projection::grid_convergence_deg(self.proj.as_ref(), lon_lat.x, lon_lat.y);
        if g.is_finite() {
            Ok(-g)
        } else {
            Err(ProjectionError::Transform {
                x: lon_lat.x,
                y: lon_lat.y,
                message: "no meridian convergence here".into(),
            })
        }
    }

    /// Page pixels per metre on the ground at a point, along the direction `azimuth_deg`
    /// (from a 10 m geodesic step).
    pub fn px_per_ground_m(
        &self,
        lon_lat: Coord<f64>,
        azimuth_deg: f64,
    ) -> Result<f64, ProjectionError> {
        let a = self.to_px(lon_lat)?;
        let b = self.to_px(geodesy::destination(Point(lon_lat), azimuth_deg, 10.0).0)?;
        Ok(a.dist(b) / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_and_metres_round_trip() {
        let v = MapView::new(
            ProjectionDef::Stereographic {
                lon0: 30.49,
                lat0: 50.46,
            },
            Rect::new(100.0, 100.0, 900.0, 700.0),
            coord! { x: 0.0, y: 0.0 },
            2.0,
        )
        .unwrap();
        let c = coord! { x: 30.4906, y: 50.4608 };
        let p = v.to_px(c).unwrap();
        let back = v.from_px(p).unwrap();
        assert!((back.x - c.x).abs() < 1e-9 && (back.y - c.y).abs() < 1e-9);
        // North is up: a point north of the centre is higher on the page.
        let n = v.to_px(coord! { x: 30.49, y: 50.47 }).unwrap();
        assert!(n.y < v.frame.centre().y);
        // Scale at the centre of a stereographic with k0 = 1: 0.5 px per metre.
        let k = v
            .px_per_ground_m(coord! { x: 30.49, y: 50.46 }, 90.0)
            .unwrap();
        assert!((k - 0.5).abs() < 1e-6, "{k}");
    }

    #[test]
    fn lambert_convergence_is_minus_n_times_longitude_difference() {
        // East of the central meridian the meridians lean towards the cone's apex: true north is
        // turned anticlockwise from grid north by n·Δλ.
        // The conic of an overview of Ukraine.
        let lcc = ProjectionDef::LambertConformalConic {
            lon0: 31.0,
            lat0: 48.5,
            lat1: 45.7,
            lat2: 51.0,
        };
        let v = MapView::new(
            lcc,
            Rect::new(0.0, 0.0, 100.0, 100.0),
            coord! { x: 0.0, y: 0.0 },
            1000.0,
        )
        .unwrap();
        // Snyder's eq. 15-8 for 45.7° and 51.0° on WGS84, evaluated separately.
        let n = 0.747_488_395_805;
        let g = v.convergence_deg(coord! { x: 39.0, y: 48.0 }).unwrap();
        assert!((g + n * 8.0).abs() < 1e-4, "{g}");
        assert!(
            v.convergence_deg(coord! { x: 31.0, y: 48.0 })
                .unwrap()
                .abs()
                < 1e-6
        );
    }
}
