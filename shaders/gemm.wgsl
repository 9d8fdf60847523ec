// C (M×N) = epilogue(op(A) (M×K) · op(B) (K×N)). CPU twin: src/cpu/gemm.rs.
//
// The one heavy kernel: every layer's forward, input gradient and weight
// gradient is this GEMM with different overrides, so no transpose is ever
// materialised.
//   forward          Y = act([X, 1] · [W; b])       AUGMENT_A, EPILOGUE = act
//   input gradient  dX = (dY · Wᵀ) ⊙ act'(X)         TRANS_B, EPILOGUE = act grad
//   weight gradient [dW; db] = [X, 1]ᵀ · dY          TRANS_A, AUGMENT_A
// A layer's parameters are an (inputs + 1) × outputs block whose last row is
// the bias, so the virtual ones column of an augmented A adds the bias in the
// forward pass and sums dY into db in the weight gradient.
//
// Tiling: a 16×16 workgroup computes a 64×64 block of C, stepping through K
// in slabs of 16 staged in workgroup memory; each invocation accumulates a
// 4×4 register block at rows ly + 16i, cols lx + 16j, so reads of the staged
// tiles broadcast and stores to C coalesce.

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override AUGMENT_A: bool = false;
// 0 none, 1 LeakyReLU, 2 tanh, 3 × LeakyReLU'(aux), 4 × tanh'(aux).
override EPILOGUE: u32 = 0u;

struct GemmParams {
    m: u32,
    n: u32,
    k: u32,
    a_offset: u32,
    lda: u32,
    a_cols: u32,   // stored columns of A before the ones column
    b_offset: u32,
    ldb: u32,
    c_offset: u32,
    ldc: u32,
    aux_offset: u32,
    ldaux: u32,
    slope: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
// Stored activations whose derivative the backward epilogue applies.
@group(0) @binding(3) var<storage, read> aux: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;     // rows and columns of C per workgroup
const TILE_K: u32 = 16u;   // depth of one staged slab
const SIDE: u32 = 16u;     // invocations per workgroup side
const BLOCK: u32 = 4u;     // outputs per invocation per side
// Beyond |y| = 9.01 tanh is ±1 in f32; clamping keeps exp-based tanh finite.
const TANH_CLAMP: f32 = 10.0;

var<workgroup> tile_a: array<f32, 1024>;  // [TILE_K][TILE]: op(A) slab, k-major
var<workgroup> tile_b: array<f32, 1024>;  // [TILE_K][TILE]: op(B) slab

// op(A)[row][col], zero outside the matrix.
fn load_a(row: u32, col: u32) -> f32 {
    if (row >= p.m || col >= p.k) {
        return 0.0;
    }
    let stored_row = select(row, col, TRANS_A);
    let stored_col = select(col, row, TRANS_A);
    if (AUGMENT_A && stored_col == p.a_cols) {
        return 1.0;
    }
    return a[p.a_offset + stored_row * p.lda + stored_col];
}

// op(B)[row][col], zero outside the matrix.
fn load_b(row: u32, col: u32) -> f32 {
    if (row >= p.k || col >= p.n) {
        return 0.0;
    }
    let stored_row = select(row, col, TRANS_B);
    let stored_col = select(col, row, TRANS_B);
    return b[p.b_offset + stored_row * p.ldb + stored_col];
}

fn epilogue(value: f32, row: u32, col: u32) -> f32 {
    switch EPILOGUE {
        case 1u: {
            return select(p.slope * value, value, value > 0.0);
        }
        case 2u: {
            return tanh(clamp(value, -TANH_CLAMP, TANH_CLAMP));
        }
        case 3u: {
            let stored = aux[p.aux_offset + row * p.ldaux + col];
            return value * select(p.slope, 1.0, stored > 0.0);
        }
        case 4u: {
            let stored = aux[p.aux_offset + row * p.ldaux + col];
            return value * (1.0 - stored * stored);
        }
        default: {
            return value;
        }
    }
}

@compute @workgroup_size(16, 16)
fn gemm(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(local_invocation_index) flat: u32,
) {
    let row0 = wg.y * TILE;
    let col0 = wg.x * TILE;
    var acc: array<f32, 16>;
    for (var k0 = 0u; k0 < p.k; k0 += TILE_K) {
        // Stage both slabs: 1024 values each, 4 per invocation, with
        // consecutive invocations on consecutive stored addresses.
        for (var i = 0u; i < 4u; i++) {
            let e = flat + i * 256u;
            let am = select(e / TILE_K, e % TILE, TRANS_A);
            let ak = select(e % TILE_K, e / TILE, TRANS_A);
            tile_a[ak * TILE + am] = load_a(row0 + am, k0 + ak);
            let bn = select(e % TILE, e / TILE_K, TRANS_B);
            let bk = select(e / TILE, e % TILE_K, TRANS_B);
            tile_b[bk * TILE + bn] = load_b(k0 + bk, col0 + bn);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < TILE_K; kk++) {
            var a_vals: array<f32, 4>;
            var b_vals: array<f32, 4>;
            for (var i = 0u; i < BLOCK; i++) {
                a_vals[i] = tile_a[kk * TILE + lid.y + i * SIDE];
                b_vals[i] = tile_b[kk * TILE + lid.x + i * SIDE];
            }
            for (var i = 0u; i < BLOCK; i++) {
                for (var j = 0u; j < BLOCK; j++) {
                    acc[i * BLOCK + j] = fma(a_vals[i], b_vals[j], acc[i * BLOCK + j]);
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < BLOCK; i++) {
        for (var j = 0u; j < BLOCK; j++) {
            let row = row0 + lid.y + i * SIDE;
            let col = col0 + lid.x + j * SIDE;
            if (row < p.m && col < p.n) {
                c[p.c_offset + row * p.ldc + col] = epilogue(acc[i * BLOCK + j], row, col);
            }
        }
    }
}

// The same product without workgroup memory or barriers: each invocation
// of an 8×8 workgroup accumulates a 4×4 block of C reading A and B straight
// from storage. CPU rasterisers (lavapipe, SwiftShader) run barriers and
// large workgroups slowly and cache storage reads well, so there this wins.
// Addresses are hoisted out of the k loop: rows and columns past the edge
// are clamped (their results are never stored), and the ones column of an
// augmented A is added after the loop instead of tested for on every k.
const DIRECT_TILE: u32 = 32u; // 8 invocations × BLOCK

@compute @workgroup_size(8, 8)
fn gemm_direct(@builtin(global_invocation_id) gid: vec3<u32>) {
    // Rows along x: CPU rasterisers run neighbouring x invocations in SIMD
    // lanes, and a narrow C (one logit, two coordinates) still fills them.
    let row0 = gid.x * BLOCK;
    let col0 = gid.y * BLOCK;
    if (row0 >= p.m || col0 >= p.n) {
        return;
    }
    // Stored-index steps of op(A) along k and along rows, of op(B) along k and columns.
    let a_k_step = select(1u, p.lda, TRANS_A);
    let a_row_step = select(p.lda, 1u, TRANS_A);
    let b_k_step = select(p.ldb, 1u, TRANS_B);
    let b_col_step = select(1u, p.ldb, TRANS_B);
    // Forward form: op(A)'s last column is the virtual ones column.
    let ones_column = AUGMENT_A && !TRANS_A;
    let k_stored = select(p.k, p.a_cols, ones_column);
    var a_base: array<u32, 4>;
    var a_is_ones: array<bool, 4>;
    var b_base: array<u32, 4>;
    for (var i = 0u; i < BLOCK; i++) {
        let row = min(row0 + i, p.m - 1u);
        a_base[i] = p.a_offset + row * a_row_step;
        // Weight-gradient form: op(A)'s last row is the ones row.
        a_is_ones[i] = AUGMENT_A && TRANS_A && row == p.a_cols;
        b_base[i] = p.b_offset + min(col0 + i, p.n - 1u) * b_col_step;
    }
    var acc: array<f32, 16>;
    for (var k = 0u; k < k_stored; k++) {
        var a_vals: array<f32, 4>;
        var b_vals: array<f32, 4>;
        for (var i = 0u; i < BLOCK; i++) {
            a_vals[i] = select(a[a_base[i] + k * a_k_step], 1.0, a_is_ones[i]);
            b_vals[i] = b[b_base[i] + k * b_k_step];
        }
        for (var i = 0u; i < BLOCK; i++) {
            for (var j = 0u; j < BLOCK; j++) {
                acc[i * BLOCK + j] = fma(a_vals[i], b_vals[j], acc[i * BLOCK + j]);
            }
        }
    }
    if (ones_column) {
        // k = a_cols: op(A) is 1, op(B) is the bias row.
        for (var j = 0u; j < BLOCK; j++) {
            let bias = b[b_base[j] + k_stored * b_k_step];
            for (var i = 0u; i < BLOCK; i++) {
                acc[i * BLOCK + j] += bias;
            }
        }
    }
    for (var i = 0u; i < BLOCK; i++) {
        for (var j = 0u; j < BLOCK; j++) {
            let row = row0 + i;
            let col = col0 + j;
            if (row < p.m && col < p.n) {
                c[p.c_offset + row * p.ldc + col] = epilogue(acc[i * BLOCK + j], row, col);
            }
        }
    }
}
