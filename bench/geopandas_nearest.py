"""Nearest site per incident with GeoPandas, the way a GIS analyst would do it:
read_file -> to_crs(UTM 36N) -> sjoin_nearest(distance_col=...) -> to_csv.

usage: python geopandas_nearest.py SITES INCIDENTS OUT.csv

Writes incident_id,site_id,distance_m (one row per incident and nearest site;
sjoin_nearest gives several rows when sites tie). Stage times go to stderr.
"""

import sys
import time

t0 = time.perf_counter()
import geopandas as gpd  # noqa: E402

T_IMPORT = time.perf_counter() - t0

UTM_36N = 32636


def main(sites_path, incidents_path, out_path):
    stages = []
    t = time.perf_counter()
    sites = gpd.read_file(sites_path, engine="pyogrio")
    incidents = gpd.read_file(incidents_path, engine="pyogrio")
    stages.append(("read", time.perf_counter() - t))
    t = time.perf_counter()
    sites = sites.to_crs(UTM_36N)
    incidents = incidents.to_crs(UTM_36N)
    stages.append(("to_crs", time.perf_counter() - t))
    t = time.perf_counter()
    joined = gpd.sjoin_nearest(
        incidents[["id", "geometry"]],
        sites[["id", "geometry"]],
        how="left",
        distance_col="distance_m",
        lsuffix="incident",
        rsuffix="site",
    )
    stages.append(("sjoin_nearest", time.perf_counter() - t))
    t = time.perf_counter()
    out = joined[["id_incident", "id_site", "distance_m"]]
    out.columns = ["incident_id", "site_id", "distance_m"]
    out.to_csv(out_path, index=False, float_format="%.4f")
    stages.append(("to_csv", time.perf_counter() - t))
    stages.insert(0, ("import", T_IMPORT))
    print("geopandas stages: " + ", ".join("%s %.2f s" % s for s in stages), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
