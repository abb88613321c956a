//! GeoArrow native geometry arrays (feature `arrow`): `geoarrow.point`,
//! `geoarrow.linestring`, `geoarrow.polygon`, `geoarrow.multipoint`,
//! `geoarrow.multilinestring` and `geoarrow.multipolygon`, as GeoParquet 1.1
//! stores them in its native encodings.
//!
//! Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326), either
//! separated (`struct<x: double, y: double[, z][, m]>`) or interleaved
//! (`fixed_size_list<double>[2..4]`); a Z or M value is ignored. Above them
//! each level of nesting is a list or large list: one for a linestring or
//! multipoint, two for a polygon (rings) or multilinestring, three for a
//! multipolygon. Sites are Points, Polygons and MultiPolygons; the other
//! types are recognised so that their rows get the same error as in WKB.
//!
//! The arrays are read with `arrow-array` directly rather than through
//! geoarrow-rs's `geoarrow-array`: its only release on arrow 59 (0.9) needs
//! Rust 1.95, and it panics on a list nested one level too shallow, where a
//! user's file must get an error.

use super::arrow::{checked_coord, checked_polygon};
use crate::model::SiteGeometry;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::Array;
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::DataType;
use geo_types::{Coord, MultiPolygon, Point, Polygon};
use std::ops::Range;

/// A GeoArrow native geometry type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Native {
    /// `geoarrow.point`: coordinates.
    Point,
    /// `geoarrow.linestring`: a list of coordinates.
    LineString,
    /// `geoarrow.polygon`: a list of rings, each a list of coordinates.
    Polygon,
    /// `geoarrow.multipoint`: a list of coordinates.
    MultiPoint,
    /// `geoarrow.multilinestring`: a list of lists of coordinates.
    MultiLineString,
    /// `geoarrow.multipolygon`: a list of polygons.
    MultiPolygon,
}

const ALL: [Native; 6] = [
    Native::Point,
    Native::LineString,
    Native::Polygon,
    Native::MultiPoint,
    Native::MultiLineString,
    Native::MultiPolygon,
];

impl Native {
    /// The geometry type's name, as in WKB and GeoJSON (`MultiPolygon`).
    pub fn name(self) -> &'static str {
        match self {
            Native::Point => "Point",
            Native::LineString => "LineString",
            Native::Polygon => "Polygon",
            Native::MultiPoint => "MultiPoint",
            Native::MultiLineString => "MultiLineString",
            Native::MultiPolygon => "MultiPolygon",
        }
    }

    /// The Arrow extension name (`geoarrow.multipolygon`).
    pub fn extension_name(self) -> String {
        format!("geoarrow.{}", self.name().to_ascii_lowercase())
    }

    /// The type of a GeoParquet `encoding` (`point`, `polygon`, …; any case).
    pub fn from_encoding(encoding: &str) -> Option<Native> {
        ALL.into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(encoding))
    }

    /// The type of an Arrow extension name (`geoarrow.polygon`).
    pub fn from_extension(name: &str) -> Option<Native> {
        Native::from_encoding(name.strip_prefix("geoarrow.")?)
    }

    /// The type a column's nesting implies when no extension name says it
    /// (as geoarrow-rs infers it): coordinates are points, one list level
    /// linestrings, two polygons, three multipolygons.
    pub fn infer(data_type: &DataType) -> Option<Native> {
        match data_type {
            DataType::Struct(_) | DataType::FixedSizeList(..) => Some(Native::Point),
            DataType::List(item) | DataType::LargeList(item) => {
                match Native::infer(item.data_type())? {
                    Native::Point => Some(Native::LineString),
                    Native::LineString => Some(Native::Polygon),
                    Native::Polygon => Some(Native::MultiPolygon),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// How many list levels lie above the coordinates.
    fn depth(self) -> usize {
        match self {
            Native::Point => 0,
            Native::LineString | Native::MultiPoint => 1,
            Native::Polygon | Native::MultiLineString => 2,
            Native::MultiPolygon => 3,
        }
    }
}

/// One list level: where each element's children start and end.
enum Offsets<'a> {
    Small(&'a OffsetBuffer<i32>),
    Large(&'a OffsetBuffer<i64>),
}

impl Offsets<'_> {
    fn range(&self, i: usize) -> Range<usize> {
        match self {
            Offsets::Small(o) => o[i] as usize..o[i + 1] as usize,
            Offsets::Large(o) => o[i] as usize..o[i + 1] as usize,
        }
    }
}

/// The coordinates under the lists (degrees), separated or interleaved.
enum Coords<'a> {
    Separated {
        x: &'a ScalarBuffer<f64>,
        y: &'a ScalarBuffer<f64>,
    },
    Interleaved {
        values: &'a ScalarBuffer<f64>,
        size: usize,
    },
}

impl Coords<'_> {
    fn len(&self) -> usize {
        match self {
            Coords::Separated { x, .. } => x.len(),
            Coords::Interleaved { values, size } => values.len() / size,
        }
    }

    /// Coordinate `i`, checked to be WGS84 lon/lat.
    fn get(&self, i: usize) -> Result<Coord<f64>, String> {
        let (x, y) = match self {
            Coords::Separated { x, y } => (x[i], y[i]),
            Coords::Interleaved { values, size } => (values[i * size], values[i * size + 1]),
        };
        checked_coord(x, y)
    }
}

/// A GeoArrow native array of one geometry type, checked to be nested as the
/// type says and to hold double coordinates.
pub struct NativeArray<'a> {
    kind: Native,
    nulls: Option<&'a NullBuffer>,
    len: usize,
    /// Outermost first.
    levels: Vec<Offsets<'a>>,
    coords: Coords<'a>,
}

impl<'a> NativeArray<'a> {
    /// Reads `array` as a native array of `kind`; the error says how its
    /// layout differs from the type's.
    pub fn new(kind: Native, array: &'a dyn Array) -> Result<Self, String> {
        let wrong = |found: &DataType| {
            format!(
                "a GeoArrow {} column must be {}, found {found}",
                kind.name(),
                layout(kind.depth())
            )
        };
        let mut levels = Vec::with_capacity(kind.depth());
        let mut inner = array;
        for _ in 0..kind.depth() {
            let (offsets, values) = match inner.data_type() {
                DataType::List(_) => {
                    let l = inner.as_list::<i32>();
                    (Offsets::Small(l.offsets()), l.values())
                }
                DataType::LargeList(_) => {
                    let l = inner.as_list::<i64>();
                    (Offsets::Large(l.offsets()), l.values())
                }
                _ => return Err(wrong(array.data_type())),
            };
            levels.push(offsets);
            inner = values.as_ref();
        }
        let coords = match inner.data_type() {
            DataType::Struct(fields) => {
                let s = inner.as_struct();
                let axis = |name: &str| {
                    let i = fields.iter().position(|f| f.name() == name)?;
                    s.column(i).as_primitive_opt::<Float64Type>()
                };
                match (axis("x"), axis("y")) {
                    (Some(x), Some(y)) => Coords::Separated {
                        x: x.values(),
                        y: y.values(),
                    },
                    _ => return Err(wrong(array.data_type())),
                }
            }
            DataType::FixedSizeList(_, size @ 2..=4) => {
                let l = inner.as_fixed_size_list();
                match l.values().as_primitive_opt::<Float64Type>() {
                    Some(v) => Coords::Interleaved {
                        values: v.values(),
                        size: *size as usize,
                    },
                    None => return Err(wrong(array.data_type())),
                }
            }
            _ => return Err(wrong(array.data_type())),
        };
        Ok(NativeArray {
            kind,
            nulls: array.nulls(),
            len: array.len(),
            levels,
            coords,
        })
    }

    /// The number of geometries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no geometries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Geometry `i` (`None` when null): a Point, Polygon or MultiPolygon,
    /// checked as WKB geometries are; another type is an error.
    pub fn geometry(&self, i: usize) -> Result<Option<SiteGeometry>, String> {
        if self.nulls.is_some_and(|n| n.is_null(i)) {
            return Ok(None);
        }
        Ok(Some(match self.kind {
            Native::Point => SiteGeometry::Point(Point(self.coords.get(i)?)),
            Native::Polygon => SiteGeometry::Polygon(self.polygon(self.levels[0].range(i), 1)?),
            Native::MultiPolygon => {
                let polygons = self.levels[0].range(i);
                if polygons.is_empty() {
                    return Err("an empty MultiPolygon: give at least one polygon".into());
                }
                let polygons = polygons
                    .map(|p| self.polygon(self.levels[1].range(p), 2))
                    .collect::<Result<_, _>>()?;
                SiteGeometry::MultiPolygon(MultiPolygon(polygons))
            }
            other => {
                return Err(format!(
                    "{} geometries are not supported: use Point, Polygon or MultiPolygon",
                    other.name()
                ))
            }
        }))
    }

    /// The polygon whose rings are `rings` of list level `level`.
    fn polygon(&self, rings: Range<usize>, level: usize) -> Result<Polygon<f64>, String> {
        if rings.is_empty() {
            return Err("an empty Polygon: give at least one ring".into());
        }
        let rings = rings
            .map(|r| {
                let coords = self.levels[level].range(r);
                if coords.end > self.coords.len() {
                    return Err(format!("ring {r}: its offsets run past the coordinates"));
                }
                coords.map(|c| self.coords.get(c)).collect()
            })
            .collect::<Result<Vec<Vec<_>>, String>>()?;
        checked_polygon(rings)
    }
}

/// The Arrow layout of a native type with `depth` list levels, for messages.
fn layout(depth: usize) -> String {
    let coords = "struct<x: double, y: double> or fixed_size_list<double>[2]";
    match depth {
        0 => coords.to_string(),
        d => format!(
            "{}coordinates{} (coordinates: {coords})",
            "list<".repeat(d),
            ">".repeat(d)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::arrow::{sites, EXTENSION_KEY};
    use arrow_array::{
        ArrayRef, BinaryArray, FixedSizeListArray, Float64Array, ListArray, RecordBatch,
        StringArray, StructArray,
    };
    use arrow_schema::{Field, Schema};
    use geo_types::{polygon, LineString};
    use std::collections::HashMap;
    use std::sync::Arc;

    /// Two footprints in Kyiv, the second with a courtyard (a hole).
    fn polygons() -> Vec<Polygon<f64>> {
        vec![
            polygon![(x: 30.5000, y: 50.4500), (x: 30.5010, y: 50.4500), (x: 30.5010, y: 50.4507), (x: 30.5000, y: 50.4507), (x: 30.5000, y: 50.4500)],
            Polygon::new(
                LineString::from(vec![
                    (30.52, 50.44),
                    (30.523, 50.44),
                    (30.523, 50.442),
                    (30.52, 50.442),
                    (30.52, 50.44),
                ]),
                vec![LineString::from(vec![
                    (30.521, 50.4405),
                    (30.521, 50.441),
                    (30.522, 50.441),
                    (30.522, 50.4405),
                    (30.521, 50.4405),
                ])],
            ),
        ]
    }

    /// Coordinates separated (`struct<x, y[, z]>`) or interleaved
    /// (`fixed_size_list<double>[dims]`), with z = 100 m when 3D.
    fn coords(points: &[Coord<f64>], interleaved: bool, dims: usize) -> ArrayRef {
        let axis = |f: fn(&Coord<f64>) -> f64| Float64Array::from_iter_values(points.iter().map(f));
        let z = || Float64Array::from(vec![100.0; points.len()]);
        if interleaved {
            let values: Vec<f64> = points
                .iter()
                .flat_map(|c| [c.x, c.y, 100.0].into_iter().take(dims))
                .collect();
            let item = Arc::new(Field::new("xy", DataType::Float64, false));
            Arc::new(FixedSizeListArray::new(
                item,
                dims as i32,
                Arc::new(Float64Array::from(values)),
                None,
            ))
        } else {
            let mut fields = vec![
                (
                    Arc::new(Field::new("x", DataType::Float64, false)),
                    Arc::new(axis(|c| c.x)) as ArrayRef,
                ),
                (
                    Arc::new(Field::new("y", DataType::Float64, false)),
                    Arc::new(axis(|c| c.y)) as ArrayRef,
                ),
            ];
            if dims == 3 {
                fields.push((
                    Arc::new(Field::new("z", DataType::Float64, false)),
                    Arc::new(z()) as ArrayRef,
                ));
            }
            Arc::new(StructArray::from(fields))
        }
    }

    /// A list level over `values`, element `i` holding `lengths[i]` children.
    fn list(values: ArrayRef, lengths: &[usize]) -> ArrayRef {
        let item = Arc::new(Field::new("item", values.data_type().clone(), false));
        let offsets = arrow_buffer::OffsetBuffer::from_lengths(lengths.iter().copied());
        Arc::new(ListArray::new(item, offsets, values, None))
    }

    /// A native polygon array of `polygons`.
    fn native_polygons(polygons: &[Polygon<f64>], interleaved: bool, dims: usize) -> ArrayRef {
        let rings: Vec<&LineString<f64>> = polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .collect();
        let points: Vec<Coord<f64>> = rings.iter().flat_map(|r| r.0.iter().copied()).collect();
        let ring_lengths: Vec<usize> = rings.iter().map(|r| r.0.len()).collect();
        let polygon_lengths: Vec<usize> =
            polygons.iter().map(|p| 1 + p.interiors().len()).collect();
        list(
            list(coords(&points, interleaved, dims), &ring_lengths),
            &polygon_lengths,
        )
    }

    fn batch(geometry: ArrayRef, extension: Option<&str>) -> RecordBatch {
        let n = geometry.len();
        let mut field = Field::new("geom", geometry.data_type().clone(), true);
        if let Some(e) = extension {
            field =
                field.with_metadata(HashMap::from([(EXTENSION_KEY.to_string(), e.to_string())]));
        }
        let ids = StringArray::from_iter_values((0..n).map(|i| format!("b{i}")));
        let schema = Schema::new(vec![Field::new("id", DataType::Utf8, false), field]);
        RecordBatch::try_new(Arc::new(schema), vec![Arc::new(ids), geometry]).unwrap()
    }

    fn wkb(polygons: &[Polygon<f64>]) -> ArrayRef {
        let values = polygons.iter().map(|p| {
            let mut out = Vec::new();
            wkb::writer::write_polygon(&mut out, p, &Default::default()).unwrap();
            out
        });
        Arc::new(BinaryArray::from_iter_values(values))
    }

    #[test]
    fn native_polygons_in_either_layout_read_as_their_wkb() {
        let wkb = batch(wkb(&polygons()), Some("geoarrow.wkb"));
        let reference = sites(&[wkb], None, "wkb").unwrap();
        assert_eq!(reference.len(), 2);
        for (interleaved, dims) in [(false, 2), (true, 2), (false, 3), (true, 3)] {
            let b = batch(
                native_polygons(&polygons(), interleaved, dims),
                Some("geoarrow.polygon"),
            );
            let got = sites(&[b], None, "native").unwrap();
            assert_eq!(
                got, reference,
                "interleaved {interleaved}, {dims} dimensions"
            );
        }
        // The same polygons, each a one-part multipolygon.
        let multi = list(native_polygons(&polygons(), true, 2), &[1, 1]);
        let got = sites(&[batch(multi, Some("geoarrow.multipolygon"))], None, "m").unwrap();
        for (g, r) in got.iter().zip(&reference) {
            let SiteGeometry::MultiPolygon(m) = &g.geometry else {
                panic!("{:?}", g.geometry)
            };
            assert_eq!(SiteGeometry::Polygon(m.0[0].clone()), r.geometry);
        }
    }

    #[test]
    fn native_points_read_as_points() {
        let points = [
            Coord { x: 30.5, y: 50.45 },
            Coord {
                x: -0.1276,
                y: 51.5072,
            },
        ];
        for interleaved in [false, true] {
            let b = batch(coords(&points, interleaved, 2), Some("geoarrow.point"));
            let got = sites(&[b], None, "p").unwrap();
            let got: Vec<_> = got.iter().map(|s| s.geometry.clone()).collect();
            assert_eq!(got, points.map(|c| SiteGeometry::Point(Point(c))));
        }
    }

    fn error(geometry: ArrayRef, extension: &str) -> String {
        sites(&[batch(geometry, Some(extension))], None, "sites.parquet")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_native_arrays_get_errors_naming_file_row_and_column() {
        // A polygon encoding over a point column, and a nesting too shallow.
        let points = coords(&[Coord { x: 30.5, y: 50.45 }], false, 2);
        let e = error(points, "geoarrow.polygon");
        assert!(e.starts_with("sites.parquet: column `geom`: a GeoArrow Polygon column must be list<list<coordinates>>"), "{e}");
        let e = error(
            native_polygons(&polygons(), false, 2),
            "geoarrow.multipolygon",
        );
        assert!(
            e.contains("MultiPolygon column must be list<list<list<coordinates>>>"),
            "{e}"
        );
        // A NaN coordinate in row 2.
        let mut nan = polygons();
        nan[1].exterior_mut(|r| r.0[2].y = f64::NAN);
        let e = error(native_polygons(&nan, true, 2), "geoarrow.polygon");
        assert_eq!(
            e,
            "sites.parquet: row 2: `geom`: coordinates must be finite numbers (no NaN)"
        );
        // An open ring in row 1 (geo-types would close it: built by hand).
        let footprints = polygons();
        let ring = &footprints[0].exterior().0[..4];
        let open = list(list(coords(ring, false, 2), &[4]), &[1]);
        let e = error(open, "geoarrow.polygon");
        assert!(
            e.starts_with("sites.parquet: row 1: `geom`: ring 0: "),
            "{e}"
        );
        // Lines are not sites, as in WKB.
        let line = list(coords(&polygons()[0].exterior().0, false, 2), &[5]);
        let e = error(line, "geoarrow.linestring");
        assert!(e.ends_with("`geom`: LineString geometries are not supported: use Point, Polygon or MultiPolygon"), "{e}");
        let e = error(wkb(&polygons()), "geoarrow.wkt");
        assert!(e.contains("geoarrow.wkt geometries are not read"), "{e}");
    }
}
