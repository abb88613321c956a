"""Spatial partitioning for exact nearest-site answers on a distributed engine.

The recipes in ``examples/python`` (Dask, PySpark) share this: sites are cut
into longitude stripes, each stripe's task sees only the sites whose bounding
box reaches into the stripe widened by a halo, and an answer is accepted only
when its distance is at most what the halo guarantees; the others are asked
again with a halo that guarantees the farthest of them (`next_halo`), and at
least doubled, until it spans the globe.

Longitudes and latitudes are WGS84 degrees (EPSG:4326), distances geodesic
metres on the WGS84 ellipsoid. Arrays are numpy arrays (NaN for a missing
value); this module needs numpy. `write_geoparquet` writes the answer.
"""

import json
import math
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

A = 6_378_137.0
"""WGS84 equatorial radius, metres: the smallest prime-vertical radius of curvature."""
M_MIN = A * (1 - 0.00669437999014)
"""WGS84 smallest meridian radius of curvature (at the equator), metres."""


def halo_deg(distance_m: float, max_abs_lat: float) -> float:
    """Degrees of longitude that every point within `distance_m` metres of a
    point at most `max_abs_lat` degrees from the equator lies within; 360 (the
    whole globe) when such a point may reach a pole.

    A geodesic of length g changes longitude by at most g / (a cos(phi)), a the
    equatorial radius and phi the largest latitude it reaches, at most
    `max_abs_lat` plus g over the smallest meridian radius."""
    phi = math.radians(max_abs_lat) + distance_m / M_MIN
    if phi >= math.pi / 2:
        return 360.0
    return min(360.0, math.degrees(distance_m / (A * math.cos(phi))))


def reach_m(halo: float, max_abs_lat: float) -> float:
    """The largest distance in metres whose `halo_deg` is at most `halo`
    degrees: a site closer than that to a point at most `max_abs_lat` degrees
    from the equator lies within `halo` degrees of longitude of it. Infinite
    for a halo of 360 degrees or more."""
    if halo >= 360.0:
        return math.inf
    lo, hi = 0.0, M_MIN * (math.pi / 2 - math.radians(max_abs_lat))
    for _ in range(64):  # halo_deg grows with the distance: bisect, keep the safe side
        mid = (lo + hi) / 2
        if halo_deg(mid, max_abs_lat) <= halo:
            lo = mid
        else:
            hi = mid
    return lo


def next_halo(halo: float, farthest_m: float, max_abs_lat: float) -> float:
    """The halo of the next widening round, degrees of longitude: twice `halo`,
    and at least the halo that guarantees `farthest_m` metres, the farthest
    answer found but not accepted (NaN when an incident found no site at all:
    then only doubled); 360 is the whole globe.

    The site an incident found lies within the halo it was found in, so a
    wider halo finds it again or a nearer one: its true nearest site is at
    most the distance found. A halo guaranteeing the farthest such distance
    makes every incident that found a site exact in the next round, however
    far its nearest site lies, instead of after many doublings."""
    wider = 2.0 * halo
    if not math.isnan(farthest_m):
        # A thousandth more: reach_m rounds towards the safe side.
        wider = max(wider, halo_deg(farthest_m * 1.001, max_abs_lat))
    return min(wider, 360.0)


def exact(distance_m: np.ndarray, reach: float) -> np.ndarray:
    """The acceptance test: which answers (nearest distances in metres) are the
    true nearest site, given a halo that guarantees `reach` metres. Every
    answer is exact once the halo spans the globe; a missing one otherwise not."""
    distance_m = np.asarray(distance_m, dtype=float)
    if math.isinf(reach):
        return np.ones(distance_m.shape, bool)
    return distance_m <= reach


class Stripes:
    """Longitude stripes cut at `edges` (degrees, sorted, repeats dropped):
    stripe 0 spans [-180, edges[0]), stripe p [edges[p-1], edges[p]), the last
    [edges[-1], 180]."""

    def __init__(self, edges):
        self.edges = np.unique(np.asarray(edges, dtype=float))

    @staticmethod
    def levels(count: int) -> list[float]:
        """The quantile levels that cut `count` stripes of equal counts."""
        return [k / count for k in range(1, count)]

    @classmethod
    def balanced(cls, centres: np.ndarray, count: int) -> "Stripes":
        """At most `count` stripes holding about equal numbers of `centres`
        (longitudes, degrees; NaN ignored)."""
        centres = np.asarray(centres, dtype=float)
        if not np.any(~np.isnan(centres)):
            return cls([])
        return cls(np.nanquantile(centres, cls.levels(count)))

    def __len__(self) -> int:
        return len(self.edges) + 1

    def span(self, p: int) -> tuple[float, float]:
        """Stripe p's western and eastern edges, degrees."""
        bounds = [-180.0, *self.edges.tolist(), 180.0]
        return bounds[p], bounds[p + 1]

    def of(self, lon: np.ndarray) -> np.ndarray:
        """The stripe of each longitude (degrees)."""
        return np.searchsorted(self.edges, np.asarray(lon, dtype=float), side="right")

    def reaching(self, xmin: np.ndarray, xmax: np.ndarray, p: int, halo: float) -> np.ndarray:
        """Which bounding boxes (western and eastern edges, degrees) reach into
        stripe p widened by `halo` degrees on each side, also across ±180°."""
        lo, hi = self.span(p)
        xmin, xmax = np.asarray(xmin, dtype=float), np.asarray(xmax, dtype=float)
        hit = np.zeros(xmin.shape, bool)
        for shift in (-360.0, 0.0, 360.0):
            hit |= (xmax >= lo - halo + shift) & (xmin <= hi + halo + shift)
        return hit


def write_geoparquet(rows: pa.Table, path: str | os.PathLike[str]) -> None:
    """Writes `impactmap.nearest`'s rows to `path` as one GeoParquet 1.1 file
    (the nearest points as WKB `geometry`), atomically: a partial file beside
    it, renamed when whole."""
    meta = dict(rows.schema.metadata or {})
    column = {"encoding": "WKB", "geometry_types": ["Point"]}
    meta[b"geo"] = json.dumps({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}).encode()
    partial = f"{os.fspath(path)}.partial"
    pq.write_table(rows.replace_schema_metadata(meta), partial)
    os.replace(partial, path)
