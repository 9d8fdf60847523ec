//! Twin of shaders/gather.wgsl: a real batch of random dataset rows, row r
//! written at `out_offset + r × out_stride`.

use super::hash::pcg4d;
use super::real::Real;
use crate::data::DatasetValues;
use crate::kernels::gather::GatherParams;

/// Dataset row picked for batch row `row`.
pub fn gather_index(params: &GatherParams, counters: &[u32; 4], row: u32) -> usize {
    let r = &params.random;
    let bits = pcg4d([r.seed, r.stream, r.counter_value(counters), row]);
    (bits[0] % params.dataset_rows) as usize
}

/// Bytes in [0, 255] (MNIST pixels, the `DATA_BYTES` variant) become
/// floats in [-1, 1]; floats (2-D points) are copied.
pub fn gather<F: Real>(params: &GatherParams, counters: &[u32; 4], data: &DatasetValues, out: &mut [F]) {
    let row_len = params.row_len as usize;
    for row in 0..params.rows {
        let source = gather_index(params, counters, row) * row_len;
        let target = params.out_offset as usize + row as usize * params.out_stride as usize;
        for col in 0..row_len {
            out[target + col] = match data {
                DatasetValues::Bytes(bytes) => F::of_f32(f32::from(bytes[source + col]) / 127.5 - 1.0),
                DatasetValues::Floats(values) => F::of_f32(values[source + col]),
            };
        }
    }
}
