"""GeoArrow native encodings: GeoParquet files that GeoPandas itself writes
with geometry_encoding="geoarrow" (points, polygons, multipolygons, a bbox
covering, 3D) give the same proximity rows as the WKB and GeoJSON versions
of the same data, through the command line and impactmap.nearest."""

import json
import math
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import impactmap
from conftest import assert_rows_equal, cli_binary, cli_rows, workload

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


def frames():
    """Footprints (polygons, every fifth with an annex: a multipolygon),
    point sites and incidents of a seeded workload, as GeoDataFrames."""
    sites, incidents = workload(2_000, 1_200, seed=11)
    footprints, points = [], []
    for n, s in enumerate(sites):
        if "point" in s:
            points.append((s["id"], shapely.Point(s["point"])))
            continue
        polygon = shapely.Polygon(s["ring"])
        if n % 5 == 0:
            x0, y0, x1, y1 = polygon.bounds
            annex = shapely.box(x0 + 0.0006, y0, x1 + 0.0006, y1)
            polygon = shapely.MultiPolygon([polygon, annex])
        footprints.append((s["id"], polygon))

    def frame(rows, **columns):
        ids, geometries = zip(*rows)
        return gpd.GeoDataFrame({"id": list(ids), **columns}, geometry=list(geometries), crs="EPSG:4326")

    footprints = frame(footprints, kind=["building"] * len(footprints))
    points = frame(points, kind=["building"] * len(points))
    incidents = frame([(k["id"], shapely.Point(k["point"])) for k in incidents], date=[k["date"] for k in incidents])
    return {"footprints": footprints, "points": points}, incidents


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("geoarrow")
    sites, incidents = frames()
    for name, gdf in [*sites.items(), ("incidents", incidents)]:
        (folder / f"{name}.geojson").write_text(gdf.to_json(drop_id=True))
        gdf.to_parquet(folder / f"{name}_wkb.parquet", geometry_encoding="WKB")
        gdf.to_parquet(folder / f"{name}_geoarrow.parquet", geometry_encoding="geoarrow", write_covering_bbox=True, row_group_size=500)
    footprints = sites["footprints"]
    footprints.set_geometry(footprints.force_3d(12.5)).to_parquet(folder / "footprints_3d.parquet", geometry_encoding="geoarrow")
    return folder, sites, incidents


def test_geopandas_writes_native_encodings(case):
    folder, _, _ = case
    for name, encoding in [("footprints", "multipolygon"), ("points", "point"), ("incidents", "point")]:
        geo = json.loads(pq.read_schema(folder / f"{name}_geoarrow.parquet").metadata[b"geo"])
        assert geo["columns"]["geometry"]["encoding"] == encoding
        assert "bbox" in geo["columns"]["geometry"]["covering"]
    assert pa.types.is_struct(pq.read_schema(folder / "footprints_3d.parquet").field("geometry").type.value_type.value_type.value_type)


@pytest.mark.parametrize("sites", ["footprints", "points"])
def test_cli_reads_geoarrow_as_wkb_and_geojson(case, sites):
    folder, _, _ = case
    reference = cli_rows(folder / f"{sites}.geojson", folder / "incidents.geojson", folder / "ref.csv")
    assert len(reference) == 1_200
    wkb = cli_rows(folder / f"{sites}_wkb.parquet", folder / "incidents_wkb.parquet", folder / "wkb.csv")
    native = cli_rows(folder / f"{sites}_geoarrow.parquet", folder / "incidents_geoarrow.parquet", folder / "native.csv")
    assert wkb == reference
    assert native == reference
    if sites == "footprints":
        assert any(float(r["distance_m"]) == 0 for r in reference)
        z = cli_rows(folder / "footprints_3d.parquet", folder / "incidents_geoarrow.parquet", folder / "z.csv")
        assert z == reference


@pytest.mark.parametrize("interleaved", [False, True])
def test_nearest_takes_geoarrow_tables(case, interleaved):
    folder, sites, incidents = case
    reference = cli_rows(folder / "footprints.geojson", folder / "incidents.geojson", folder / "ref.csv")
    native = lambda gdf: pa.table(gdf.to_arrow(geometry_encoding="geoarrow", interleaved=interleaved))
    table = impactmap.nearest(native(incidents), native(sites["footprints"]))
    assert_rows_equal(table, reference)
    # And the GeoParquet file, read by pyarrow.
    table = impactmap.nearest(pq.read_table(folder / "incidents_geoarrow.parquet"), pq.read_table(folder / "footprints_geoarrow.parquet"))
    assert_rows_equal(table, reference)


def run_cli(sites, incidents, out):
    return subprocess.run([cli_binary(), "proximity", "--sites", str(sites), "--incidents", str(incidents), "-o", str(out)], capture_output=True, text=True)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_bad_native_files_get_errors_naming_file_row_and_column(case, tmp_path):
    folder, sites, _ = case
    incidents = folder / "incidents_geoarrow.parquet"
    # A NaN coordinate in the third footprint.
    gdf = sites["footprints"].head(5).copy()
    geometry = gdf.geometry.iloc[2]
    ring = list((geometry.geoms[0] if geometry.geom_type == "MultiPolygon" else geometry).exterior.coords)
    ring[1] = (ring[1][0], math.nan)
    gdf.loc[gdf.index[2], "geometry"] = shapely.MultiPolygon([shapely.Polygon(ring)])
    path = tmp_path / "nan.parquet"
    gdf.to_parquet(path, geometry_encoding="geoarrow")
    run = run_cli(path, incidents, tmp_path / "o.csv")
    assert run.returncode == 2, run.stderr
    assert f"{path}: row 3: `geometry`: coordinates must be finite numbers (no NaN)" in run.stderr, run.stderr
    # An encoding that says polygon over a point column.
    table = pq.read_table(folder / "points_geoarrow.parquet")
    geo = json.loads(table.schema.metadata[b"geo"])
    geo["columns"]["geometry"]["encoding"] = "polygon"
    path = tmp_path / "lying.parquet"
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), path)
    run = run_cli(path, incidents, tmp_path / "o.csv")
    assert run.returncode == 2, run.stderr
    assert f"{path}: column `geometry`: a GeoArrow Polygon column must be list<list<coordinates>>" in run.stderr, run.stderr
    assert "panicked" not in run.stderr


def test_distance_and_bounds_take_native_arrays(case):
    _, sites, incidents = case
    n = 1_000
    polygons = sites["footprints"].geometry.iloc[:n]
    # Every third point inside its polygon (distance 0).
    points = incidents.geometry.iloc[:n].copy()
    points.iloc[::3] = polygons.iloc[::3].representative_point().values
    wkb = lambda s: pa.array(list(s.to_wkb()), pa.binary())
    reference = impactmap.distance(wkb(points), wkb(polygons))
    assert reference.null_count == 0 and min(reference.to_pylist()) == 0
    boxes = impactmap.bounds(wkb(polygons))
    for interleaved in (False, True):
        native = lambda s: s.to_arrow(geometry_encoding="geoarrow", interleaved=interleaved)
        assert impactmap.distance(native(points), native(polygons)) == reference
        assert impactmap.bounds(native(polygons)) == boxes
        # Without the extension name (pyarrow drops it), by the nesting.
        assert impactmap.distance(pa.array(native(points)), pa.array(native(polygons))) == reference
