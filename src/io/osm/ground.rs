//! The ground of one map's extent read from an extract: streets, buildings, water, land use,
//! railways and place names ([`crate::basemap::ground`]).
//!
//! Only what the extent needs is kept, so a whole-country extract can be read with memory
//! that grows with the extent, not with the file:
//! 1. every block: the nodes inside the box (id and position), named places inside it, the
//!    multipolygon relations that are areas drawn (their member way ids), and which blocks
//!    hold ways and which node ids each block holds;
//! 2. the blocks with ways: ways drawn that have a node in the box, and member ways of those
//!    relations that have a node in the box; then the other member ways of the relations met;
//! 3. only the blocks whose node ids cover them: the nodes of those ways outside the box.
//!
//! Blocks are decoded in parallel. A way or area with nodes missing from the extract (a clipped
//! extract) is drawn with the nodes it has (a street) or left out (an area).

use super::rings::{self, Node};
use super::{degrees, node_positions, scan_blocks, BlockIndex, BlockInfo, OsmError};
use crate::basemap::ground::{Area, AreaClass, Ground, Line, LineClass, Place, Road, RoadClass};
use geo_types::{Coord, LineString, Point, Polygon};
use osmpbf::{PrimitiveBlock, RelMemberType};
use std::path::Path;

/// The credit every map drawn from OpenStreetMap data carries.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL)";

/// What a way or relation is drawn as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Road(RoadClass),
    Area(AreaClass),
    Line(LineClass),
}

/// How the tags of an element say to draw it (`closed`: a way that ends where it starts, or a
/// multipolygon relation), or `None`.
fn classify<'a>(
    tags: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    closed: bool,
) -> Option<Kind> {
    let tag = |key: &str| tags.clone().find(|(k, _)| *k == key).map(|(_, v)| v);
    let yes = |key: &str| tag(key).is_some_and(|v| v != "no");
    let area = |class| closed.then_some(Kind::Area(class));
    if yes("building") {
        return area(AreaClass::Building);
    }
    if let Some(class) = tag("highway").and_then(RoadClass::from_highway) {
        return (!(closed && tag("area") == Some("yes"))).then_some(Kind::Road(class));
    }
    if tag("natural") == Some("water")
        || tag("waterway") == Some("riverbank")
        || matches!(tag("landuse"), Some("reservoir" | "basin"))
    {
        return area(AreaClass::Water);
    }
    match tag("waterway") {
        Some("river" | "canal") => return Some(Kind::Line(LineClass::River)),
        Some("stream" | "ditch" | "drain") => return Some(Kind::Line(LineClass::Stream)),
        _ => {}
    }
    if tag("tunnel").is_none_or(|v| v == "no") {
        match tag("railway") {
            Some("rail" | "light_rail" | "narrow_gauge" | "subway") => {
                return Some(Kind::Line(LineClass::Railway))
            }
            Some("tram") => return Some(Kind::Line(LineClass::Tram)),
            _ => {}
        }
    }
    let green = matches!(
        tag("leisure"),
        Some("park" | "garden" | "playground" | "pitch" | "common")
    ) || matches!(
        tag("landuse"),
        Some(
            "grass"
                | "forest"
                | "meadow"
                | "recreation_ground"
                | "cemetery"
                | "village_green"
                | "allotments"
                | "orchard"
        )
    ) || matches!(tag("natural"), Some("wood" | "scrub" | "grassland"));
    if green {
        return area(AreaClass::Green);
    }
    if tag("landuse").is_some() {
        return area(AreaClass::LandUse);
    }
    None
}

/// The name shown: `name:LANG` when asked for and present, else `name`.
fn name<'a>(
    tags: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    lang: Option<&str>,
) -> Option<String> {
    let find = |key: &str| {
        tags.clone()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    };
    lang.and_then(|l| find(&format!("name:{l}")))
        .or_else(|| find("name"))
}

fn place_rank(v: &str) -> Option<u8> {
    Some(match v {
        "city" => 0,
        "town" => 1,
        "suburb" | "borough" => 2,
        "quarter" | "village" => 3,
        "neighbourhood" | "hamlet" => 4,
        "square" | "locality" | "islet" | "island" => 5,
        _ => return None,
    })
}

/// A box, lon/lat degrees: west, south, east, north.
#[derive(Debug, Clone, Copy)]
struct BBox([f64; 4]);

impl BBox {
    fn contains(&self, c: Coord<f64>) -> bool {
        let [w, s, e, n] = self.0;
        c.x >= w && c.x <= e && c.y >= s && c.y <= n
    }
}

/// A multipolygon relation drawn as an area.
#[derive(Debug)]
struct AreaRelation {
    id: i64,
    class: AreaClass,
    members: Vec<i64>,
}

/// What pass 1 finds in one block.
#[derive(Debug, Default)]
struct First {
    info: BlockInfo,
    nodes: Vec<(i64, Coord<f64>)>,
    places: Vec<(i64, Place)>,
    relations: Vec<AreaRelation>,
}

/// A way drawn.
#[derive(Debug)]
struct KeptWay {
    id: i64,
    kind: Kind,
    name: Option<String>,
    tunnel: bool,
    refs: Vec<i64>,
}

/// Reads the ground inside `bbox` (west, south, east, north, degrees; give it a margin around
/// the map) from the extract at `path`. Names prefer `name:LANG` when `lang` is given.
pub fn read_ground(path: &Path, bbox: [f64; 4], lang: Option<&str>) -> Result<Ground, OsmError> {
    let bbox = BBox(bbox);
    // Pass 1: every block.
    let mut infos: Vec<(usize, BlockInfo)> = Vec::new();
    let mut inside: Vec<(i64, Coord<f64>)> = Vec::new();
    let mut places: Vec<(i64, Place)> = Vec::new();
    let mut relations: Vec<AreaRelation> = Vec::new();
    for (i, first) in scan_blocks(path, |_| true, |_, b| first_pass(b, bbox, lang))? {
        infos.push((i, first.info));
        inside.extend(first.nodes);
        places.extend(first.places);
        relations.extend(first.relations);
    }
    let blocks = BlockIndex::new(infos);
    inside.sort_unstable_by_key(|n| n.0);
    places.sort_by_key(|p| p.0);
    relations.sort_unstable_by_key(|r| r.id);
    let way_blocks = blocks.blocks_where(|b| b.has_ways);
    let has_ways = |i: usize| way_blocks.binary_search(&i).is_ok();

    // Pass 2: ways drawn with a node inside, and relation members with a node inside.
    let mut member_ids: Vec<i64> = relations
        .iter()
        .flat_map(|r| r.members.iter().copied())
        .collect();
    member_ids.sort_unstable();
    member_ids.dedup();
    let is_inside = |id: &i64| inside.binary_search_by_key(id, |n| n.0).is_ok();
    let mut kept: Vec<KeptWay> = Vec::new();
    let mut members: Vec<(i64, Vec<i64>)> = Vec::new();
    for (_, (k, m)) in scan_blocks(path, has_ways, |_, b| {
        ways_inside(b, &is_inside, &member_ids, lang)
    })? {
        kept.extend(k);
        members.extend(m);
    }
    kept.sort_unstable_by_key(|w| w.id);
    members.sort_unstable_by_key(|m| m.0);
    // The relations met, and their member ways not read yet.
    let met = |r: &AreaRelation| {
        r.members
            .iter()
            .any(|id| members.binary_search_by_key(id, |m| m.0).is_ok())
    };
    relations.retain(met);
    let mut more: Vec<i64> = relations
        .iter()
        .flat_map(|r| r.members.iter().copied())
        .filter(|id| members.binary_search_by_key(id, |m| m.0).is_err())
        .collect();
    more.sort_unstable();
    more.dedup();
    if !more.is_empty() {
        for (_, found) in scan_blocks(path, has_ways, |_, b| ways_by_id(b, &more))? {
            members.extend(found);
        }
        members.sort_unstable_by_key(|m| m.0);
    }

    // Pass 3: the nodes outside the box those ways use.
    let mut outside: Vec<i64> = kept
        .iter()
        .flat_map(|w| w.refs.iter())
        .chain(members.iter().flat_map(|m| m.1.iter()))
        .copied()
        .filter(|id| !is_inside(id))
        .collect();
    outside.sort_unstable();
    outside.dedup();
    let far = node_positions(path, &outside, Some(&blocks))?;
    let at = |id: i64| -> Option<Coord<f64>> {
        match inside.binary_search_by_key(&id, |n| n.0) {
            Ok(i) => Some(inside[i].1),
            Err(_) => outside.binary_search(&id).ok().and_then(|i| far[i]),
        }
    };
    Ok(assemble(kept, &relations, &members, places, &at))
}

/// Builds the ground from the ways and relations kept, with node positions from `at`.
fn assemble(
    kept: Vec<KeptWay>,
    relations: &[AreaRelation],
    members: &[(i64, Vec<i64>)],
    places: Vec<(i64, Place)>,
    at: &dyn Fn(i64) -> Option<Coord<f64>>,
) -> Ground {
    let mut g = Ground {
        attribution: ATTRIBUTION.to_string(),
        places: places.into_iter().map(|p| p.1).collect(),
        ..Ground::default()
    };
    for w in kept {
        let line = || LineString(w.refs.iter().filter_map(|&id| at(id)).collect::<Vec<_>>());
        match w.kind {
            Kind::Road(class) => {
                let line = line();
                if line.0.len() >= 2 {
                    g.roads.push(Road {
                        id: w.id,
                        class,
                        name: w.name,
                        tunnel: w.tunnel,
                        line,
                    });
                }
            }
            Kind::Line(class) => {
                let line = line();
                if line.0.len() >= 2 {
                    g.lines.push(Line { class, line });
                }
            }
            Kind::Area(class) => {
                let ring = line();
                if ring.0.len() == w.refs.len() && ring.0.len() >= 4 {
                    g.areas.push(Area {
                        class,
                        polygon: Polygon::new(ring, Vec::new()),
                    });
                }
            }
        }
    }
    for r in relations {
        let ways: Option<Vec<Vec<Node>>> = r
            .members
            .iter()
            .map(|id| {
                let refs = &members[members.binary_search_by_key(id, |m| m.0).ok()?].1;
                refs.iter()
                    .map(|&id| Some(Node { id, at: at(id)? }))
                    .collect()
            })
            .collect();
        if let Some(polygons) = ways.and_then(|w| rings::assemble(&w).ok()) {
            g.areas.extend(polygons.into_iter().map(|polygon| Area {
                class: r.class,
                polygon,
            }));
        }
    }
    // Land use under parks under water under buildings; stable within a class.
    g.areas.sort_by_key(|a| a.class);
    g
}

/// Pass 1 over one block.
fn first_pass(block: &PrimitiveBlock, bbox: BBox, lang: Option<&str>) -> First {
    let mut f = First::default();
    let mut info = BlockInfo::default();
    let (mut nodes, mut places) = (Vec::new(), Vec::new());
    for group in block.groups() {
        let mut node = |id: i64, c: Coord<f64>, tags: &mut dyn Iterator<Item = (&str, &str)>| {
            info.add_node(id);
            if bbox.contains(c) {
                nodes.push((id, c));
                let tags: Vec<(&str, &str)> = tags.collect();
                let rank = tags
                    .iter()
                    .find(|(k, _)| *k == "place")
                    .and_then(|(_, v)| place_rank(v));
                if let (Some(rank), Some(name)) = (rank, name(tags.iter().copied(), lang)) {
                    places.push((
                        id,
                        Place {
                            name,
                            position: Point(c),
                            rank,
                        },
                    ));
                }
            }
        };
        for n in group.dense_nodes() {
            node(
                n.id(),
                degrees(n.decimicro_lon(), n.decimicro_lat()),
                &mut n.tags(),
            );
        }
        for n in group.nodes() {
            node(
                n.id(),
                degrees(n.decimicro_lon(), n.decimicro_lat()),
                &mut n.tags(),
            );
        }
        info.add_group(&group);
        for r in group.relations() {
            if !r.tags().any(|(k, v)| k == "type" && v == "multipolygon") {
                continue;
            }
            let Some(Kind::Area(class)) = classify(r.tags(), true) else {
                continue;
            };
            // osmpbf panics on a member type it does not know (a damaged block).
            let members = super::catch_quietly(|| {
                r.members()
                    .filter(|m| m.member_type == RelMemberType::Way)
                    .map(|m| m.member_id)
                    .collect::<Vec<_>>()
            });
            if let Some(members) = members {
                f.relations.push(AreaRelation {
                    id: r.id(),
                    class,
                    members,
                });
            }
        }
    }
    f.info = info;
    f.nodes = nodes;
    f.places = places;
    f
}

/// Pass 2 over one block: the ways drawn with a node inside, and the relation members
/// (`member_ids`, sorted) with a node inside.
#[allow(clippy::type_complexity)]
fn ways_inside(
    block: &PrimitiveBlock,
    is_inside: &dyn Fn(&i64) -> bool,
    member_ids: &[i64],
    lang: Option<&str>,
) -> (Vec<KeptWay>, Vec<(i64, Vec<i64>)>) {
    let (mut kept, mut members) = (Vec::new(), Vec::new());
    for group in block.groups() {
        for w in group.ways() {
            let member = member_ids.binary_search(&w.id()).is_ok();
            let refs: Vec<i64> = w.refs().collect();
            let closed = refs.len() > 3 && refs.first() == refs.last();
            let kind = classify(w.tags(), closed);
            if (kind.is_none() && !member) || !refs.iter().any(is_inside) {
                continue;
            }
            if member {
                members.push((w.id(), refs.clone()));
            }
            if let Some(kind) = kind {
                let tunnel = w.tags().any(|(k, v)| k == "tunnel" && v != "no");
                kept.push(KeptWay {
                    id: w.id(),
                    kind,
                    name: name(w.tags(), lang),
                    tunnel,
                    refs,
                });
            }
        }
    }
    (kept, members)
}

/// The node lists of the ways in `wanted` (sorted).
fn ways_by_id(block: &PrimitiveBlock, wanted: &[i64]) -> Vec<(i64, Vec<i64>)> {
    block
        .groups()
        .flat_map(|g| g.ways().collect::<Vec<_>>())
        .filter(|w| wanted.binary_search(&w.id()).is_ok())
        .map(|w| (w.id(), w.refs().collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_say_how_an_element_is_drawn() {
        let k = |tags: &[(&str, &str)], closed| classify(tags.iter().copied(), closed);
        assert_eq!(
            k(&[("building", "yes")], true),
            Some(Kind::Area(AreaClass::Building))
        );
        assert_eq!(k(&[("building", "yes")], false), None);
        assert_eq!(k(&[("building", "no")], true), None);
        assert_eq!(
            k(&[("highway", "primary_link")], false),
            Some(Kind::Road(RoadClass::Primary))
        );
        assert_eq!(k(&[("highway", "pedestrian"), ("area", "yes")], true), None);
        assert_eq!(k(&[("railway", "subway"), ("tunnel", "yes")], false), None);
        assert_eq!(
            k(&[("leisure", "park")], true),
            Some(Kind::Area(AreaClass::Green))
        );
        assert_eq!(
            k(&[("landuse", "retail")], true),
            Some(Kind::Area(AreaClass::LandUse))
        );
        assert_eq!(k(&[("amenity", "embassy")], true), None);
        let tags = [("name", "Mannerheimintie"), ("name:sv", "Mannerheimvägen")];
        assert_eq!(
            name(tags.iter().copied(), Some("sv")).as_deref(),
            Some("Mannerheimvägen")
        );
        assert_eq!(
            name(tags.iter().copied(), Some("ru")).as_deref(),
            Some("Mannerheimintie")
        );
    }
}
