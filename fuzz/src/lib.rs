//! Fuzz targets for impactmap's readers and writers: one function per target,
//! run by libFuzzer (`fuzz_targets/`, `scripts/fuzz.sh`) and, on seeded
//! mutations of the project's own files, by `cargo test --test fuzz_targets`.

mod checks;
pub mod mutate;

pub use checks::*;

/// Makes the calling thread rayon's only worker, so the readers' parallel
/// steps run inline: without it every execution hands work to other threads
/// and back, and a fuzzer spends most of its time waiting on them.
pub fn init() {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
}
