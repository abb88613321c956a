//! A short, seeded run of every fuzz target (`fuzz/`): each target's checks
//! on the project's own files and on deterministic mutations of them. The
//! long coverage-guided runs are `scripts/fuzz.sh` (see the README).

#[path = "../fuzz/src/checks.rs"]
mod checks;
#[path = "../fuzz/src/mutate.rs"]
mod mutate;

use mutate::{mutants, Rng};
use std::path::Path;

/// Mutated inputs per target: a short run, under a minute in all in a debug
/// build; `IMPACTMAP_FUZZ_RUNS=N` asks for more (the long coverage-guided runs
/// are `scripts/fuzz.sh`).
fn runs() -> usize {
    std::env::var("IMPACTMAP_FUZZ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

/// The files under `dirs` (relative to the project) whose names end in one of `suffixes`.
fn seeds(dirs: &[&str], suffixes: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| suffixes.iter().any(|s| p.to_string_lossy().ends_with(s)))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no seeds in {dirs:?}");
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Runs `check` on the seeds and their mutations (fixed seed: the same inputs every run).
fn run(name: &str, seeds: Vec<Vec<u8>>, runs: usize, check: fn(&[u8])) {
    let mut rng = Rng(name
        .bytes()
        .fold(0x5EED, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))));
    for (i, input) in mutants(&seeds, runs, &mut rng).iter().enumerate() {
        let outcome = std::panic::catch_unwind(|| check(input));
        assert!(
            outcome.is_ok(),
            "{name}: input {i} fails; as bytes: {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

const CASE: &str = "geodata/azerbaijan-missions";

#[test]
fn geojson_sites() {
    let seeds = seeds(
        &[CASE, "fuzz/seeds/geojson_seq"],
        &["sites.geojson", ".geojsonl"],
    );
    run("geojson_sites", seeds, runs(), checks::geojson_sites);
}

#[test]
fn geojson_parallel() {
    let seeds = seeds(&[CASE], &["sites.geojson"]);
    run("geojson_parallel", seeds, runs(), checks::geojson_parallel);
}

#[test]
fn geojson_incidents() {
    let seeds = seeds(&[CASE], &["incidents.geojson"]);
    run(
        "geojson_incidents",
        seeds,
        runs(),
        checks::geojson_incidents,
    );
}

#[test]
fn geojson_seq() {
    let seeds = seeds(&["fuzz/seeds/geojson_seq"], &[""]);
    run("geojson_seq", seeds, runs(), checks::geojson_seq);
}

#[test]
fn csv_incidents() {
    let seeds = seeds(&["fuzz/seeds/csv_incidents"], &[".csv"]);
    run("csv_incidents", seeds, runs(), checks::csv_incidents);
}

#[test]
fn osm_pbf() {
    let seeds = seeds(&["tests/data/osm"], &[".pbf"]);
    run("osm_pbf", seeds, runs(), checks::osm_pbf);
}

#[test]
fn case_toml() {
    let seeds = seeds(&[CASE], &["case.toml"]);
    run("case_toml", seeds, runs(), checks::case_toml);
}

#[test]
fn writers() {
    let seeds = seeds(&["fuzz/seeds/writers"], &[".bin"]);
    run("writers", seeds, runs() / 4, checks::writers);
}
