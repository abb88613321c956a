"""Exact geodesic distances from strikes to protected sites, over Arrow.

Distances are geodesic on the WGS84 ellipsoid, in metres; geometries are WKB
or GeoArrow native arrays (``geoarrow.point``, ``geoarrow.polygon``,
``geoarrow.multipolygon``, separated or interleaved) with longitude/latitude
coordinates in degrees (EPSG:4326). Arguments are
anything that speaks the Arrow PyCapsule interface (pyarrow, polars, DuckDB,
GeoPandas' ``to_arrow``, arro3); results are pyarrow arrays and tables.
"""

from ._impactmap import bounds, distance, nearest

__all__ = ["bounds", "distance", "nearest"]
