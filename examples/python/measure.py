"""The figures of the README's "Beyond one machine", measured on a seeded
synthetic city (square footprints and points in dense blocks around Kyiv).

    python measure.py DIR [--sites 1000000] [--incidents 100000] [--cli PATH]

Writes the workload into DIR (GeoJSON, CSV and GeoParquet) and prints, best
of three: reading the sites from GeoJSON and from GeoParquet (through
`impactmap.nearest` with one incident), the distance UDF's rows per second on
one core (RAYON_NUM_THREADS=1) and on all, and with --cli the command line
against the Dask recipe on 1 and 2 workers.
"""

import argparse
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
from conftest import incidents_table, sites_table, workload, write_incidents_csv, write_sites_geojson  # noqa: E402


def best(f, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--sites", type=int, default=1_000_000)
    p.add_argument("--incidents", type=int, default=100_000)
    p.add_argument("--cli")
    args = p.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    sites, incidents = workload(args.sites, args.incidents, seed=1)
    if not (d / "sites.parquet").exists():
        write_sites_geojson(sites, d / "sites.geojson")
        write_incidents_csv(incidents, d / "incidents.csv")
        pq.write_table(sites_table(sites), d / "sites.parquet", row_group_size=100_000)
        pq.write_table(incidents_table(incidents), d / "incidents.parquet", row_group_size=20_000)
    import impactmap

    one = incidents_table(incidents[:1])
    geojson = best(lambda: impactmap.nearest(one, str(d / "sites.geojson")))
    parquet = best(lambda: impactmap.nearest(one, pq.read_table(d / "sites.parquet")))
    print(f"read {args.sites} sites: GeoJSON {geojson:.2f} s, GeoParquet {parquet:.2f} s ({geojson / parquet:.1f}x)")

    points = incidents_table(incidents)["geometry"]
    polygons = sites_table(sites[: len(incidents)])["geometry"]
    all_cores = best(lambda: impactmap.distance(points, polygons))
    code = "import sys, time, pyarrow.parquet as pq, impactmap; t = pq.read_table(sys.argv[1]); s = pq.read_table(sys.argv[2]).slice(0, t.num_rows); a = time.perf_counter(); impactmap.distance(t['geometry'], s['geometry']); print(time.perf_counter() - a)"
    one_core = min(
        float(subprocess.run([sys.executable, "-c", code, str(d / "incidents.parquet"), str(d / "sites.parquet")], env={**os.environ, "RAYON_NUM_THREADS": "1"}, capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    )
    n = len(points)
    print(f"distance UDF: {n / one_core:,.0f} pairs/s on one core, {n / all_cores:,.0f} on all ({os.cpu_count()})")

    if args.cli:
        out = d / "cli.csv"
        cli = best(lambda: subprocess.run([args.cli, "proximity", "--sites", str(d / "sites.geojson"), "--incidents", str(d / "incidents.csv"), "-o", str(out), "--quiet"], check=True), repeat=1)
        print(f"command line: {cli:.2f} s")
        for workers in (1, 2):
            run = subprocess.run([sys.executable, str(HERE / "dask_nearest.py"), str(d / "sites.parquet"), str(d / "incidents.parquet"), str(d / f"dask{workers}.parquet"), "--workers", str(workers)], capture_output=True, text=True, check=True)
            print(f"dask, {workers} worker(s): {json.loads(run.stderr.strip().splitlines()[-1])}")


if __name__ == "__main__":
    main()
