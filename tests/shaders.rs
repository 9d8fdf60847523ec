//! Every shader parses and validates with naga, and says what the Rust
//! side binds: each kernel's entry points and workgroup sizes, its
//! overrides, its bindings (group, binding, uniform or storage, read-only
//! or not, name) and its uniform struct's size and field offsets are
//! reflected from the WGSL and compared with `livegan::kernels`. A change on
//! one side only fails here, without a GPU.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use livegan::kernels::{self, Access, KernelFacts, Slot, Uniform};

fn parse(name: &str, source: &str) -> (naga::Module, naga::valid::ModuleInfo) {
    let module = naga::front::wgsl::parse_str(source)
        .unwrap_or_else(|e| panic!("{name}.wgsl does not parse:\n{}", e.emit_to_string(source)));
    let info = naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::empty(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{name}.wgsl does not validate:\n{}", e.emit_to_string(source)));
    (module, info)
}

/// A binding as the WGSL declares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Declared {
    group: u32,
    binding: u32,
    /// "uniform", "read" or "read_write".
    space: &'static str,
    name: String,
}

/// The bindings entry point `index` of `module` uses.
fn used_bindings(module: &naga::Module, info: &naga::valid::ModuleInfo, index: usize) -> Vec<Declared> {
    let function = info.get_entry_point(index);
    let mut declared: Vec<Declared> = module
        .global_variables
        .iter()
        .filter(|(handle, _)| !function[*handle].is_empty())
        .filter_map(|(_, var)| {
            let binding = var.binding.as_ref()?;
            let space = match var.space {
                naga::AddressSpace::Uniform => "uniform",
                naga::AddressSpace::Storage { access } if access.contains(naga::StorageAccess::STORE) => {
                    "read_write"
                }
                naga::AddressSpace::Storage { .. } => "read",
                _ => return None,
            };
            Some(Declared {
                group: binding.group,
                binding: binding.binding,
                space,
                name: var.name.clone().unwrap_or_default(),
            })
        })
        .collect();
    declared.sort();
    declared
}

/// The bindings the Rust side makes: the uniform at 0 (its name is the
/// shader's business), then each storage slot.
fn rust_bindings(uniform_name: &str, storage: &[Slot]) -> Vec<Declared> {
    std::iter::once(Declared {
        group: 0,
        binding: 0,
        space: "uniform",
        name: uniform_name.to_string(),
    })
    .chain(storage.iter().enumerate().map(|(index, slot)| Declared {
        group: 0,
        binding: index as u32 + 1,
        space: match slot.access {
            Access::Read => "read",
            Access::ReadWrite => "read_write",
        },
        name: slot.name.to_string(),
    }))
    .collect()
}

/// Asserts the WGSL struct `name` has `size` bytes and, for every Rust
/// field that is not padding, a member of that name at that offset.
fn assert_struct_matches(
    module: &naga::Module,
    kernel: &str,
    name: &str,
    size: usize,
    fields: &[(&str, usize)],
) {
    let (members, span) = module
        .types
        .iter()
        .find_map(|(_, ty)| match &ty.inner {
            naga::TypeInner::Struct { members, span } if ty.name.as_deref() == Some(name) => {
                Some((members, span))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{kernel}: no struct {name} in the WGSL"));
    assert_eq!(
        *span as usize, size,
        "{kernel}: {name} is {span} bytes in WGSL, {size} in Rust"
    );
    let wgsl: BTreeSet<(String, usize)> = members
        .iter()
        .filter_map(|m| m.name.clone().map(|n| (n, m.offset as usize)))
        .filter(|(n, _)| !n.starts_with('_'))
        .collect();
    let rust: BTreeSet<(String, usize)> = fields
        .iter()
        .filter(|(n, _)| !n.starts_with('_'))
        .map(|&(n, offset)| (n.to_string(), offset))
        .collect();
    assert_eq!(
        wgsl, rust,
        "{kernel}: {name}'s fields (name, byte offset), WGSL then Rust"
    );
}

/// The shader of `facts` agrees with its Rust declarations; panics naming
/// the first disagreement.
fn assert_kernel_matches(facts: &KernelFacts) {
    let name = facts.name;
    let (module, info) = parse(name, &facts.source);
    let entry_points: Vec<(&str, [u32; 3])> = module
        .entry_points
        .iter()
        .filter(|e| e.stage == naga::ShaderStage::Compute)
        .map(|e| (e.name.as_str(), e.workgroup_size))
        .collect();
    assert_eq!(
        entry_points, facts.entry_points,
        "{name}: entry points and workgroup sizes, WGSL then Rust"
    );
    let overrides: BTreeSet<&str> = module
        .overrides
        .iter()
        .filter_map(|(_, o)| o.name.as_deref())
        .collect();
    let rust_overrides: BTreeSet<&str> = facts.overrides.iter().copied().collect();
    assert_eq!(overrides, rust_overrides, "{name}: overrides, WGSL then Rust");
    for (index, (entry, _)) in facts.entry_points.iter().enumerate() {
        let declared = used_bindings(&module, &info, index);
        let uniform_var = declared
            .iter()
            .find(|d| d.binding == 0)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        assert_eq!(
            declared,
            rust_bindings(&uniform_var, facts.storage),
            "{name}::{entry}: bindings, WGSL then Rust"
        );
        let uniform_type = module
            .global_variables
            .iter()
            .find(|(_, v)| v.binding.as_ref().is_some_and(|b| b.binding == 0))
            .and_then(|(_, v)| module.types[v.ty].name.clone());
        assert_eq!(
            uniform_type.as_deref(),
            Some(facts.uniform),
            "{name}: the uniform's struct"
        );
    }
    assert_struct_matches(
        &module,
        name,
        facts.uniform,
        facts.uniform_size,
        facts.uniform_fields,
    );
}

#[test]
fn every_kernel_matches_its_rust_declarations() {
    for facts in kernels::all() {
        assert_kernel_matches(&facts);
    }
}

#[test]
fn nested_uniform_structs_match() {
    use livegan::kernels::normal::{Normal, RandomParams};
    let (module, _) = parse("normal", &<Normal as kernels::Kernel>::source());
    assert_struct_matches(
        &module,
        "normal",
        RandomParams::WGSL_NAME,
        std::mem::size_of::<RandomParams>(),
        RandomParams::FIELDS,
    );
}

#[test]
fn the_render_shader_matches_its_rust_declarations() {
    use livegan::kernels::render::{DrawParams, SOURCE, STORAGE};
    let (module, info) = parse("render", SOURCE);
    for (index, entry) in module.entry_points.iter().enumerate() {
        let declared = used_bindings(&module, &info, index);
        // Every stage may read the uniform and the values, nothing else.
        let expected = rust_bindings("d", STORAGE);
        assert!(
            declared.iter().all(|d| expected.contains(d)),
            "render::{}: {declared:?} not within {expected:?}",
            entry.name
        );
    }
    assert_struct_matches(
        &module,
        "render",
        DrawParams::WGSL_NAME,
        std::mem::size_of::<DrawParams>(),
        DrawParams::FIELDS,
    );
}

/// A shader edited on one side only is caught: each mutation of a correct
/// kernel's facts must make `assert_kernel_matches` panic.
#[test]
fn a_one_sided_change_fails_the_reflection() {
    let adam = KernelFacts::of::<kernels::adam::Adam>();
    let fails = |facts: KernelFacts| std::panic::catch_unwind(|| assert_kernel_matches(&facts)).is_err();
    assert!(!fails(adam.clone()), "the unmodified kernel matches");
    let storage_flipped: &'static [Slot] = Box::leak(
        adam.storage
            .iter()
            .map(|s| Slot {
                access: if s.name == "grads" {
                    Access::ReadWrite
                } else {
                    s.access
                },
                ..*s
            })
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    assert!(
        fails(KernelFacts {
            storage: storage_flipped,
            ..adam.clone()
        }),
        "read-only flipped in Rust"
    );
    assert!(
        fails(KernelFacts {
            storage: &adam.storage[1..],
            ..adam.clone()
        }),
        "a binding missing in Rust"
    );
    assert!(
        fails(KernelFacts {
            source: adam
                .source
                .replace("    lr: f32,\n    beta1", "    beta1: f32,\n    lr"),
            ..adam.clone()
        }),
        "two uniform fields swapped in WGSL"
    );
    assert!(
        fails(KernelFacts {
            source: adam
                .source
                .replace("var<storage, read> grads", "var<storage, read_write> grads"),
            ..adam.clone()
        }),
        "read-only flipped in WGSL"
    );
    assert!(
        fails(KernelFacts {
            uniform_size: adam.uniform_size + 16,
            ..adam.clone()
        }),
        "uniform size changed in Rust"
    );
    assert!(
        fails(KernelFacts {
            source: adam
                .source
                .replace("@workgroup_size(WORKGROUP_SIZE)", "@workgroup_size(64)"),
            ..adam
        }),
        "workgroup size changed in WGSL"
    );
}

#[test]
fn every_kernel_has_its_shader_twin_and_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let checks = std::fs::read_to_string(root.join("src/checks/kernels.rs")).unwrap();
    for facts in kernels::all() {
        let name = facts.name;
        assert!(
            root.join(format!("shaders/{name}.wgsl")).is_file(),
            "shaders/{name}.wgsl"
        );
        assert!(
            root.join(format!("src/cpu/{name}.rs")).is_file(),
            "src/cpu/{name}.rs"
        );
        assert!(
            root.join(format!("src/kernels/{name}.rs")).is_file(),
            "src/kernels/{name}.rs"
        );
        assert!(
            checks.contains(&format!("pub async fn check_{name}(")),
            "checks::kernels::check_{name}"
        );
    }
}

#[test]
fn every_wgsl_file_is_a_kernel_or_library() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".wgsl"))
        .map(|name| name.trim_end_matches(".wgsl").to_string())
        .collect();
    let mut known: BTreeSet<String> = kernels::all().into_iter().map(|k| k.name.to_string()).collect();
    // The hash library has no entry point (normal and gather include it);
    // render is the drawing shader.
    known.extend(["hash".to_string(), "render".to_string()]);
    assert_eq!(on_disk, known);
}
