// The adversarial loss from logits, its gradient per logit, the batch
// statistics and the step counters, in one single-workgroup dispatch.
// Prepended with WORKGROUP_SIZE (src/kernels/loss.rs), a power of two.
// CPU twin: src/cpu/loss.rs.
//
// Rows [0, real_count) of `logits` are real samples with target real_target;
// the next fake_count rows are generated ones with target fake_target:
//   discriminator: L_D = mean BCE(l_real, 1 - smoothing) + mean BCE(l_fake, 0)
//   generator (non-saturating): L_G = mean BCE(l_fake, 1)
// with BCE(l, t) = t·softplus(-l) + (1 - t)·softplus(l). The other kinds
// replace BCE(l, t) per sample:
//   least squares: ½(l - t)²
//   hinge: max(0, 1 - l) for t > ½ in the discriminator's update,
//          max(0, 1 + l) for t = 0, and -l in the generator's.
// The stats' "D(x)" is each kind's reading of l on a 0 (fake) to 1 (real)
// scale: σ(l) for BCE, l for least squares (its targets), and
// (clamp(l, -1, 1) + 1) / 2 for hinge (its margins).
//
// Being the one dispatch per update that runs as a single workgroup, this
// kernel also owns the counters: the reduction order is fixed (so runs are
// reproducible) and one invocation can advance them after everyone has read.

struct LossParams {
    real_count: u32,
    fake_count: u32,
    mode: u32,            // 0: discriminator update, 1: generator update
    stats_capacity: u32,
    real_target: f32,
    fake_target: f32,
    kind: u32,            // 0: BCE, 1: least squares, 2: hinge
    _pad: u32,
}

const MODE_DISC: u32 = 0u;
const KIND_LEAST_SQUARES: u32 = 1u;
const KIND_HINGE: u32 = 2u;
const ITERATION: u32 = 0u;
const DISC_UPDATES: u32 = 1u;
const GEN_UPDATES: u32 = 2u;

@group(0) @binding(0) var<uniform> p: LossParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> logit_grads: array<f32>;
// One row per iteration: (disc_loss, gen_loss, mean D(x), mean D(G(z))).
@group(0) @binding(3) var<storage, read_write> stats: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> counters: array<u32, 4>;

// (loss_real, loss_fake, reading_real, reading_fake) per invocation.
var<workgroup> partial: array<vec4<f32>, WORKGROUP_SIZE>;

// log(1 + e^x) without overflow.
fn softplus(x: f32) -> f32 {
    return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

// 1 / (1 + e^-x) without overflow.
fn sigmoid(x: f32) -> f32 {
    let e = exp(-abs(x));
    return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn bce_with_logit(l: f32, t: f32) -> f32 {
    return t * softplus(-l) + (1.0 - t) * softplus(l);
}

// (loss, d loss / d l, D's reading of l) of one sample with target t.
fn sample_loss(l: f32, t: f32) -> vec3<f32> {
    if (p.kind == KIND_LEAST_SQUARES) {
        let d = l - t;
        return vec3<f32>(0.5 * d * d, d, l);
    }
    if (p.kind == KIND_HINGE) {
        let reading = (clamp(l, -1.0, 1.0) + 1.0) * 0.5;
        if (p.mode != MODE_DISC) {
            return vec3<f32>(-l, -1.0, reading);
        }
        // Real: max(0, 1 - l); generated: max(0, 1 + l).
        let sign = select(1.0, -1.0, t > 0.5);
        let margin = 1.0 + sign * l;
        return vec3<f32>(max(margin, 0.0), select(0.0, sign, margin > 0.0), reading);
    }
    let prob = sigmoid(l);
    return vec3<f32>(bce_with_logit(l, t), prob - t, prob);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn loss(@builtin(local_invocation_index) thread: u32) {
    let total = p.real_count + p.fake_count;
    var sums = vec4<f32>(0.0);
    for (var i = thread; i < total; i += WORKGROUP_SIZE) {
        let l = logits[i];
        let is_real = i < p.real_count;
        let want = select(p.fake_target, p.real_target, is_real);
        let group = select(p.fake_count, p.real_count, is_real);
        let sample = sample_loss(l, want);
        logit_grads[i] = sample.y / f32(group);
        if (is_real) {
            sums.x += sample.x;
            sums.z += sample.z;
        } else {
            sums.y += sample.x;
            sums.w += sample.z;
        }
    }
    partial[thread] = sums;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
        if (thread < stride) {
            partial[thread] += partial[thread + stride];
        }
        workgroupBarrier();
    }
    if (thread == 0u) {
        let s = partial[0];
        let real_n = f32(max(p.real_count, 1u));
        let fake_n = f32(max(p.fake_count, 1u));
        let slot = counters[ITERATION] % p.stats_capacity;
        var row = stats[slot];
        if (p.mode == MODE_DISC) {
            row.x = s.x / real_n + s.y / fake_n;
            row.z = s.z / real_n;
            row.w = s.w / fake_n;
            counters[DISC_UPDATES] += 1u;
        } else {
            row.y = s.y / fake_n;
            counters[GEN_UPDATES] += 1u;
            counters[ITERATION] += 1u;
        }
        stats[slot] = row;
    }
}
