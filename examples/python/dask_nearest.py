"""Exact nearest site for every incident on a Dask cluster, sites partitioned
in space (never sent whole to every task).

    python dask_nearest.py SITES INCIDENTS OUT [--workers 2] [--partitions 8] [--halo-m 500]

SITES and INCIDENTS are GeoParquet (a file, or a folder of files) with WKB
geometries in WGS84 lon/lat, as GeoPandas writes them: sites have `id` and
`geometry`, incidents `id`, `date` and a Point `geometry`. OUT is a Parquet
file of `impactmap.nearest`'s columns, one row per incident in input order:
the same rows as `impactmap proximity` on one machine.

How it stays exact (the partitioning is `impactmap.partition`, shared with
the PySpark recipe):
1. One task per Parquet fragment reads only the sites' geometries and
   returns their bounding boxes (32 bytes a site).
2. The globe is cut into longitude stripes holding equal numbers of sites.
   Each incident is routed to the stripe its longitude falls in.
3. A stripe's task reads the sites whose bounding box reaches into the
   stripe widened by a halo of `halo` degrees of longitude, and answers its
   incidents with `impactmap.nearest`.
4. A site closer than `reach` metres to a point of the stripe lies within
   the halo (`partition.reach_m`), so an answer at a distance of at most
   `reach` is the true nearest site; sites keep their file order, so ties
   break as on one machine.
5. Incidents whose answer lies farther are widened: asked again with a halo
   that guarantees the farthest answer found (`partition.next_halo`, at
   least doubled), so that every incident that found a site is exact in the
   next round; until the halo spans the whole globe.
"""

import argparse
import json
import math
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import impactmap
from impactmap.partition import Stripes, exact, halo_deg, next_halo, reach_m, write_geoparquet


def fragments(path):
    """The Parquet fragments (file, row group, rows) of a file or folder, in order."""
    out = []
    for f in sorted(ds.dataset(path, format="parquet").files):
        meta = pq.ParquetFile(f).metadata
        out.extend((f, g, meta.row_group(g).num_rows) for g in range(meta.num_row_groups))
    return out


def read(fragment, columns=None):
    """A fragment's rows."""
    path, group, _ = fragment
    return pq.ParquetFile(path).read_row_group(group, columns=columns)


def fragment_bounds(fragment):
    """Bounding boxes of a fragment's geometries (numpy arrays)."""
    b = impactmap.bounds(read(fragment, ["geometry"])["geometry"])
    return {k: b[k].to_numpy(zero_copy_only=False) for k in ("xmin", "ymin", "xmax", "ymax")}


def route(fragment, first_row, stripes):
    """A fragment's incidents split by stripe, each with its input row number."""
    t = read(fragment)
    t = t.append_column("_row", pa.array(np.arange(first_row, first_row + t.num_rows)))
    stripe = stripes.of(impactmap.bounds(t["geometry"])["xmin"].to_numpy(zero_copy_only=False))
    return [t.filter(pa.array(stripe == p)) for p in range(len(stripes))]


def sites_rows(fragment, rows):
    """The given rows of a fragment of sites."""
    return read(fragment).take(pa.array(rows, pa.int64()))


def answer(incidents, sites, reach, band):
    """Nearest sites of a stripe's incidents: (exact rows, incidents to widen,
    the farthest answer among those in metres (NaN when the stripe found no
    site), how many of the exact answers lie outside the stripe, in its halo)."""
    incidents = pa.concat_tables(incidents)
    sites = [s for s in sites if s.num_rows]
    if incidents.num_rows == 0 or not sites:
        return None, incidents, math.nan, 0
    rows = impactmap.nearest(incidents.drop_columns(["_row"]), pa.concat_tables(sites))
    rows = rows.append_column("_row", incidents["_row"])
    distance = rows["distance_m"].to_numpy(zero_copy_only=False)
    done = exact(distance, reach)
    farthest = float(np.max(distance[~done])) if not done.all() else 0.0
    rows = rows.filter(pa.array(done))
    lon = rows["nearest_lon"].to_numpy()
    outside = int(np.count_nonzero((lon < band[0]) | (lon > band[1])))
    return rows, incidents.filter(pa.array(~done)), farthest, outside


def run(sites_path, incidents_path, out_path, client, partitions, halo_m):
    """Computes the rows on `client` and writes them to `out_path`; returns figures."""
    from dask import delayed

    site_frags = fragments(sites_path)
    boxes = client.gather(client.map(fragment_bounds, site_frags, pure=False))
    stripes = Stripes.balanced(np.concatenate([(b["xmin"] + b["xmax"]) / 2 for b in boxes]), partitions)

    inc_frags = fragments(incidents_path)
    first = np.cumsum([0] + [rows for _, _, rows in inc_frags])
    routed = [delayed(route, nout=len(stripes))(f, int(first[i]), stripes) for i, f in enumerate(inc_frags)]
    pending = [[r[p] for r in routed] for p in range(len(stripes))]
    # The incidents' largest latitude bounds the halo's reach in metres.
    max_lat = max(
        (float(np.nanmax(np.abs(np.concatenate([b["ymin"], b["ymax"]])))) for b in client.gather(client.map(fragment_bounds, inc_frags)) if len(b["ymin"])),
        default=0.0,
    )

    done, rounds, widened, from_halo = [], 0, [], 0
    halo = halo_deg(halo_m, max_lat)
    while any(pending):
        rounds += 1
        reach = reach_m(halo, max_lat)
        tasks = []
        for p in range(len(stripes)):
            if not pending[p]:
                continue
            sites = [delayed(sites_rows)(f, np.nonzero(stripes.reaching(b["xmin"], b["xmax"], p, halo))[0]) for f, b in zip(site_frags, boxes)]
            tasks.append((p, delayed(answer, nout=4)(pending[p], sites, reach, stripes.span(p))))
        results = client.compute([t for _, t in tasks], sync=True)
        count, farthest = 0, 0.0
        for (p, _), (rows, rest, far, outside) in zip(tasks, results):
            from_halo += outside
            if rows is not None:
                done.append(rows)
            pending[p] = [rest] if rest.num_rows else []
            count += rest.num_rows
            if rest.num_rows:  # NaN (a stripe found no site) stays NaN
                farthest = math.nan if math.isnan(far) else max(farthest, far)
        widened.append(count)
        if any(pending) and halo >= 360.0:
            raise ValueError(f"{sites_path} has no sites to answer the incidents with")
        halo = next_halo(halo, farthest, max_lat)

    if done:
        table = pa.concat_tables(done).sort_by("_row").drop_columns(["_row"])
    else:  # no incidents: the answer's columns, and no rows
        table = impactmap.nearest(ds.dataset(incidents_path, format="parquet").head(0), read(site_frags[0]).slice(0, 1))
    write_geoparquet(table, out_path)
    return {"partitions": len(stripes), "rounds": rounds, "widened": widened[:-1], "from_halo": from_halo, "rows": table.num_rows}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sites")
    p.add_argument("incidents")
    p.add_argument("out")
    p.add_argument("--workers", type=int, default=2, help="worker processes (one thread each)")
    p.add_argument("--partitions", type=int, default=8, help="longitude stripes of sites")
    p.add_argument("--halo-m", type=float, default=500.0, help="first halo around each stripe, metres")
    args = p.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        figures = run(args.sites, args.incidents, args.out, client, args.partitions, args.halo_m)
    figures["seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()
