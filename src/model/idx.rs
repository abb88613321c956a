//! Typed positions of sites and incidents in the slices they were read into.

use super::{Incident, Site};
use std::ops::Index;

/// The position of a site (one feature) in the sites slice; index a `[Site]`
/// or `Vec<Site>` with it directly.
///
/// ```
/// use impactmap::model::{Site, SiteGeometry, SiteIdx};
/// use geo_types::point;
/// let sites = vec![Site::new("emb", "embassy", SiteGeometry::Point(point!(x: 49.84, y: 40.37)))];
/// assert_eq!(sites[SiteIdx(0)].id, "emb");
/// assert_eq!(SiteIdx(0).index(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteIdx(pub u32);

/// The position of an incident in the incidents slice; index an `[Incident]`
/// or `Vec<Incident>` with it directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentIdx(pub u32);

macro_rules! typed_index {
    ($idx:ident, $item:ty) => {
        impl $idx {
            /// The position as a `usize`.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The position `i`, which must fit 32 bits (the index holds at
            /// most 2³² sites; a run, 2³² incidents).
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect("at most 2^32 items"))
            }
        }

        impl Index<$idx> for [$item] {
            type Output = $item;
            fn index(&self, i: $idx) -> &$item {
                &self[i.index()]
            }
        }

        impl Index<$idx> for Vec<$item> {
            type Output = $item;
            fn index(&self, i: $idx) -> &$item {
                &self[i.index()]
            }
        }

        impl std::fmt::Display for $idx {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl PartialEq<usize> for $idx {
            fn eq(&self, other: &usize) -> bool {
                self.index() == *other
            }
        }
    };
}

typed_index!(SiteIdx, Site);
typed_index!(IncidentIdx, Incident);
