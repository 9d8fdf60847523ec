// y ← a · y + b · x over `count` values, four per invocation (buffers are
// padded to 16 bytes): adds the R1 penalty's gradient to D's (a = 1,
// b = γ / B). Prepended with WORKGROUP_SIZE (src/kernels/axpby.rs).
// CPU twin: src/cpu/axpby.rs.

struct AxpbyParams {
    count: u32,
    a: f32,
    b: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: AxpbyParams;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn axpby(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let quads = (p.count + 3u) / 4u;
    for (var i = gid.x; i < quads; i += groups.x * WORKGROUP_SIZE) {
        y[i] = p.a * y[i] + p.b * x[i];
    }
}
