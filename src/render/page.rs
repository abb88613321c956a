//! Page size and the type scale: pixels, paper sizes, resolution.

use super::geom::Rect;
use std::fmt;

/// ISO paper sizes for print maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm.
    A3,
}

impl Paper {
    /// Portrait width and height in millimetres.
    pub fn size_mm(&self) -> (f64, f64) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::A3 => (297.0, 420.0),
        }
    }

    /// Parses `a4` or `a3` (any case).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Self::A4),
            "a3" => Ok(Self::A3),
            _ => Err(format!(
                "`{s}` is not a paper size this tool knows: use a4 or a3"
            )),
        }
    }
}

/// Millimetres per inch.
const MM_PER_INCH: f64 = 25.4;
/// Points per inch (PostScript points).
const PT_PER_INCH: f64 = 72.0;
/// The short side of A4 in points: pages given only in pixels are typeset as if they were A4.
const A4_SHORT_SIDE_PT: f64 = 210.0 / MM_PER_INCH * PT_PER_INCH;

/// The output page: its size in pixels and, when known, its resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
    /// Resolution, dots per inch: recorded in the PNG so it prints at the right size.
    /// `None` for a size given only in pixels.
    pub dpi: Option<f64>,
}

impl Page {
    /// The largest page accepted on either side, pixels (A3 at 1200 dpi is 19,843 px).
    pub const MAX_SIDE_PX: u32 = 20_000;

    /// A page of `width_px` × `height_px` pixels, optionally with a resolution.
    pub fn pixels(width_px: u32, height_px: u32, dpi: Option<f64>) -> Result<Self, String> {
        let page = Page {
            width_px,
            height_px,
            dpi,
        };
        page.check()?;
        Ok(page)
    }

    /// A paper page at `dpi`: A4 landscape at 300 dpi is 3508 × 2480 pixels.
    pub fn paper(paper: Paper, landscape: bool, dpi: f64) -> Result<Self, String> {
        if !(dpi.is_finite() && (30.0..=1200.0).contains(&dpi)) {
            return Err(format!(
                "--dpi {dpi} is out of range: give a resolution from 30 to 1200 (300 for print)"
            ));
        }
        let (w_mm, h_mm) = paper.size_mm();
        let (w_mm, h_mm) = if landscape {
            (h_mm, w_mm)
        } else {
            (w_mm, h_mm)
        };
        let px = |mm: f64| (mm / MM_PER_INCH * dpi).round() as u32;
        Page::pixels(px(w_mm), px(h_mm), Some(dpi))
    }

    fn check(&self) -> Result<(), String> {
        let ok = |v: u32| (200..=Self::MAX_SIDE_PX).contains(&v);
        if !ok(self.width_px) || !ok(self.height_px) {
            return Err(format!(
                "a page of {}×{} pixels is not supported: each side must be 200 to {} pixels",
                self.width_px,
                self.height_px,
                Self::MAX_SIDE_PX
            ));
        }
        if let Some(dpi) = self.dpi {
            if !(dpi.is_finite() && (30.0..=1200.0).contains(&dpi)) {
                return Err(format!(
                    "--dpi {dpi} is out of range: give a resolution from 30 to 1200"
                ));
            }
        }
        Ok(())
    }

    /// Parses `WxH` in pixels (`1600x1000`).
    pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
        let bad = || format!("`{s}` is not a size: write WIDTHxHEIGHT in pixels, e.g. 1600x1000");
        let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
        Ok((
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        ))
    }

    /// Pixels per typographic point. With a resolution it is `dpi / 72`; a page given only in
    /// pixels is typeset as an A4 page of the same shape (text scales with the picture).
    pub fn px_per_pt(&self) -> f64 {
        match self.dpi {
            Some(dpi) => dpi / PT_PER_INCH,
            None => self.width_px.min(self.height_px) as f64 / A4_SHORT_SIDE_PT,
        }
    }

    /// Pixels per millimetre on the printed page (same convention as [`Page::px_per_pt`]).
    pub fn px_per_mm(&self) -> f64 {
        self.px_per_pt() * PT_PER_INCH / MM_PER_INCH
    }

    /// Whether the page is wider than tall.
    pub fn is_landscape(&self) -> bool {
        self.width_px >= self.height_px
    }
}

impl Default for Page {
    /// A4 landscape at 150 dpi (1754 × 1240 pixels).
    fn default() -> Self {
        Page {
            width_px: 1754,
            height_px: 1240,
            dpi: Some(150.0),
        }
    }
}

impl fmt::Display for Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×{} px", self.width_px, self.height_px)?;
        if let Some(dpi) = self.dpi {
            write!(f, " at {dpi} dpi")?;
        }
        Ok(())
    }
}

/// Page areas: title block, map frame (or chart), side (or bottom) panel.
pub(crate) struct Areas {
    pub(crate) title: Rect,
    pub(crate) frame: Rect,
    pub(crate) panel: Rect,
}

/// The areas of `page`, with `u` pixels per point.
pub(crate) fn areas(page: &Page, u: f64) -> Areas {
    let (w, h) = (page.width_px as f64, page.height_px as f64);
    let m = 22.0 * u;
    let title_h = 40.0 * u;
    let title = Rect::new(m, m, w - m, m + title_h);
    let body = Rect::new(m, m + title_h + 6.0 * u, w - m, h - m);
    if page.is_landscape() {
        let pw = (0.28 * body.width()).clamp(150.0 * u, 230.0 * u);
        Areas {
            title,
            frame: Rect::new(body.x0, body.y0, body.x1 - pw - 12.0 * u, body.y1),
            panel: Rect::new(body.x1 - pw, body.y0, body.x1, body.y1),
        }
    } else {
        let ph = (0.32 * body.height()).clamp(150.0 * u, 300.0 * u);
        Areas {
            title,
            frame: Rect::new(body.x0, body.y0, body.x1, body.y1 - ph - 10.0 * u),
            panel: Rect::new(body.x0, body.y1 - ph, body.x1, body.y1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_landscape_300_dpi_is_3508_by_2480() {
        let p = Page::paper(Paper::A4, true, 300.0).unwrap();
        assert_eq!((p.width_px, p.height_px), (3508, 2480));
        let p = Page::paper(Paper::A3, false, 150.0).unwrap();
        assert_eq!((p.width_px, p.height_px), (1754, 2480));
        assert!(
            (Page::paper(Paper::A4, true, 300.0).unwrap().px_per_pt() - 300.0 / 72.0).abs() < 1e-12
        );
    }

    #[test]
    fn sizes_parse_and_bad_ones_are_refused() {
        assert_eq!(Page::parse_size("1600x1000").unwrap(), (1600, 1000));
        assert!(Page::parse_size("1600").is_err());
        assert!(Page::pixels(10, 10, None).is_err());
        assert!(Page::paper(Paper::A4, true, 5000.0).is_err());
        assert!(Paper::parse("letter").is_err());
    }
}
