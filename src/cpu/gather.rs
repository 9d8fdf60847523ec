//! Twin of shaders/gather.wgsl: a real batch of random dataset rows.

use super::hash::pcg4d;
use super::real::Real;
use crate::params::GatherParams;

/// Dataset row picked for batch row `row`.
pub fn gather_index(params: &GatherParams, counters: &[u32; 4], row: u32) -> usize {
    let r = &params.random;
    let bits = pcg4d([r.seed, r.stream, r.counter_value(counters), row]);
    (bits[0] % params.dataset_rows) as usize
}

/// Bytes in [0, 255] (MNIST pixels) to floats in [-1, 1].
pub fn gather_bytes<F: Real>(params: &GatherParams, counters: &[u32; 4], data: &[u8], out: &mut [F]) {
    gather_with(params, counters, out, |index| {
        F::of_f32(f32::from(data[index]) / 127.5 - 1.0)
    });
}

/// Rows already in floats (2-D points).
pub fn gather_floats<F: Real>(params: &GatherParams, counters: &[u32; 4], data: &[f32], out: &mut [F]) {
    gather_with(params, counters, out, |index| F::of_f32(data[index]));
}

fn gather_with<F: Real>(
    params: &GatherParams,
    counters: &[u32; 4],
    out: &mut [F],
    value_at: impl Fn(usize) -> F,
) {
    let row_len = params.row_len as usize;
    for row in 0..params.rows {
        let source = gather_index(params, counters, row) * row_len;
        let target = params.out_offset as usize + row as usize * row_len;
        for col in 0..row_len {
            out[target + col] = value_at(source + col);
        }
    }
}
