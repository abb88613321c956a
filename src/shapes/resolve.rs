//! The one rule for finding the site or part an incident names.

use crate::model::{Site, SiteGeometry};
use geo_types::{MultiPolygon, Point, Polygon};

/// How the part a location names was found among the site's features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartMatch {
    /// The location names no part: the whole site.
    NotNamed,
    /// A feature of the site carries that part name.
    Mapped,
    /// No feature carries that part name: the whole site stands for it.
    NotMapped,
}

/// The site features a relative or within location is measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct Referent {
    /// The feature the proximity row is reported against (index into the sites slice).
    pub site: usize,
    /// Every feature whose geometry the location is measured from, in input order.
    pub features: Vec<usize>,
    /// How the named part was found.
    pub part: PartMatch,
}

/// Whether a feature's part name is the name a source gives: equal after
/// trimming, ignoring case (Unicode lower case, so Cyrillic names match too).
pub fn same_part(mapped: &str, named: &str) -> bool {
    let (a, b) = (mapped.trim(), named.trim());
    a == b
        || a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

/// Resolves a site reference among `same_id`, the positions in `sites` of the
/// features whose id is exactly the referenced id (in input order).
///
/// The rule: a named `part` is the features whose part name matches it
/// ([`same_part`]); when none does, or no part is named, the whole site is
/// meant: its feature without a part name, or, when the site is only given
/// as parts, all of them together. `None` when no feature has the id.
pub fn resolve(
    sites: &[Site],
    same_id: impl IntoIterator<Item = usize>,
    part: Option<&str>,
) -> Option<Referent> {
    let same_id: Vec<usize> = same_id.into_iter().collect();
    if let Some(named) = part {
        let parts: Vec<usize> = same_id
            .iter()
            .copied()
            .filter(|&i| {
                sites[i]
                    .part
                    .as_deref()
                    .is_some_and(|p| same_part(p, named))
            })
            .collect();
        if let Some(&first) = parts.first() {
            return Some(Referent {
                site: first,
                features: parts,
                part: PartMatch::Mapped,
            });
        }
    }
    let part = match part {
        Some(_) => PartMatch::NotMapped,
        None => PartMatch::NotNamed,
    };
    let whole = same_id.iter().copied().find(|&i| sites[i].part.is_none());
    let features = match whole {
        Some(w) => vec![w],
        None => same_id,
    };
    Some(Referent {
        site: *features.first()?,
        features,
        part,
    })
}

/// [`resolve`] by scanning every site for the id (the proximity engine looks
/// the id up in its index instead, with the same result).
pub fn resolve_id(sites: &[Site], id: &str, part: Option<&str>) -> Option<Referent> {
    resolve(
        sites,
        sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.id == id)
            .map(|(i, _)| i),
        part,
    )
}

/// The points and polygons of a set of site features, WGS84 lon/lat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Footprint {
    /// Point features.
    pub points: Vec<Point<f64>>,
    /// Polygons of polygon and multipolygon features.
    pub polygons: Vec<Polygon<f64>>,
    /// The largest position uncertainty among the features, metres.
    pub position_uncertainty_m: f64,
}

impl Footprint {
    /// The footprint of the given features.
    pub fn of(sites: &[Site], features: &[usize]) -> Footprint {
        let mut f = Footprint::default();
        for s in features.iter().map(|&i| &sites[i]) {
            match &s.geometry {
                SiteGeometry::Point(p) => f.points.push(*p),
                g => f.polygons.extend(g.polygons().iter().cloned()),
            }
            f.position_uncertainty_m = f.position_uncertainty_m.max(s.position_uncertainty_m);
        }
        f
    }

    /// Geodesic distance from `p` to the nearest point of the footprint,
    /// metres (0 inside a polygon).
    pub fn distance_m(&self, p: Point<f64>) -> f64 {
        let to_points = self
            .points
            .iter()
            .map(|q| crate::geodesy::distance_m(p, *q));
        let to_polygons = self
            .polygons
            .iter()
            .map(|poly| crate::geodesy::point_to_polygon(p, poly).distance_m);
        to_points.chain(to_polygons).fold(f64::INFINITY, f64::min)
    }

    /// The footprint's nearest point to `p` (`p` itself when inside a polygon).
    pub fn nearest_point(&self, p: Point<f64>) -> Option<Point<f64>> {
        let to_points = self
            .points
            .iter()
            .map(|q| (crate::geodesy::distance_m(p, *q), *q));
        let to_polygons = self.polygons.iter().map(|poly| {
            let n = crate::geodesy::point_to_polygon(p, poly);
            (n.distance_m, n.nearest_point(p))
        });
        to_points
            .chain(to_polygons)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, q)| q)
    }

    /// The point directions are taken from: the first point feature, else a
    /// point inside the polygons (never outside them, unlike a centroid of an
    /// L-shaped building).
    pub fn anchor(&self) -> Option<Point<f64>> {
        self.points
            .first()
            .copied()
            .or_else(|| crate::geodesy::interior_point(&MultiPolygon(self.polygons.clone())))
    }

    /// The largest geodesic distance from the anchor to a polygon vertex, metres.
    pub fn reach_m(&self, anchor: Point<f64>) -> f64 {
        self.polygons
            .iter()
            .flat_map(|p| p.exterior().0.iter())
            .map(|c| crate::geodesy::distance_m(anchor, Point(*c)))
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon};

    fn feature(id: &str, part: Option<&str>, geometry: SiteGeometry) -> Site {
        let mut s = Site::new(id, "embassy", geometry);
        s.part = part.map(Into::into);
        s
    }

    #[test]
    fn a_named_part_is_found_whatever_its_case_and_spaces() {
        let p = SiteGeometry::Point(point!(x: 30.0, y: 50.0));
        let sites = vec![
            feature("other", None, p.clone()),
            feature("emb", None, p.clone()),
            feature("emb", Some("Consular Section"), p.clone()),
            feature("emb", Some("Адміністративна будівля"), p),
        ];
        let r = resolve_id(&sites, "emb", Some("  consular section ")).unwrap();
        assert_eq!((r.site, r.part), (2, PartMatch::Mapped));
        let r = resolve_id(&sites, "emb", Some("адміністративна БУДІВЛЯ")).unwrap();
        assert_eq!((r.site, r.part), (3, PartMatch::Mapped));
        // An unmapped part and no part both mean the whole site.
        let r = resolve_id(&sites, "emb", Some("garage")).unwrap();
        assert_eq!((r.features, r.part), (vec![1], PartMatch::NotMapped));
        let r = resolve_id(&sites, "emb", None).unwrap();
        assert_eq!((r.features, r.part), (vec![1], PartMatch::NotNamed));
        // Ids are exact.
        assert!(resolve_id(&sites, "EMB", None).is_none());
    }

    #[test]
    fn a_site_given_only_as_parts_is_all_of_them() {
        let a = polygon![(x: 30.0, y: 50.0), (x: 30.001, y: 50.0), (x: 30.001, y: 50.001)];
        let sites = vec![
            feature("emb", Some("north"), SiteGeometry::Polygon(a.clone())),
            feature(
                "emb",
                Some("south"),
                SiteGeometry::Point(point!(x: 30.0, y: 49.99)),
            ),
        ];
        let r = resolve_id(&sites, "emb", None).unwrap();
        assert_eq!((r.site, r.features.clone()), (0, vec![0, 1]));
        let f = Footprint::of(&sites, &r.features);
        assert_eq!((f.points.len(), f.polygons.len()), (1, 1));
        // Inside the polygon the distance is 0; the anchor lies inside it.
        assert_eq!(f.distance_m(point!(x: 30.0008, y: 50.0002)), 0.0);
        let anchor = Footprint::of(&sites, &[0]).anchor().unwrap();
        assert_eq!(Footprint::of(&sites, &[0]).distance_m(anchor), 0.0);
    }
}
