// Inverted dropout of a layer's activations (forward) or of the gradient
// that reaches them (backward, the same mask): each value is kept with
// probability 1 - rate and scaled by 1 / (1 - rate), or set to 0. The mask
// is a pure function of (seed, stream, counter, index), so the backward
// pass redraws exactly the forward's. Prepended with hash.wgsl and
// WORKGROUP_SIZE (src/kernels/dropout.rs). CPU twin: src/cpu/dropout.rs.

struct DropoutParams {
    random: RandomParams,
    count: u32,
    rate: f32,
    // 1 / (1 - rate), computed once on the host.
    scale: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: DropoutParams;
@group(0) @binding(1) var<storage, read> counters: array<u32, 4>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn dropout(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let r = p.random;
    let counter = counters[r.counter] + r.counter_offset;
    for (var i = gid.x; i < p.count; i += groups.x * WORKGROUP_SIZE) {
        let bits = pcg4d(vec4<u32>(r.seed, r.stream, counter, i));
        let keep = unit_uniform(bits.x) >= p.rate;
        values[i] = select(0.0, values[i] * p.scale, keep);
    }
}
