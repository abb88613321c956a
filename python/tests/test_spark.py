"""The PySpark recipe (examples/python/spark_nearest.py) equals the command
line row for row, on stripes whose edges cut through dense blocks. One Spark
session (local mode, 2 cores) serves the whole module: its JVM takes seconds
to start."""

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import assert_rows_equal, incidents_table, missing_tool, partitioned_case, sites_table, workload, write_parts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
RECIPE = EXAMPLES / "spark_nearest.py"


@pytest.fixture(scope="module")
def spark():
    """The recipe's module and a Spark session (local[2]) whose workers can import it."""
    if importlib.util.find_spec("pyspark") is None:
        missing_tool("PySpark is needed: pip install -r .ci/python-requirements.txt")
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not os.path.exists(java):
        missing_tool("Java 17 or later is needed for PySpark (Debian: openjdk-17-jre-headless)")
    sys.path.insert(0, str(EXAMPLES))
    import spark_nearest

    session = spark_nearest.session("local[2]")
    session.sparkContext.addPyFile(str(RECIPE))
    yield spark_nearest, session
    session.stop()


def test_spark_answer_equals_the_command_line(tmp_path, spark):
    recipe, session = spark
    sites, incidents = workload(4_000, 3_000, seed=3)
    rows = partitioned_case(tmp_path, sites, incidents)

    out = tmp_path / "spark.parquet"
    # A 20 m first halo: most stripes' answers need widening at least once.
    figures = recipe.run(session, tmp_path / "sites", tmp_path / "incidents", out, partitions=6, halo_m=20.0)
    assert_rows_equal(pq.read_table(out), rows)
    assert figures["partitions"] == 6 and figures["rows"] == len(incidents)
    # Widening happened, and answers came from sites beyond the stripe's edge.
    assert figures["widened"] and figures["widened"][0] > 0, figures
    assert figures["from_halo"] > 0, figures
    assert b"geo" in pq.read_schema(out).metadata
    assert not out.with_name(out.name + ".partial").exists()


def test_spark_names_a_folder_without_sites(tmp_path, spark):
    recipe, session = spark
    sites, incidents = workload(10, 20, seed=5)
    write_parts(incidents_table(incidents), tmp_path / "incidents", parts=1, row_group_size=10)
    write_parts(sites_table(sites).slice(0, 0), tmp_path / "sites", parts=1, row_group_size=10)
    with pytest.raises(ValueError, match="has no sites"):
        recipe.run(session, tmp_path / "sites", tmp_path / "incidents", tmp_path / "out.parquet", partitions=2, halo_m=20.0)
    assert not (tmp_path / "out.parquet").exists()


def test_spark_writes_no_rows_for_no_incidents(tmp_path, spark):
    recipe, session = spark
    sites, incidents = workload(10, 20, seed=5)
    write_parts(incidents_table(incidents).slice(0, 0), tmp_path / "incidents", parts=1, row_group_size=10)
    write_parts(sites_table(sites), tmp_path / "sites", parts=1, row_group_size=10)
    figures = recipe.run(session, tmp_path / "sites", tmp_path / "incidents", tmp_path / "out.parquet", partitions=2, halo_m=20.0)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 0 and figures["rounds"] == 0
    assert "distance_m" in table.column_names and b"geo" in table.schema.metadata
