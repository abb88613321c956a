"""Type stubs of the extension module (see the package's docstring)."""

import os
from typing import Protocol

import pyarrow as pa

class ArrowArrayExportable(Protocol):
    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

class ArrowStreamExportable(Protocol):
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

ArrayLike = ArrowArrayExportable | ArrowStreamExportable
TableLike = str | os.PathLike[str] | ArrowArrayExportable | ArrowStreamExportable

def distance(points: ArrayLike, geometries: ArrayLike) -> pa.DoubleArray:
    """Elementwise geodesic distance (WGS84, metres) from each point to the
    geometry at the same position (Point, Polygon or MultiPolygon; 0 inside
    a polygon), both WKB or GeoArrow native arrays. Either argument may have length 1 and is then broadcast; null
    where either value is null. Raises ValueError on bad WKB or coordinates."""

def nearest(
    incidents: TableLike, sites: TableLike, max_distance_m: float | None = None
) -> pa.Table:
    """For each incident its nearest site (or every site within max_distance_m
    metres): the command line's CSV columns (numbers as float64 at full
    precision) plus ``geometry``, the site's nearest point as WKB. Inputs are
    paths read as the command line reads them, or Arrow tables with ``id`` and
    a WKB or GeoArrow native geometry column (incidents also ``date``)."""

def bounds(geometries: ArrayLike) -> pa.Table:
    """Each geometry's bounding box in degrees (WGS84 lon/lat): columns
    xmin, ymin, xmax, ymax (float64), null for null geometries."""
