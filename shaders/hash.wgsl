// Counter-based random numbers, prepended to the kernels that draw them
// (normal.wgsl, gather.wgsl). CPU twin: src/cpu/hash.rs.
//
// Every draw is a pure function of (seed, stream, counter, index), so the
// same seed replays the same run and no RNG state lives on the GPU.

const PI: f32 = 3.14159265358979;

// The 4-D PCG hash of Jarzynski & Olano, "Hash Functions for GPU Rendering"
// (JCGT 2020). u32 arithmetic wraps in WGSL, as the twin's wrapping_* does.
fn pcg4d(key: vec4<u32>) -> vec4<u32> {
    var v = key * 1664525u + 1013904223u;
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    v = v ^ (v >> vec4<u32>(16u));
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    return v;
}

// Uniform in the open interval (0, 1); 23 bits plus a half are exact in f32.
fn unit_uniform(bits: u32) -> f32 {
    return (f32(bits >> 9u) + 0.5) * (1.0 / 8388608.0);
}

// Two independent standard normals (Box-Muller).
fn box_muller(u1: f32, u2: f32) -> vec2<f32> {
    let radius = sqrt(-2.0 * log(u1));
    // The angle stays in [-pi, pi], where WGSL bounds the error of cos and sin.
    let theta = PI * (2.0 * u2 - 1.0);
    return radius * vec2<f32>(cos(theta), sin(theta));
}

struct RandomParams {
    seed: u32,
    stream: u32,
    // Index into the counters buffer; the counter is counters[counter] + counter_offset.
    counter: u32,
    counter_offset: u32,
}
