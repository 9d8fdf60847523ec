// The real batch: `rows` dataset rows chosen by hash, written as f32.
// Prepended with hash.wgsl and WORKGROUP_SIZE (src/kernels/gather.rs).
// CPU twin: src/cpu/gather.rs. Row r goes to out[out_offset + r × out_stride]:
// a stride wider than the row leaves columns for other values (a label).
//
// MNIST arrives as bytes packed four per u32 (as f32 the 60k images would
// exceed WebGPU's default 128 MiB binding limit); 2-D points as f32 bits.

struct GatherParams {
    random: RandomParams,
    rows: u32,
    row_len: u32,
    dataset_rows: u32,
    out_offset: u32,
    out_stride: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: GatherParams;
@group(0) @binding(1) var<storage, read> counters: array<u32, 4>;
@group(0) @binding(2) var<storage, read> data: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn source_row(row: u32) -> u32 {
    let r = p.random;
    let counter = counters[r.counter] + r.counter_offset;
    return pcg4d(vec4<u32>(r.seed, r.stream, counter, row)).x % p.dataset_rows;
}

// True: `data` holds bytes (MNIST pixels, scaled from [0, 255] to
// [-1, 1]); false: f32 bits (2-D points).
override DATA_BYTES: bool = true;

fn value_at(index: u32) -> f32 {
    if (DATA_BYTES) {
        let byte = (data[index / 4u] >> ((index % 4u) * 8u)) & 0xffu;
        return f32(byte) / 127.5 - 1.0;
    }
    return bitcast<f32>(data[index]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let total = p.rows * p.row_len;
    for (var e = gid.x; e < total; e += groups.x * WORKGROUP_SIZE) {
        let row = e / p.row_len;
        let col = e % p.row_len;
        out[p.out_offset + row * p.out_stride + col] = value_at(source_row(row) * p.row_len + col);
    }
}
