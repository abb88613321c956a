//! The scene: a list of drawing items in page pixels, written out as PNG or SVG by
//! [`super::raster`] and [`super::svg`] so that both show the same picture.

use super::geom::{Contour, Pt, Rect};
use crate::style::{Marker, Rgb};

/// A colour with an opacity in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// sRGB colour.
    pub colour: Rgb,
    /// Opacity, 0 transparent to 1 opaque.
    pub opacity: f64,
}

impl Paint {
    /// An opaque colour.
    pub const fn solid(colour: Rgb) -> Self {
        Paint {
            colour,
            opacity: 1.0,
        }
    }

    /// A colour at `opacity`.
    pub const fn with(colour: Rgb, opacity: f64) -> Self {
        Paint { colour, opacity }
    }
}

/// How a line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Flat at the end point.
    Butt,
    /// A half disc around the end point.
    Round,
}

/// Line style: width in pixels, optional dash pattern (on, off, … pixels), cap.
#[derive(Debug, Clone, PartialEq)]
pub struct LineStyle {
    /// Colour and opacity.
    pub paint: Paint,
    /// Width, pixels.
    pub width: f64,
    /// Dash pattern in pixels, `None` for a solid line.
    pub dash: Option<Vec<f64>>,
    /// End caps (joins are always round).
    pub cap: Cap,
}

impl LineStyle {
    /// A solid line with round caps.
    pub fn solid(paint: Paint, width: f64) -> Self {
        LineStyle {
            paint,
            width,
            dash: None,
            cap: Cap::Round,
        }
    }

    /// A dashed line with butt caps.
    pub fn dashed(paint: Paint, width: f64, on: f64, off: f64) -> Self {
        LineStyle {
            paint,
            width,
            dash: Some(vec![on, off]),
            cap: Cap::Butt,
        }
    }
}

/// Font weight of the bundled DejaVu Sans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// Horizontal alignment of text on its anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Text starts at the anchor.
    Start,
    /// Text is centred on the anchor.
    Middle,
    /// Text ends at the anchor.
    End,
}

/// One line of text at a baseline point.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The characters.
    pub text: String,
    /// Baseline anchor point, pixels.
    pub at: Pt,
    /// Em size, pixels.
    pub size: f64,
    /// Font weight.
    pub weight: Weight,
    /// Alignment on `at`.
    pub anchor: Anchor,
    /// Rotation about `at`, degrees clockwise.
    pub angle_deg: f64,
    /// Fill.
    pub paint: Paint,
    /// A halo (outline) under the glyphs: colour and total width, pixels.
    pub halo: Option<(Rgb, f64)>,
}

/// An RGBA picture painted pixel for pixel onto the page (imagery under a map).
#[derive(Clone, PartialEq)]
pub struct Raster {
    /// Page position of the picture's top-left corner, whole pixels.
    pub x: i32,
    /// Page position of the picture's top-left corner, whole pixels.
    pub y: i32,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Pixels, straight (not premultiplied) RGBA, row by row from the top.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Raster {}x{} at ({}, {})",
            self.width, self.height, self.x, self.y
        )
    }
}

/// Where a page lies on the Earth: the map's projection and the affine step from page pixels
/// to projected metres (for the PNG's world file and `.prj`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Georef {
    /// The map projection.
    pub projection: crate::projection::ProjectionDef,
    /// Projected metres (easting, northing) at the centre of the top-left pixel.
    pub origin: geo_types::Coord<f64>,
    /// Projected metres per pixel (square pixels, north up).
    pub m_per_px: f64,
}

/// What can be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A filled area. Contours are filled by the non-zero rule: the builders orient outer rings
    /// clockwise on the page and holes counter-clockwise.
    Fill {
        /// Closed outlines.
        contours: Vec<Contour>,
        /// Fill colour.
        paint: Paint,
    },
    /// A line along points (closed back to the first if `closed`).
    Line {
        /// Vertices, pixels.
        points: Vec<Pt>,
        /// Whether the line returns to its start.
        closed: bool,
        /// Stroke.
        style: LineStyle,
    },
    /// A line of text.
    Text(Text),
    /// A point symbol: one of the palette's marker shapes, filled, over a halo.
    Marker {
        /// Shape.
        marker: Marker,
        /// Centre, pixels.
        at: Pt,
        /// Size (the shape's bounding square), pixels.
        size: f64,
        /// Fill.
        paint: Paint,
        /// Halo: colour and total stroke width, pixels (half of it shows outside the shape).
        halo: Option<(Rgb, f64)>,
    },
    /// A picture, pixel for pixel.
    Image(Raster),
}

/// A drawing item and the rectangle it is clipped to (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What to draw.
    pub item: Item,
    /// Clip rectangle, pixels.
    pub clip: Option<Rect>,
}

/// A page of drawing items, painted in order over a background colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Resolution recorded in the output, dots per inch.
    pub dpi: Option<f64>,
    /// Page colour.
    pub background: Rgb,
    /// Items, bottom first.
    pub entries: Vec<Entry>,
    /// Where the page lies on the Earth, for maps (written beside a PNG as `.pgw` and `.prj`).
    pub georef: Option<Georef>,
    clip: Option<Rect>,
}

impl Scene {
    /// An empty page.
    pub fn new(width: u32, height: u32, dpi: Option<f64>, background: Rgb) -> Self {
        Scene {
            width,
            height,
            dpi,
            background,
            entries: Vec::new(),
            georef: None,
            clip: None,
        }
    }

    /// Clips the items added from now on to `clip` (`None`: the page).
    pub fn set_clip(&mut self, clip: Option<Rect>) {
        self.clip = clip;
    }

    /// Adds an item under the current clip.
    pub fn push(&mut self, item: Item) {
        self.entries.push(Entry {
            item,
            clip: self.clip,
        });
    }

    /// Fills polygons given as rings: the first ring of each is its exterior, the rest holes.
    pub fn fill_polygons(&mut self, polygons: &[Vec<Vec<Pt>>], paint: Paint) {
        let contours: Vec<Contour> = polygons
            .iter()
            .flat_map(|rings| {
                rings
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.len() >= 3)
                    .map(|(i, r)| Contour::polygon(&super::geom::orient(r.clone(), i == 0)))
            })
            .collect();
        if !contours.is_empty() {
            self.push(Item::Fill { contours, paint });
        }
    }

    /// Fills one ring.
    pub fn fill_ring(&mut self, ring: Vec<Pt>, paint: Paint) {
        self.fill_polygons(&[vec![ring]], paint);
    }

    /// Fills an axis-aligned rectangle.
    pub fn fill_rect(&mut self, r: Rect, paint: Paint) {
        self.fill_ring(rect_ring(&r), paint);
    }

    /// Outlines an axis-aligned rectangle.
    pub fn stroke_rect(&mut self, r: Rect, style: LineStyle) {
        self.line(rect_ring(&r), true, style);
    }

    /// Draws a line.
    pub fn line(&mut self, points: Vec<Pt>, closed: bool, style: LineStyle) {
        if points.len() >= 2 && style.width > 0.0 {
            self.push(Item::Line {
                points,
                closed,
                style,
            });
        }
    }

    /// Draws a line of text.
    pub fn text(&mut self, text: Text) {
        if !text.text.trim().is_empty() {
            self.push(Item::Text(text));
        }
    }

    /// The texts on the page, in drawing order.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        self.entries.iter().filter_map(|e| match &e.item {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }
}

/// The four corners of a rectangle, clockwise on the page from the top left.
pub fn rect_ring(r: &Rect) -> Vec<Pt> {
    vec![
        Pt { x: r.x0, y: r.y0 },
        Pt { x: r.x1, y: r.y0 },
        Pt { x: r.x1, y: r.y1 },
        Pt { x: r.x0, y: r.y1 },
    ]
}
