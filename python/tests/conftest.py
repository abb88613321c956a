"""Shared helpers: the impactmap command line, WKB, and seeded workloads."""

import csv
import json
import math
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest


def wkb_point(lon, lat):
    """ISO WKB of a point, little-endian."""
    return struct.pack("<BIdd", 1, 1, lon, lat)


def wkb_polygon(rings):
    """ISO WKB of a polygon from rings of (lon, lat), each closed."""
    out = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring))
        for lon, lat in ring:
            out += struct.pack("<dd", lon, lat)
    return out


def square(lon, lat, half_deg):
    """A closed square ring centred on (lon, lat)."""
    return [
        (lon - half_deg, lat - half_deg),
        (lon + half_deg, lat - half_deg),
        (lon + half_deg, lat + half_deg),
        (lon - half_deg, lat + half_deg),
        (lon - half_deg, lat - half_deg),
    ]


def workload(n_sites, n_incidents, seed, blocks=((30.50, 50.45), (30.52, 50.45))):
    """Seeded sites (square footprints and points packed in dense blocks
    around `blocks`, plus a sparse scatter) and impact points around them.
    Returns (sites, incidents) as lists of dicts with lon/lat geometry."""
    rng = random.Random(seed)
    sites = []
    for i in range(n_sites):
        if i % 10 == 0:  # sparse scatter over the whole area
            lon, lat = rng.uniform(30.40, 30.62), rng.uniform(50.38, 50.52)
        else:
            cx, cy = blocks[i % len(blocks)]
            lon, lat = cx + rng.gauss(0, 0.004), cy + rng.gauss(0, 0.003)
        if i % 4 == 3:
            sites.append({"id": f"s{i}", "point": (lon, lat)})
        else:
            sites.append({"id": f"s{i}", "ring": square(lon, lat, rng.uniform(0.00003, 0.0002))})
    incidents = []
    for i in range(n_incidents):
        cx, cy = blocks[i % len(blocks)]
        spread = 0.01 if i % 5 else 0.05
        lon, lat = cx + rng.gauss(0, spread), cy + rng.gauss(0, spread * 0.7)
        incidents.append({"id": f"k{i}", "date": f"2024-05-{1 + i % 28:02d}", "point": (lon, lat)})
    return sites, incidents


def write_sites_geojson(sites, path):
    features = []
    for s in sites:
        if "point" in s:
            geometry = {"type": "Point", "coordinates": list(s["point"])}
        else:
            geometry = {"type": "Polygon", "coordinates": [[list(c) for c in s["ring"]]]}
        features.append({"type": "Feature", "id": s["id"], "properties": {"kind": "building"}, "geometry": geometry})
    Path(path).write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def write_incidents_csv(incidents, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "latitude", "longitude"])
        for k in incidents:
            w.writerow([k["id"], k["date"], repr(k["point"][1]), repr(k["point"][0])])


def sites_table(sites):
    import pyarrow as pa

    wkb = [wkb_point(*s["point"]) if "point" in s else wkb_polygon([s["ring"]]) for s in sites]
    return pa.table({"id": [s["id"] for s in sites], "kind": ["building"] * len(sites), "geometry": pa.array(wkb, pa.binary())})


def incidents_table(incidents):
    import pyarrow as pa

    return pa.table(
        {
            "id": [k["id"] for k in incidents],
            "date": [k["date"] for k in incidents],
            "geometry": pa.array([wkb_point(*k["point"]) for k in incidents], pa.binary()),
        }
    )


def write_case(folder, sites, incidents):
    """The same workload as GeoJSON sites, CSV incidents and GeoParquet
    (written with pyarrow, WKB, snappy, as GeoPandas writes it)."""
    import pyarrow.parquet as pq

    write_sites_geojson(sites, folder / "sites.geojson")
    write_incidents_csv(incidents, folder / "incidents.csv")
    for name, table, types in [("sites", sites_table(sites), ["Polygon", "Point"]), ("incidents", incidents_table(incidents), ["Point"])]:
        pq.write_table(table.replace_schema_metadata(geo_metadata(types)), folder / f"{name}.parquet", compression="snappy", row_group_size=1000)
    return folder


def write_parts(table, folder, parts, row_group_size):
    """A table as a folder of Parquet files, several row groups each."""
    import pyarrow.parquet as pq

    folder.mkdir()
    step = -(-table.num_rows // parts)
    for k in range(parts):
        pq.write_table(table.slice(k * step, step), folder / f"part-{k}.parquet", row_group_size=row_group_size)


def partitioned_case(folder, sites, incidents):
    """The workload as folders of Parquet files, `sites` (3 files) and
    `incidents` (2 files), several row groups each; returns the command
    line's rows for it (from GeoJSON and CSV)."""
    write_sites_geojson(sites, folder / "sites.geojson")
    write_incidents_csv(incidents, folder / "incidents.csv")
    rows = cli_rows(folder / "sites.geojson", folder / "incidents.csv", folder / "cli.csv")
    write_parts(sites_table(sites), folder / "sites", parts=3, row_group_size=500)
    write_parts(incidents_table(incidents), folder / "incidents", parts=2, row_group_size=700)
    return rows


def geo_metadata(types, crs=None, encoding="WKB"):
    """GeoParquet 1.1 metadata of a `geometry` column."""
    column = {"encoding": encoding, "geometry_types": types}
    if crs is not None:
        column["crs"] = crs
    return {b"geo": json.dumps({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}).encode()}


def missing_tool(message):
    """Skips the test for want of a tool, or fails with IMPACTMAP_REQUIRE_TOOLS=1."""
    if os.environ.get("IMPACTMAP_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def cli_binary():
    """The impactmap program: $IMPACTMAP_BIN, else `impactmap` on the PATH.
    Missing, the test is skipped, or fails with IMPACTMAP_REQUIRE_TOOLS=1."""
    path = os.environ.get("IMPACTMAP_BIN") or shutil.which("impactmap")
    if path and os.path.exists(path):
        return path
    missing_tool("the impactmap program is needed: set IMPACTMAP_BIN (cargo build puts it in target/debug)")


def cli_rows(sites_path, incidents_path, out_path, *extra):
    """The command line's proximity CSV rows as dicts."""
    subprocess.run(
        [cli_binary(), "proximity", "--sites", str(sites_path), "--incidents", str(incidents_path), "-o", str(out_path), "--quiet", *extra],
        check=True,
    )
    with open(out_path, newline="") as f:
        return list(csv.DictReader(f))


def assert_rows_equal(table, rows):
    """An Arrow proximity table equals the CLI's CSV rows: same ids and text,
    numbers within the CSV's rounding (1e-6 m, 1e-6 degree, 1e-10 degree)."""
    assert table.num_rows == len(rows)
    got = table.to_pylist()
    tolerance = {"distance_m": 6e-7, "distance_min_m": 6e-7, "distance_max_m": 6e-7, "bearing_deg": 6e-7, "nearest_lon": 6e-11, "nearest_lat": 6e-11}
    for g, r in zip(got, rows):
        for name, cell in r.items():
            value = g[name]
            if name in tolerance:
                if cell == "":
                    assert value is None, (name, g, r)
                else:
                    assert math.isclose(value, float(cell), rel_tol=0, abs_tol=tolerance[name]), (name, value, cell, r)
            else:
                assert (value or "") == cell, (name, value, cell)
