"""GeoParquet in and out of the command line: files written with pyarrow
(as GeoPandas writes them) read the same as GeoJSON and CSV, and pyarrow
reads the table the program writes."""

import json
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import assert_rows_equal, cli_binary, cli_rows, geo_metadata, sites_table, workload, write_case


def write_geoparquet(table, path, types, **kw):
    pq.write_table(table.replace_schema_metadata(geo_metadata(types, **kw)), path)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return write_case(tmp_path_factory.mktemp("geoparquet"), *workload(2_500, 1_500, seed=7))


def test_geoparquet_inputs_read_as_geojson_and_csv(case):
    reference = cli_rows(case / "sites.geojson", case / "incidents.csv", case / "ref.csv")
    got = cli_rows(case / "sites.parquet", case / "incidents.parquet", case / "got.csv")
    assert got == reference


def test_nearest_reads_geoparquet_paths_as_the_command_line(case):
    import impactmap

    reference = cli_rows(case / "sites.geojson", case / "incidents.csv", case / "ref.csv")
    assert_rows_equal(impactmap.nearest(str(case / "incidents.parquet"), str(case / "sites.parquet")), reference)


def test_geoparquet_output_read_back_by_pyarrow(case):
    reference = cli_rows(case / "sites.geojson", case / "incidents.csv", case / "ref.csv")
    out = case / "out.parquet"
    subprocess.run([cli_binary(), "proximity", "--sites", str(case / "sites.parquet"), "--incidents", str(case / "incidents.csv"), "-o", str(out), "--quiet"], check=True)
    table = pq.read_table(out)
    assert_rows_equal(table, reference)
    geo = json.loads(pq.read_schema(out).metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    lon, lat = table["nearest_lon"].to_numpy(), table["nearest_lat"].to_numpy()
    assert geo["columns"]["geometry"]["bbox"] == [lon.min(), lat.min(), lon.max(), lat.max()]
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"


def test_large_binary_and_integer_ids_are_read(case, tmp_path):
    t = sites_table(workload(50, 1, seed=1)[0])
    t = t.set_column(0, "id", pa.array(range(t.num_rows))).set_column(2, "geometry", t["geometry"].cast(pa.large_binary()))
    write_geoparquet(t, tmp_path / "s.parquet", [])
    rows = cli_rows(tmp_path / "s.parquet", case / "incidents.csv", tmp_path / "o.csv")
    assert all(r["site_id"].isdigit() for r in rows)


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"encoding": "WKT"}, "encoding: write it as WKB or a GeoArrow native encoding"),
        ({"encoding": "point"}, "column `geometry`: a GeoArrow Point column must be struct<x: double, y: double>"),
        ({"crs": {"name": "WGS 84 / UTM zone 36N", "id": {"authority": "EPSG", "code": 32636}}}, "reproject to WGS84"),
    ],
)
def test_geoparquet_that_is_not_wkb_lon_lat_is_refused(case, tmp_path, kw, message):
    t = sites_table(workload(20, 1, seed=2)[0])
    write_geoparquet(t, tmp_path / "s.parquet", [], **kw)
    run = subprocess.run([cli_binary(), "proximity", "--sites", str(tmp_path / "s.parquet"), "--incidents", str(case / "incidents.csv"), "-o", str(tmp_path / "o.csv")], capture_output=True, text=True)
    assert run.returncode != 0
    assert message in run.stderr, run.stderr
    assert "panicked" not in run.stderr
