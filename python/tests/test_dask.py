"""The Dask recipe (examples/python/dask_nearest.py) equals the command line
row for row, on partitions whose boundaries cut through dense blocks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import assert_rows_equal, incidents_table, partitioned_case, sites_table, workload, write_parts

pytest.importorskip("dask.distributed")

RECIPE = Path(__file__).resolve().parents[2] / "examples" / "python" / "dask_nearest.py"


def test_dask_answer_equals_the_command_line(tmp_path):
    sites, incidents = workload(4_000, 3_000, seed=3)
    rows = partitioned_case(tmp_path, sites, incidents)

    out = tmp_path / "dask.parquet"
    # A 20 m first halo: most stripes' answers need widening at least once.
    run = subprocess.run(
        [sys.executable, str(RECIPE), str(tmp_path / "sites"), str(tmp_path / "incidents"), str(out), "--workers", "2", "--partitions", "6", "--halo-m", "20"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stderr.strip().splitlines()[-1])
    table = pq.read_table(out)
    assert_rows_equal(table, rows)
    assert figures["partitions"] == 6 and figures["rows"] == len(incidents)
    # Widening happened, and answers came from sites beyond the stripe's edge.
    assert figures["widened"] and figures["widened"][0] > 0, figures
    assert figures["from_halo"] > 0, figures
    assert b"geo" in pq.read_schema(out).metadata


def test_dask_writes_no_rows_for_no_incidents(tmp_path):
    sites, incidents = workload(10, 20, seed=5)
    write_parts(incidents_table(incidents).slice(0, 0), tmp_path / "incidents", parts=1, row_group_size=10)
    write_parts(sites_table(sites), tmp_path / "sites", parts=1, row_group_size=10)
    out = tmp_path / "out.parquet"
    run = subprocess.run([sys.executable, str(RECIPE), str(tmp_path / "sites"), str(tmp_path / "incidents"), str(out), "--workers", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    table = pq.read_table(out)
    assert table.num_rows == 0 and "distance_m" in table.column_names and b"geo" in table.schema.metadata
