"""Exact geodesic distances inside SedonaDB's SQL: `impactmap.distance`
registered as an Arrow UDF, `impactmap_distance(point, geometry)` in metres
(WGS84; 0 inside a polygon). SedonaDB's own ST_KNN and spheroid functions
rank footprints by their centroids; this refines its candidate pairs
exactly.

    python sedonadb_distance.py SITES INCIDENTS [--window-m 1000]

SITES and INCIDENTS are GeoParquet files in WGS84 lon/lat (sites: `id`;
incidents: `id`). Prints each incident's nearest site among those within `--window-m`
metres: a planar ST_DWithin in degrees, wide enough to hold every site
within that many metres, proposes the candidates and the exact geodesic
distance decides.
"""

import argparse
import math

import pyarrow as pa
import sedonadb
from sedonadb import udf

import impactmap


@udf.arrow_udf(pa.float64(), [udf.GEOMETRY, udf.GEOMETRY], name="impactmap_distance")
def impactmap_distance(points, geometries):
    """Geodesic metres from each WKB point to the geometry beside it."""
    return impactmap.distance(points, geometries)


def connect():
    """A SedonaDB context with `impactmap_distance` registered."""
    sd = sedonadb.connect()
    sd.register(impactmap_distance)
    return sd


A = 6_378_137.0  # WGS84 equatorial radius, metres
M_MIN = A * (1 - 0.00669437999014)  # smallest meridian radius of curvature, metres


def window_deg(window_m, max_abs_lat):
    """A planar distance in degrees that holds every geometry within
    `window_m` metres of a point at most `max_abs_lat` degrees from the equator."""
    dlat = math.degrees(window_m / M_MIN)
    dlon = math.degrees(window_m / (A * math.cos(math.radians(min(89.9, max_abs_lat + dlat)))))
    return math.hypot(dlon, dlat)


def nearest_sql(window_deg):
    """Each incident's nearest site among the candidates within `window_deg`."""
    return f"""
        SELECT incident_id, site_id, distance_m FROM (
          SELECT i.id AS incident_id, s.id AS site_id,
                 impactmap_distance(i.geometry, s.geometry) AS distance_m,
                 row_number() OVER (PARTITION BY i.id ORDER BY impactmap_distance(i.geometry, s.geometry), s.id) AS k
          FROM incidents i JOIN sites s ON ST_DWithin(i.geometry, s.geometry, {window_deg!r})
        ) WHERE k = 1 ORDER BY incident_id
        """


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sites")
    p.add_argument("incidents")
    p.add_argument("--window-m", type=float, default=1000.0)
    args = p.parse_args(argv)
    sd = connect()
    sd.read_parquet(args.sites).to_view("sites")
    sd.read_parquet(args.incidents).to_view("incidents")
    extent = "SELECT max(greatest(abs(ST_YMin(geometry)), abs(ST_YMax(geometry)))) AS m FROM incidents"
    max_lat = pa.table(sd.sql(extent))["m"][0].as_py()
    sd.sql(nearest_sql(window_deg(args.window_m, max_lat))).show()


if __name__ == "__main__":
    main()
