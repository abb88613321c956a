"""Checks that impactmap and GeoPandas agree on the nearest site of every incident.

usage: python compare.py IMPACTMAP.csv GEOPANDAS.csv

Distances must agree within 2 cm + 2e-4 x distance: GeoPandas measures in
UTM 36N, whose scale error across a city around Kyiv reaches about 1.3e-4 of
the distance (impactmap's figures are geodesic). Where the nearest ids differ,
the two distances must agree within that tolerance (a tie or a near-tie that
the UTM error reorders); otherwise it is a disagreement. Exit status 1 on any
disagreement. Standard library only.
"""

import csv
import sys


def tolerance(d):
    return 0.02 + 2e-4 * d


def main(ours_path, theirs_path):
    ours = {}
    with open(ours_path, newline="") as f:
        for row in csv.DictReader(f):
            ours[row["incident_id"]] = (row["site_id"], float(row["distance_m"]))
    theirs = {}
    with open(theirs_path, newline="") as f:
        for row in csv.DictReader(f):
            sites, d = theirs.get(row["incident_id"], (set(), None))
            sites.add(row["site_id"])
            theirs[row["incident_id"]] = (sites, float(row["distance_m"]))
    missing = sorted(set(theirs) ^ set(ours))
    same = ties = 0
    bad = []
    max_diff = max_diff_near = 0.0
    for incident, (site, d) in ours.items():
        if incident not in theirs:
            continue
        sites, d_gp = theirs[incident]
        diff = abs(d - d_gp)
        max_diff = max(max_diff, diff)
        if d < 100.0:
            max_diff_near = max(max_diff_near, diff)
        if diff > tolerance(d):
            bad.append((incident, site, d, sorted(sites), d_gp))
        elif site in sites:
            same += 1
        else:
            ties += 1
    n = len(ours)
    print(
        "agreement: %d incidents, same nearest id %d, ties within tolerance %d, disagreements %d, "
        "missing %d; max |distance difference| %.4f m (%.4f m within 100 m)"
        % (n, same, ties, len(bad), len(missing), max_diff, max_diff_near)
    )
    for b in bad[:10]:
        print("  disagreement: %s impactmap %s %.4f m, GeoPandas %s %.4f m" % b)
    for m in missing[:10]:
        print("  only in one output: %s" % m)
    return 1 if bad or missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
