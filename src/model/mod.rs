//! The domain model: protected [`Site`]s, [`Incident`]s and their
//! [`Location`]s, dates with their precision, and distance intervals.
//!
//! Nothing here knows about files, formats or pictures. Geometries are
//! `geo-types` in WGS84 lon/lat degrees (`x` = longitude, `y` = latitude).

mod incident;
mod site;
mod time;
mod units;

pub use incident::{Incident, Location, RelativeDistance, Source, WeaponCategory};
pub use site::{Site, SiteDetails, SiteGeometry, Text};
pub use time::{DateSpan, TimePrecision};
pub use units::{
    format_metres, DistanceUnit, Interval, StepLength, BEARING_DECIMALS, DISTANCE_DECIMALS,
    NEAREST_POINT_DECIMALS,
};
