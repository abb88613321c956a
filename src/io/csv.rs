//! Incidents from CSV: one row per incident with latitude/longitude columns
//! (common names such as ACLED's are recognised; others are named by the caller).

use super::geojson::check_lon_lat;
use super::InputError;
use crate::model::{DateSpan, Incident, Location, Source, TimePrecision, WeaponCategory};
use geo_types::Point;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use std::io::Read;

/// Column names to use instead of the recognised defaults.
#[derive(Debug, Clone, Default)]
pub struct CsvColumns {
    /// Latitude column (default: latitude, lat, y).
    pub lat: Option<String>,
    /// Longitude column (default: longitude, lon, lng, long, x).
    pub lon: Option<String>,
    /// Identifier column (default: id, incident_id, event_id_cnty).
    pub id: Option<String>,
    /// Date column (default: start, date, event_date, datetime, time).
    pub date: Option<String>,
}

const LAT: &[&str] = &["latitude", "lat", "y"];
const LON: &[&str] = &["longitude", "lon", "lng", "long", "x"];
const ID: &[&str] = &["id", "incident_id", "event_id_cnty", "event_id"];
const DATE: &[&str] = &["start", "date", "event_date", "datetime", "time"];

/// Reads incidents from CSV text read from `reader`; `file` names it in errors.
pub fn read_incidents<R: Read>(
    reader: R,
    file: &str,
    columns: &CsvColumns,
) -> Result<Vec<Incident>, InputError> {
    let mut out = Vec::new();
    for_each_incident(reader, file, columns, |incident| {
        out.push(incident);
        Ok::<(), InputError>(())
    })?;
    Ok(out)
}

/// Reads incidents from CSV one row at a time, handing each to `f` as soon as
/// it is read (for streams); stops at the first error, the reader's or `f`'s.
pub fn for_each_incident<R: Read, E: From<InputError>>(
    reader: R,
    file: &str,
    columns: &CsvColumns,
    mut f: impl FnMut(Incident) -> Result<(), E>,
) -> Result<(), E> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .flexible(false)
        .trim(::csv::Trim::All)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| {
            InputError::at(
                file,
                "line 1",
                None,
                format!("cannot read the header row: {e}"),
            )
        })?
        .clone();
    let lower: Vec<String> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let find = |given: &Option<String>,
                defaults: &[&str],
                what: &str,
                flag: &str|
     -> Result<usize, InputError> {
        if let Some(name) = given {
            return lower
                .iter()
                .position(|h| *h == name.to_ascii_lowercase())
                .ok_or_else(|| {
                    InputError::at(
                        file,
                        "line 1",
                        Some(name),
                        format!(
                            "no such column; the header has: {}",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                });
        }
        defaults
            .iter()
            .find_map(|d| lower.iter().position(|h| h == d))
            .ok_or_else(|| {
                InputError::at(
                    file,
                    "line 1",
                    None,
                    format!(
                        "no {what} column (looked for {}); name it with {flag}",
                        defaults.join(", ")
                    ),
                )
            })
    };
    check_header_names(&headers, &lower, file)?;
    let lat_i = find(&columns.lat, LAT, "latitude", "--lat-col")?;
    let lon_i = find(&columns.lon, LON, "longitude", "--lon-col")?;
    let id_i = find(&columns.id, ID, "identifier", "--id-col")?;
    let date_i = find(&columns.date, DATE, "date", "--date-col")?;
    let optional = |names: &[&str]| names.iter().find_map(|d| lower.iter().position(|h| h == d));
    let unc_i = optional(&["uncertainty_m"]);
    let weapon_i = optional(&["weapon", "sub_event_type"]);
    let cat_i = optional(&["weapon_category"]);
    let prec_i = optional(&["time_precision"]);
    let desc_i = optional(&["description", "notes"]);
    let src_i = optional(&["source", "sources"]);

    let mut seen: FxHashMap<String, u64> = FxHashMap::default();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            InputError::at(
                file,
                format!("line {line}"),
                None,
                format!("malformed CSV row: {e}"),
            )
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let at = format!("line {line}");
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let opt = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty()).map(str::to_string);
        let id = cell(id_i).to_string();
        if id.is_empty() {
            return Err(InputError::at(
                file,
                &at,
                Some(&headers[id_i]),
                "empty identifier: give each row an id",
            )
            .into());
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(InputError::at(
                file,
                &at,
                Some(&headers[id_i]),
                format!("duplicate id `{id}` (also line {first})"),
            )
            .into());
        }
        let number = |i: usize| -> Result<f64, InputError> {
            cell(i)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    InputError::at(
                        file,
                        &at,
                        Some(&headers[i]),
                        format!("`{}` is not a number of degrees", cell(i)),
                    )
                })
        };
        let (lat, lon) = (number(lat_i)?, number(lon_i)?);
        check_lon_lat(lon, lat).map_err(|m| InputError::at(file, &at, Some(&headers[lat_i]), m))?;
        let date_text = cell(date_i);
        let mut start = DateSpan::parse(date_text)
            .or_else(|e| {
                chrono::NaiveDate::parse_from_str(date_text, "%d %B %Y")
                    .map(|d| {
                        DateSpan::parse(&d.format("%Y-%m-%d").to_string()).expect("valid date")
                    })
                    .map_err(|_| e)
            })
            .map_err(|m| InputError::at(file, &at, Some(&headers[date_i]), m))?;
        if let Some(p) = opt(prec_i) {
            let precision = TimePrecision::parse(&p).ok_or_else(|| {
                InputError::at(
                    file,
                    &at,
                    Some("time_precision"),
                    format!("`{p}`: use exact, hour, day, week, month, year or 1-3"),
                )
            })?;
            start = start.with_precision(precision);
        }
        let uncertainty_m = match opt(unc_i) {
            Some(u) => u
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    InputError::at(
                        file,
                        &at,
                        Some("uncertainty_m"),
                        format!("`{u}` is not a radius in metres"),
                    )
                })?,
            None => 0.0,
        };
        let weapon = opt(weapon_i);
        let weapon_category = match opt(cat_i) {
            Some(c) => WeaponCategory::parse(&c).ok_or_else(|| {
                InputError::at(
                    file,
                    &at,
                    Some("weapon_category"),
                    format!("`{c}` is not a weapon category"),
                )
            })?,
            None => weapon
                .as_deref()
                .map(WeaponCategory::infer)
                .unwrap_or(WeaponCategory::Unknown),
        };
        let mut properties = Map::new();
        for (i, h) in headers.iter().enumerate() {
            if ![
                Some(lat_i),
                Some(lon_i),
                Some(id_i),
                Some(date_i),
                unc_i,
                weapon_i,
                cat_i,
                prec_i,
                desc_i,
                src_i,
            ]
            .contains(&Some(i))
            {
                properties.insert(h.to_string(), Value::String(cell(i).to_string()));
            }
        }
        f(Incident {
            id,
            time_precision: start.precision,
            start,
            end: None,
            weapon,
            weapon_category,
            description: opt(desc_i),
            damage: None,
            casualties: None,
            sources: opt(src_i)
                .map(|t| {
                    vec![Source {
                        title: t,
                        ..Source::default()
                    }]
                })
                .unwrap_or_default(),
            notes: None,
            location: Location::Point {
                point: Point::new(lon, lat),
                uncertainty_m,
            },
            properties,
        })?;
    }
    Ok(())
}

/// Column names become property names: one given twice (columns are found
/// whatever their case) is ambiguous, and a control character cannot be a
/// column name in a GeoPackage. Unnamed columns are left alone.
fn check_header_names(
    headers: &::csv::StringRecord,
    lower: &[String],
    file: &str,
) -> Result<(), InputError> {
    for (i, name) in lower.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        if let Some(first) = lower[..i].iter().position(|n| n == name) {
            return Err(InputError::at(
                file,
                "line 1",
                Some(&headers[i]),
                format!(
                    "columns {} and {} have the same name: which one is meant is not known; \
                     rename or remove one",
                    first + 1,
                    i + 1
                ),
            ));
        }
        if name.chars().any(char::is_control) {
            let shown = Value::String(headers[i].to_string()).to_string();
            return Err(InputError::at(
                file,
                "line 1",
                Some(&shown),
                format!(
                    "column {} has a control character in its name (shown escaped), which no \
                     column name can hold: rename it",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_acled_style_columns() {
        let text = "event_id_cnty,event_date,latitude,longitude,sub_event_type,time_precision\n\
                    UKR1,02 January 2024,50.46,30.49,Shelling/artillery/missile attack,1\n";
        let v = read_incidents(text.as_bytes(), "acled.csv", &CsvColumns::default()).unwrap();
        assert_eq!(v[0].id, "UKR1");
        assert_eq!(v[0].start.iso_date(), "2024-01-02");
        assert!(matches!(v[0].location, Location::Point { point, .. } if point.x() == 30.49));
    }

    #[test]
    fn swapped_and_bad_values_name_the_line() {
        let text = "id,date,lat,lon\na,2024-01-02,NaN,30.46\n";
        let e = read_incidents(text.as_bytes(), "x.csv", &CsvColumns::default()).unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 2"));
        let text = "id,date,lat,lon\na,2024-01-02,95.0,30.5\n";
        let e = read_incidents(text.as_bytes(), "x.csv", &CsvColumns::default()).unwrap_err();
        assert!(e.message.contains("swapped"), "{e}");
        let text = "id,date,lat,lon\na,2024-13-02,50,30\n";
        assert!(read_incidents(text.as_bytes(), "x.csv", &CsvColumns::default()).is_err());
    }
}
