"""The DuckDB and SedonaDB recipes (examples/python): `impactmap.distance`
as a SQL UDF refines candidate pairs to the command line's answer."""

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import cli_rows, workload, write_case

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "python"))

WINDOW_M = 300.0


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    d = write_case(tmp_path_factory.mktemp("sql"), *workload(2_000, 800, seed=11))
    reference = cli_rows(d / "sites.geojson", d / "incidents.csv", d / "ref.csv")
    return d, {r["incident_id"]: r for r in reference}


def assert_nearest_within_window(got, reference):
    """Rows (incident_id, site_id, distance_m) are the CLI's for every incident
    whose nearest site lies within the window. An impact inside overlapping
    footprints is 0 m from each: SQL may name another of them."""
    got = {r["incident_id"]: r for r in got}
    within = {k for k, r in reference.items() if float(r["distance_m"]) <= WINDOW_M}
    assert len(within) > len(reference) // 2
    assert within <= got.keys()
    for k in within:
        if float(reference[k]["distance_m"]) > 0:
            assert got[k]["site_id"] == reference[k]["site_id"], (got[k], reference[k])
        assert got[k]["distance_m"] == pytest.approx(float(reference[k]["distance_m"]), abs=6e-7)


def test_duckdb_udf_gives_the_command_lines_nearest(case):
    duckdb_nearest = pytest.importorskip("duckdb_nearest")
    d, reference = case
    duckdb_nearest.main([str(d / "sites.parquet"), str(d / "incidents.parquet"), str(d / "duck.parquet"), "--window-m", str(WINDOW_M)])
    assert_nearest_within_window(pq.read_table(d / "duck.parquet").to_pylist(), reference)


def test_sedonadb_udf_gives_the_command_lines_nearest(case):
    pytest.importorskip("sedonadb")
    import sedonadb_distance

    d, reference = case
    sd = sedonadb_distance.connect()
    sd.read_parquet(str(d / "sites.parquet")).to_view("sites")
    sd.read_parquet(str(d / "incidents.parquet")).to_view("incidents")
    # Through the Arrow PyCapsule interface (to_arrow_table would need geoarrow-pyarrow).
    got = pa.table(sd.sql(sedonadb_distance.nearest_sql(sedonadb_distance.window_deg(WINDOW_M, 51.0))))
    assert_nearest_within_window(got.to_pylist(), reference)
