//! Reads an overview basemap: a folder with `*outline.geojson`, `*regions.geojson` and
//! `*cities.geojson` (each optional, at least one present), as in `geodata/basemap/`.
//!
//! A FeatureCollection may carry a top-level `"attribution"` string, printed on the maps that
//! draw it. The bundled Ukraine basemap is compiled in: [`bundled`].

use crate::render::basemap::{Basemap, City, Region};
use geo_types::{MultiPolygon, Point, Polygon};
use geojson::{FeatureCollection, GeoJson, GeometryValue};
use std::path::Path;

/// Errors reading a basemap.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    /// The folder cannot be read.
    #[error("cannot read basemap folder `{path}`: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The folder holds none of the expected files.
    #[error("basemap folder `{0}` holds no *outline.geojson, *regions.geojson or *cities.geojson: point --basemap at a folder like geodata/basemap, or give --basemap none")]
    Empty(String),
    /// A file is not what is expected.
    #[error("basemap file `{file}`: {message}")]
    File {
        /// The file.
        file: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

const OUTLINE: &str = include_str!("../../geodata/basemap/ukraine_outline.geojson");
const REGIONS: &str = include_str!("../../geodata/basemap/ukraine_regions.geojson");
const CITIES: &str = include_str!("../../geodata/basemap/ukraine_cities.geojson");

/// The bundled basemap of Ukraine (outline with Crimea, 27 regions, 31 cities; Natural Earth,
/// GeoNames), compiled into the program.
pub fn bundled() -> Basemap {
    // The bundled files are checked by this module's tests, so parsing them cannot fail.
    parse([
        ("ukraine_outline.geojson", Some(OUTLINE)),
        ("ukraine_regions.geojson", Some(REGIONS)),
        ("ukraine_cities.geojson", Some(CITIES)),
    ])
    .expect("the bundled basemap parses")
}

/// Reads the basemap files in `dir`.
pub fn read_dir(dir: &Path) -> Result<Basemap, BasemapError> {
    let folder_err = |source| BasemapError::Folder {
        path: dir.display().to_string(),
        source,
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(folder_err)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let pick = |suffix: &str| names.iter().find(|n| n.ends_with(suffix)).cloned();
    let mut texts: Vec<(String, Option<String>)> = Vec::new();
    for suffix in ["outline.geojson", "regions.geojson", "cities.geojson"] {
        match pick(suffix) {
            Some(name) => {
                let path = dir.join(&name);
                let text =
                    std::fs::read_to_string(&path).map_err(|source| BasemapError::Folder {
                        path: path.display().to_string(),
                        source,
                    })?;
                texts.push((path.display().to_string(), Some(text)));
            }
            None => texts.push((suffix.to_string(), None)),
        }
    }
    if texts.iter().all(|(_, t)| t.is_none()) {
        return Err(BasemapError::Empty(dir.display().to_string()));
    }
    let [a, b, c] = [0, 1, 2].map(|i| (texts[i].0.as_str(), texts[i].1.as_deref()));
    parse([a, b, c])
}

fn parse(files: [(&str, Option<&str>); 3]) -> Result<Basemap, BasemapError> {
    let mut map = Basemap::empty();
    let [outline, regions, cities] = files;
    if let (file, Some(text)) = outline {
        let fc = collection(file, text)?;
        credit(&mut map, &fc);
        for (i, f) in fc.features.iter().enumerate() {
            map.outline.0.extend(polygons(file, i, f)?.0);
        }
    }
    if let (file, Some(text)) = regions {
        let fc = collection(file, text)?;
        credit(&mut map, &fc);
        for (i, f) in fc.features.iter().enumerate() {
            let name = string_prop(f, "name").unwrap_or_default();
            let id = f.id.as_ref().map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            });
            map.regions.push(Region {
                id: id.unwrap_or_else(|| i.to_string()),
                name,
                area: polygons(file, i, f)?,
            });
        }
    }
    if let (file, Some(text)) = cities {
        let fc = collection(file, text)?;
        credit(&mut map, &fc);
        for (i, f) in fc.features.iter().enumerate() {
            let position = match f.geometry.as_ref().map(|g| &g.value) {
                Some(GeometryValue::Point { coordinates: c })
                    if c.len() >= 2 && c[0].abs() <= 180.0 && c[1].abs() <= 90.0 =>
                {
                    Point::new(c[0], c[1])
                }
                _ => {
                    return Err(file_err(
                        file,
                        format!("feature {i} is not a Point in lon/lat degrees"),
                    ))
                }
            };
            let name = string_prop(f, "name")
                .ok_or_else(|| file_err(file, format!("feature {i} has no `name` property")))?;
            let population = f
                .property("population")
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            map.cities.push(City {
                name,
                position,
                population,
            });
        }
        map.cities.sort_by(|a, b| {
            b.population
                .cmp(&a.population)
                .then_with(|| a.name.cmp(&b.name))
        });
    }
    Ok(map)
}

fn file_err(file: &str, message: String) -> BasemapError {
    BasemapError::File {
        file: file.to_string(),
        message,
    }
}

fn collection(file: &str, text: &str) -> Result<FeatureCollection, BasemapError> {
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc),
        Ok(_) => Err(file_err(file, "is not a FeatureCollection".into())),
        Err(e) => Err(file_err(file, format!("is not valid GeoJSON: {e}"))),
    }
}

fn credit(map: &mut Basemap, fc: &FeatureCollection) {
    if let Some(a) = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("attribution"))
        .and_then(|v| v.as_str())
    {
        if !map.attribution.iter().any(|x| x == a) {
            map.attribution.push(a.to_string());
        }
    }
}

fn string_prop(f: &geojson::Feature, key: &str) -> Option<String> {
    f.property(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn polygons(file: &str, i: usize, f: &geojson::Feature) -> Result<MultiPolygon<f64>, BasemapError> {
    let bad = || {
        file_err(
            file,
            format!("feature {i} is not a Polygon or MultiPolygon in lon/lat degrees"),
        )
    };
    let geom = f.geometry.as_ref().ok_or_else(bad)?;
    let mp: MultiPolygon<f64> = match &geom.value {
        GeometryValue::Polygon { .. } => {
            MultiPolygon(vec![Polygon::try_from(&geom.value).map_err(|_| bad())?])
        }
        GeometryValue::MultiPolygon { .. } => {
            MultiPolygon::try_from(&geom.value).map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    let in_range =
        mp.0.iter()
            .flat_map(|p| p.exterior().0.iter())
            .all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
    if !in_range {
        return Err(bad());
    }
    Ok(mp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_basemap_parses_and_holds_crimea() {
        let b = bundled();
        assert_eq!(b.regions.len(), 27);
        assert_eq!(b.cities.len(), 31);
        assert_eq!(b.cities[0].name, "Kyiv");
        assert!(b
            .regions
            .iter()
            .any(|r| r.name == "Autonomous Republic of Crimea"));
        assert!(b.regions.iter().any(|r| r.name == "Sevastopol"));
        // Simferopol (34.10 E, 44.95 N) lies inside the outline.
        use geo::Contains;
        assert!(b.outline.contains(&Point::new(34.10, 44.95)));
        assert_eq!(
            b.attribution,
            vec![
                "Natural Earth".to_string(),
                "GeoNames (CC BY 4.0)".to_string()
            ]
        );
    }

    #[test]
    fn a_folder_without_basemap_files_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_dir(dir.path()).unwrap_err().to_string();
        assert!(e.contains("--basemap none"), "{e}");
        std::fs::write(dir.path().join("x_cities.geojson"), r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[3000000,5000000]}}]}"#).unwrap();
        let e = read_dir(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("x_cities.geojson") && e.contains("feature 0"),
            "{e}"
        );
    }
}
