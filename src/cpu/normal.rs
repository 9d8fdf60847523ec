//! Twin of shaders/normal.wgsl: standard normals, four per hash.

use super::hash::{box_muller, pcg4d, unit_uniform};
use super::real::Real;
use crate::kernels::normal::{NormalParams, RandomParams};

pub fn normal<F: Real>(params: &NormalParams, counters: &[u32; 4], out: &mut [F]) {
    let r = &params.random;
    let counter = r.counter_value(counters);
    let count = params.count as usize;
    for quad in 0..count.div_ceil(4) {
        let bits = pcg4d([r.seed, r.stream, counter, quad as u32]);
        let [n0, n1] = box_muller::<F>(unit_uniform(bits[0]), unit_uniform(bits[1]));
        let [n2, n3] = box_muller::<F>(unit_uniform(bits[2]), unit_uniform(bits[3]));
        for (j, value) in [n0, n1, n2, n3].into_iter().enumerate() {
            let i = quad * 4 + j;
            if i < count {
                out[params.out_offset as usize + i] = value;
            }
        }
    }
}

/// `count` normals keyed by (seed, stream, counter): a convenience for the CPU
/// side (fixed preview latents, the reference trainer).
pub fn normals<F: Real>(seed: u32, stream: u32, counter: u32, count: usize) -> Vec<F> {
    let params = NormalParams {
        random: RandomParams {
            seed,
            stream,
            counter: crate::streams::Counter::Zero as u32,
            counter_offset: counter,
        },
        count: count as u32,
        out_offset: 0,
        _pad: [0; 2],
    };
    let mut out = vec![F::zero(); count];
    normal(&params, &[0; 4], &mut out);
    out
}
