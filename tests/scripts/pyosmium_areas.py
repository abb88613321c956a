"""Areas of an OpenStreetMap extract as libosmium's area assembler builds them.

Usage: python3 pyosmium_areas.py FILE.osm.pbf

Prints one JSON object per line for every area libosmium assembles from a
closed way or a multipolygon relation (areas it reports as broken, left empty,
are left out): {"id": "way/12" or "relation/34", "tags": {...}, "polygons": [[outer,
inner, ...], ...]}, each ring a list of [lon, lat] in the file's own units of
1e-7 degrees (integers, exactly as stored). Needs pyosmium (`pip install osmium`).
"""

import json
import sys

import osmium


def ring(r):
    return [[n.location.x, n.location.y] for n in r]


class Areas(osmium.SimpleHandler):
    def area(self, a):
        kind = "way" if a.from_way() else "relation"
        polygons = [
            [ring(outer)] + [ring(inner) for inner in a.inner_rings(outer)]
            for outer in a.outer_rings()
        ]
        if polygons:
            print(json.dumps({"id": f"{kind}/{a.orig_id()}", "tags": dict(a.tags), "polygons": polygons}))


if __name__ == "__main__":
    Areas().apply_file(sys.argv[1], locations=True)
