#!/usr/bin/env bash
# Benchmark: impactmap against GeoPandas on the same synthetic city workload.
#
#   bench/run.sh [--sites N] [--incidents M] [--seed S] [--repeat R] [--out DIR]
#
# Builds impactmap in release mode, generates N building footprints and M
# impacts around Kyiv (examples/gen_workload.rs), installs GeoPandas into a
# virtual environment (once, in DIR/venv), runs both on the same files, checks
# that they agree on the nearest site and the distance (bench/compare.py), and
# prints wall times, peak memory, the speed-up, and each run as a multiple of
# the parse floor (reading the same files and nothing else). Each command runs
# R times (default 3), the commands taking turns, so that both meet the same
# machine; the best wall time and the highest peak memory are reported.
#
# Defaults: 100,000 footprints x 10,000 impacts in target/bench. Needs Rust,
# python3 with venv, and network access to PyPI the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

SITES=100000
INCIDENTS=10000
SEED=20220224
REPEAT=3
OUT=target/bench
GEOPANDAS_VERSION=1.2.0
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) SITES=$2; shift 2 ;;
    --incidents) INCIDENTS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

echo "== build (release)"
cargo build --release --quiet --bin impactmap --example gen_workload --example parse_only
BIN=target/release
mkdir -p "$OUT"

W="$OUT/w-$SITES-$INCIDENTS-$SEED"
if [ ! -f "$W/sites.geojson" ]; then
  echo "== generate $SITES footprints x $INCIDENTS impacts"
  "$BIN/examples/gen_workload" --sites "$SITES" --incidents "$INCIDENTS" --seed "$SEED" --out "$W"
fi

VENV="$OUT/venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import geopandas, pyogrio" 2>/dev/null; then
  echo "== install GeoPandas $GEOPANDAS_VERSION into $VENV"
  python3 -m venv "$VENV" || {
    echo "python3 cannot make a virtual environment: on Debian, apt-get install python3-venv" >&2
    exit 1
  }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "geopandas==$GEOPANDAS_VERSION" pyogrio pyproj
fi
PY="$VENV/bin/python"

measure() { # name command...
  local name=$1; shift
  python3 bench/measure.py "$W/$name.$RUN.measure" "$@"
}

rm -f "$W"/*.measure
for RUN in $(seq "$REPEAT"); do
  echo "== runs ($RUN of $REPEAT)"
  measure parse_json "$BIN/examples/parse_only" json "$W/sites.geojson" "$W/incidents.geojson"
  measure parse_tool "$BIN/examples/parse_only" tool "$W/sites.geojson" "$W/incidents.geojson"
  IMPACTMAP_TIMINGS=1 measure impactmap "$BIN/impactmap" proximity --quiet --sites "$W/sites.geojson" \
    --incidents "$W/incidents.geojson" -o "$W/impactmap.csv"
  measure geopandas "$PY" bench/geopandas_nearest.py "$W/sites.geojson" "$W/incidents.geojson" "$W/geopandas.csv"
done

echo "== agreement"
python3 bench/compare.py "$W/impactmap.csv" "$W/geopandas.csv" | tee "$W/agreement.txt"

echo "== results"
python3 - "$W" "$SITES" "$INCIDENTS" "$REPEAT" <<'PY'
import os, platform, sys
w, sites, incidents, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def read(name):
    """Best wall time, highest peak memory, worst exit status, processor time of the best run."""
    runs = []
    for r in range(1, repeat + 1):
        wall, rss, status, cpu = open(os.path.join(w, "%s.%d.measure" % (name, r))).read().split()
        runs.append((float(wall), float(rss), int(status), float(cpu)))
    best = min(runs)
    return best[0], max(r[1] for r in runs), max(r[2] for r in runs), best[3]
runs = {n: read(n) for n in ("parse_json", "parse_tool", "impactmap", "geopandas")}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 2**20
print("machine: %s, %d cores, %.0f GiB, %s; load average %.1f" % (
    cpu, os.cpu_count(), mem, platform.platform(), os.getloadavg()[0]))
print("workload: %d footprints x %d impacts (%.0f MB of GeoJSON)" % (
    sites, incidents, sum(os.path.getsize(os.path.join(w, f)) for f in ("sites.geojson", "incidents.geojson")) / 1e6))
print("%-34s %9s %10s %9s" % ("best of %d" % repeat, "wall s", "peak MiB", "cpu s"))
labels = {"parse_json": "parse floor (JSON syntax only)", "parse_tool": "parse floor (impactmap's readers)",
          "impactmap": "impactmap proximity", "geopandas": "GeoPandas sjoin_nearest (UTM 36N)"}
for n, (wall, rss, status, cpu) in runs.items():
    print("%-34s %9.2f %10.0f %9.2f%s" % (labels[n], wall, rss, cpu, "" if status == 0 else "  (exit %d)" % status))
im, gp = runs["impactmap"], runs["geopandas"]
print("speed-up over GeoPandas: %.1fx; peak memory: %.2fx GeoPandas'" % (gp[0] / im[0], im[1] / gp[1]))
print("impactmap as a multiple of the parse floor: %.2fx (JSON syntax), %.2fx (its own readers)" % (
    im[0] / runs["parse_json"][0], im[0] / runs["parse_tool"][0]))
print("GeoPandas as a multiple of the parse floor: %.1fx (JSON syntax)" % (gp[0] / runs["parse_json"][0]))
sys.exit(max(r[2] for r in runs.values()))
PY
