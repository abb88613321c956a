#!/usr/bin/env python3
"""Writes a large synthetic OpenStreetMap extract for the basemap benchmark: copies of a small
real extract laid out on a grid (each copy shifted in longitude and latitude, its ids offset),
the first copy where the original lies, so that a map of the original place reads one copy out
of many, as a city map reads one city out of a country's extract.

    python3 bench/osm_extract.py tests/data/osm/real/helsinki.osm.pbf big.osm.pbf --copies 800

Needs osmium-tool (`apt install osmium-tool`): the copies go through its OPL text format. The
copies keep the original's tags, so the result carries the original's licence (ODbL for
OpenStreetMap data).
"""

import argparse
import math
import subprocess


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("output")
    ap.add_argument("--copies", type=int, default=800)
    a = ap.parse_args()

    opl = subprocess.run(["osmium", "cat", a.source, "-f", "opl", "-o", "-"],
                         check=True, capture_output=True, text=True).stdout
    nodes, ways, relations = [], [], []
    for line in opl.splitlines():
        f = line.split(" ")
        if f[0][0] == "n":
            x = float(f[-2][1:]) if f[-2][1:] else None
            y = float(f[-1][1:]) if f[-1][1:] else None
            nodes.append((int(f[0][1:]), f[-3], x, y))
        elif f[0][0] == "w":
            refs = [int(r[1:]) for r in f[-1][1:].split(",") if r]
            ways.append((int(f[0][1:]), f[-2], refs))
        elif f[0][0] == "r":
            members = []
            for m in f[-1][1:].split(","):
                if m:
                    ref, role = m.split("@", 1)
                    members.append((ref[0], int(ref[1:]), role))
            relations.append((int(f[0][1:]), f[-2], members))
    xs = [n[2] for n in nodes if n[2] is not None]
    ys = [n[3] for n in nodes if n[3] is not None]
    step_lon, step_lat = (max(xs) - min(xs)) * 1.1, (max(ys) - min(ys)) * 1.1
    cols = math.ceil(math.sqrt(a.copies))
    # Ids of copy k are offset by k * span, a power of ten above the original's largest id.
    biggest = max(max(n[0] for n in nodes), max(w[0] for w in ways),
                  max((r[0] for r in relations), default=0))
    span = 10 ** len(str(biggest))

    out = subprocess.Popen(["osmium", "cat", "-F", "opl", "-", "-o", a.output, "--overwrite"],
                           stdin=subprocess.PIPE, text=True, bufsize=1 << 20)
    w = out.stdin
    for k in range(a.copies):
        dx, dy, off = (k % cols) * step_lon, (k // cols) * step_lat, k * span
        w.writelines(f"n{i + off} v1 {t} x{x + dx:.7f} y{y + dy:.7f}\n"
                     for i, t, x, y in nodes if x is not None)
    for k in range(a.copies):
        off = k * span
        w.writelines(f"w{i + off} v1 {t} N" + ",".join(f"n{r + off}" for r in refs) + "\n"
                     for i, t, refs in ways)
    for k in range(a.copies):
        off = k * span
        w.writelines(f"r{i + off} v1 {t} M"
                     + ",".join(f"{typ}{r + off}@{role}" for typ, r, role in ms) + "\n"
                     for i, t, ms in relations)
    w.close()
    if out.wait() != 0:
        raise SystemExit("osmium cat failed")


if __name__ == "__main__":
    main()
