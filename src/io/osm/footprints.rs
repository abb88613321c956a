//! Footprints for point sites: the outline of the building or compound, from
//! an OpenStreetMap extract, that a site known only as a point stands for.
//!
//! A point site gets, in this order of preference:
//! 1. the element its `osm_id` property names (`way/123`, `relation/45`),
//!    wherever it lies;
//! 2. the nearest outline within the site's position uncertainty whose tags
//!    fit the site's kind (`office=diplomatic`, `amenity=embassy`,
//!    `diplomatic=*` for embassies, consulates and residences;
//!    `amenity=hospital`, `healthcare=*`, `amenity=clinic` for hospitals and
//!    clinics) or whose `name` matches the site's;
//! 3. when the point is good to [`PLAIN_MATCH_MAX_M`] or better, the building
//!    that contains it, else the nearest one within its uncertainty.
//!
//! Ties go to the smaller outline (a building inside a compound), then the
//! lower element id. A point good only to a city or district (uncertainty
//! above [`PLAIN_MATCH_MAX_M`]) never takes an anonymous building: any
//! building lies within a kilometre of it. Distances are exact geodesic
//! (WGS84) from the recorded point to the outline, 0 inside it.
//!
//! Only what lies near the point sites is kept: node positions are tested
//! against cells of 0.01° around each site, so memory grows with the
//! buildings near the sites, not with the extract. The first pass notes what
//! each block holds; the later passes decompress only the blocks with ways
//! (or relations) and those whose node ids may hold a node they need.

use super::{
    find_way, for_each_node, node_positions, owned, relation_polygons, rings, scan_blocks,
    with_outer_tags, BlockIndex, BlockInfo, MemberWay, NodeLookup, OsmError, Relation, TagFilter,
    NOT_OWN_TAGS,
};
use crate::geodesy::{point_to_multipolygon, point_to_polygon};
use crate::model::{Site, SiteGeometry};
use geo::{Area, BoundingRect};
use geo_types::{MultiPolygon, Point, Polygon};
use osmpbf::PrimitiveBlock;
use rustc_hash::FxHashSet;
use std::path::Path;

/// Position uncertainty, metres, up to which an anonymous building may be
/// taken as a site's footprint; beyond it only a fitting tag or name counts.
pub const PLAIN_MATCH_MAX_M: f64 = 100.0;

/// How far beyond a site's search radius outline nodes are looked for,
/// metres: a compound that contains the point may have its corners that far.
const REACH_M: f64 = 1_000.0;

/// Largest search radius for fitting outlines, metres (a point good only
/// to a region is not worth reading a region's named buildings for).
const WIDEST_M: f64 = 25_000.0;

/// Cell size of the node test, degrees.
const CELL_DEG: f64 = 0.01;

/// Tags that make a closed way or multipolygon an outline candidate.
const OUTLINE_TAGS: [&str; 8] = [
    "building",
    "amenity=embassy",
    "office=diplomatic",
    "diplomatic",
    "amenity=hospital",
    "amenity=clinic",
    "healthcare",
    "landuse=military",
];

/// Tags that say a site of a diplomatic kind is there.
const DIPLOMATIC_TAGS: [&str; 3] = ["amenity=embassy", "office=diplomatic", "diplomatic"];

/// Tags that say a site of a medical kind is there.
const MEDICAL_TAGS: [&str; 3] = ["amenity=hospital", "amenity=clinic", "healthcare"];

/// What became of one point site.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The site now has this element's outline.
    Matched {
        /// `way/123` or `relation/45`.
        element: String,
        /// Geodesic distance from the recorded point to the outline, metres (0 inside).
        distance_m: f64,
        /// Named by the site's `osm_id` property.
        pinned: bool,
    },
    /// The site stays a point; the note says why.
    Unmatched(String),
}

impl Outcome {
    /// The note a figure's basis carries: "footprint: OSM way/123, matched
    /// within 12 m of the recorded point", or why the site stayed a point.
    pub fn note(&self) -> String {
        match self {
            Outcome::Matched {
                element,
                distance_m,
                pinned,
            } => {
                let how = if *pinned {
                    "named by osm_id"
                } else {
                    "matched"
                };
                if *distance_m == 0.0 {
                    format!("footprint: OSM {element}, {how}, contains the recorded point")
                } else {
                    format!(
                        "footprint: OSM {element}, {how} within {} m of the recorded point",
                        metres(*distance_m)
                    )
                }
            }
            Outcome::Unmatched(why) => format!("footprint: {why}; kept as a point"),
        }
    }
}

/// A distance for people: whole metres, or one decimal under 10 m (never "0 m").
fn metres(d: f64) -> String {
    if d < 10.0 {
        format!("{:.1}", d.max(0.1))
    } else {
        format!("{d:.0}")
    }
}

/// One site's outcome, by index into the sites given.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteFootprint {
    /// Index of the site.
    pub site: usize,
    /// What became of it.
    pub outcome: Outcome,
}

/// An outline read from the extract.
#[derive(Debug, Clone)]
pub struct Outline {
    /// `way/123` or `relation/45`.
    pub element: String,
    /// OSM tags.
    pub tags: Vec<(String, String)>,
    /// The outline, WGS84 lon/lat, exterior counter-clockwise.
    pub polygons: Vec<Polygon<f64>>,
}

impl Outline {
    fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn has_any(&self, filters: &[TagFilter]) -> bool {
        self.tags
            .iter()
            .any(|(k, v)| filters.iter().any(|f| f.matches(k, v)))
    }

    fn geometry(&self) -> SiteGeometry {
        super::geometry(self.polygons.clone())
    }

    /// Geodesic distance from `p`, metres (0 inside).
    fn distance_m(&self, p: Point<f64>) -> f64 {
        match self.polygons.as_slice() {
            [one] => point_to_polygon(p, one).distance_m,
            many => point_to_multipolygon(p, &MultiPolygon(many.to_vec())).distance_m,
        }
    }

    /// Planar area in degrees², for ties only.
    fn area(&self) -> f64 {
        self.polygons.iter().map(|p| p.unsigned_area()).sum()
    }
}

fn filters(specs: &[&str]) -> Vec<TagFilter> {
    specs
        .iter()
        .map(|s| s.parse().expect("built-in tag filter"))
        .collect()
}

/// The sites that may get a footprint: points.
fn point_of(site: &Site) -> Option<Point<f64>> {
    match site.geometry {
        SiteGeometry::Point(p) => Some(p),
        _ => None,
    }
}

/// The element a site's `osm_id` property names (`way/123`, `relation/45`).
fn pin(site: &Site) -> Option<Result<(bool, i64), String>> {
    let value = site.properties().get("osm_id")?;
    let text = value.as_str().unwrap_or_default();
    let parsed = text.split_once('/').and_then(|(kind, id)| {
        let id = id.parse::<i64>().ok()?;
        match kind {
            "way" => Some((true, id)),
            "relation" => Some((false, id)),
            _ => None,
        }
    });
    Some(parsed.ok_or_else(|| format!("osm_id {value} is not way/ID or relation/ID")))
}

/// Radius within which fitting outlines count for a site, and within which
/// any building counts (none beyond [`PLAIN_MATCH_MAX_M`]), metres.
fn radii(site: &Site) -> (f64, Option<f64>) {
    let u = site.position_uncertainty_m.max(0.0);
    (u.min(WIDEST_M), (u <= PLAIN_MATCH_MAX_M).then_some(u))
}

/// Cells of [`CELL_DEG`] around the sites, for fitting and for any outline.
#[derive(Debug, Default)]
struct Cells {
    fitting: FxHashSet<(i32, i32)>,
    any: FxHashSet<(i32, i32)>,
}

fn cell(lon: f64, lat: f64) -> (i32, i32) {
    (
        (lon / CELL_DEG).floor() as i32,
        (lat / CELL_DEG).floor() as i32,
    )
}

fn add_box(cells: &mut FxHashSet<(i32, i32)>, p: Point<f64>, radius_m: f64) {
    let dlat = radius_m / 110_000.0;
    let dlon = dlat / p.y().to_radians().cos().max(0.05);
    let (x0, y0) = cell(p.x() - dlon, (p.y() - dlat).max(-90.0));
    let (x1, y1) = cell(p.x() + dlon, (p.y() + dlat).min(90.0));
    for x in x0..=x1 {
        for y in y0..=y1 {
            cells.insert((x, y));
        }
    }
}

/// Node ids near the sites, sorted: near enough for fitting outlines, and
/// for any outline.
#[derive(Debug, Default)]
struct NearNodes {
    fitting: Vec<i64>,
    any: Vec<i64>,
}

impl NearNodes {
    fn touches(&self, refs: &[i64], fitting: bool) -> bool {
        let set = if fitting { &self.fitting } else { &self.any };
        refs.iter().any(|r| set.binary_search(r).is_ok())
    }
}

/// Reads the outlines near the point sites of `sites` (and those their
/// `osm_id` names) from the extract at `path`. Elements with a tag that
/// matches one of `exclude` are left out.
pub fn read_outlines(
    path: &Path,
    sites: &[Site],
    exclude: &[TagFilter],
) -> Result<Vec<Outline>, OsmError> {
    let mut cells = Cells::default();
    let (mut pinned_ways, mut pinned_relations) = (Vec::new(), Vec::new());
    for site in sites {
        let Some(p) = point_of(site) else { continue };
        match pin(site) {
            Some(Ok((true, id))) => pinned_ways.push(id),
            Some(Ok((false, id))) => pinned_relations.push(id),
            Some(Err(_)) => {}
            None => {
                let (fitting, any) = radii(site);
                add_box(&mut cells.fitting, p, fitting + REACH_M);
                if let Some(any) = any {
                    add_box(&mut cells.any, p, any + REACH_M);
                }
            }
        }
    }
    pinned_ways.sort_unstable();
    pinned_relations.sort_unstable();
    let outline_tags = filters(&OUTLINE_TAGS);
    let fitting_tags = filters(&[&DIPLOMATIC_TAGS[..], &MEDICAL_TAGS[..], &["name"]].concat());
    let any_tag = filters(&["type"]);

    // Pass 1: the nodes in the cells, and what each block holds.
    let mut near = NearNodes::default();
    let mut infos = Vec::new();
    for (i, (fitting, any, info)) in
        scan_blocks(path, |_| true, |_, block| nodes_in_cells(block, &cells))?
    {
        near.fitting.extend(fitting);
        near.any.extend(any);
        infos.push((i, info));
    }
    let blocks = BlockIndex::new(infos);
    near.fitting.sort_unstable();
    near.any.sort_unstable();
    // Ways and relations are decoded only where a block holds them.
    let holding = |keep: &dyn Fn(&BlockInfo) -> bool| {
        let wanted = blocks.blocks_where(keep);
        move |i: usize| wanted.binary_search(&i).is_ok()
    };

    // Pass 2: closed outline ways that touch them, pinned ways, and candidate relations.
    let wanted = |id: i64, tags: &[(String, String)], refs: &[i64], pinned: &[i64]| {
        let pinned = pinned.binary_search(&id).is_ok();
        let tagged = |f: &[TagFilter]| tags.iter().any(|(k, v)| f.iter().any(|f| f.matches(k, v)));
        pinned
            || (tagged(&outline_tags)
                && !tagged(exclude)
                && (near.touches(refs, false)
                    || (tagged(&fitting_tags) && near.touches(refs, true))))
    };
    let mut ways: Vec<MemberWay> = Vec::new();
    let mut relations: Vec<RelationCandidate> = Vec::new();
    let relation_kept = |id: i64, tags: &[(String, String)], old_style: bool| {
        let tagged = |f: &[TagFilter]| tags.iter().any(|(k, v)| f.iter().any(|f| f.matches(k, v)));
        pinned_relations.binary_search(&id).is_ok()
            || ((old_style || tagged(&outline_tags)) && !tagged(exclude))
    };
    // A way not pinned and with no node near a site is left before its tags are read.
    let may_want = |id: i64, refs: &[i64]| {
        pinned_ways.binary_search(&id).is_ok()
            || near.touches(refs, false)
            || near.touches(refs, true)
    };
    let with_elements = holding(&|b| b.has_ways || b.has_relations);
    for (_, (w, r)) in scan_blocks(path, with_elements, |_, block| {
        elements_in(block, &may_want, &wanted, &relation_kept, &pinned_ways)
    })? {
        ways.extend(w);
        relations.extend(r);
    }
    ways.sort_unstable_by_key(|w| w.id);
    relations.sort_unstable_by_key(|r| r.0);

    // Pass 3: the relations' member ways.
    let mut member_ids: Vec<i64> = relations
        .iter()
        .flat_map(|r| r.2.members.iter().map(|m| m.way))
        .collect();
    member_ids.sort_unstable();
    member_ids.dedup();
    let mut members: Vec<MemberWay> = Vec::new();
    if !member_ids.is_empty() {
        let with_ways = holding(&|b| b.has_ways);
        for (_, found) in scan_blocks(path, with_ways, |_, block| {
            super::ways_in(block, &member_ids)
        })? {
            members.extend(found);
        }
        members.sort_unstable_by_key(|w| w.id);
    }
    let relations: Vec<RelationCandidate> = relations
        .into_iter()
        .filter_map(|(id, tags, relation)| {
            // A pinned relation is kept whatever its tags (`type` matches any).
            let pinned = pinned_relations.binary_search(&id).is_ok();
            let m = super::Matched {
                id,
                kind: String::new(),
                tags,
                data: relation,
            };
            let select = super::Select {
                filters: if pinned { &any_tag } else { &outline_tags },
                exclude: &[],
            };
            let m = with_outer_tags(m, &members, &select)?;
            let refs: Vec<i64> = m
                .data
                .members
                .iter()
                .filter_map(|mem| find_way(&members, mem.way))
                .flat_map(|w| w.refs.iter().copied())
                .collect();
            wanted(id, &m.tags, &refs, &pinned_relations).then_some((m.id, m.tags, m.data))
        })
        .collect();

    // Pass 4: the positions of every node those ways use.
    let mut node_ids: Vec<i64> = ways
        .iter()
        .chain(&members)
        .flat_map(|w| w.refs.iter().copied())
        .collect();
    node_ids.sort_unstable();
    node_ids.dedup();
    let coords = node_positions(path, &node_ids, Some(&blocks))?;
    let lookup = NodeLookup {
        ids: &node_ids,
        coords: &coords,
    };

    // Outlines that cannot be assembled (cut by the extract's edge) are left out.
    let mut outlines = Vec::new();
    for w in ways {
        if let Ok(polygons) = lookup
            .nodes(&w.refs)
            .and_then(|nodes| rings::assemble(&[nodes]).map_err(|p| p.to_string()))
        {
            outlines.push(Outline {
                element: format!("way/{}", w.id),
                tags: w.tags,
                polygons,
            });
        }
    }
    for (id, tags, relation) in relations {
        if relation.damaged {
            continue;
        }
        if let Ok(polygons) = relation_polygons(&relation.members, &members, &lookup) {
            outlines.push(Outline {
                element: format!("relation/{id}"),
                tags,
                polygons,
            });
        }
    }
    Ok(outlines)
}

/// Pass 1: ids of the nodes in the cells (for fitting outlines, for any),
/// and what the block holds.
fn nodes_in_cells(block: &PrimitiveBlock, cells: &Cells) -> (Vec<i64>, Vec<i64>, BlockInfo) {
    let (mut fitting, mut any) = (Vec::new(), Vec::new());
    let mut info = BlockInfo::default();
    for group in block.groups() {
        info.add_group(&group);
    }
    for_each_node(block, |id, c| {
        info.add_node(id);
        let at = cell(c.x, c.y);
        if cells.any.contains(&at) {
            any.push(id);
        }
        if cells.fitting.contains(&at) {
            fitting.push(id);
        }
    });
    (fitting, any, info)
}

type Candidates = (Vec<MemberWay>, Vec<RelationCandidate>);

/// A multipolygon relation that may be an outline: id, tags, members.
type RelationCandidate = (i64, Vec<(String, String)>, Relation);

/// Pass 2: closed ways that `may_want` (on id and nodes) and then `wanted`
/// (with tags) keep, and the multipolygon relations that may be outlines
/// (decided once their member ways are read).
fn elements_in(
    block: &PrimitiveBlock,
    may_want: &(impl Fn(i64, &[i64]) -> bool + Sync),
    wanted: &(impl Fn(i64, &[(String, String)], &[i64], &[i64]) -> bool + Sync),
    relation_kept: &(impl Fn(i64, &[(String, String)], bool) -> bool + Sync),
    pinned_ways: &[i64],
) -> Candidates {
    let (mut ways, mut relations) = (Vec::new(), Vec::new());
    for group in block.groups() {
        for w in group.ways() {
            let refs: Vec<i64> = w.refs().collect();
            if refs.len() < 4 || refs.first() != refs.last() || !may_want(w.id(), &refs) {
                continue;
            }
            let tags = owned(w.tags());
            if wanted(w.id(), &tags, &refs, pinned_ways) {
                ways.push(MemberWay {
                    id: w.id(),
                    refs,
                    tags,
                });
            }
        }
        for r in group.relations() {
            let tags = owned(r.tags());
            let old_style = tags.iter().all(|(k, _)| NOT_OWN_TAGS.contains(&k.as_str()));
            let multipolygon = tags.iter().any(|(k, v)| k == "type" && v == "multipolygon");
            if !multipolygon || !relation_kept(r.id(), &tags, old_style) {
                continue;
            }
            let members = super::way_members(&r);
            relations.push((
                r.id(),
                tags,
                Relation {
                    old_style,
                    damaged: members.is_none(),
                    members: members.unwrap_or_default(),
                },
            ));
        }
    }
    (ways, relations)
}

/// Whether the outline's tags fit the site: a tag of the site's kind, or its name.
fn fits(site: &Site, outline: &Outline) -> bool {
    let kind = site.kind.to_lowercase();
    let diplomatic = ["embassy", "consulate", "diplomatic", "mission", "residence"]
        .iter()
        .any(|k| kind.contains(k));
    let medical = ["hospital", "clinic", "medical", "health"]
        .iter()
        .any(|k| kind.contains(k));
    let by_tag = (diplomatic && outline.has_any(&filters(&DIPLOMATIC_TAGS)))
        || (medical && outline.has_any(&filters(&MEDICAL_TAGS)));
    by_tag || names_match(&site.name, outline)
}

/// Whether one of the outline's names (`name`, `name:xx`, `official_name`)
/// and the site's name contain one another, ignoring case.
fn names_match(site_name: &str, outline: &Outline) -> bool {
    let site_name = site_name.trim().to_lowercase();
    if site_name.chars().count() < 4 {
        return false;
    }
    outline
        .tags
        .iter()
        .filter(|(k, _)| k == "name" || k.starts_with("name:") || k == "official_name")
        .map(|(_, v)| v.trim().to_lowercase())
        .filter(|v| v.chars().count() >= 4)
        .any(|v| v.contains(&site_name) || site_name.contains(&v))
}

/// Finds each point site's footprint among `outlines` (see the module docs).
pub fn match_outlines(sites: &[Site], outlines: &[Outline]) -> Vec<SiteFootprint> {
    let boxes: Vec<Option<geo_types::Rect<f64>>> = outlines
        .iter()
        .map(|o| MultiPolygon(o.polygons.clone()).bounding_rect())
        .collect();
    let mut out = Vec::new();
    for (i, site) in sites.iter().enumerate() {
        let Some(p) = point_of(site) else { continue };
        let outcome = match pin(site) {
            Some(Err(why)) => Outcome::Unmatched(why),
            Some(Ok((way, id))) => {
                let element = format!("{}/{id}", if way { "way" } else { "relation" });
                match outlines.iter().find(|o| o.element == element) {
                    Some(o) => Outcome::Matched {
                        distance_m: o.distance_m(p),
                        element,
                        pinned: true,
                    },
                    None => Outcome::Unmatched(format!(
                        "osm_id {element} is not a closed way or multipolygon of the extract"
                    )),
                }
            }
            None => best_near(site, p, outlines, &boxes),
        };
        out.push(SiteFootprint { site: i, outcome });
    }
    out
}

/// The preferred outline within the site's radii (see the module docs).
fn best_near(
    site: &Site,
    p: Point<f64>,
    outlines: &[Outline],
    boxes: &[Option<geo_types::Rect<f64>>],
) -> Outcome {
    let (fitting_m, plain_m) = radii(site);
    // A box test in degrees first (generous: 1° of latitude is at least 110 km).
    let dlat = fitting_m / 100_000.0 + 1e-6;
    let dlon = dlat / p.y().to_radians().cos().max(0.05);
    let mut best: Option<(bool, f64, f64, &Outline)> = None;
    for (o, b) in outlines.iter().zip(boxes) {
        let Some(b) = b else { continue };
        if p.x() < b.min().x - dlon
            || p.x() > b.max().x + dlon
            || p.y() < b.min().y - dlat
            || p.y() > b.max().y + dlat
        {
            continue;
        }
        let fitting = fits(site, o);
        let d = o.distance_m(p);
        let within = if fitting { Some(fitting_m) } else { plain_m };
        if within.is_none_or(|r| d > r) {
            continue;
        }
        let key = (!fitting, d, o.area());
        let better = best.is_none_or(|(bf, bd, ba, _)| {
            (key.0, key.1, key.2)
                .partial_cmp(&(bf, bd, ba))
                .is_some_and(|c| c.is_lt())
        });
        if better {
            best = Some((key.0, key.1, key.2, o));
        }
    }
    match best {
        Some((_, d, _, o)) => Outcome::Matched {
            element: o.element.clone(),
            distance_m: d,
            pinned: false,
        },
        None => {
            let u = site.position_uncertainty_m;
            Outcome::Unmatched(if u > PLAIN_MATCH_MAX_M {
                format!(
                    "no OSM outline tagged for its kind ({}) or named like it within {} m of the recorded point",
                    site.kind,
                    metres(fitting_m)
                )
            } else if u > 0.0 {
                format!(
                    "no OSM building within {} m of the recorded point",
                    metres(u)
                )
            } else {
                "no OSM building contains the recorded point".to_string()
            })
        }
    }
}

/// Gives each point site of `sites` its footprint from the extract at
/// `path`: the geometry becomes the outline (its position uncertainty 0, the
/// outline being what is measured), and the site's details carry the note.
/// Sites left as points carry a note saying why. Returns each point site's outcome.
pub fn apply_footprints(
    path: &Path,
    sites: &mut [Site],
    exclude: &[TagFilter],
) -> Result<Vec<SiteFootprint>, OsmError> {
    let outlines = read_outlines(path, sites, exclude)?;
    let outcomes = match_outlines(sites, &outlines);
    for f in &outcomes {
        let site = &mut sites[f.site];
        if let Outcome::Matched { element, .. } = &f.outcome {
            let outline = outlines
                .iter()
                .find(|o| &o.element == element)
                .expect("matched outline");
            site.geometry = outline.geometry();
            site.position_uncertainty_m = 0.0;
            site.details_mut()
                .properties
                .insert("footprint_osm_id".into(), element.clone().into());
            if let Some(name) = outline.tag("name") {
                site.details_mut()
                    .properties
                    .insert("footprint_osm_name".into(), name.into());
            }
        }
        site.details_mut().footprint = Some(f.outcome.note());
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_as_the_basis_says() {
        let m = |d, pinned| Outcome::Matched {
            element: "way/123".into(),
            distance_m: d,
            pinned,
        };
        assert_eq!(
            m(12.4, false).note(),
            "footprint: OSM way/123, matched within 12 m of the recorded point"
        );
        assert_eq!(
            m(0.0, true).note(),
            "footprint: OSM way/123, named by osm_id, contains the recorded point"
        );
        assert_eq!(
            m(0.04, false).note(),
            "footprint: OSM way/123, matched within 0.1 m of the recorded point"
        );
    }

    fn square(element: &str, tags: &[(&str, &str)], lon: f64, half: f64) -> Outline {
        let (x0, x1, y0, y1) = (lon - half, lon + half, 50.45 - half, 50.45 + half);
        Outline {
            element: element.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            polygons: vec![Polygon::new(
                vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].into(),
                vec![],
            )],
        }
    }

    #[test]
    fn a_fitting_tag_wins_within_the_uncertainty_and_a_plain_building_only_when_close() {
        // A plain building holds the point; an embassy compound's edge is
        // 0.0006° of longitude (about 43 m) east of it.
        let outlines = [
            square("way/1", &[("building", "yes")], 30.5, 0.0001),
            square("way/2", &[("amenity", "embassy")], 30.5008, 0.0002),
        ];
        let site = |kind: &str, u: f64| {
            let mut s = Site::new("s", kind, SiteGeometry::Point(Point::new(30.5, 50.45)));
            s.position_uncertainty_m = u;
            s
        };
        let sites = [
            site("embassy", 100.0),
            site("embassy", 30.0),
            site("embassy", 500.0),
            site("school", 500.0),
            site("school", 100.0),
        ];
        let got: Vec<Option<String>> = match_outlines(&sites, &outlines)
            .into_iter()
            .map(|f| match f.outcome {
                Outcome::Matched { element, .. } => Some(element),
                Outcome::Unmatched(_) => None,
            })
            .collect();
        let expected = [
            Some("way/2"),
            Some("way/1"),
            Some("way/2"),
            None,
            Some("way/1"),
        ];
        assert_eq!(got, expected.map(|e| e.map(String::from)));
    }

    #[test]
    fn osm_id_must_name_a_way_or_relation() {
        let mut s = Site::new("s", "embassy", SiteGeometry::Point(Point::new(0.0, 0.0)));
        s.details_mut()
            .properties
            .insert("osm_id".into(), "node/5".into());
        assert!(pin(&s).unwrap().is_err());
        s.details_mut()
            .properties
            .insert("osm_id".into(), "relation/45".into());
        assert_eq!(pin(&s), Some(Ok((false, 45))));
    }
}
