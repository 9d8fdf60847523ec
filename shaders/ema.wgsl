// An exponential moving average of a network's parameters, for sampling:
//   average ← decay · average + (1 - decay) · params
// four values per invocation (buffers are padded to 16 bytes). Prepended
// with WORKGROUP_SIZE (src/kernels/ema.rs). CPU twin: src/cpu/ema.rs.

struct EmaParams {
    count: u32,
    decay: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: EmaParams;
@group(0) @binding(1) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> average: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn ema(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let quads = (p.count + 3u) / 4u;
    for (var i = gid.x; i < quads; i += groups.x * WORKGROUP_SIZE) {
        average[i] = p.decay * average[i] + (1.0 - p.decay) * params[i];
    }
}
