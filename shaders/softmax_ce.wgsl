// Softmax cross-entropy of a classifier's logits against integer labels:
// per row, the gradient of the batch-mean loss with respect to each logit,
//   (softmax(l)_c - [c = label]) / rows,
// and the row's loss and whether its largest logit is the label's.
// Grid-stride over rows, one row per invocation (classes are few).
// Prepended with WORKGROUP_SIZE (src/kernels/softmax_ce.rs).
// CPU twin: src/cpu/softmax_ce.rs.

struct SoftmaxCeParams {
    rows: u32,
    classes: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: SoftmaxCeParams;
// rows × classes, row-major.
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// One class index per row, each below `classes` (checked on the host).
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> logit_grads: array<f32>;
// Per row: (loss, 1 if the first largest logit is the label's else 0).
@group(0) @binding(4) var<storage, read_write> row_stats: array<vec2<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn softmax_ce(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    for (var row = gid.x; row < p.rows; row += groups.x * WORKGROUP_SIZE) {
        let first = row * p.classes;
        let label = labels[row];
        // The largest logit, subtracted before exp so that none overflows.
        var top = logits[first];
        var top_class = 0u;
        for (var c = 1u; c < p.classes; c++) {
            let l = logits[first + c];
            if (l > top) {
                top = l;
                top_class = c;
            }
        }
        var total = 0.0;
        for (var c = 0u; c < p.classes; c++) {
            total += exp(logits[first + c] - top);
        }
        let scale = 1.0 / f32(p.rows);
        for (var c = 0u; c < p.classes; c++) {
            let prob = exp(logits[first + c] - top) / total;
            logit_grads[first + c] = (prob - select(0.0, 1.0, c == label)) * scale;
        }
        // -log softmax(l)_label = log Σ exp(l - top) - (l_label - top).
        let loss = log(total) - (logits[first + label] - top);
        row_stats[row] = vec2<f32>(loss, select(0.0, 1.0, top_class == label));
    }
}
