//! Sites read straight from an OpenStreetMap extract (`.osm.pbf`).
//!
//! Elements are kept when any of their tags matches one of the [`TagFilter`]s
//! (`building`, `amenity=embassy`, `office=diplomatic`, …):
//! - nodes become Point sites,
//! - closed ways become Polygon sites (open ways are lines, skipped with one summary warning),
//! - `type=multipolygon` relations become Polygon or MultiPolygon sites,
//!   assembled as OpenStreetMap defines them (the `rings` module): member ways joined
//!   into rings at shared nodes, holes decided by the nesting of whole rings,
//!   rings that share nodes or touch kept apart, several outer rings each with
//!   its holes. A relation whose only tag is `type=multipolygon` (old-style
//!   tagging) takes the tags its outer member ways have in common, as
//!   libosmium's legacy assembler does, and those ways are then not sites of
//!   their own (as there and in GDAL, which takes the first outer way's tags).
//!
//! Every site's polygon is valid (OGC rules, as checked by `geo`). A relation
//! or closed way that cannot be assembled into one (member ways or nodes
//! missing from the extract, a ring that does not close, ways that cross) is
//! skipped with a warning naming it and saying why; reading goes on.
//!
//! Site ids are `node/7`, `way/123`, `relation/5`; the name is the `name` tag
//! (else the id); the kind comes from the filter that matched (its value, or its
//! key when the filter has no value); all tags are kept as properties.
//! Coordinates are WGS84 lon/lat degrees, exterior rings counter-clockwise and
//! holes clockwise.
//!
//! The file is read in three passes (tagged elements; member ways of the kept
//! relations; the nodes those ways use), each decoding blocks in parallel, so
//! memory grows with what is kept, not with the size of the extract.

pub mod footprints;
mod ground;
mod rings;
mod select;

pub use select::{read_selected, tags_as_one_attribute, TAGS_ATTRIBUTE};

pub use ground::read_ground;

use crate::model::{Site, SiteDetails, SiteGeometry, Text};
use geo_types::{Coord, MultiPolygon, Point, Polygon};
use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock, RelMemberType};
use rayon::iter::{ParallelBridge, ParallelIterator};
use rings::{Node, Problem};
use serde_json::{Map, Value};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One `--tag KEY[=VALUE]` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    /// Tag key (`building`, `amenity`).
    pub key: String,
    /// Required value, or `None` for any value.
    pub value: Option<String>,
}

impl TagFilter {
    fn matches(&self, key: &str, value: &str) -> bool {
        self.key == key && self.value.as_deref().is_none_or(|v| v == value)
    }

    /// The site kind this filter gives: its value (`embassy`), else its key (`building`).
    fn kind(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.key)
    }
}

impl FromStr for TagFilter {
    type Err = OsmError;

    fn from_str(s: &str) -> Result<Self, OsmError> {
        let (key, value) = match s.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (s.trim(), None),
        };
        if key.is_empty() || value.is_some_and(str::is_empty) {
            return Err(OsmError::BadTag(s.to_string()));
        }
        Ok(TagFilter {
            key: key.to_string(),
            value: value.map(str::to_string),
        })
    }
}

impl fmt::Display for TagFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={}", self.key, v),
            None => f.write_str(&self.key),
        }
    }
}

/// Errors that stop reading an extract.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The file cannot be opened or is not a valid PBF.
    #[error("{path}: cannot read the OpenStreetMap extract: {source} (expected an .osm.pbf file; convert .osm XML with `osmium cat in.osm -o out.osm.pbf`)")]
    Read {
        /// The extract.
        path: PathBuf,
        /// What the PBF decoder said.
        source: osmpbf::Error,
    },
    /// A data block that cannot be decoded without overflowing.
    #[error("{path}: a data block of the OpenStreetMap extract is damaged (its coordinates cannot be decoded): download or export the extract again")]
    Damaged {
        /// The extract.
        path: PathBuf,
    },
    /// A `--tag` argument that is not `KEY` or `KEY=VALUE`.
    #[error(
        "--tag {0:?}: expected KEY or KEY=VALUE, e.g. `--tag building` or `--tag amenity=embassy`"
    )]
    BadTag(String),
    /// No element matches any filter (or every match is excluded).
    #[error("{path}: no element matches {}{}: check the key and value against the extract (e.g. `amenity=embassy`, `building`)", filters.join(" or "), if *excluded { " (after --exclude-tag)" } else { "" })]
    NothingMatched {
        /// The extract.
        path: PathBuf,
        /// The filters, as given (`amenity=embasy`).
        filters: Vec<String>,
        /// Whether exclusions were given.
        excluded: bool,
    },
    /// No filter was given.
    #[error("no --tag given: say which elements are sites, e.g. `--tag building` or `--tag amenity=embassy`")]
    NoFilter,
}

/// A problem with one element (or a group of them) that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsmWarning {
    /// The element (`relation/5`), when the warning is about one.
    pub element: Option<String>,
    /// What is wrong and what was done.
    pub message: String,
}

impl fmt::Display for OsmWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.element {
            Some(e) => write!(f, "{e}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The sites read from an extract and the warnings about what was skipped.
#[derive(Debug, Clone, Default)]
pub struct OsmSites {
    /// Nodes, then ways, then relations, each by ascending id.
    pub sites: Vec<Site>,
    /// Skipped elements, in the same order.
    pub warnings: Vec<OsmWarning>,
    /// The filters that no site matched, in the order given.
    pub unmatched_filters: Vec<TagFilter>,
}

type Tags = Vec<(String, String)>;

/// A tagged element that matched a filter.
#[derive(Debug)]
struct Matched<T> {
    id: i64,
    kind: String,
    tags: Tags,
    data: T,
}

/// A relation member way with its role.
#[derive(Debug)]
struct Member {
    way: i64,
    inner: bool,
}

/// A multipolygon relation's member ways, and whether its tags are on its
/// outer ways (old-style tagging: no tags of its own but `type`).
#[derive(Debug)]
struct Relation {
    members: Vec<Member>,
    old_style: bool,
    /// A member's type is none that OSM knows: the block is damaged.
    damaged: bool,
}

/// Tags that do not count as a relation's own when telling old-style
/// tagging (as in libosmium's legacy assembler).
const NOT_OWN_TAGS: [&str; 4] = ["type", "created_by", "source", "note"];

/// A member way: its nodes and tags.
#[derive(Debug)]
struct MemberWay {
    id: i64,
    refs: Vec<i64>,
    tags: Tags,
}

/// What the first pass collects from one block.
#[derive(Debug, Default)]
struct Tagged {
    nodes: Vec<Matched<Point<f64>>>,
    ways: Vec<Matched<Vec<i64>>>,
    /// Relations that match, and old-style ones (whose kind is decided by
    /// their outer ways' tags, once those are read).
    relations: Vec<Matched<Relation>>,
    open_ways: Vec<i64>,
}

/// Reads the sites of an extract that match any of `filters`.
pub fn read_sites(path: &Path, filters: &[TagFilter]) -> Result<OsmSites, OsmError> {
    read_sites_excluding(path, filters, &[])
}

/// Reads the sites of an extract that match any of `filters` and none of
/// `exclude` (`building=no`, `building=entrance`).
pub fn read_sites_excluding(
    path: &Path,
    filters: &[TagFilter],
    exclude: &[TagFilter],
) -> Result<OsmSites, OsmError> {
    if filters.is_empty() {
        return Err(OsmError::NoFilter);
    }
    let select = Select { filters, exclude };
    let mut tagged = Tagged::default();
    for block in scan(path, |block| tagged_in(block, &select))? {
        tagged.nodes.extend(block.nodes);
        tagged.ways.extend(block.ways);
        tagged.relations.extend(block.relations);
        tagged.open_ways.extend(block.open_ways);
    }
    tagged.nodes.sort_by_key(|m| m.id);
    tagged.ways.sort_by_key(|m| m.id);
    tagged.relations.sort_by_key(|m| m.id);
    tagged.open_ways.sort_unstable();

    // Pass 2: the node lists of the relations' member ways.
    let mut member_ids: Vec<i64> = tagged
        .relations
        .iter()
        .flat_map(|r| r.data.members.iter().map(|m| m.way))
        .collect();
    member_ids.sort_unstable();
    member_ids.dedup();
    let mut members: Vec<MemberWay> = Vec::new();
    if !member_ids.is_empty() {
        for found in scan(path, |block| ways_in(block, &member_ids))? {
            members.extend(found);
        }
        members.sort_unstable_by_key(|w| w.id);
    }
    let relations: Vec<Matched<Relation>> = tagged
        .relations
        .into_iter()
        .filter_map(|r| with_outer_tags(r, &members, &select))
        .collect();
    // The outer ways of an old-style relation gave it their tags: they are
    // its parts, not sites of their own (as in GDAL and libosmium's legacy assembler).
    let mut tags_given: Vec<i64> = relations
        .iter()
        .filter(|r| r.data.old_style)
        .flat_map(|r| r.data.members.iter().filter(|m| !m.inner).map(|m| m.way))
        .collect();
    tags_given.sort_unstable();
    tagged
        .ways
        .retain(|w| tags_given.binary_search(&w.id).is_err());

    // Pass 3: coordinates of every node a kept way uses.
    let mut node_ids: Vec<i64> = tagged
        .ways
        .iter()
        .flat_map(|w| w.data.iter().copied())
        .collect();
    node_ids.extend(members.iter().flat_map(|w| w.refs.iter().copied()));
    node_ids.sort_unstable();
    node_ids.dedup();
    let coords = node_positions(path, &node_ids, None)?;
    let lookup = NodeLookup {
        ids: &node_ids,
        coords: &coords,
    };

    let mut out = OsmSites::default();
    for m in tagged.nodes {
        out.sites.push(site(
            format!("node/{}", m.id),
            m.kind,
            m.tags,
            SiteGeometry::Point(m.data),
        ));
    }
    for m in tagged.ways {
        let id = format!("way/{}", m.id);
        let assembled = lookup
            .nodes(&m.data)
            .and_then(|way| rings::assemble(&[way]).map_err(|p| p.to_string()));
        match assembled {
            Ok(polygons) => out.sites.push(site(id, m.kind, m.tags, geometry(polygons))),
            Err(message) => out.warnings.push(OsmWarning {
                element: Some(id),
                message: format!("{message}; skipped"),
            }),
        }
    }
    if !tagged.open_ways.is_empty() {
        out.warnings.push(open_ways_warning(&tagged.open_ways));
    }
    for m in relations {
        let id = format!("relation/{}", m.id);
        let polygons = if m.data.damaged {
            Err("a member's type is not node, way or relation: the file is damaged".to_string())
        } else {
            relation_polygons(&m.data.members, &members, &lookup)
        };
        match polygons {
            Ok(polygons) => out.sites.push(site(id, m.kind, m.tags, geometry(polygons))),
            Err(message) => out.warnings.push(OsmWarning {
                element: Some(id),
                message: format!("{message}; relation skipped"),
            }),
        }
    }
    out.unmatched_filters = filters
        .iter()
        .filter(|f| {
            !out.sites.iter().any(|s| {
                s.properties()
                    .iter()
                    .any(|(k, v)| v.as_str().is_some_and(|v| f.matches(k, v)))
            })
        })
        .cloned()
        .collect();
    Ok(out)
}

/// Which elements are kept: those with a tag that matches a filter and none
/// that matches an exclusion.
#[derive(Debug, Clone, Copy)]
struct Select<'a> {
    filters: &'a [TagFilter],
    exclude: &'a [TagFilter],
}

impl Select<'_> {
    /// The kind the element gets, if it is kept.
    fn kind<'t>(&self, tags: impl Iterator<Item = (&'t str, &'t str)> + Clone) -> Option<String> {
        let excluded = tags
            .clone()
            .any(|(k, v)| self.exclude.iter().any(|f| f.matches(k, v)));
        matching_kind(self.filters, tags).filter(|_| !excluded)
    }
}

/// Decodes every data block of the file in parallel and maps it with `f`.
fn scan<T: Send>(
    path: &Path,
    f: impl Fn(&PrimitiveBlock) -> T + Sync + Send,
) -> Result<Vec<T>, OsmError> {
    Ok(scan_blocks(path, |_| true, |_, block| f(block))?
        .into_iter()
        .map(|(_, t)| t)
        .collect())
}

/// Decodes in parallel the data blocks of the file whose index (counting every blob of the
/// file from 0) `wanted` accepts, and maps each with `f`. Blocks left out are read but not
/// decompressed. Results come with their block's index, in no particular order.
fn scan_blocks<T: Send>(
    path: &Path,
    wanted: impl Fn(usize) -> bool + Sync + Send,
    f: impl Fn(usize, &PrimitiveBlock) -> T + Sync + Send,
) -> Result<Vec<(usize, T)>, OsmError> {
    let err = |source| OsmError::Read {
        path: path.to_path_buf(),
        source,
    };
    let reader = BlobReader::from_path(path).map_err(err)?;
    let found: Result<Vec<Option<(usize, T)>>, OsmError> = reader
        .enumerate()
        .par_bridge()
        .map(|(i, blob)| {
            let blob = blob.map_err(err)?;
            if !wanted(i) {
                return Ok(None);
            }
            match blob.decode().map_err(err)? {
                // osmpbf panics on some damaged blocks (a coordinate that
                // overflows, in builds that check overflow): refuse the file.
                BlobDecode::OsmData(block) => catch_quietly(AssertUnwindSafe(|| f(i, &block)))
                    .map(|t| Some((i, t)))
                    .ok_or_else(|| OsmError::Damaged {
                        path: path.to_path_buf(),
                    }),
                _ => Ok(None),
            }
        })
        .collect();
    Ok(found?.into_iter().flatten().collect())
}

/// The kind given by the first filter (in the order given) that any tag matches.
fn matching_kind<'a>(
    filters: &[TagFilter],
    tags: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<String> {
    if !tags
        .clone()
        .any(|(k, v)| filters.iter().any(|f| f.matches(k, v)))
    {
        return None;
    }
    filters
        .iter()
        .find(|f| tags.clone().any(|(k, v)| f.matches(k, v)))
        .map(|f| f.kind().to_string())
}

fn owned<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    tags.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn degrees(decimicro_lon: i32, decimicro_lat: i32) -> Coord<f64> {
    Coord {
        x: f64::from(decimicro_lon) * 1e-7,
        y: f64::from(decimicro_lat) * 1e-7,
    }
}

/// Calls `f` with every node of a block, dense or plain: its id and WGS84
/// lon/lat (degrees).
fn for_each_node(block: &PrimitiveBlock, mut f: impl FnMut(i64, Coord<f64>)) {
    for group in block.groups() {
        for n in group.dense_nodes() {
            f(n.id(), degrees(n.decimicro_lon(), n.decimicro_lat()));
        }
        for n in group.nodes() {
            f(n.id(), degrees(n.decimicro_lon(), n.decimicro_lat()));
        }
    }
}

/// Pass 1: elements whose tags match.
fn tagged_in(block: &PrimitiveBlock, filters: &Select) -> Tagged {
    let mut t = Tagged::default();
    for group in block.groups() {
        for n in group.dense_nodes() {
            let at = degrees(n.decimicro_lon(), n.decimicro_lat());
            keep_node(&mut t, filters, n.id(), at, n.tags());
        }
        for n in group.nodes() {
            let at = degrees(n.decimicro_lon(), n.decimicro_lat());
            keep_node(&mut t, filters, n.id(), at, n.tags());
        }
        for w in group.ways() {
            if let Some(kind) = filters.kind(w.tags()) {
                let refs: Vec<i64> = w.refs().collect();
                if refs.len() > 1 && refs.first() == refs.last() {
                    t.ways.push(Matched {
                        id: w.id(),
                        kind,
                        tags: owned(w.tags()),
                        data: refs,
                    });
                } else {
                    t.open_ways.push(w.id());
                }
            }
        }
        for r in group.relations() {
            let multipolygon = r.tags().any(|(k, v)| k == "type" && v == "multipolygon");
            if !multipolygon {
                continue;
            }
            let kind = filters.kind(r.tags());
            let old_style = r.tags().all(|(k, _)| NOT_OWN_TAGS.contains(&k));
            if kind.is_some() || old_style {
                let members = way_members(&r);
                let damaged = members.is_none();
                t.relations.push(Matched {
                    id: r.id(),
                    kind: kind.unwrap_or_default(),
                    tags: owned(r.tags()),
                    data: Relation {
                        members: members.unwrap_or_default(),
                        old_style,
                        damaged,
                    },
                });
            }
        }
    }
    t
}

thread_local! {
    /// Set while [`catch_quietly`] runs its closure on this thread.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A relation's way members with their roles, or `None` for a damaged
/// relation: osmpbf panics on a member type it does not know (a damaged
/// block) instead of returning an error, and that panic is caught here so
/// the caller can report the relation and read on.
fn way_members(r: &osmpbf::Relation) -> Option<Vec<Member>> {
    catch_quietly(|| {
        r.members()
            .filter(|m| m.member_type == RelMemberType::Way)
            .map(|m| Member {
                way: m.member_id,
                inner: m.role().is_ok_and(|r| r == "inner"),
            })
            .collect()
    })
}

/// Runs `f`, turning a panic inside it into `None` without the panic message
/// (a damaged file is reported as a warning instead). The process's panic
/// hook is wrapped once so that it stays silent for such panics only; every
/// other panic reaches the hook that was there before.
fn catch_quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    static WRAP_HOOK: std::sync::Once = std::sync::Once::new();
    WRAP_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
    CATCHING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(f);
    CATCHING.with(|c| c.set(false));
    result.ok()
}

/// Keeps a node if its tags match.
fn keep_node<'a>(
    t: &mut Tagged,
    filters: &Select,
    id: i64,
    at: Coord<f64>,
    tags: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) {
    if let Some(kind) = filters.kind(tags.clone()) {
        t.nodes.push(Matched {
            id,
            kind,
            tags: owned(tags),
            data: Point(at),
        });
    }
}

/// Pass 2: node lists and tags of the ways in `wanted` (sorted).
fn ways_in(block: &PrimitiveBlock, wanted: &[i64]) -> Vec<MemberWay> {
    let mut found = Vec::new();
    for group in block.groups() {
        for w in group.ways() {
            if wanted.binary_search(&w.id()).is_ok() {
                found.push(MemberWay {
                    id: w.id(),
                    refs: w.refs().collect(),
                    tags: owned(w.tags()),
                });
            }
        }
    }
    found
}

/// An old-style relation gets the tags its outer member ways (role `outer`
/// or none) have in common, after its own; it is kept only if those match a
/// filter. Other relations pass unchanged.
fn with_outer_tags(
    mut r: Matched<Relation>,
    ways: &[MemberWay],
    filters: &Select,
) -> Option<Matched<Relation>> {
    if !r.data.old_style {
        return Some(r);
    }
    let mut outers = r
        .data
        .members
        .iter()
        .filter(|m| !m.inner)
        .filter_map(|m| find_way(ways, m.way));
    let mut common: Tags = outers.next().map(|w| w.tags.clone()).unwrap_or_default();
    for way in outers {
        common.retain(|tag| way.tags.contains(tag));
    }
    common.retain(|(k, _)| r.tags.iter().all(|(own, _)| own != k));
    r.tags.extend(common);
    let kind = filters.kind(r.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    r.kind = kind;
    Some(r)
}

fn find_way(ways: &[MemberWay], id: i64) -> Option<&MemberWay> {
    ways.binary_search_by_key(&id, |w| w.id)
        .ok()
        .map(|i| &ways[i])
}

/// Pass 3: coordinates of the nodes in `wanted` (sorted), by index into it.
fn nodes_in(block: &PrimitiveBlock, wanted: &[i64]) -> Vec<(usize, Coord<f64>)> {
    let mut found = Vec::new();
    for_each_node(block, |id, at| {
        if let Ok(i) = wanted.binary_search(&id) {
            found.push((i, at));
        }
    });
    found
}

/// Positions of the nodes `ids` (sorted), by index into it: `None` for a
/// node not in the extract. With `blocks` (a first pass's), only the blocks
/// whose node ids may include one of `ids` are decompressed.
fn node_positions(
    path: &Path,
    ids: &[i64],
    blocks: Option<&BlockIndex>,
) -> Result<Vec<Option<Coord<f64>>>, OsmError> {
    let mut coords = vec![None; ids.len()];
    if ids.is_empty() {
        return Ok(coords);
    }
    let wanted = blocks.map(|b| b.blocks_where(|info| info.may_hold_node(ids)));
    let keep = |i: usize| wanted.as_ref().is_none_or(|w| w.binary_search(&i).is_ok());
    for (_, found) in scan_blocks(path, keep, |_, block| nodes_in(block, ids))? {
        for (i, c) in found {
            coords[i] = Some(c);
        }
    }
    Ok(coords)
}

/// What a data block holds, noted by a reader's first pass so that its later
/// passes decompress only the blocks they need (an extract's blocks hold
/// nodes, then ways, then relations, each sorted by id).
#[derive(Debug, Default, Clone, Copy)]
struct BlockInfo {
    /// Lowest and highest node id.
    node_ids: Option<(i64, i64)>,
    has_ways: bool,
    has_relations: bool,
}

impl BlockInfo {
    /// Notes a node of the block.
    fn add_node(&mut self, id: i64) {
        let (lo, hi) = self.node_ids.get_or_insert((id, id));
        (*lo, *hi) = ((*lo).min(id), (*hi).max(id));
    }

    /// Notes whether a group of the block has ways or relations.
    fn add_group(&mut self, group: &osmpbf::PrimitiveGroup) {
        self.has_ways |= group.ways().next().is_some();
        self.has_relations |= group.relations().next().is_some();
    }

    /// Whether the block's node ids may include one of `ids` (sorted).
    fn may_hold_node(&self, ids: &[i64]) -> bool {
        self.node_ids.is_some_and(|(lo, hi)| {
            let k = ids.partition_point(|id| *id < lo);
            k < ids.len() && ids[k] <= hi
        })
    }
}

/// The [`BlockInfo`] of every data block of an extract, by block index.
#[derive(Debug, Default)]
struct BlockIndex(Vec<(usize, BlockInfo)>);

impl BlockIndex {
    /// The index of `(block index, info)` pairs in any order.
    fn new(mut blocks: Vec<(usize, BlockInfo)>) -> BlockIndex {
        blocks.sort_unstable_by_key(|b| b.0);
        BlockIndex(blocks)
    }

    /// The indices, sorted, of the blocks whose info `keep` accepts.
    fn blocks_where(&self, keep: impl Fn(&BlockInfo) -> bool) -> Vec<usize> {
        self.0
            .iter()
            .filter(|(_, info)| keep(info))
            .map(|(i, _)| *i)
            .collect()
    }
}

/// Node coordinates found in pass 3.
struct NodeLookup<'a> {
    ids: &'a [i64],
    coords: &'a [Option<Coord<f64>>],
}

impl NodeLookup<'_> {
    /// The nodes of a way with their positions, or a message naming the missing nodes.
    fn nodes(&self, refs: &[i64]) -> Result<Vec<Node>, String> {
        let mut missing = Vec::new();
        let ring: Vec<Node> = refs
            .iter()
            .filter_map(|&id| {
                let c = self
                    .ids
                    .binary_search(&id)
                    .ok()
                    .and_then(|i| self.coords[i]);
                if c.is_none() {
                    missing.push(id);
                }
                c.map(|at| Node { id, at })
            })
            .collect();
        if missing.is_empty() {
            Ok(ring)
        } else {
            Err(format!(
                "{} missing from the extract",
                list("node", &missing)
            ))
        }
    }
}

/// `node/1, node/2, … (N in all)`, at most five named.
fn list(kind: &str, ids: &[i64]) -> String {
    let named: Vec<String> = ids
        .iter()
        .take(5)
        .map(|id| format!("{kind}/{id}"))
        .collect();
    match ids.len() {
        1 => format!("{} is", named[0]),
        n if n <= 5 => format!("{} are", named.join(", ")),
        n => format!("{}, … ({n} in all) are", named.join(", ")),
    }
}

fn open_ways_warning(ids: &[i64]) -> OsmWarning {
    OsmWarning {
        element: None,
        message: format!(
            "matching {} not closed (lines, not areas); skipped",
            list("way", ids)
        ),
    }
}

/// Assembles a multipolygon relation from its member ways.
fn relation_polygons(
    members: &[Member],
    ways: &[MemberWay],
    nodes: &NodeLookup,
) -> Result<Vec<Polygon<f64>>, String> {
    let missing: Vec<i64> = members
        .iter()
        .map(|m| m.way)
        .filter(|&id| find_way(ways, id).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "member {} missing from the extract",
            list("way", &missing)
        ));
    }
    if members.is_empty() {
        return Err("no member ways".to_string());
    }
    let member_nodes = members
        .iter()
        .filter_map(|m| find_way(ways, m.way))
        .map(|w| nodes.nodes(&w.refs))
        .collect::<Result<Vec<_>, _>>()?;
    rings::assemble(&member_nodes).map_err(|p: Problem| p.to_string())
}

/// One polygon as a Polygon, several as a MultiPolygon.
fn geometry(polygons: Vec<Polygon<f64>>) -> SiteGeometry {
    match <[Polygon<f64>; 1]>::try_from(polygons) {
        Ok([p]) => SiteGeometry::Polygon(p),
        Err(many) => SiteGeometry::MultiPolygon(MultiPolygon(many)),
    }
}

/// A site from an element's id, kind, tags and geometry.
fn site(id: String, kind: String, tags: Tags, geometry: SiteGeometry) -> Site {
    let tag = |k: &str| {
        tags.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let address = match (
        tag("addr:street"),
        tag("addr:housenumber"),
        tag("addr:city"),
    ) {
        (None, _, None) => None,
        (street, number, city) => {
            let street = [street, number]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Some(
                [Some(street).filter(|s| !s.is_empty()), city]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }
    };
    let id = Text::from(id);
    let name = tag("name").map_or_else(|| id.clone(), Text::from);
    let details = SiteDetails {
        operator: tag("operator"),
        address,
        position_source: Some("OpenStreetMap".to_string()),
        footprint: None,
        properties: tags
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<String, Value>>(),
    };
    Site {
        name,
        id,
        part: None,
        kind: kind.into(),
        geometry,
        position_uncertainty_m: 0.0,
        notified: None,
        details: details.boxed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_filters_parse() {
        let f: TagFilter = "amenity=embassy".parse().unwrap();
        assert_eq!(
            (f.key.as_str(), f.value.as_deref(), f.kind()),
            ("amenity", Some("embassy"), "embassy")
        );
        let f: TagFilter = "building".parse().unwrap();
        assert_eq!((f.kind(), f.to_string().as_str()), ("building", "building"));
        for bad in ["", "=x", "amenity="] {
            assert!(
                matches!(bad.parse::<TagFilter>(), Err(OsmError::BadTag(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn first_matching_filter_gives_the_kind() {
        let filters: Vec<TagFilter> = ["office=diplomatic", "building"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let tags = [("building", "yes"), ("office", "diplomatic")];
        assert_eq!(
            matching_kind(&filters, tags.iter().copied()).as_deref(),
            Some("diplomatic")
        );
        assert_eq!(
            matching_kind(&filters, [("office", "lawyer")].iter().copied()),
            None
        );
    }

    #[test]
    fn open_way_summary_names_the_ways() {
        assert_eq!(
            open_ways_warning(&[4]).message,
            "matching way/4 is not closed (lines, not areas); skipped"
        );
        let many = open_ways_warning(&[1, 2, 3, 4, 5, 6]).message;
        assert_eq!(many, "matching way/1, way/2, way/3, way/4, way/5, … (6 in all) are not closed (lines, not areas); skipped");
    }
}
