//! One error type for the library, classed for callers that react to bad
//! input (the command line exits with 2 for it, 1 for other failures).

use crate::io::basemap::BasemapError;
use crate::io::layers::LayersError;
use crate::io::osm::OsmError;
use crate::io::ownership::OutputClash;
use crate::io::stream::FrameError;
use crate::io::InputError;
use crate::projection::ProjectionError;
use crate::proximity::UnknownSite;
use crate::render::RenderError;

/// Any error of the library: each module's own error converts into it, its
/// message unchanged.
///
/// ```
/// use impactmap::io::InputError;
/// let e = impactmap::Error::from(InputError::file("sites.geojson", "no such file: check the path"));
/// assert!(e.is_input());
/// assert_eq!(e.to_string(), "sites.geojson: no such file: check the path");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input: the file, the place and what would fix it.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A relative or within location names no site.
    #[error(transparent)]
    UnknownSite(#[from] UnknownSite),
    /// An output that would destroy an input.
    #[error(transparent)]
    Output(#[from] OutputClash),
    /// A GeoJSON input whose structure is broken.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// An OpenStreetMap extract that cannot be read, or a bad tag filter.
    #[error(transparent)]
    Osm(#[from] OsmError),
    /// A basemap folder that cannot be read.
    #[error(transparent)]
    Basemap(#[from] BasemapError),
    /// Layers that could not be written.
    #[error(transparent)]
    Layers(#[from] LayersError),
    /// A picture that could not be drawn or written.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A projection that failed.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// A report that could not be written.
    #[cfg(feature = "report")]
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A file that could not be written (the message names it).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the input (or the request) is at fault and the user can fix
    /// it: bad input files, a reference to no site, an output that would
    /// destroy an input, an unreadable extract or basemap, a picture request
    /// that cannot be drawn (unknown site, unknown format). Failures to write,
    /// project or encode are not.
    pub fn is_input(&self) -> bool {
        match self {
            Error::Input(_)
            | Error::UnknownSite(_)
            | Error::Output(_)
            | Error::Frame(_)
            | Error::Osm(_)
            | Error::Basemap(_) => true,
            Error::Render(e) => render_input(e),
            #[cfg(feature = "report")]
            Error::Report(e) => e.is_input(),
            Error::Layers(_) | Error::Projection(_) | Error::Io(_) => false,
        }
    }
}

/// For errors held as `dyn Error` (`anyhow`, a chain of sources): whether
/// `e` is bad input by [`Error::is_input`], when it is one of the library's
/// errors ([`Error`] or a module's own); `None` when it is not one of them.
/// In a chain, the outermost of the library's errors is the one to ask: a
/// report's drawing failure holds the render error that caused it.
pub fn classify(e: &(dyn std::error::Error + 'static)) -> Option<bool> {
    if let Some(e) = e.downcast_ref::<Error>() {
        return Some(e.is_input());
    }
    #[cfg(feature = "report")]
    if let Some(e) = e.downcast_ref::<crate::report::ReportError>() {
        return Some(e.is_input());
    }
    if let Some(e) = e.downcast_ref::<RenderError>() {
        return Some(render_input(e));
    }
    let input = e.is::<InputError>()
        || e.is::<UnknownSite>()
        || e.is::<OutputClash>()
        || e.is::<FrameError>()
        || e.is::<OsmError>()
        || e.is::<BasemapError>();
    let other = e.is::<LayersError>() || e.is::<ProjectionError>();
    (input || other).then_some(input)
}

/// A picture request that cannot be drawn (unknown site, unknown format).
fn render_input(e: &RenderError) -> bool {
    matches!(e, RenderError::Spec(_) | RenderError::Format(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classed_by_the_outermost_library_error() {
        let spec = || RenderError::Spec("no site `x` in the sites file".into());
        assert_eq!(classify(&spec()), Some(true));
        assert!(Error::from(spec()).is_input());
        assert!(!Error::from(std::io::Error::other("disk full")).is_input());
        assert_eq!(classify(&std::io::Error::other("disk full")), None);
        #[cfg(feature = "report")]
        {
            // A report's drawing failure is not the case's fault.
            let report = crate::report::ReportError::Render {
                what: "map".into(),
                source: spec(),
            };
            assert_eq!(classify(&report), Some(false));
            let clash = OutputClash {
                output: "out".into(),
                reason: "is inside the case folder".into(),
            };
            assert_eq!(
                classify(&crate::report::ReportError::from(clash)),
                Some(true)
            );
        }
    }

    #[test]
    fn frame_errors_say_where() {
        let e = FrameError::Syntax {
            line: 3,
            column: 7,
            message: "expected `,` or `]`".into(),
        };
        assert_eq!(e.to_string(), "line 3 column 7: expected `,` or `]`");
        assert_eq!(classify(&e), Some(true));
    }
}
