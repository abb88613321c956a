"""The Python package against the command line and known geodesic figures."""

import threading
import time

import pyarrow as pa
import pytest

import impactmap
from conftest import (
    assert_rows_equal,
    cli_rows,
    incidents_table,
    sites_table,
    square,
    wkb_point,
    wkb_polygon,
    workload,
    write_case,
)

# A 1-degree meridian arc from the equator on WGS84 (GeographicLib).
MERIDIAN_DEGREE_M = 110_574.389


@pytest.mark.parametrize("layout", [pa.binary(), pa.large_binary(), pa.binary_view()])
def test_distance_of_a_meridian_degree_in_every_wkb_layout(layout):
    points = pa.array([wkb_point(0.0, 1.0), None], layout)
    origin = pa.array([wkb_point(0.0, 0.0), wkb_point(0.0, 0.0)], layout)
    d = impactmap.distance(points, origin)
    assert isinstance(d, pa.DoubleArray)
    assert d[0].as_py() == pytest.approx(MERIDIAN_DEGREE_M, abs=1e-3)
    assert d[1].as_py() is None


def test_distance_broadcasts_a_polygon_and_is_zero_inside():
    block = pa.array([wkb_polygon([square(30.5, 50.45, 0.001)])])
    points = pa.array([wkb_point(30.5, 50.45), wkb_point(30.5, 50.45 + 0.002), wkb_point(30.5, 50.45 + 0.001)])
    d = impactmap.distance(points, block).to_pylist()
    assert d[0] == 0.0
    # North of the square's top edge (a parallel): nearly the meridian distance of 0.001°.
    top = impactmap.distance(pa.array([wkb_point(30.5, 50.451)]), pa.array([wkb_point(30.5, 50.452)])).to_pylist()[0]
    assert d[1] == pytest.approx(top, abs=0.01)
    assert d[2] == pytest.approx(0.0, abs=1e-6)
    # The other way round too: one point against many geometries.
    assert impactmap.distance(points[:1], pa.array([wkb_point(30.5, 50.45)] * 3)).to_pylist() == [0.0] * 3


def test_distance_over_chunked_arrays():
    chunked = pa.chunked_array([[wkb_point(0.0, 1.0)], [wkb_point(0.0, 2.0)]], pa.binary())
    d = impactmap.distance(chunked, pa.array([wkb_point(0.0, 0.0)]))
    assert len(d) == 2
    assert d[0].as_py() == pytest.approx(MERIDIAN_DEGREE_M, abs=1e-3)


def test_distance_refuses_bad_input_with_a_message():
    with pytest.raises(ValueError, match="same length"):
        impactmap.distance(pa.array([wkb_point(0, 0)] * 2), pa.array([wkb_point(0, 0)] * 3))
    with pytest.raises(ValueError, match=r"points\[0\].*WKB"):
        impactmap.distance(pa.array([b"\x01\x02"]), pa.array([wkb_point(0, 0)]))
    with pytest.raises(ValueError, match="swapped"):
        impactmap.distance(pa.array([wkb_point(50.0, 120.0)]), pa.array([wkb_point(0, 0)]))
    with pytest.raises(ValueError, match="binary"):
        impactmap.distance(pa.array(["POINT (0 0)"]), pa.array([wkb_point(0, 0)]))
    with pytest.raises(ValueError, match="not a Point"):
        impactmap.distance(pa.array([wkb_polygon([square(0, 0, 1)])]), pa.array([wkb_point(0, 0)]))


def test_distance_releases_the_gil():
    n = 200_000
    points = pa.array([wkb_point(30.5 + i * 1e-7, 50.46) for i in range(n)])
    block = pa.array([wkb_polygon([square(30.5, 50.45, 0.001)])])
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    start = time.perf_counter()
    t = threading.Thread(target=count)
    t.start()
    impactmap.distance(points, block)
    end = time.perf_counter()
    done.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    # Holding the GIL for the whole call would leave the other thread no tick.
    assert end - start < 0.05 or len(during) >= 3, (end - start, len(during))


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    sites, incidents = workload(3_000, 2_000, seed=15)
    return write_case(tmp_path_factory.mktemp("case"), sites, incidents), sites, incidents


def test_nearest_from_files_equals_the_command_line(case):
    d, _, _ = case
    rows = cli_rows(d / "sites.geojson", d / "incidents.csv", d / "cli.csv")
    table = impactmap.nearest(str(d / "incidents.csv"), d / "sites.geojson")
    assert table.column_names[:19] == list(rows[0].keys())
    assert table.column_names[19] == "geometry"
    assert_rows_equal(table, rows)


def test_nearest_from_arrow_tables_equals_the_command_line(case):
    d, sites, incidents = case
    rows = cli_rows(d / "sites.geojson", d / "incidents.csv", d / "cli.csv")
    table = impactmap.nearest(incidents_table(incidents), sites_table(sites))
    assert_rows_equal(table, rows)
    # The geometry column is the nearest point as WKB.
    assert table["geometry"][0].as_py() == wkb_point(table["nearest_lon"][0].as_py(), table["nearest_lat"][0].as_py())


def test_nearest_within_a_distance_equals_the_command_line(case):
    d, sites, incidents = case
    rows = cli_rows(d / "sites.geojson", d / "incidents.csv", d / "cli_within.csv", "--max-distance", "150")
    table = impactmap.nearest(incidents_table(incidents), sites_table(sites), max_distance_m=150)
    assert len(rows) > len(incidents)  # several sites per incident somewhere
    assert_rows_equal(table, rows)


def test_nearest_refuses_bad_tables_with_a_message(case, tmp_path):
    _, sites, incidents = case
    no_date = incidents_table(incidents).drop_columns(["date"])
    with pytest.raises(ValueError, match="date"):
        impactmap.nearest(no_date, sites_table(sites))
    twice = pa.concat_tables([sites_table(sites[:2]), sites_table(sites[:1])])
    with pytest.raises(ValueError, match="duplicate site"):
        impactmap.nearest(incidents_table(incidents), twice)
    with pytest.raises(ValueError, match="max_distance_m"):
        impactmap.nearest(incidents_table(incidents), sites_table(sites), max_distance_m=-1)
    with pytest.raises(OSError, match="no such file"):
        impactmap.nearest(incidents_table(incidents), tmp_path / "missing.geojson")
