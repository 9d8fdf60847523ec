// y ← y + a · x over `count` values, four per invocation (buffers are
// padded to 16 bytes): adds a penalty's gradient, scaled, to a network's.
// Prepended with WORKGROUP_SIZE (src/kernels/axpy.rs). CPU twin:
// src/cpu/axpy.rs.

struct AxpyParams {
    count: u32,
    a: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: AxpyParams;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn axpy(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let quads = (p.count + 3u) / 4u;
    for (var i = gid.x; i < quads; i += groups.x * WORKGROUP_SIZE) {
        y[i] = y[i] + p.a * x[i];
    }
}
