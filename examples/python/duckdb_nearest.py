"""Exact geodesic distances inside DuckDB's SQL: `impactmap.distance`
registered as a vectorised Arrow UDF refines candidate pairs that a plain
SQL window join proposes.

    python duckdb_nearest.py SITES INCIDENTS OUT [--window-m 1000]

SITES and INCIDENTS are (Geo)Parquet files with WKB `geometry` columns in
WGS84 lon/lat (sites: `id`; incidents: `id`, `date`). OUT is a Parquet file
of each incident's nearest site among those whose bounding box lies within
`--window-m` metres (by a longitude/latitude window): incident_id, site_id,
distance_m. Of sites at the same distance (an impact inside overlapping
footprints) the smallest id is named. Incidents with no site in the window get no row; for them, widen
the window or use `impactmap.nearest`.
"""

import argparse
import math

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import impactmap

A = 6_378_137.0  # WGS84 equatorial radius, metres
M_MIN = A * (1 - 0.00669437999014)  # smallest meridian radius of curvature, metres


def connect():
    """A DuckDB connection with `impactmap_distance(point BLOB, geometry BLOB) -> DOUBLE`
    (WKB in, geodesic metres out; 0 inside a polygon)."""
    con = duckdb.connect()
    con.create_function(
        "impactmap_distance",
        lambda points, geometries: impactmap.distance(points, geometries),
        [duckdb.sqltype("BLOB"), duckdb.sqltype("BLOB")],
        duckdb.sqltype("DOUBLE"),
        type="arrow",
    )
    return con


def with_bounds(table):
    """A table with its geometries' bounding boxes as columns."""
    b = impactmap.bounds(table["geometry"])
    for name in b.column_names:
        table = table.append_column(name, b[name])
    return table


def nearest_in_window(con, sites, incidents, window_m):
    """Each incident's nearest site within the window, as a pyarrow table."""
    dlat = math.degrees(window_m / M_MIN)
    max_lat = max(abs(pa.compute.min(incidents["ymin"]).as_py()), abs(pa.compute.max(incidents["ymax"]).as_py()))
    dlon = math.degrees(window_m / (A * math.cos(math.radians(min(89.9, max_lat + dlat)))))
    con.register("sites", sites)
    con.register("incidents", incidents)
    return con.sql(
        """
        SELECT i.id AS incident_id, s.id AS site_id,
               impactmap_distance(i.geometry, s.geometry) AS distance_m
        FROM incidents i JOIN sites s
          ON s.xmax >= i.xmin - $dlon AND s.xmin <= i.xmax + $dlon
         AND s.ymax >= i.ymin - $dlat AND s.ymin <= i.ymax + $dlat
        QUALIFY row_number() OVER (PARTITION BY i.id ORDER BY distance_m, s.id) = 1
        ORDER BY i.id
        """,
        params={"dlon": dlon, "dlat": dlat},
    ).to_arrow_table()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sites")
    p.add_argument("incidents")
    p.add_argument("out")
    p.add_argument("--window-m", type=float, default=1000.0)
    args = p.parse_args(argv)
    sites = with_bounds(pq.read_table(args.sites))
    incidents = with_bounds(pq.read_table(args.incidents))
    pq.write_table(nearest_in_window(connect(), sites, incidents, args.window_m), args.out)


if __name__ == "__main__":
    main()
