#![no_main]
libfuzzer_sys::fuzz_target!(init: impactmap_fuzz::init(), |data: &[u8]| {
    impactmap_fuzz::geojson_incidents(data)
});
