// Adam, bias-corrected, in PyTorch's form; one dispatch updates a whole
// network, since parameters, gradients and both moments share one flat
// layout. Prepended with WORKGROUP_SIZE (src/kernels/adam.rs). CPU twin:
// src/cpu/adam.rs.

struct AdamParams {
    count: u32,
    // Index into the counters buffer of this network's update count t
    // (already advanced by this update's loss dispatch, so t >= 1).
    counter: u32,
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    // The rate halves every decay_half_life updates after update
    // decay_start; a half-life of 0 keeps it at lr.
    decay_start: u32,
    decay_half_life: u32,
}

@group(0) @binding(0) var<uniform> p: AdamParams;
// Four parameters per element: buffers are padded to 16 bytes, and the
// padding has zero gradient and moments, so updating it changes nothing.
@group(0) @binding(1) var<storage, read> grads: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> counters: array<u32, 4>;
@group(0) @binding(3) var<storage, read_write> weights: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> adam_m: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> adam_v: array<vec4<f32>>;

// beta^t, with 0^t = 0 spelled out: pow(0, t) goes through log2(0).
fn beta_power(beta: f32, t: f32) -> f32 {
    return select(pow(beta, t), 0.0, beta == 0.0);
}

// lr's share at update t: 1 until decay_start, then halving every
// decay_half_life updates. t is exact in f32 up to 2^24 updates.
fn rate_factor(t: f32) -> f32 {
    let start = f32(p.decay_start);
    if (p.decay_half_life == 0u || t <= start) {
        return 1.0;
    }
    return exp2((start - t) / f32(p.decay_half_life));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn adam(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let t = f32(counters[p.counter]);
    let bias1 = 1.0 - beta_power(p.beta1, t);
    let bias2_sqrt = sqrt(1.0 - beta_power(p.beta2, t));
    let step = p.lr * rate_factor(t) / bias1;
    let quads = (p.count + 3u) / 4u;
    for (var i = gid.x; i < quads; i += groups.x * WORKGROUP_SIZE) {
        let g = grads[i];
        let m = p.beta1 * adam_m[i] + (1.0 - p.beta1) * g;
        let v = p.beta2 * adam_v[i] + (1.0 - p.beta2) * g * g;
        adam_m[i] = m;
        adam_v[i] = v;
        let denom = sqrt(v) / bias2_sqrt + p.eps;
        weights[i] -= step * m / denom;
    }
}
