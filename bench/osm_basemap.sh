#!/usr/bin/env bash
# Benchmark: a detail map drawn over a large OpenStreetMap extract.
#
#   bench/osm_basemap.sh [--copies N] [--out DIR]
#
# Writes a synthetic extract of N copies of the central-Helsinki test extract laid out on a
# grid (bench/osm_extract.py; 800 copies make about 490 MB, a third of Ukraine's extract),
# builds impactmap in release mode, and draws the Helsinki example case's detail map over it,
# under /usr/bin/time -v: the wall time and peak memory (maximum resident set size) it prints
# are the figures. Only the map's extent is kept in memory, so the peak stays near that of the
# same map over the small extract however large the file. Needs python3 with pyosmium.
set -euo pipefail
cd "$(dirname "$0")/.."

COPIES=800
OUT=target/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --copies) COPIES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
BIG="$OUT/helsinki-x$COPIES.osm.pbf"
[ -f "$BIG" ] || python3 bench/osm_extract.py tests/data/osm/real/helsinki.osm.pbf "$BIG" --copies "$COPIES"
ls -l "$BIG"
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/impactmap"
CASE=geodata/helsinki-example
for extract in tests/data/osm/real/helsinki.osm.pbf "$BIG"; do
  echo "== $extract"
  /usr/bin/time -v "$BIN" render --sites "$CASE/sites.geojson" --incidents "$CASE/incidents.geojson" \
    --focus nl_embassy_helsinki --radius 220 --basemap "$extract" -o "$OUT/osm-basemap.png" 2>&1 |
    grep -E "Elapsed|Maximum resident"
done
