// Latent noise: `count` standard normals, four per hash. Prepended with
// hash.wgsl and WORKGROUP_SIZE (src/kernels/normal.rs). CPU twin:
// src/cpu/normal.rs.

struct NormalParams {
    random: RandomParams,
    count: u32,
    out_offset: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: NormalParams;
@group(0) @binding(1) var<storage, read> counters: array<u32, 4>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn normal(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let r = p.random;
    let counter = counters[r.counter] + r.counter_offset;
    let quads = (p.count + 3u) / 4u;
    // Grid-stride: the dispatch is capped, a large draw loops.
    for (var quad = gid.x; quad < quads; quad += groups.x * WORKGROUP_SIZE) {
        let bits = pcg4d(vec4<u32>(r.seed, r.stream, counter, quad));
        let values = vec4<f32>(
            box_muller(unit_uniform(bits.x), unit_uniform(bits.y)),
            box_muller(unit_uniform(bits.z), unit_uniform(bits.w)),
        );
        for (var j = 0u; j < 4u; j++) {
            let i = quad * 4u + j;
            if (i < p.count) {
                out[p.out_offset + i] = values[j];
            }
        }
    }
}
