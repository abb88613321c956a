#!/usr/bin/env python3
"""Regenerate the bundled overview basemap in geodata/basemap/ (Python 3 standard library only).

Usage:
    python3 scripts/make_basemap.py SOURCE_DIR [OUT_DIR] [--tolerance-m 1000] [--decimals 5]

SOURCE_DIR holds the source extracts (see geodata/basemap/README.md for where each one comes from):
    ukraine_admin1_ne10m.geojson          Natural Earth 10m admin-1 units of Ukraine (public domain)
    ukraine_admin0_ne10m_pov-deu.geojson  Natural Earth 10m outline, German point of view (used as a check only)
    ukraine_cities_geonames_pop200k.csv   GeoNames cities with population >= 200,000 (CC BY 4.0)
OUT_DIR defaults to geodata/basemap next to this script's parent folder.

What it does:
  * splits the admin-1 rings into arcs between junctions, so a border shared by two regions is
    simplified once and both regions keep exactly the same line (no slivers or gaps);
  * simplifies every arc with Douglas-Peucker at --tolerance-m metres (measured in a local
    equirectangular frame at 48.5 N, adequate for a generalisation tolerance);
  * builds the country outline as the union of the regions (the arcs used by one region only),
    so outline and region borders coincide; reports its area against the Natural Earth outline;
  * gives the regions their current official English names (Ukrainian national transliteration),
    keeping Natural Earth's name in `name_ne`;
  * keeps GeoNames places that are towns in their own right: the list also holds city districts
    (GeoNames feature code PPLX, "section of populated place", e.g. Obolon in Kyiv), dropped here;
  * writes RFC 7946 GeoJSON: lon/lat, exterior rings counter-clockwise, holes clockwise,
    coordinates rounded to --decimals (5 decimals is about 1 m).
"""

import argparse
import csv
import json
import math
import os
import sys

# Metres per degree at the reference latitude (WGS84 radii of curvature at 48.5 N).
REF_LAT = 48.5
_A = 6378137.0
_E2 = 0.00669437999014
_PHI = math.radians(REF_LAT)
_W = math.sqrt(1 - _E2 * math.sin(_PHI) ** 2)
M_PER_DEG_LON = _A / _W * math.cos(_PHI) * math.pi / 180
M_PER_DEG_LAT = _A * (1 - _E2) / _W**3 * math.pi / 180

# Current official English names of the admin-1 units (Natural Earth's are older transliterations).
REGION_NAMES = {
    "UKR-283": "Autonomous Republic of Crimea",
    "UKR-284": "Mykolaiv Oblast",
    "UKR-285": "Chernihiv Oblast",
    "UKR-286": "Rivne Oblast",
    "UKR-288": "Chernivtsi Oblast",
    "UKR-289": "Ivano-Frankivsk Oblast",
    "UKR-290": "Khmelnytskyi Oblast",
    "UKR-291": "Lviv Oblast",
    "UKR-292": "Ternopil Oblast",
    "UKR-293": "Zakarpattia Oblast",
    "UKR-318": "Volyn Oblast",
    "UKR-319": "Cherkasy Oblast",
    "UKR-320": "Kirovohrad Oblast",
    "UKR-321": "Kyiv Oblast",
    "UKR-322": "Odesa Oblast",
    "UKR-323": "Vinnytsia Oblast",
    "UKR-324": "Zhytomyr Oblast",
    "UKR-325": "Sumy Oblast",
    "UKR-326": "Dnipropetrovsk Oblast",
    "UKR-327": "Donetsk Oblast",
    "UKR-328": "Kharkiv Oblast",
    "UKR-329": "Luhansk Oblast",
    "UKR-330": "Poltava Oblast",
    "UKR-331": "Zaporizhzhia Oblast",
    "UKR-4826": "Kyiv",
    "UKR-4827": "Kherson Oblast",
    "UKR-5482": "Sevastopol",
}

# GeoNames places in the source list that are districts of a city (feature code PPLX), not towns.
CITY_DISTRICTS = {
    6722148: "Saltivka (Kharkiv)",
    13561808: "Rayon KTZ (Kharkiv)",
    13546519: "Desna (Kyiv)",
    13546518: "Dniprovskyi (Kyiv)",
    13580095: "Darnytsya (Kyiv)",
    688758: "Vyhurivshchyna-Troyeshchyna (Kyiv)",
    8519916: "Obolon (Kyiv)",
    13546521: "Shevchenkivskyi (Kyiv)",
    13580034: "Pravyi Bereh (Mariupol)",
}

# GeoNames spellings replaced by the official transliteration.
CITY_NAMES = {
    "Zaporizhzhya": "Zaporizhzhia",
    "Kryvyy Rih": "Kryvyi Rih",
    "Mykolayiv": "Mykolaiv",
    "Vinnytsya": "Vinnytsia",
    "Kamyanske": "Kamianske",
    "Makiyivka": "Makiivka",
}


def local_xy(p):
    return ((p[0]) * M_PER_DEG_LON, (p[1]) * M_PER_DEG_LAT)


def seg_dist(p, a, b):
    """Distance (m) from p to segment ab, all lon/lat, in the local frame."""
    px, py = local_xy(p)
    ax, ay = local_xy(a)
    bx, by = local_xy(b)
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(pts, tol):
    """Simplify an open polyline, keeping both ends (iterative, deterministic)."""
    if len(pts) <= 2:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def signed_area(ring):
    """Shoelace area in the local frame (m^2), positive when counter-clockwise."""
    s = 0.0
    for a, b in zip(ring, ring[1:]):
        ax, ay = local_xy(a)
        bx, by = local_xy(b)
        s += ax * by - bx * ay
    return s / 2


def polygons_of(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def oriented(ring, ccw):
    ring = [tuple(p) for p in ring]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if (signed_area(ring) > 0) != ccw:
        ring.reverse()
    return ring


class Topology:
    """Rings split into arcs at junctions; each distinct arc simplified once."""

    def __init__(self, rings):
        self.rings = rings
        neighbours = {}
        for ring in rings:
            n = len(ring) - 1
            for i in range(n):
                v = ring[i]
                s = neighbours.setdefault(v, set())
                s.add(ring[(i - 1) % n])
                s.add(ring[(i + 1) % n])
        self.nodes = {v for v, s in neighbours.items() if len(s) != 2}
        self.cache = {}

    def split(self, ring):
        """The ring as a list of arcs (open polylines sharing end points)."""
        pts = ring[:-1]
        idx = [i for i, v in enumerate(pts) if v in self.nodes]
        if not idx:
            return [self.canonical_closed(ring)]
        start = idx[0]
        pts = pts[start:] + pts[:start] + [pts[start]]
        arcs, cur = [], [pts[0]]
        for v in pts[1:]:
            cur.append(v)
            if v in self.nodes:
                arcs.append(cur)
                cur = [v]
        return arcs

    def canonical_closed(self, ring):
        """A closed ring without junctions, rotated to its smallest vertex (stable across copies)."""
        pts = ring[:-1]
        k = pts.index(min(pts))
        return pts[k:] + pts[:k] + [pts[k]]

    def simplified(self, arc, tol):
        closed = arc[0] == arc[-1]
        if closed:
            # Same ring walked the other way round by a neighbour: key on the direction-free form.
            fwd = arc
            rev = [arc[0]] + arc[-2:0:-1] + [arc[0]]
            key_arc, flipped = (fwd, False) if fwd[1] <= rev[1] else (rev, True)
        else:
            flipped = arc[0] > arc[-1] or (arc[0] == arc[-1] and arc[1] > arc[-2])
            key_arc = arc[::-1] if flipped else arc
        key = tuple(key_arc)
        if key not in self.cache:
            if closed:
                # Split a closed ring at its farthest vertex from the start, simplify both halves.
                far = max(range(len(key_arc)), key=lambda i: seg_dist(key_arc[i], key_arc[0], key_arc[0]))
                a = douglas_peucker(key_arc[: far + 1], tol)
                b = douglas_peucker(key_arc[far:], tol)
                out = a + b[1:]
            else:
                out = douglas_peucker(key_arc, tol)
            self.cache[key] = out
        out = self.cache[key]
        return out[::-1] if flipped else out

    def simplify_ring(self, ring, tol):
        arcs = self.split(ring)
        out = []
        for arc in arcs:
            s = self.simplified(arc, tol)
            out.extend(s if not out else s[1:])
        return out


def boundary_rings(region_rings, topo, tol):
    """Union outline: arcs used by exactly one region ring, chained into rings."""
    count = {}
    arcs = []
    for ring in region_rings:
        for arc in topo.split(ring):
            key = frozenset([tuple(arc), tuple(arc[::-1])])
            count[key] = count.get(key, 0) + 1
            arcs.append((key, arc))
    outer = [arc for key, arc in arcs if count[key] == 1]
    by_start = {}
    for arc in outer:
        by_start.setdefault(arc[0], []).append(arc)
    rings, used = [], set()
    for arc in outer:
        if id(arc) in used:
            continue
        used.add(id(arc))
        ring = list(topo.simplified(arc, tol))
        end = arc[-1]
        while end != arc[0] or len(ring) < 4:
            nxt = next((a for a in by_start.get(end, []) if id(a) not in used), None)
            if nxt is None:
                break
            used.add(id(nxt))
            ring.extend(topo.simplified(nxt, tol)[1:])
            end = nxt[-1]
            if end == arc[0]:
                break
        rings.append(ring)
    return rings


def rounded(ring, decimals):
    out = []
    for p in ring:
        q = (round(p[0], decimals), round(p[1], decimals))
        if not out or out[-1] != q:
            out.append(q)
    return out


def valid_ring(ring):
    return len(ring) >= 4 and ring[0] == ring[-1] and len(set(ring[:-1])) >= 3


def nest(rings, decimals, min_area_m2):
    """Group oriented rings into polygons: each clockwise ring is a hole of the exterior holding it."""
    exteriors, holes = [], []
    for r in rings:
        r = rounded(r, decimals)
        if not valid_ring(r) or abs(signed_area(r)) < min_area_m2:
            continue
        (exteriors if signed_area(r) > 0 else holes).append(r)
    polys = [[e] for e in exteriors]
    for h in holes:
        for poly in polys:
            if point_in_ring(h[0], poly[0]):
                poly.append(h)
                break
    return polys


def point_in_ring(p, ring):
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def geometry(polys):
    coords = [[[list(p) for p in r] for r in poly] for poly in polys]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def vertex_count(polys):
    return sum(len(r) for poly in polys for r in poly)


def area_km2(polys):
    return sum(signed_area(r) for poly in polys for r in poly) / 1e6


def write_json(path, obj):
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    # One feature per line: small diffs, still compact.
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def collection(name, attribution, features):
    return {"type": "FeatureCollection", "name": name, "attribution": attribution, "features": features}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source_dir")
    ap.add_argument("out_dir", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "geodata", "basemap"))
    ap.add_argument("--tolerance-m", type=float, default=1000.0)
    ap.add_argument("--decimals", type=int, default=5)
    ap.add_argument("--min-island-km2", type=float, default=1.0)
    args = ap.parse_args(argv)
    src, out = args.source_dir, os.path.normpath(args.out_dir)
    os.makedirs(out, exist_ok=True)
    min_area = args.min_island_km2 * 1e6

    with open(os.path.join(src, "ukraine_admin1_ne10m.geojson"), encoding="utf-8") as f:
        admin1 = json.load(f)
    regions = []
    all_rings = []
    for feat in admin1["features"]:
        props = feat["properties"]
        code = props["adm1_code"]
        if code not in REGION_NAMES:
            sys.exit(f"unknown admin-1 unit {code} ({props.get('name')}): add its official name to REGION_NAMES")
        rings = []
        for poly in polygons_of(feat["geometry"]):
            rings.append(oriented(poly[0], True))
            rings.extend(oriented(h, False) for h in poly[1:])
        regions.append((code, props, rings))
        all_rings.extend(rings)
    topo = Topology(all_rings)

    region_features = []
    src_vertices = sum(len(r) for r in all_rings)
    for code, props, rings in sorted(regions, key=lambda r: REGION_NAMES[r[0]]):
        polys = nest([topo.simplify_ring(r, args.tolerance_m) for r in rings], args.decimals, min_area)
        region_features.append({
            "type": "Feature",
            "id": code,
            "properties": {
                "id": code,
                "name": REGION_NAMES[code],
                "name_ne": props["name"],
                "type_en": props.get("type_en"),
            },
            "geometry": geometry(polys),
        })

    outline_polys = nest(boundary_rings(all_rings, topo, args.tolerance_m), args.decimals, min_area)
    with open(os.path.join(src, "ukraine_admin0_ne10m_pov-deu.geojson"), encoding="utf-8") as f:
        admin0 = json.load(f)
    ne_polys = [[oriented(r, i == 0) for i, r in enumerate(p)] for p in polygons_of(admin0["features"][0]["geometry"])]
    outline_feature = {
        "type": "Feature",
        "id": "UKR",
        "properties": {"id": "UKR", "name": "Ukraine", "note": "union of the admin-1 units, Crimea included"},
        "geometry": geometry(outline_polys),
    }

    cities = []
    with open(os.path.join(src, "ukraine_cities_geonames_pop200k.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: -int(r["population"]))
    for r in rows:
        p = (float(r["longitude"]), float(r["latitude"]))
        if int(r["geonameid"]) in CITY_DISTRICTS:
            continue
        name = CITY_NAMES.get(r["name"], r["name"])
        cities.append({
            "type": "Feature",
            "id": int(r["geonameid"]),
            "properties": {
                "geonameid": int(r["geonameid"]),
                "name": name,
                "name_geonames": r["name"],
                "population": int(r["population"]),
                "admin1code": r["admin1code"],
            },
            "geometry": {"type": "Point", "coordinates": [round(p[0], args.decimals), round(p[1], args.decimals)]},
        })

    write_json(os.path.join(out, "ukraine_regions.geojson"), collection("ukraine_regions", "Natural Earth", region_features))
    write_json(os.path.join(out, "ukraine_outline.geojson"), collection("ukraine_outline", "Natural Earth", [outline_feature]))
    write_json(os.path.join(out, "ukraine_cities.geojson"), collection("ukraine_cities", "GeoNames (CC BY 4.0)", cities))

    reg_vertices = sum(vertex_count([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]) for f in region_features)
    print(f"regions: {len(region_features)} units, {src_vertices} -> {reg_vertices} vertices", file=sys.stderr)
    ratio = area_km2(outline_polys) / area_km2(ne_polys)
    print(f"outline: {len(outline_polys)} polygons, {vertex_count(outline_polys)} vertices, "
          f"{area_km2(outline_polys):.0f} km2 = {ratio:.4f} x the Natural Earth admin-0 outline", file=sys.stderr)
    print(f"cities: {len(cities)} of {len(rows)} GeoNames places", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
