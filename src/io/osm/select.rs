//! OSM sites as a report needs them: the selected elements, with their tags
//! as one attribute rather than one column per key.

use super::{read_sites_excluding, OsmError, OsmSites, TagFilter};
use crate::io::InputError;
use crate::model::Site;
use serde_json::{Map, Value};
use std::path::Path;

/// Name of the attribute that holds an OSM site's tags, as a JSON object string.
pub const TAGS_ATTRIBUTE: &str = "osm_tags";

/// Reads the sites of `path` that match `filters` and none of `exclude`,
/// with their tags folded by [`tags_as_one_attribute`]. An extract where no
/// element matches is an error naming the filters; filters that match
/// nothing while others do are listed in [`OsmSites::unmatched_filters`].
pub fn read_selected(
    path: &Path,
    filters: &[TagFilter],
    exclude: &[TagFilter],
    attributes: &[String],
) -> Result<OsmSites, OsmError> {
    let mut read = read_sites_excluding(path, filters, exclude)?;
    if read.sites.is_empty() {
        return Err(OsmError::NothingMatched {
            path: path.to_path_buf(),
            filters: filters.iter().map(ToString::to_string).collect(),
            excluded: !exclude.is_empty(),
        });
    }
    for site in &mut read.sites {
        tags_as_one_attribute(site, attributes);
    }
    Ok(read)
}

impl OsmError {
    /// The error as bad input in the extract at `path`, the file named once.
    pub fn to_input_error(&self, path: &Path) -> InputError {
        // The message may already start with the path.
        let name = path.display().to_string();
        let message = self.to_string();
        let message = message
            .strip_prefix(&format!("{name}: "))
            .unwrap_or(&message);
        InputError::file(&name, message)
    }
}

/// Replaces a site's OSM tags (one property per key) by the keys named in
/// `attributes`, each its own property, and [`TAGS_ATTRIBUTE`]: every tag in
/// one JSON object string, keys sorted. Layers then have a few columns
/// instead of one per key found in the extract.
pub fn tags_as_one_attribute(site: &mut Site, attributes: &[String]) {
    let details = site.details_mut();
    let tags = std::mem::take(&mut details.properties);
    let mut sorted: Vec<(&String, &Value)> = tags.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let all: Map<String, Value> = sorted
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut kept = Map::new();
    for key in attributes {
        kept.insert(key.clone(), tags.get(key).cloned().unwrap_or(Value::Null));
    }
    kept.insert(
        TAGS_ATTRIBUTE.into(),
        Value::String(Value::Object(all).to_string()),
    );
    details.properties = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SiteGeometry;
    use geo_types::Point;

    #[test]
    fn tags_fold_into_one_json_attribute_and_the_chosen_keys() {
        let mut s = Site::new(
            "way/1",
            "building",
            SiteGeometry::Point(Point::new(0.0, 0.0)),
        );
        let props = &mut s.details_mut().properties;
        props.insert("name".into(), "Talo".into());
        props.insert("building".into(), "yes".into());
        tags_as_one_attribute(&mut s, &["building".into(), "height".into()]);
        let p = s.properties();
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            ["building", "height", TAGS_ATTRIBUTE]
        );
        assert_eq!(p["height"], Value::Null);
        assert_eq!(
            p[TAGS_ATTRIBUTE],
            Value::String(r#"{"building":"yes","name":"Talo"}"#.into())
        );
    }
}
