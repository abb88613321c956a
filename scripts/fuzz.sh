#!/usr/bin/env bash
# Coverage-guided fuzzing of impactmap's readers and writers with libFuzzer,
# on the stable toolchain (SanitizerCoverage through `-C passes=sancov-module`,
# the instrumentation `cargo fuzz` asks of nightly).
#
#   scripts/fuzz.sh build               build every target
#   scripts/fuzz.sh list                name the targets
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#                                       run one target for SECONDS
#   scripts/fuzz.sh all SECONDS         run every target for SECONDS each
#
# Each target starts from seeds made of the project's own files (geodata/,
# tests/data/, fuzz/seeds/) and keeps what it learns in fuzz/corpus/TARGET.
# A crash, hang (over 10 s on one input) or memory blow-up (over 2 GB) stops
# the run and leaves the input in fuzz/artifacts/TARGET; a run ends with a
# summary line "TARGET: N executions, ...".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/fuzz"
triple=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$fuzz/target}"
bin="$CARGO_TARGET_DIR/$triple/release"
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz/Cargo.toml" | grep -v '^impactmap')

build() {
    # Flags on the command line's target only (not build scripts): coverage
    # counters, comparison tracing for libFuzzer, and `cfg(fuzzing)`.
    RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
        -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
        -Cllvm-args=-sanitizer-coverage-pc-table \
        -Cllvm-args=-sanitizer-coverage-trace-compares \
        -Cdebug-assertions -Coverflow-checks" \
        cargo build --release --manifest-path "$fuzz/Cargo.toml" --target "$triple" --bins
}

# Seeds for a target, from the project's real files.
seed() {
    local target=$1 dir="$fuzz/corpus/$1"
    mkdir -p "$dir"
    case $target in
        geojson_sites | geojson_parallel)
            cp "$root"/geodata/*/sites.geojson "$dir/" ;;
        geojson_incidents)
            cp "$root"/geodata/*/incidents.geojson "$dir/" ;;
        geojson_seq)
            cp "$root"/geodata/*/*.geojson "$dir/" ;;
        osm_pbf)
            cp "$root"/tests/data/osm/*.pbf "$dir/" ;;
        case_toml)
            cp "$root"/geodata/*/case.toml "$dir/" ;;
    esac
    if [ -d "$fuzz/seeds/$target" ]; then cp "$fuzz/seeds/$target"/* "$dir/"; fi
}

run() {
    local target=$1 seconds=$2
    shift 2
    seed "$target"
    mkdir -p "$fuzz/artifacts/$target"
    local log="$fuzz/artifacts/$target.log"
    set +e
    "$bin/$target" "$fuzz/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$target/" "$@" 2>"$log"
    local status=$?
    set -e
    local runs slowest
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -1)
    local crashes hangs ooms
    # A panic aborts: libFuzzer reports it (and any other crash) as a deadly signal.
    crashes=$(grep -c '^==[0-9]*== ERROR: libFuzzer: deadly signal' "$log" || true)
    hangs=$(grep -c 'ERROR: libFuzzer: timeout' "$log" || true)
    ooms=$(grep -c 'ERROR: libFuzzer: out-of-memory' "$log" || true)
    echo "$target: ${runs:-0} executions in ${seconds} s, ${crashes} panics or crashes, ${hangs} hangs, ${ooms} memory blow-ups, slowest input ${slowest:-?} s (exit $status; log $log)"
    return $status
}

case "${1:-}" in
    build) build ;;
    list) echo "$targets" ;;
    all)
        build
        status=0
        for t in $targets; do run "$t" "${2:?seconds}" || status=1; done
        exit $status ;;
    "" | -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
    *)
        echo "$targets" | grep -qx "$1" || { echo "unknown target $1; targets: $(echo $targets)" >&2; exit 2; }
        build
        run "$@" ;;
esac
