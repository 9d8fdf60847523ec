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
// Two tilings, chosen per adapter (GemmTiling::preferred in src/kernels/gemm.rs):
//   gemm         a 16×16 workgroup computes a 64×64 block of C, stepping
//                through K in slabs of 16 staged in workgroup memory; each
//                invocation keeps a 4×4 register block at rows ly + 16i,
//                cols lx + 16j, so reads of the staged tiles broadcast and
//                stores to C coalesce (GPUs);
//   gemm_direct  no workgroup memory or barriers: each invocation of an 8×8
//                workgroup keeps an 8×8 register block, 8 consecutive rows
//                by the columns lx + 8j, and reads A and B straight from
//                storage (CPU rasterisers such as lavapipe and SwiftShader,
//                which run barriers slowly and cache well).
//
// This file is a template (src/kernels/gemm.rs expands it): a line ending in
// `// unroll i in NAME` is repeated for i = 0 .. NAME−1 with `$i` replaced,
// `// unroll i j in NAME` for every (i, j), and {NAME} is the size NAME has
// in src/kernels/gemm.rs (register blocks and workgroup sides).
// Register blocks are written out this way because compilers that do not
// unroll loops (SwiftShader's) keep an indexed local array in memory: the
// unrolled 8×8 kernel runs 11× faster there than the same loops over an
// array, and 2.4× faster on lavapipe (BENCHMARKS.md).

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

const SHARED_BLOCK: u32 = {SHARED}u; // outputs per invocation per side
const SIDE: u32 = {SHARED_SIDE}u;    // invocations per workgroup side
const TILE: u32 = SIDE * SHARED_BLOCK; // rows and columns of C per workgroup
const TILE_K: u32 = 16u;             // depth of one staged slab
const DIRECT_BLOCK: u32 = {DIRECT}u;
const DIRECT_STRIDE: u32 = {DIRECT_SIDE}u; // gemm_direct's workgroup side
// Beyond |y| = 9.01 tanh is ±1 in f32; clamping keeps exp-based tanh finite.
const TANH_CLAMP: f32 = 10.0;

var<workgroup> tile_a: array<f32, TILE_K * TILE>;  // [TILE_K][TILE]: op(A) slab, k-major
var<workgroup> tile_b: array<f32, TILE_K * TILE>;  // [TILE_K][TILE]: op(B) slab

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

// C[row][col] = epilogue(value), inside the matrix only.
fn store(row: u32, col: u32, value: f32) {
    if (row < p.m && col < p.n) {
        c[p.c_offset + row * p.ldc + col] = epilogue(value, row, col);
    }
}

@compute @workgroup_size(SIDE, SIDE)
fn gemm(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(local_invocation_index) flat: u32,
) {
    let row0 = wg.y * TILE + lid.y;
    let col0 = wg.x * TILE + lid.x;
    var acc_$i_$j = 0.0; // unroll i j in SHARED
    for (var k0 = 0u; k0 < p.k; k0 += TILE_K) {
        // Stage both slabs (TILE_K × TILE values each, the same number per
        // invocation), consecutive invocations on consecutive stored addresses.
        for (var i = 0u; i < TILE_K * TILE / (SIDE * SIDE); i++) {
            let e = flat + i * SIDE * SIDE;
            let am = select(e / TILE_K, e % TILE, TRANS_A);
            let ak = select(e % TILE_K, e / TILE, TRANS_A);
            tile_a[ak * TILE + am] = load_a(wg.y * TILE + am, k0 + ak);
            let bn = select(e % TILE, e / TILE_K, TRANS_B);
            let bk = select(e / TILE, e % TILE_K, TRANS_B);
            tile_b[bk * TILE + bn] = load_b(k0 + bk, wg.x * TILE + bn);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < TILE_K; kk++) {
            let a_$i = tile_a[kk * TILE + lid.y + $iu * SIDE]; // unroll i in SHARED
            let b_$j = tile_b[kk * TILE + lid.x + $ju * SIDE]; // unroll j in SHARED
            acc_$i_$j = fma(a_$i, b_$j, acc_$i_$j); // unroll i j in SHARED
        }
        workgroupBarrier();
    }
    store(row0 + $iu * SIDE, col0 + $ju * SIDE, acc_$i_$j); // unroll i j in SHARED
}

// Addresses are hoisted out of the k loop: rows and columns past the edge
// are clamped (their results are never stored), and the ones column of an
// augmented A is added after the loop instead of tested for on every k.
@compute @workgroup_size(DIRECT_STRIDE, DIRECT_STRIDE)
fn gemm_direct(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // Columns interleaved across x: neighbouring invocations, which CPU
    // rasterisers run in SIMD lanes, read neighbouring elements of B and
    // store neighbouring elements of C (lavapipe: 1024³ 8 → 10.5 GFLOP/s).
    let row0 = (wg.y * DIRECT_STRIDE + lid.y) * DIRECT_BLOCK;
    let col0 = wg.x * DIRECT_STRIDE * DIRECT_BLOCK + lid.x;
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
    let a_row_$i = min(row0 + $iu, p.m - 1u); // unroll i in DIRECT
    let a_base_$i = p.a_offset + a_row_$i * a_row_step; // unroll i in DIRECT
    // Weight-gradient form: op(A)'s last row is the ones row.
    let a_ones_$i = AUGMENT_A && TRANS_A && a_row_$i == p.a_cols; // unroll i in DIRECT
    let b_base_$j = p.b_offset + min(col0 + $ju * DIRECT_STRIDE, p.n - 1u) * b_col_step; // unroll j in DIRECT
    var acc_$i_$j = 0.0; // unroll i j in DIRECT
    for (var k = 0u; k < k_stored; k++) {
        let a_$i = select(a[a_base_$i + k * a_k_step], 1.0, a_ones_$i); // unroll i in DIRECT
        let b_$j = b[b_base_$j + k * b_k_step]; // unroll j in DIRECT
        acc_$i_$j = fma(a_$i, b_$j, acc_$i_$j); // unroll i j in DIRECT
    }
    if (ones_column) {
        // k = a_cols: op(A) is 1, op(B) is the bias row.
        let bias_$j = b[b_base_$j + k_stored * b_k_step]; // unroll j in DIRECT
        acc_$i_$j += bias_$j; // unroll i j in DIRECT
    }
    store(row0 + $iu, col0 + $ju * DIRECT_STRIDE, acc_$i_$j); // unroll i j in DIRECT
}
