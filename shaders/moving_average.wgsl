// The moving average of G's parameters, after each of G's Adam steps:
// average ← a·average + (1 − a)·params with a = min(decay, (1 + t)/(10 + t)),
// t G's update count. The warm-up in a lets the average follow G closely in
// its first hundreds of updates (a = 0.18 at t = 1, 0.9 at t = 80), so the
// samples drawn from it show G learning from the first seconds rather than
// its initial weights; from t = (10·decay − 1)/(1 − decay) on (8,990 at
// 0.999) a is the decay. Prepended with WORKGROUP_SIZE
// (src/kernels/moving_average.rs). CPU twin: src/cpu/moving_average.rs.

struct MovingAverageParams {
    count: u32,
    // Index into the counters buffer of G's update count t (already
    // advanced by this update's loss dispatch, so t >= 1).
    counter: u32,
    decay: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: MovingAverageParams;
// Four values per element: buffers are padded to 16 bytes.
@group(0) @binding(1) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> counters: array<u32, 4>;
@group(0) @binding(3) var<storage, read_write> average: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn moving_average(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let t = f32(counters[p.counter]);
    let a = min(p.decay, (1.0 + t) / (10.0 + t));
    let quads = (p.count + 3u) / 4u;
    for (var i = gid.x; i < quads; i += groups.x * WORKGROUP_SIZE) {
        average[i] = a * average[i] + (1.0 - a) * params[i];
    }
}
