//! Every shader parses and validates with naga: a broken kernel fails here,
//! without a GPU.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use livegan::shaders;

fn validate(name: &str, source: &str) {
    let module = naga::front::wgsl::parse_str(source)
        .unwrap_or_else(|e| panic!("{name}.wgsl does not parse:\n{}", e.emit_to_string(source)));
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::empty(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{name}.wgsl does not validate:\n{}", e.emit_to_string(source)));
}

#[test]
fn every_kernel_module_validates() {
    for (name, source) in shaders::modules() {
        validate(name, &source);
    }
}

#[test]
fn every_wgsl_file_is_compiled_into_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".wgsl"))
        .map(|name| name.trim_end_matches(".wgsl").to_string())
        .collect();
    let mut compiled: BTreeSet<String> = shaders::modules()
        .into_iter()
        .map(|(name, _)| name.to_string())
        .collect();
    // The hash library has no entry point; it is compiled into rng and gather.
    compiled.insert("hash".to_string());
    assert_eq!(on_disk, compiled);
    assert!(shaders::RNG.starts_with(shaders::HASH) && shaders::GATHER.starts_with(shaders::HASH));
}
