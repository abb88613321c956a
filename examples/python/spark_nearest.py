"""Exact nearest site for every incident on Apache Spark, sites partitioned
in space (never broadcast whole).

    python spark_nearest.py SITES INCIDENTS OUT [--master local[2]] [--partitions 8] [--halo-m 500]

SITES and INCIDENTS are GeoParquet (a file, or a folder of files) with WKB
geometries in WGS84 lon/lat, as GeoPandas writes them: sites have `id` and
`geometry`, incidents `id`, `date` and a Point `geometry`. OUT is a Parquet
file of `impactmap.nearest`'s columns, one row per incident in input order,
written by the driver: the same rows as `impactmap proximity` on one
machine. Input order is each incident's file path, then its row in the file
(Spark's `_metadata` columns); the driver sorts the answers by it. Every executor needs the impactmap
package; `--master` is any Spark master URL.

How it stays exact (as the Dask recipe; the partitioning is
`impactmap.partition`):
1. A `mapInArrow` pass gives every site its bounding box; `approxQuantile`
   of the boxes' centres cuts longitude stripes of about equal site counts.
2. Each incident is routed to the stripe its longitude falls in. Each site
   is copied to every stripe whose halo (the stripe widened by `halo`
   degrees of longitude) its box reaches into, and to no other.
3. Incidents and their stripe's sites are repartitioned by stripe (Spark
   4.1's `repartitionById`: one partition a stripe), and a `mapInArrow` task
   answers each stripe's incidents with `impactmap.nearest`, sites in file
   order, so that ties break as on one machine.
4. An answer at most `reach` metres away is the true nearest site
   (`partition.reach_m`). The others are asked again with a halo that
   guarantees the farthest answer found (`partition.next_halo`, at least
   doubled), until it spans the globe; each round's answers are checkpointed.
"""

import argparse
import functools
import json
import math
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import impactmap
from impactmap.partition import Stripes, exact, halo_deg, next_halo, reach_m, write_geoparquet

BOX = ["xmin", "ymin", "xmax", "ymax"]
ORDER = ["_file", "_row"]


def session(master):
    """A Spark session whose Python workers run this interpreter."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.master(master).appName("impactmap nearest").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read(spark, path):
    """GeoParquet rows as a struct `row`, with their place in the input:
    `_file` (the file's path) and `_row` (the row within the file)."""
    from pyspark.sql import functions as F

    df = spark.read.parquet(str(path))
    return df.select(F.struct(*df.columns).alias("row"), F.col("_metadata.file_path").alias("_file"), F.col("_metadata.row_index").alias("_row"))


def with_boxes(batches):
    """mapInArrow: each row with its geometry's bounding box (degrees)."""
    for b in batches:
        box = impactmap.bounds(pc.struct_field(b.column("row"), "geometry"))
        yield pa.RecordBatch.from_arrays([*b.columns, *(box[k].combine_chunks() for k in BOX)], names=[*b.schema.names, *BOX])


def route(stripes, batches):
    """mapInArrow: each incident with its stripe."""
    for b in batches:
        stripe = stripes.of(b.column("xmin").to_numpy(zero_copy_only=False))
        yield pa.RecordBatch.from_arrays([pa.array(stripe, pa.int32()), b.column("row"), b.column("_file"), b.column("_row")], names=["stripe", "row", *ORDER])


def spread(stripes, wanted, halo, batches):
    """mapInArrow: each site once for every stripe in `wanted` whose halo
    (`halo` degrees of longitude) its box reaches into."""
    for b in batches:
        xmin, xmax = (b.column(k).to_numpy(zero_copy_only=False) for k in ("xmin", "xmax"))
        for p in wanted:
            hit = stripes.reaching(xmin, xmax, p, halo)
            if hit.any():
                s = b.filter(pa.array(hit))
                yield pa.RecordBatch.from_arrays([pa.array(np.full(s.num_rows, p), pa.int32()), s.column("row"), s.column("_file"), s.column("_row")], names=["stripe", "row", *ORDER])


def answer(stripes, reach, answer_type, batches):
    """mapInArrow over a partition of stripes' incidents and sites: each
    incident with its nearest site among them, whether that answer is exact
    and whether the site lies outside the stripe (in its halo)."""
    batches = list(batches)
    if not batches:
        return
    rows = pa.Table.from_batches(batches)
    for p in pc.unique(rows["stripe"]).to_pylist():
        part = rows.filter(pc.equal(rows["stripe"], p))
        is_site = pc.is_valid(part["site"])
        incidents = part.filter(pc.invert(is_site))
        sites = part.filter(is_site).sort_by([(k, "ascending") for k in ORDER])
        if incidents.num_rows == 0:
            continue
        if sites.num_rows == 0:  # no site in reach yet: widen
            found = pa.nulls(incidents.num_rows, answer_type)
            ok = outside = np.zeros(incidents.num_rows, bool)
        else:
            near = impactmap.nearest(pa.Table.from_struct_array(incidents["incident"]), pa.Table.from_struct_array(sites["site"]))
            found = pa.StructArray.from_arrays([c.combine_chunks() for c in near.columns], fields=list(answer_type))
            ok = exact(near["distance_m"].to_numpy(zero_copy_only=False), reach)
            lo, hi = stripes.span(p)
            lon = near["nearest_lon"].to_numpy(zero_copy_only=False)
            outside = ok & ((lon < lo) | (lon > hi))
        yield pa.RecordBatch.from_arrays(
            [incidents["stripe"].combine_chunks(), *(incidents[k].combine_chunks() for k in ORDER), incidents["incident"].combine_chunks(), found, pa.array(ok), pa.array(outside)],
            names=["stripe", *ORDER, "incident", "answer", "exact", "outside"],
        )


def run(spark, sites_path, incidents_path, out_path, partitions, halo_m):
    """Computes the rows with `spark` and writes them to `out_path`; returns figures."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_type
    from pyspark.sql.types import BooleanType, DoubleType, IntegerType, StructField, StructType

    def boxed(df):
        schema = StructType(df.schema.fields + [StructField(k, DoubleType()) for k in BOX])
        return df.mapInArrow(with_boxes, schema).localCheckpoint()

    sites, incidents = boxed(read(spark, sites_path)), boxed(read(spark, incidents_path))
    if sites.isEmpty():
        raise ValueError(f"{sites_path} has no sites to answer the incidents with")
    site_type, incident_type = sites.schema["row"].dataType, incidents.schema["row"].dataType
    centres = sites.select(((F.col("xmin") + F.col("xmax")) / 2).alias("x"))
    stripes = Stripes(centres.approxQuantile("x", Stripes.levels(partitions), 1e-3))
    # The incidents' largest latitude bounds the halo's reach in metres.
    max_lat = incidents.agg(F.max(F.greatest(F.abs("ymin"), F.abs("ymax")))).first()[0] or 0.0

    # The answer's columns, from one incident and one site.
    one = [pa.Table.from_struct_array(df.select("row").limit(1).toArrow()["row"]) for df in (incidents, sites)]
    answer_type = pa.struct(list(impactmap.nearest(*one).schema))
    stripe_type = StructType([StructField("stripe", IntegerType())])
    keyed = StructType(stripe_type.fields + [StructField("row", incident_type), *(incidents.schema[k] for k in ORDER)])
    pending = incidents.mapInArrow(functools.partial(route, stripes), keyed)
    out_type = StructType(
        stripe_type.fields
        + [
            *(incidents.schema[k] for k in ORDER),
            StructField("incident", incident_type),
            StructField("answer", from_arrow_type(answer_type)),
            StructField("exact", BooleanType()),
            StructField("outside", BooleanType()),
        ]
    )

    done, rounds, widened, from_halo = [], 0, [], 0
    wanted = sorted(r.stripe for r in pending.select("stripe").distinct().collect())
    halo = halo_deg(halo_m, max_lat)
    while wanted:
        rounds += 1
        reach = reach_m(halo, max_lat)
        near = sites.mapInArrow(functools.partial(spread, stripes, wanted, halo), StructType(stripe_type.fields + [StructField("row", site_type), *(sites.schema[k] for k in ORDER)]))
        both = near.select("stripe", *ORDER, F.col("row").alias("site"), F.lit(None).cast(incident_type).alias("incident")).unionByName(
            pending.select("stripe", *ORDER, F.lit(None).cast(site_type).alias("site"), F.col("row").alias("incident"))
        )
        # Partition p holds stripe p (empty when the stripe has no incidents left).
        result = both.repartitionById(len(stripes), "stripe").mapInArrow(functools.partial(answer, stripes, reach, answer_type), out_type).localCheckpoint()
        done.append(result.where("exact").select(*ORDER, "answer"))
        pending = result.where("NOT exact").select("stripe", F.col("incident").alias("row"), *ORDER)
        left, outside, wanted, farthest, lost = result.agg(
            F.count_if(~F.col("exact")),
            F.count_if(F.col("outside")),
            F.sort_array(F.collect_set(F.when(~F.col("exact"), F.col("stripe")))),
            F.max(F.when(~F.col("exact"), F.col("answer.distance_m"))),
            F.count_if(~F.col("exact") & F.col("answer").isNull()),
        ).first()
        widened.append(left)
        from_halo += outside
        if wanted and halo >= 360.0:
            raise ValueError(f"{sites_path} has no sites to answer the incidents with")
        # The farthest answer not accepted sets the next halo (unknown when a stripe found no site).
        halo = next_halo(halo, math.nan if lost or farthest is None else farthest, max_lat)

    # The answers come to the driver (as in the Dask recipe), where they are put in input order.
    if done:
        answers = functools.reduce(lambda a, b: a.unionByName(b), done).toArrow().sort_by([(k, "ascending") for k in ORDER])
        table = pa.Table.from_struct_array(answers["answer"])
    else:
        table = pa.schema(list(answer_type)).empty_table()
    write_geoparquet(table, out_path)
    return {"partitions": len(stripes), "rounds": rounds, "widened": widened[:-1], "from_halo": from_halo, "rows": table.num_rows}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sites")
    p.add_argument("incidents")
    p.add_argument("out")
    p.add_argument("--master", default="local[2]", help="Spark master URL (local[2]: this machine, 2 cores)")
    p.add_argument("--partitions", type=int, default=8, help="longitude stripes of sites")
    p.add_argument("--halo-m", type=float, default=500.0, help="first halo around each stripe, metres")
    args = p.parse_args(argv)

    start = time.perf_counter()
    spark = session(args.master)
    try:
        figures = run(spark, args.sites, args.incidents, args.out, args.partitions, args.halo_m)
    finally:
        spark.stop()
    figures["seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()
