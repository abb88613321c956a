//! GeoJSON input (RFC 7946 FeatureCollections) for sites and incidents.
//!
//! Sites are Point, Polygon or MultiPolygon features. Incidents are Point
//! features (impact known), Polygon/MultiPolygon features (an area), or
//! features with `"geometry": null` and a `location` object for relative,
//! within and area locations (see the README for the fields).

use super::stream::{Batch, FeatureSlice, FeatureStream, FrameError, Framing};
use super::InputError;
use crate::model::{
    DateSpan, DistanceUnit, Incident, Location, RelativeDistance, Site, SiteDetails, SiteGeometry,
    Source, Text, TimePrecision, WeaponCategory,
};
use geo::{Centroid, Orient};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

mod coords;
mod fast;
mod parallel;
mod ring;
mod unique;

#[cfg(feature = "arrow")]
pub(crate) use fast::PropVal;

/// Reads sites from a file: a FeatureCollection, or for `.geojsonl`, `.ndjson`,
/// `.jsonl`, `.geojsons` and `.geojsonseq` names one Feature per line or an
/// RFC 8142 text sequence. A FeatureCollection is read into memory whole and
/// parsed on all cores ([`parse_sites_bytes`]); a sequence is read in batches.
pub fn read_sites(path: &Path) -> Result<Vec<Site>, InputError> {
    let name = path.display().to_string();
    if is_sequence_name(path) {
        return read_sites_from(open(path)?, &name, true);
    }
    let bytes = std::fs::read(path).map_err(|e| open_error(path, e))?;
    parse_sites_bytes(bytes, &name)
}

/// Reads incidents from a file (framings as for [`read_sites`]); `relative` and
/// `within` locations must name one of `sites`.
pub fn read_incidents(path: &Path, sites: &[Site]) -> Result<Vec<Incident>, InputError> {
    let name = path.display().to_string();
    IncidentBatches::new(open(path)?, &name, sites, is_sequence_name(path)).collect_all()
}

/// Opens an input file with a message that says what to do when it cannot be.
pub fn open(path: &Path) -> Result<std::fs::File, InputError> {
    std::fs::File::open(path).map_err(|e| open_error(path, e))
}

/// The error for an input file that cannot be opened or read: says what to do.
pub fn open_error(path: &Path, e: std::io::Error) -> InputError {
    let hint = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file: check the path",
        _ => "cannot be read",
    };
    InputError::file(&path.display().to_string(), format!("{hint} ({e})"))
}

/// Whether a file name says its features come one per line or as an RFC 8142 sequence.
pub fn is_sequence_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    ["geojsonl", "geojsons", "geojsonseq", "ndjson", "jsonl"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

/// Parses a sites FeatureCollection; `file` names it in errors.
pub fn parse_sites(text: &str, file: &str) -> Result<Vec<Site>, InputError> {
    parse_sites_bytes(text.as_bytes(), file)
}

/// Parses sites from bytes held in memory (a FeatureCollection; a UTF-8
/// byte-order mark is skipped): read by all cores at once when it is
/// ordinary, else through the streaming path (which gives the precise error);
/// `file` names it in errors. Bytes given by value (a file's contents, a
/// memory map) are let go once parsed, before the ids are checked.
pub fn parse_sites_bytes(bytes: impl AsRef<[u8]>, file: &str) -> Result<Vec<Site>, InputError> {
    let text = bytes.as_ref();
    let text = text.strip_prefix(super::stream::BOM).unwrap_or(text);
    match read_in_parallel(text, file) {
        Some(read) => {
            drop(bytes);
            check_read(read?, file)
        }
        None => read_sites_from(text, file, false),
    }
}

/// `None` when the text is not ordinary enough for the parallel reader.
fn read_in_parallel(bytes: &[u8], file: &str) -> Option<Result<parallel::Read, InputError>> {
    parallel::read_sites(std::str::from_utf8(bytes).ok()?, file)
}

/// The sites of a parallel read, once their ids are known to be unique.
fn check_read(mut read: parallel::Read, file: &str) -> Result<Vec<Site>, InputError> {
    let feature_ids = std::mem::take(&mut read.feature_ids);
    let sites = read.into_sites();
    let feature_id = |i: usize| {
        let at = feature_ids.binary_search_by_key(&i, |(j, _)| *j);
        at.ok().map(|k| feature_ids[k].1.clone())
    };
    check_unique(&sites, file, feature_id)?;
    Ok(sites)
}

/// Reads sites from `reader`; `file` names it in errors; `allow_sequence`
/// accepts Features one after another as well as a FeatureCollection.
pub fn read_sites_from(
    reader: impl Read + Send,
    file: &str,
    allow_sequence: bool,
) -> Result<Vec<Site>, InputError> {
    let mut sites = Vec::new();
    // Feature ids, where they differ from the site ids, for messages about duplicates.
    let mut feature_ids: Vec<Option<Text>> = Vec::new();
    let mut features = Features::new(reader, file, allow_sequence);
    let mut next = features.next_batch()?;
    while let Some(batch) = next {
        // Frame the next batch while this one is parsed.
        let (following, parsed) = rayon::join(
            || features.next_batch(),
            || {
                batch
                    .features
                    .par_iter()
                    .map(|f| site_feature(file, batch.slice(f), f))
                    .collect::<Vec<_>>()
            },
        );
        for r in parsed {
            let (site, id) = r?;
            feature_ids.push(id);
            sites.push(site);
        }
        next = following?;
    }
    check_unique(&sites, file, |i| feature_ids[i].clone())?;
    Ok(sites)
}

/// Each (id, part) pair may occur once; `feature_id` gives a feature's own id
/// where it differs from its site's, for the message. The first repeat in
/// input order is reported, with the feature it repeats.
///
/// The pairs are hashed and sorted on all cores; only equal hashes are
/// compared.
pub(crate) fn check_unique(
    sites: &[Site],
    file: &str,
    feature_id: impl Fn(usize) -> Option<Text>,
) -> Result<(), InputError> {
    use std::hash::{Hash, Hasher};
    fn key(s: &Site) -> (&str, Option<&str>) {
        (&s.id, s.part.as_deref())
    }
    let mut hashed: Vec<(u64, usize)> = sites
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let mut h = rustc_hash::FxHasher::default();
            key(s).hash(&mut h);
            (h.finish(), i)
        })
        .collect();
    hashed.par_sort_unstable();
    // (repeat, first): the repeat that comes first in the input.
    let mut found: Option<(usize, usize)> = None;
    for same_hash in hashed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        for (k, &(_, repeat)) in same_hash.iter().enumerate().skip(1) {
            let first = same_hash[..k]
                .iter()
                .map(|&(_, j)| j)
                .find(|&j| key(&sites[j]) == key(&sites[repeat]));
            if let Some(first) = first {
                if found.is_none_or(|(r, _)| repeat < r) {
                    found = Some((repeat, first));
                }
                break;
            }
        }
    }
    match found {
        None => Ok(()),
        Some((i, first)) => {
            let site = &sites[i];
            let id = feature_id(i).or_else(|| Some(site.id.clone()));
            Err(Ctx { file, index: i, id }.err(
                Some("id"),
                format!(
                    "duplicate site `{}`: feature {} has the same id{}; give each site (or part) its own id, \
                     or a distinct `part` name",
                    site.label(),
                    first + 1,
                    if site.part.is_some() { " and part" } else { "" }
                ),
            ))
        }
    }
}

/// One site feature: the fast path for ordinary features, else the general one
/// (which also gives the precise error). Returns the feature's own id too, when
/// it differs from the site's.
fn site_feature(
    file: &str,
    bytes: &[u8],
    at: &FeatureSlice,
) -> Result<(Site, Option<Text>), InputError> {
    let (site, id) = match fast::site(file, at.index, bytes) {
        Some(done) => done?,
        None => {
            let feature = feature_object(file, bytes, at)?;
            let ctx = Ctx::new(file, at.index, &feature);
            (parse_site(&ctx, feature)?, ctx.id)
        }
    };
    // Dropped here, on the thread that made it: freeing on another is slower.
    let id = id.filter(|id| *id != site.id);
    Ok((site, id))
}

/// Parses an incidents FeatureCollection; `file` names it in errors.
pub fn parse_incidents(
    text: &str,
    file: &str,
    sites: &[Site],
) -> Result<Vec<Incident>, InputError> {
    IncidentBatches::new(text.as_bytes(), file, sites, false).collect_all()
}

/// Incidents read a batch at a time, so a stream is processed as it comes.
pub struct IncidentBatches<'s, R> {
    features: Features<R>,
    file: String,
    sites: KnownSites<'s>,
    seen: FxHashMap<String, usize>,
}

/// The sites incidents may name, with a set of their ids built the first time
/// one is looked up (a national extract has millions).
pub(crate) struct KnownSites<'s> {
    sites: &'s [Site],
    ids: OnceLock<FxHashSet<&'s str>>,
}

impl<'s> KnownSites<'s> {
    fn new(sites: &'s [Site]) -> Self {
        KnownSites {
            sites,
            ids: OnceLock::new(),
        }
    }

    /// Whether a site (or a part of one) has this id.
    fn contains(&self, id: &str) -> bool {
        self.ids
            .get_or_init(|| self.sites.iter().map(|s| s.id.as_str()).collect())
            .contains(id)
    }

    /// Some of the ids, sorted, for a message: at most `n`, and how many more there are.
    fn sample(&self, n: usize) -> (Vec<&'s str>, usize) {
        let all: std::collections::BTreeSet<&str> =
            self.sites.iter().map(|s| s.id.as_str()).collect();
        let more = all.len().saturating_sub(n);
        (all.into_iter().take(n).collect(), more)
    }
}

impl<'s, R: Read> IncidentBatches<'s, R> {
    /// Incidents from `reader`; `file` names it in errors; `allow_sequence`
    /// accepts Features one after another (newline-delimited or RFC 8142).
    pub fn new(reader: R, file: &str, sites: &'s [Site], allow_sequence: bool) -> Self {
        IncidentBatches {
            features: Features::new(reader, file, allow_sequence),
            file: file.to_string(),
            sites: KnownSites::new(sites),
            seen: FxHashMap::default(),
        }
    }

    /// The next incidents, in input order; `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Incident>>, InputError> {
        let Some(batch) = self.features.next_batch()? else {
            return Ok(None);
        };
        let (file, sites) = (self.file.as_str(), &self.sites);
        let parsed: Vec<Result<Incident, InputError>> = batch
            .features
            .par_iter()
            .map(|f| {
                fast::incident(file, f.index, batch.slice(f), sites)
                    .unwrap_or_else(|| general_incident(file, batch.slice(f), f, sites))
            })
            .collect();
        let mut incidents = Vec::with_capacity(parsed.len());
        for (r, f) in parsed.into_iter().zip(&batch.features) {
            let incident = r?;
            if let Some(first) = self.seen.insert(incident.id.clone(), f.index) {
                let ctx = Ctx {
                    file,
                    index: f.index,
                    id: Some(incident.id.as_str().into()),
                };
                return Err(ctx.err(
                    Some("id"),
                    format!(
                        "duplicate incident id `{}` (also feature {}): give each incident its own id",
                        incident.id,
                        first + 1
                    ),
                ));
            }
            incidents.push(incident);
        }
        Ok(Some(incidents))
    }

    /// Every remaining incident.
    pub fn collect_all(mut self) -> Result<Vec<Incident>, InputError> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch()? {
            all.extend(batch);
        }
        Ok(all)
    }
}

/// The features of a GeoJSON input, a batch at a time, with the
/// FeatureCollection's `type` and `crs` checked.
struct Features<R> {
    stream: FeatureStream<R>,
    file: String,
    allow_sequence: bool,
    checked_members: usize,
    done: bool,
}

/// Bytes of features handed out at once (then parsed in parallel).
const BATCH_BYTES: usize = 4 << 20;

impl<R: Read> Features<R> {
    fn new(reader: R, file: &str, allow_sequence: bool) -> Self {
        Features {
            stream: FeatureStream::new(reader, BATCH_BYTES),
            file: file.to_string(),
            allow_sequence,
            checked_members: 0,
            done: false,
        }
    }

    /// The next non-empty batch, `None` at the end.
    fn next_batch(&mut self) -> Result<Option<Batch>, InputError> {
        if self.done {
            return Ok(None);
        }
        let file = self.file.as_str();
        let batch = self.stream.next_batch().map_err(|e| match e {
            FrameError::Io(e) => InputError::file(file, format!("cannot be read ({e})")),
            FrameError::Syntax {
                line,
                column,
                message,
            } => InputError::at(file, format!("line {line} column {column}"), None, message),
        })?;
        // Members of a FeatureCollection: those of a Feature of a sequence
        // (the one being read when a batch is cut) are the Feature's own.
        if self.stream.framing() == Framing::Collection {
            let members = self.stream.members();
            for (key, raw) in members.get(self.checked_members..).unwrap_or_default() {
                let value: Value = serde_json::from_slice(raw).map_err(|e| {
                    InputError::at(file, "top level", Some(key), format!("invalid JSON: {e}"))
                })?;
                match key.as_str() {
                    "crs" => check_legacy_crs(&value, file)?,
                    _ => check_collection_type(value.as_str(), file)?,
                }
            }
            self.checked_members = members.len();
        }
        match self.stream.framing() {
            Framing::Sequence if !self.allow_sequence => {
                // A lone object that is not a FeatureCollection.
                let first = batch
                    .features
                    .first()
                    .map(|f| batch.slice(f))
                    .unwrap_or(b"{}");
                let value: Value = serde_json::from_slice(first).unwrap_or(Value::Null);
                check_collection_type(value.get("type").and_then(Value::as_str), file)?;
            }
            Framing::Collection
                if batch.features.is_empty()
                    && !self.stream.members().iter().any(|(k, _)| k == "type") =>
            {
                check_collection_type(None, file)?;
            }
            Framing::Unknown if !self.allow_sequence => {
                return Err(InputError::file(
                    file,
                    "empty: expected a GeoJSON FeatureCollection",
                ))
            }
            _ => {}
        }
        if batch.features.is_empty() {
            self.done = true;
            return Ok(None);
        }
        Ok(Some(batch))
    }
}

/// The top-level `type` must be `FeatureCollection`.
fn check_collection_type(kind: Option<&str>, file: &str) -> Result<(), InputError> {
    match kind {
        Some("FeatureCollection") => Ok(()),
        Some(other) => Err(InputError::at(
            file,
            "top level",
            Some("type"),
            format!("expected \"FeatureCollection\", found \"{other}\": wrap the features in a FeatureCollection"),
        )),
        None => Err(InputError::at(
            file,
            "top level",
            Some("type"),
            "missing: a GeoJSON FeatureCollection needs \"type\": \"FeatureCollection\"",
        )),
    }
}

/// One feature's JSON object, checked to be a Feature whose objects give
/// each member once and whose property names are usable as column names.
fn feature_object(
    file: &str,
    bytes: &[u8],
    at: &FeatureSlice,
) -> Result<Map<String, Value>, InputError> {
    let value = match serde_json::from_slice::<unique::Unique>(bytes) {
        Ok(unique::Unique(value)) => value,
        Err(e) => return Err(feature_json_error(file, bytes, at, &e)),
    };
    match value {
        Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("Feature") => {
            check_property_names(&Ctx::new(file, at.index, &m), &m)?;
            Ok(m)
        }
        _ => Err(InputError::at(
            file,
            format!("feature {}", at.index + 1),
            Some("type"),
            "not a GeoJSON Feature object",
        )),
    }
}

/// The message for a feature that is not valid JSON, or repeats a member.
fn feature_json_error(
    file: &str,
    bytes: &[u8],
    at: &FeatureSlice,
    e: &serde_json::Error,
) -> InputError {
    let line = at.line + e.line() - 1;
    let column = if e.line() == 1 {
        at.column + e.column() - 1
    } else {
        e.column()
    };
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(w, _)| w);
    if let Some(key) = unique::repeated_key(what) {
        // Valid JSON otherwise: the feature's id names it.
        let id = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => feature_id(&m),
            _ => None,
        };
        let ctx = Ctx {
            file,
            index: at.index,
            id,
        };
        return ctx.err(
            Some(key),
            format!(
                "given twice (again at line {line} column {column}): which value is meant is not \
                 known (other programs silently keep one of them); keep one"
            ),
        );
    }
    let hint = if contains(bytes, b"NaN") || contains(bytes, b"Infinity") {
        " (NaN and Infinity are not JSON: write null, or leave the feature out)"
    } else {
        ""
    };
    InputError::at(
        file,
        format!("line {line} column {column}"),
        None,
        format!("invalid JSON: {what}{hint}"),
    )
}

/// Property names become column names (GeoPackage, CSV, QGIS): a control
/// character (a NUL, a line break) in one is refused with the name shown
/// escaped.
fn check_property_names(ctx: &Ctx, feature: &Map<String, Value>) -> Result<(), InputError> {
    let Some(Value::Object(props)) = feature.get("properties") else {
        return Ok(());
    };
    match props.keys().find(|k| k.chars().any(char::is_control)) {
        None => Ok(()),
        Some(key) => {
            let shown = Value::String(key.clone()).to_string();
            Err(ctx.err(
                Some(&format!("properties.{shown}")),
                "the property name holds a control character (shown escaped), which no column \
                 name can hold (a GeoPackage refuses it): rename the property",
            ))
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Where we are in the file, for messages.
pub(crate) struct Ctx<'a> {
    file: &'a str,
    index: usize,
    id: Option<Text>,
}

impl<'a> Ctx<'a> {
    fn new(file: &'a str, index: usize, feature: &Map<String, Value>) -> Self {
        Ctx {
            file,
            index,
            id: feature_id(feature),
        }
    }

    pub(crate) fn err(&self, field: Option<&str>, message: impl Into<String>) -> InputError {
        let at = match &self.id {
            Some(id) => format!("feature {} (id \"{id}\")", self.index + 1),
            None => format!("feature {}", self.index + 1),
        };
        InputError::at(self.file, at, field, message)
    }
}

/// Accepts a legacy `crs` member only when it names WGS84 lon/lat.
fn check_legacy_crs(crs: &Value, file: &str) -> Result<(), InputError> {
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let n = name.to_ascii_uppercase();
    let wgs84 = n.ends_with("CRS84")
        || n.ends_with("EPSG::4326")
        || n == "EPSG:4326"
        || n.ends_with("EPSG:4326");
    if crs.is_null() || wgs84 {
        Ok(())
    } else {
        Err(InputError::at(
            file,
            "top level",
            Some("crs"),
            format!(
                "coordinates are in `{}`; impactmap reads WGS84 lon/lat (RFC 7946): reproject first, e.g. \
                 `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`",
                if name.is_empty() { "an unnamed CRS" } else { name }
            ),
        ))
    }
}

fn feature_id(feature: &Map<String, Value>) -> Option<Text> {
    id_from(
        feature.get("id"),
        feature
            .get("properties")
            .and_then(|p| p.get("id"))
            .map(PropRef::of),
    )
}

/// A feature's id: its `id` member, else its `id` property (strings trimmed, numbers as written).
fn id_from(id: Option<&Value>, property: Option<PropRef>) -> Option<Text> {
    id.and_then(|v| PropRef::of(v).text())
        .or_else(|| property?.text())
        .map(|t| Text::from(t.as_ref()))
}

/// A feature's properties, taken out of it (none when absent or not an object).
fn take_properties(feature: &mut Map<String, Value>) -> Map<String, Value> {
    match feature.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    }
}

/// A property's value as read: a string borrowed from the input, or any JSON value.
#[derive(Debug, Clone, Copy)]
enum PropRef<'a> {
    /// A string (not trimmed).
    Str(&'a str),
    /// Any other value (never a string).
    Json(&'a Value),
}

impl<'a> PropRef<'a> {
    fn of(v: &'a Value) -> Self {
        match v {
            Value::String(s) => PropRef::Str(s),
            v => PropRef::Json(v),
        }
    }

    /// A trimmed, non-empty string, or a number as written.
    fn text(self) -> Option<Cow<'a, str>> {
        match self {
            PropRef::Str(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(Cow::Borrowed),
            PropRef::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            PropRef::Json(_) => None,
        }
    }
}

/// A feature's properties, however they were read.
trait Props {
    /// A property by name (the last one, should a name repeat).
    fn prop(&self, key: &str) -> Option<PropRef<'_>>;
    /// The properties other than `known`, as a map.
    fn leftover(self, known: &[&str]) -> Map<String, Value>;
}

impl Props for Map<String, Value> {
    /// A linear scan for the few properties a feature usually has (cheaper than
    /// hashing the key), a hash look-up for many.
    fn prop(&self, key: &str) -> Option<PropRef<'_>> {
        let v = if self.len() <= 8 {
            self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
        } else {
            self.get(key)
        };
        v.map(PropRef::of)
    }

    fn leftover(mut self, known: &[&str]) -> Map<String, Value> {
        self.retain(|k, _| !known.contains(&k.as_str()));
        // An emptied map still holds its allocation: a million sites add up.
        if self.is_empty() {
            Map::new()
        } else {
            self
        }
    }
}

fn prop<'a, P: Props + ?Sized>(props: &'a P, key: &str) -> Option<PropRef<'a>> {
    props.prop(key)
}

/// A text property: a trimmed, non-empty string, or a number as written.
fn text_prop<P: Props + ?Sized>(props: &P, key: &str) -> Option<String> {
    prop(props, key)?.text().map(Cow::into_owned)
}

/// A short text property (an id, a name, a kind), stored inline when it fits.
fn short_text_prop<P: Props + ?Sized>(props: &P, key: &str) -> Option<Text> {
    prop(props, key)?.text().map(|t| Text::from(t.as_ref()))
}

fn number_prop<P: Props + ?Sized>(
    ctx: &Ctx,
    props: &P,
    key: &str,
) -> Result<Option<f64>, InputError> {
    match prop(props, key) {
        None | Some(PropRef::Json(Value::Null)) => Ok(None),
        Some(PropRef::Json(Value::Number(n))) => match n.as_f64() {
            Some(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(ctx.err(Some(key), "not a finite number")),
        },
        Some(PropRef::Str(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| {
                ctx.err(
                    Some(key),
                    format!("`{s}` is not a number: write a number of metres"),
                )
            }),
        Some(_) => Err(ctx.err(Some(key), "not a number")),
    }
}

fn non_negative<P: Props + ?Sized>(ctx: &Ctx, props: &P, key: &str) -> Result<f64, InputError> {
    let v = number_prop(ctx, props, key)?.unwrap_or(0.0);
    if v < 0.0 {
        return Err(ctx.err(
            Some(key),
            format!("{v} is negative: give a radius in metres, 0 or more"),
        ));
    }
    Ok(v)
}

/// An incident through serde_json's tree: any feature, with the precise error.
fn general_incident(
    file: &str,
    bytes: &[u8],
    at: &FeatureSlice,
    sites: &KnownSites,
) -> Result<Incident, InputError> {
    let mut feature = feature_object(file, bytes, at)?;
    let ctx = Ctx::new(file, at.index, &feature);
    let props = take_properties(&mut feature);
    let geometry = match feature.get("geometry").filter(|g| !g.is_null()) {
        Some(g) => parse_geometry(&ctx, g).map(Some),
        None => Ok(None),
    };
    parse_incident(&ctx, props, geometry, sites)
}

fn parse_site(ctx: &Ctx, mut feature: Map<String, Value>) -> Result<Site, InputError> {
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => Some(match parse_geometry(ctx, g)? {
            Parsed::Point(p) => SiteGeometry::Point(p),
            Parsed::Polygon(p) => SiteGeometry::Polygon(p),
            Parsed::MultiPolygon(m) => SiteGeometry::MultiPolygon(m),
        }),
    };
    site_from_parts(ctx, take_properties(&mut feature), geometry)
}

/// A site from its feature's properties and parsed geometry (`None` if null or missing).
fn site_from_parts<P: Props>(
    ctx: &Ctx,
    props: P,
    geometry: Option<SiteGeometry>,
) -> Result<Site, InputError> {
    let id = short_text_prop(&props, "site")
        .or_else(|| ctx.id.clone())
        .ok_or_else(|| {
            ctx.err(
                Some("id"),
                "missing: give the Feature an \"id\" (or an \"id\" property)",
            )
        })?;
    let geometry = geometry.ok_or_else(|| {
        ctx.err(
            Some("geometry"),
            "missing: a site needs a Point, Polygon or MultiPolygon",
        )
    })?;
    let notified = match prop(&props, "notified").and_then(PropRef::text) {
        Some(s) => Some(Box::new(
            DateSpan::parse(&s).map_err(|m| ctx.err(Some("notified"), m))?,
        )),
        None => None,
    };
    let part = short_text_prop(&props, "part");
    let name = short_text_prop(&props, "name").unwrap_or_else(|| id.clone());
    let kind = short_text_prop(&props, "kind").unwrap_or_else(|| Text::const_new("site"));
    let position_uncertainty_m = non_negative(ctx, &props, "position_uncertainty_m")?;
    let address = text_prop(&props, "address");
    let operator = text_prop(&props, "operator").or_else(|| text_prop(&props, "country"));
    let position_source = text_prop(&props, "position_source");
    const KNOWN: &[&str] = &[
        "id",
        "site",
        "part",
        "name",
        "kind",
        "address",
        "operator",
        "position_uncertainty_m",
        "position_source",
        "notified",
    ];
    let details = SiteDetails {
        address,
        operator,
        position_source,
        footprint: None,
        properties: props.leftover(KNOWN),
    };
    Ok(Site {
        id,
        part,
        name,
        kind,
        geometry,
        position_uncertainty_m,
        notified,
        details: details.boxed(),
    })
}

/// A site from a table row (Arrow, GeoParquet): its cells by column name,
/// read as a Feature's properties are (the same attributes, types and
/// checks), the `id` column as the Feature's id. Errors name the row
/// (`row`, 0-based, is shown 1-based).
#[cfg(feature = "arrow")]
pub(crate) fn site_from_row(
    file: &str,
    row: usize,
    cells: Vec<(&str, PropVal)>,
    geometry: SiteGeometry,
) -> Result<Site, InputError> {
    let props = fast::PropList(cells);
    let id = id_from(None, props.prop("id"));
    let ctx = Ctx {
        file,
        index: row,
        id,
    };
    site_from_parts(&ctx, props, Some(geometry)).map_err(|mut e| {
        e.at = Some(format!("row {}", row + 1));
        if e.field.as_deref() == Some("id") {
            e.message = "missing: give each site an id (an `id` or `site` column)".into();
        }
        e
    })
}

/// An incident from its feature's properties and geometry (`None` if null;
/// an error in it is reported where the general reading order meets it).
fn parse_incident<P: Props>(
    ctx: &Ctx,
    props: P,
    geometry: Result<Option<Parsed>, InputError>,
    sites: &KnownSites,
) -> Result<Incident, InputError> {
    let id = ctx.id.as_deref().map(str::to_string).ok_or_else(|| {
        ctx.err(
            Some("id"),
            "missing: give the Feature an \"id\" (or an \"id\" property)",
        )
    })?;
    let (date_key, date_text) = ["start", "date", "datetime", "time"]
        .iter()
        .find_map(|k| text_prop(&props, k).map(|v| (*k, v)))
        .ok_or_else(|| {
            ctx.err(
                Some("start"),
                "missing: give the incident's date as \"start\": \"YYYY-MM-DD\"",
            )
        })?;
    let mut start = DateSpan::parse(&date_text).map_err(|m| ctx.err(Some(date_key), m))?;
    if let Some(p) = text_prop(&props, "time_precision") {
        let precision = TimePrecision::parse(&p).ok_or_else(|| {
            ctx.err(
                Some("time_precision"),
                format!("`{p}`: use exact, hour, day, week, month or year (or ACLED 1-3)"),
            )
        })?;
        start = start.with_precision(precision);
    }
    let end = match text_prop(&props, "end") {
        Some(s) => Some(DateSpan::parse(&s).map_err(|m| ctx.err(Some("end"), m))?),
        None => None,
    };
    let weapon = text_prop(&props, "weapon");
    let weapon_category = match text_prop(&props, "weapon_category") {
        Some(c) => WeaponCategory::parse(&c).ok_or_else(|| {
            let names: Vec<&str> = WeaponCategory::ALL.iter().map(|c| c.as_str()).collect();
            ctx.err(
                Some("weapon_category"),
                format!("`{c}` is not a category; use one of {}", names.join(", ")),
            )
        })?,
        None => weapon
            .as_deref()
            .map(WeaponCategory::infer)
            .unwrap_or(WeaponCategory::Unknown),
    };
    let location = parse_location(ctx, geometry?, &props, sites)?;
    let sources = parse_sources(ctx, &props)?;
    let incident = Incident {
        time_precision: start.precision,
        start,
        end,
        weapon,
        weapon_category,
        description: text_prop(&props, "description"),
        damage: text_prop(&props, "damage"),
        casualties: text_prop(&props, "casualties"),
        notes: text_prop(&props, "notes"),
        sources,
        location,
        id,
        properties: Map::new(),
    };
    const KNOWN: &[&str] = &[
        "id",
        "start",
        "date",
        "datetime",
        "time",
        "end",
        "time_precision",
        "weapon",
        "weapon_category",
        "description",
        "damage",
        "casualties",
        "notes",
        "sources",
        "source",
        "location",
        "uncertainty_m",
    ];
    Ok(Incident {
        properties: props.leftover(KNOWN),
        ..incident
    })
}

fn parse_sources<P: Props>(ctx: &Ctx, props: &P) -> Result<Vec<Source>, InputError> {
    let one = |v: &Value| -> Result<Source, InputError> {
        match v {
            Value::String(s) => Ok(Source {
                title: s.clone(),
                ..Source::default()
            }),
            Value::Object(o) => {
                let title = text_prop(o, "title")
                    .or_else(|| text_prop(o, "publisher"))
                    .ok_or_else(|| {
                        ctx.err(
                            Some("sources"),
                            "each source needs a \"title\" (and ideally \"url\" and \"published\")",
                        )
                    })?;
                Ok(Source {
                    title,
                    url: text_prop(o, "url"),
                    published: text_prop(o, "published"),
                    archive_url: text_prop(o, "archive_url"),
                })
            }
            _ => Err(ctx.err(
                Some("sources"),
                "a source is a string or an object with title, url, published",
            )),
        }
    };
    match prop(props, "sources").or_else(|| prop(props, "source")) {
        None | Some(PropRef::Json(Value::Null)) => Ok(vec![]),
        Some(PropRef::Json(Value::Array(items))) => items.iter().map(one).collect(),
        Some(PropRef::Str(s)) => Ok(vec![Source {
            title: s.to_string(),
            ..Source::default()
        }]),
        Some(PropRef::Json(v)) => Ok(vec![one(v)?]),
    }
}

fn parse_location<P: Props>(
    ctx: &Ctx,
    geometry: Option<Parsed>,
    props: &P,
    sites: &KnownSites,
) -> Result<Location, InputError> {
    if let Some(g) = geometry {
        let as_described = match prop(props, "location") {
            Some(PropRef::Json(l)) => l.get("as_described").and_then(Value::as_str),
            _ => None,
        };
        return Ok(match g {
            Parsed::Point(point) => Location::Point {
                point,
                uncertainty_m: non_negative(ctx, props, "uncertainty_m")?,
            },
            Parsed::Polygon(p) => area(
                MultiPolygon(vec![p]),
                None,
                text_prop(props, "area_name"),
                as_described,
            ),
            Parsed::MultiPolygon(m) => area(m, None, text_prop(props, "area_name"), as_described),
        });
    }
    let Some(PropRef::Json(Value::Object(loc))) = prop(props, "location") else {
        return Err(ctx.err(
            Some("geometry"),
            "null, and no `location` object: give a Point geometry, or a `location` with kind relative, within or area",
        ));
    };
    let kind = text_prop(loc, "kind").unwrap_or_default();
    let as_described = text_prop(loc, "as_described");
    let site_ref = |key_primary: &str| -> Result<(String, Option<String>), InputError> {
        let site = text_prop(loc, key_primary)
            .or_else(|| text_prop(loc, "site"))
            .or_else(|| text_prop(loc, "relative_to"))
            .ok_or_else(|| {
                ctx.err(
                    Some(&format!("location.{key_primary}")),
                    "missing: name the site by its id",
                )
            })?;
        let part = text_prop(loc, "part");
        if !sites.contains(&site) {
            let (known, more) = sites.sample(20);
            let more = match more {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            return Err(ctx.err(
                Some(&format!("location.{key_primary}")),
                format!(
                    "unknown site `{site}`; the sites file has: {}{more}",
                    known.join(", ")
                ),
            ));
        }
        Ok((site, part))
    };
    match kind.as_str() {
        "relative" => {
            let (site, part) = site_ref("relative_to")?;
            let value = number_prop(ctx, loc, "distance")?
                .filter(|v| *v >= 0.0)
                .ok_or_else(|| {
                    ctx.err(
                        Some("location.distance"),
                        "missing or negative: give the distance as a number",
                    )
                })?;
            let unit_text = text_prop(loc, "unit").unwrap_or_else(|| "m".into());
            let unit = DistanceUnit::parse(&unit_text).ok_or_else(|| {
                ctx.err(
                    Some("location.unit"),
                    format!("`{unit_text}`: use m, km or steps"),
                )
            })?;
            let tolerance = non_negative(ctx, loc, "tolerance")?;
            let bearing_deg = number_prop(ctx, loc, "bearing_deg")?;
            if let Some(b) = bearing_deg {
                if !(0.0..=360.0).contains(&b) {
                    return Err(ctx.err(
                        Some("location.bearing_deg"),
                        format!("{b} is not a bearing in 0–360 degrees"),
                    ));
                }
            }
            Ok(Location::Relative {
                site,
                part,
                distance: RelativeDistance {
                    value,
                    unit,
                    tolerance,
                },
                bearing_deg,
                as_described,
            })
        }
        "within" => {
            let (site, part) = site_ref("site")?;
            Ok(Location::Within {
                site,
                part,
                as_described,
            })
        }
        "area" => {
            let name = text_prop(loc, "name");
            if let Some(g) = loc.get("geometry").filter(|g| !g.is_null()) {
                return match parse_geometry(ctx, g)? {
                    Parsed::Polygon(p) => Ok(area(MultiPolygon(vec![p]), None, name, as_described.as_deref())),
                    Parsed::MultiPolygon(m) => Ok(area(m, None, name, as_described.as_deref())),
                    Parsed::Point(_) => Err(ctx.err(
                        Some("location.geometry"),
                        "an area is a Polygon or MultiPolygon; for a point with a radius give `centre` and `radius_m`",
                    )),
                };
            }
            let centre = match loc.get("centre").or_else(|| loc.get("center")) {
                Some(c) => Point(parse_position(ctx, c, "location.centre")?),
                None => return Err(ctx.err(
                    Some("location.centre"),
                    "an area needs `centre` [lon, lat] with `radius_m`, or a `geometry` polygon",
                )),
            };
            let radius = number_prop(ctx, loc, "radius_m")?
                .filter(|r| *r > 0.0)
                .ok_or_else(|| {
                    ctx.err(
                        Some("location.radius_m"),
                        "missing or not positive: give the area's radius in metres",
                    )
                })?;
            Ok(area(
                crate::shapes::area_circle(centre, radius),
                Some(centre),
                name,
                as_described.as_deref(),
            ))
        }
        other => Err(ctx.err(
            Some("location.kind"),
            format!(
                "`{other}`: use relative, within or area (or give the feature a Point geometry)"
            ),
        )),
    }
}

fn area(
    area: MultiPolygon<f64>,
    centre: Option<Point<f64>>,
    name: Option<String>,
    as_described: Option<&str>,
) -> Location {
    let centre = centre
        .or_else(|| area.centroid())
        .unwrap_or(Point::new(0.0, 0.0));
    Location::Area {
        area,
        centre,
        name,
        as_described: as_described.map(str::to_string),
    }
}

enum Parsed {
    Point(Point<f64>),
    Polygon(Polygon<f64>),
    MultiPolygon(MultiPolygon<f64>),
}

fn parse_geometry(ctx: &Ctx, g: &Value) -> Result<Parsed, InputError> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g
        .get("coordinates")
        .ok_or_else(|| ctx.err(Some("geometry.coordinates"), "missing"))?;
    match kind {
        "Point" => Ok(Parsed::Point(Point(parse_position(
            ctx,
            coords,
            "geometry.coordinates",
        )?))),
        "Polygon" => Ok(Parsed::Polygon(parse_polygon(
            ctx,
            coords,
            "geometry.coordinates",
        )?)),
        "MultiPolygon" => {
            let parts = coords.as_array().ok_or_else(|| {
                ctx.err(
                    Some("geometry.coordinates"),
                    "a MultiPolygon's coordinates are an array of polygons",
                )
            })?;
            let polys = parts
                .iter()
                .enumerate()
                .map(|(i, p)| parse_polygon(ctx, p, &format!("geometry.coordinates[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            if polys.is_empty() {
                return Err(ctx.err(
                    Some("geometry.coordinates"),
                    "an empty MultiPolygon: give at least one polygon",
                ));
            }
            Ok(Parsed::MultiPolygon(MultiPolygon(polys)))
        }
        other => Err(ctx.err(
            Some("geometry.type"),
            format!("`{other}` is not supported here: use Point, Polygon or MultiPolygon"),
        )),
    }
}

/// A `[lon, lat]` position, range-checked.
fn parse_position(ctx: &Ctx, v: &Value, field: &str) -> Result<Coord<f64>, InputError> {
    let arr = v.as_array().filter(|a| a.len() >= 2).ok_or_else(|| {
        ctx.err(
            Some(field),
            "a position is an array [longitude, latitude] of numbers",
        )
    })?;
    let num = |x: &Value| x.as_f64().filter(|f| f.is_finite());
    let (Some(lon), Some(lat)) = (num(&arr[0]), num(&arr[1])) else {
        return Err(ctx.err(
            Some(field),
            "a position needs two finite numbers [longitude, latitude] (no NaN, no strings)",
        ));
    };
    check_lon_lat(lon, lat).map_err(|m| ctx.err(Some(field), m))?;
    Ok(Coord { x: lon, y: lat })
}

/// Checks WGS84 ranges and explains the likely mistake.
pub(crate) fn check_lon_lat(lon: f64, lat: f64) -> Result<(), String> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err("coordinates must be finite numbers (no NaN)".into());
    }
    if lon.abs() > 360.0 || lat.abs() > 360.0 {
        return Err(format!(
            "[{lon}, {lat}] looks like projected metres, not degrees: reproject to WGS84 lon/lat (EPSG:4326)"
        ));
    }
    if lat.abs() > 90.0 && lon.abs() <= 90.0 {
        return Err(format!(
            "[{lon}, {lat}]: latitude out of range; latitude and longitude look swapped (GeoJSON order is [longitude, latitude])"
        ));
    }
    if lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(format!(
            "[{lon}, {lat}] is out of range: longitude must be in −180..180, latitude in −90..90"
        ));
    }
    if lat.abs() > MAX_ABS_LAT {
        return Err(format!(
            "[{lon}, {lat}] lies within {:.1}° of a pole, where impactmap's distance bounds are not \
             proven: positions must have a latitude between −{MAX_ABS_LAT}° and {MAX_ABS_LAT}°",
            90.0 - MAX_ABS_LAT
        ));
    }
    Ok(())
}

/// The largest latitude accepted, degrees: nearer the poles the local frames
/// that bound distances before the exact measure lose their error bounds
/// (their distortion term, tan(latitude), is capped at 1000, reached at
/// 89.94°).
pub(crate) const MAX_ABS_LAT: f64 = 89.9;

fn parse_polygon(ctx: &Ctx, v: &Value, field: &str) -> Result<Polygon<f64>, InputError> {
    let rings = v.as_array().filter(|r| !r.is_empty()).ok_or_else(|| {
        ctx.err(
            Some(field),
            "a Polygon needs at least one ring (an array of positions)",
        )
    })?;
    let mut parsed = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let ring_field = format!("{field}[{r}]");
        let positions = ring
            .as_array()
            .ok_or_else(|| ctx.err(Some(&ring_field), "a ring is an array of positions"))?;
        let coords = positions
            .iter()
            .enumerate()
            .map(|(i, p)| parse_position(ctx, p, &format!("{ring_field}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        check_ring(ctx, &coords, &ring_field)?;
        parsed.push(coords);
    }
    polygon_from_rings(ctx, parsed, field)
}

/// A ring needs 4 or more positions, the last repeating the first.
fn check_ring(ctx: &Ctx, coords: &[Coord<f64>], ring_field: &str) -> Result<(), InputError> {
    match ring_shape_problem(coords) {
        Some(problem) => Err(ctx.err(Some(ring_field), problem)),
        None => Ok(()),
    }
}

/// What is wrong with a ring's shape: fewer than 4 positions, or not closed.
fn ring_shape_problem(coords: &[Coord<f64>]) -> Option<String> {
    if coords.len() < 4 {
        return Some(format!(
            "a ring needs at least 4 positions (3 corners and the first repeated), found {}",
            coords.len()
        ));
    }
    if coords.first() != coords.last() {
        return Some(
            "ring is not closed: repeat its first position at the end (RFC 7946 §3.1.6)".into(),
        );
    }
    None
}

/// A valid polygon from rings of checked positions (exterior first), oriented
/// counter-clockwise with clockwise holes; `field` names the polygon in errors.
fn polygon_from_rings(
    ctx: &Ctx,
    rings: Vec<Vec<Coord<f64>>>,
    field: &str,
) -> Result<Polygon<f64>, InputError> {
    checked_polygon(rings).map_err(|(ring, problem)| match ring {
        Some(r) => ctx.err(Some(&format!("{field}[{r}]")), problem),
        None => ctx.err(Some(field), problem),
    })
}

/// A valid polygon from rings of positions already in WGS84 range (exterior
/// first), oriented counter-clockwise with clockwise holes. The error names
/// the ring at fault (its index), if one is, and what is wrong.
pub(crate) fn checked_polygon(
    rings: Vec<Vec<Coord<f64>>>,
) -> Result<Polygon<f64>, (Option<usize>, String)> {
    for (r, coords) in rings.iter().enumerate() {
        if let Some(problem) =
            ring_shape_problem(coords).or_else(|| crate::geodesy::ring_problem(coords))
        {
            return Err((Some(r), problem));
        }
    }
    if rings
        .iter()
        .any(|r| crate::geodesy::crosses_antimeridian(r))
    {
        // Validated with continuous longitudes; the positions are kept as given.
        let reference = rings[0][0].x;
        let unwrapped = rings
            .iter()
            .map(|r| crate::geodesy::unwrapped(r, reference))
            .collect();
        valid_polygon(unwrapped)?;
        let mut rings = rings.into_iter().map(|mut r| {
            if !crate::geodesy::is_ccw(&r) {
                r.reverse();
            }
            LineString(r)
        });
        let exterior = rings.next().unwrap_or(LineString(Vec::new()));
        let holes = rings
            .map(|mut h| {
                h.0.reverse();
                h
            })
            .collect();
        return Ok(Polygon::new(exterior, holes));
    }
    valid_polygon(rings)
}

/// A valid polygon from closed rings, oriented counter-clockwise with
/// clockwise holes.
fn valid_polygon(rings: Vec<Vec<Coord<f64>>>) -> Result<Polygon<f64>, (Option<usize>, String)> {
    let mut rings = rings.into_iter().map(LineString);
    let Some(exterior) = rings.next() else {
        return Err((
            None,
            "a Polygon needs at least one ring (an array of positions)".into(),
        ));
    };
    let mut polygon = Polygon::new(exterior, rings.collect());
    if polygon.interiors().is_empty() && ring::certainly_valid(&polygon.exterior().0) {
        // The common case, decided without allocating.
        polygon.exterior_mut(|r| ring::orient(&mut r.0, true));
        return Ok(polygon);
    }
    if let Err(problem) = super::valid::check_polygon(&polygon) {
        return Err((
            None,
            format!("invalid polygon: {problem} (longitude, latitude); fix the outline (e.g. QGIS \"Fix geometries\" or ST_MakeValid)"),
        ));
    }
    Ok(polygon.orient(geo::orient::Direction::Default))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","id":"emb","properties":{"name":"Embassy","kind":"embassy","notified":"2022-04","position_uncertainty_m":300},
       "geometry":{"type":"Point","coordinates":[30.49056162,50.46082135]}},
      {"type":"Feature","properties":{"id":"bldg","site":"emb","part":"administrative building"},
       "geometry":{"type":"Polygon","coordinates":[[[30.49,50.46],[30.4902,50.46],[30.4902,50.4602],[30.49,50.4602],[30.49,50.46]]]}}
    ]}"#;

    #[test]
    fn positions_near_the_poles_are_refused() {
        assert!(check_lon_lat(30.0, 89.9).is_ok());
        assert!(check_lon_lat(-179.0, -89.9).is_ok());
        for lat in [89.95, -89.95, 90.0, -90.0] {
            let e = check_lon_lat(30.0, lat).unwrap_err();
            assert!(e.contains("of a pole"), "{e}");
        }
        let text = SITES.replace("50.46082135", "89.99");
        let e = parse_sites(&text, "f").unwrap_err().to_string();
        assert!(e.contains("feature 1") && e.contains("of a pole"), "{e}");
    }

    #[test]
    fn the_first_repeated_id_is_reported_with_the_feature_it_repeats() {
        // The reference: a scan that remembers every pair seen.
        fn first_repeat(keys: &[(String, Option<String>)]) -> Option<(usize, usize)> {
            let mut seen = std::collections::HashMap::new();
            keys.iter()
                .enumerate()
                .find_map(|(i, k)| seen.insert(k.clone(), i).map(|first| (i, first)))
        }
        let mut rng = crate::workload::Lcg(7);
        for round in 0..200 {
            let n = 1 + round % 40;
            let keys: Vec<(String, Option<String>)> = (0..n)
                .map(|_| {
                    let state = rng.next_u64();
                    let id = format!("s{}", (state >> 33) % (2 * n as u64));
                    let part = ((state >> 20) % 3 == 0).then(|| format!("p{}", (state >> 40) % 2));
                    (id, part)
                })
                .collect();
            let sites: Vec<Site> = keys
                .iter()
                .map(|(id, part)| Site {
                    part: part.as_deref().map(Into::into),
                    ..Site::new(id, "site", SiteGeometry::Point(Point::new(30.0, 50.0)))
                })
                .collect();
            let got = check_unique(&sites, "f", |_| None)
                .err()
                .map(|e| e.to_string());
            let want = first_repeat(&keys).map(|(i, first)| (i + 1, first + 1));
            match (got, want) {
                (None, None) => {}
                (Some(message), Some((i, first))) => {
                    assert!(message.contains(&format!("feature {i} ")), "{message}");
                    assert!(
                        message.contains(&format!("feature {first} has the same")),
                        "{message}"
                    );
                }
                (got, want) => panic!("round {round}: {got:?} but expected {want:?}"),
            }
        }
    }

    #[test]
    fn a_sequence_that_comes_in_pieces_is_read_whole() {
        // A pipe or a large file: a batch is handed out while the next
        // Feature's `"type":"Feature"` has been seen but the Feature not ended.
        struct Pieces<'a>(&'a [u8]);
        impl Read for Pieces<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(out.len()).min(37);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text: String = (0..50)
            .map(|i| {
                format!(
                    "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"s{i}\"}},\
                     \"geometry\":{{\"type\":\"Point\",\"coordinates\":[30.5,50.4]}}}}\n"
                )
            })
            .collect();
        let sites = read_sites_from(Pieces(text.as_bytes()), "s.geojsonl", true).unwrap();
        assert_eq!(sites.len(), 50);
        assert_eq!(sites[49].id, "s49");
    }

    #[test]
    fn reads_points_parts_and_dates() {
        let sites = parse_sites(SITES, "sites.geojson").unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(
            sites[0].notified.as_ref().unwrap().precision,
            TimePrecision::Month
        );
        assert_eq!(sites[1].id, "emb");
        assert_eq!(sites[1].part.as_deref(), Some("administrative building"));
        assert_eq!(sites[0].position_uncertainty_m, 300.0);
    }

    #[test]
    fn clockwise_exterior_is_reoriented() {
        let cw = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},
          "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}]}"#;
        let s = parse_sites(cw, "x").unwrap();
        let ring = &s[0].geometry.polygons()[0].exterior().0;
        let area2: f64 = ring
            .windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum();
        assert!(area2 > 0.0);
    }

    #[test]
    fn relative_and_within_locations() {
        let sites = parse_sites(SITES, "s").unwrap();
        let inc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"k1","geometry":null,"properties":{"start":"2024-01-02","weapon":"Kinzhal",
            "location":{"kind":"relative","relative_to":"emb","part":"administrative building","distance":35,"unit":"steps"}}},
          {"type":"Feature","id":"k2","geometry":null,"properties":{"date":"2025-11-14T01:00+02:00",
            "location":{"kind":"within","site":"emb"}}},
          {"type":"Feature","id":"k3","geometry":{"type":"Point","coordinates":[30.5,50.45]},"properties":{"datetime":"2025-01-01","uncertainty_m":20}}
        ]}"#;
        let incidents = parse_incidents(inc, "i", &sites).unwrap();
        assert_eq!(incidents[0].location.kind(), "relative");
        assert_eq!(
            incidents[0].weapon_category,
            WeaponCategory::HypersonicMissile
        );
        assert_eq!(incidents[1].location.kind(), "within");
        assert!(
            matches!(incidents[2].location, Location::Point { uncertainty_m, .. } if uncertainty_m == 20.0)
        );
    }
}
