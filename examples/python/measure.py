"""The figures of the README's "Beyond one machine", measured on one machine.

    python measure.py DIR --cli PATH [--workload city|dense] [--sites N] [--incidents M]

Workloads (written into DIR once, as GeoJSON sites, CSV incidents and
GeoParquet with WKB geometries):

- `city`: the command line's benchmark city (`cargo run --release --example
  gen_workload --features workload`, run by this script with `--gen PATH` to
  that example's binary, or its output already in DIR): footprints that never
  overlap, one per city block, and impacts inside, on and near them.
- `dense`: the Dask test's workload (`python/tests/conftest.py`), square
  footprints and points heaped in two dense blocks, where an impact lies
  inside tens of overlapping footprints (a worst case for exact ties).

Prints, best of three (wall time, on whatever else the machine runs):
reading the sites by the command line from GeoJSON and from GeoParquet (a run
with one incident); the distance UDF's pairs per second on one core
(RAYON_NUM_THREADS=1) and on all; the whole proximity run by the command line
and by `impactmap.nearest` on the same GeoParquet files; and the Dask recipe
on 1 and 2 worker processes of one thread each (RAYON_NUM_THREADS=1), against
the command line on one thread; with --spark, the PySpark recipe on 1 and 2
local cores alike.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python" / "tests"))
from conftest import geo_metadata, incidents_table, sites_table, wkb_point, wkb_polygon, workload, write_incidents_csv, write_sites_geojson  # noqa: E402


def best(f, repeat=3):
    """The shortest wall time of `repeat` calls, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def write_parquet(table, path, types, row_group_size):
    pq.write_table(table.replace_schema_metadata(geo_metadata(types)), path, row_group_size=row_group_size)


def dense(d, n_sites, n_incidents):
    """The Dask test's workload at the given size."""
    sites, incidents = workload(n_sites, n_incidents, seed=1)
    write_sites_geojson(sites, d / "sites.geojson")
    write_incidents_csv(incidents, d / "incidents.csv")
    write_parquet(sites_table(sites), d / "sites.parquet", ["Polygon", "Point"], 100_000)
    write_parquet(incidents_table(incidents), d / "incidents.parquet", ["Point"], 20_000)


def city(d, n_sites, n_incidents, gen):
    """The benchmark city: gen_workload's GeoJSON and CSV, copied to GeoParquet."""
    if not (d / "sites.geojson").exists():
        subprocess.run([gen, "--sites", str(n_sites), "--incidents", str(n_incidents), "--out", str(d)], check=True)
    ids, wkb = [], []
    with open(d / "sites.geojson") as f:
        for line in f:  # one feature per line
            line = line.strip().rstrip(",")
            if line.startswith("{\"type\":\"Feature\""):
                feature = json.loads(line)
                ids.append(feature["properties"]["id"])
                wkb.append(wkb_polygon(feature["geometry"]["coordinates"]))
    sites = pa.table({"id": ids, "kind": ["building"] * len(ids), "geometry": pa.array(wkb, pa.binary())})
    write_parquet(sites, d / "sites.parquet", ["Polygon"], 100_000)
    with open(d / "incidents.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # The command line reads the CSV's `start` column as the date.
    incidents = pa.table(
        {
            "id": [r["id"] for r in rows],
            "date": [r["start"] for r in rows],
            "geometry": pa.array([wkb_point(float(r["longitude"]), float(r["latitude"])) for r in rows], pa.binary()),
        }
    )
    write_parquet(incidents, d / "incidents.parquet", ["Point"], 20_000)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--cli", required=True, help="the impactmap program (a release build)")
    p.add_argument("--workload", choices=["city", "dense"], default="city")
    p.add_argument("--gen", help="the gen_workload example's program (city workload)")
    p.add_argument("--sites", type=int, default=1_000_000)
    p.add_argument("--incidents", type=int, default=100_000)
    p.add_argument("--skip-dask", action="store_true")
    p.add_argument("--spark", action="store_true", help="also the PySpark recipe (needs pyspark and Java)")
    args = p.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    if not (d / "sites.parquet").exists():
        if args.workload == "dense":
            dense(d, args.sites, args.incidents)
        else:
            city(d, args.sites, args.incidents, args.gen)
    import impactmap

    def cli(sites, incidents, out, threads=None):
        env = dict(os.environ)
        if threads:
            env["RAYON_NUM_THREADS"] = str(threads)
        subprocess.run([args.cli, "proximity", "--sites", str(sites), "--incidents", str(incidents), "-o", str(out), "--quiet"], check=True, env=env)

    one = d / "one.parquet"
    pq.write_table(pq.read_table(d / "incidents.parquet").slice(0, 1), one)
    geojson = best(lambda: cli(d / "sites.geojson", one, d / "one.csv"))
    parquet = best(lambda: cli(d / "sites.parquet", one, d / "one.csv"))
    n_sites = pq.ParquetFile(d / "sites.parquet").metadata.num_rows
    print(f"command line reads {n_sites:,} sites: GeoJSON {geojson:.2f} s, GeoParquet {parquet:.2f} s ({geojson / parquet:.1f}x)")

    sites_t, incidents_t = pq.read_table(d / "sites.parquet"), pq.read_table(d / "incidents.parquet")
    n = min(incidents_t.num_rows, sites_t.num_rows)
    all_cores = best(lambda: impactmap.distance(incidents_t["geometry"][:n], sites_t["geometry"][:n]))
    code = (
        "import sys, time, pyarrow.parquet as pq, impactmap; t = pq.read_table(sys.argv[1]); s = pq.read_table(sys.argv[2]); n = min(t.num_rows, s.num_rows); "
        "a = time.perf_counter(); impactmap.distance(t['geometry'][:n], s['geometry'][:n]); print(time.perf_counter() - a)"
    )
    one_core = min(
        float(subprocess.run([sys.executable, "-c", code, str(d / "incidents.parquet"), str(d / "sites.parquet")], env={**os.environ, "RAYON_NUM_THREADS": "1"}, capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    )
    print(f"distance UDF, {n:,} pairs (incident i, site i): {n / one_core:,.0f} pairs/s on one core, {n / all_cores:,.0f} on all ({os.cpu_count()})")

    whole_cli = best(lambda: cli(d / "sites.parquet", d / "incidents.parquet", d / "cli.parquet"))
    whole_py = best(lambda: impactmap.nearest(pq.read_table(d / "incidents.parquet"), pq.read_table(d / "sites.parquet")))
    print(f"nearest, {n_sites:,} x {incidents_t.num_rows:,} from GeoParquet: command line {whole_cli:.2f} s, impactmap.nearest {whole_py:.2f} s (reading included)")

    if args.skip_dask:
        return
    single = best(lambda: cli(d / "sites.parquet", d / "incidents.parquet", d / "cli1.parquet", threads=1), repeat=1)
    print(f"command line on one thread: {single:.2f} s")
    for workers in (1, 2):
        run = subprocess.run(
            [sys.executable, str(HERE / "dask_nearest.py"), str(d / "sites.parquet"), str(d / "incidents.parquet"), str(d / f"dask{workers}.parquet"), "--workers", str(workers)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "RAYON_NUM_THREADS": "1"},
        )
        print(f"dask, {workers} worker(s) of one thread: {json.loads(run.stderr.strip().splitlines()[-1])}; equal to the command line: {same_as_cli(d, f'dask{workers}.parquet')}")
    if not args.spark:
        return
    for cores in (1, 2):
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(HERE / "spark_nearest.py"), str(d / "sites.parquet"), str(d / "incidents.parquet"), str(d / f"spark{cores}.parquet"), "--master", f"local[{cores}]"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "RAYON_NUM_THREADS": "1"},
        )
        seconds = time.perf_counter() - start
        print(f"spark, local[{cores}]: {seconds:.1f} s with the JVM's start; {run.stderr.strip().splitlines()[-1]}; equal to the command line: {same_as_cli(d, f'spark{cores}.parquet')}")


def same_as_cli(d, name):
    """Whether a recipe's answer has the command line's rows (geometry aside)."""
    return pq.read_table(d / name).drop_columns(["geometry"]).equals(pq.read_table(d / "cli.parquet").drop_columns(["geometry"]))


if __name__ == "__main__":
    main()
