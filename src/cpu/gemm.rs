//! Twin of shaders/gemm.wgsl: C = epilogue(op(A) · op(B)), one output at a
//! time, summing k in ascending order.

use super::activation::{activate, activation_grad};
use super::real::Real;
use crate::kernels::gemm::{Epilogue, GemmParams, GemmSpec};

/// op(A)[row][col], with the virtual ones column of an augmented A.
fn load_a<F: Real>(spec: &GemmSpec, a: &[F], row: usize, col: usize) -> F {
    let p = &spec.params;
    let (stored_row, stored_col) = if spec.variant.trans_a {
        (col, row)
    } else {
        (row, col)
    };
    if spec.variant.augment_a && stored_col == p.a_cols as usize {
        return F::one();
    }
    a[p.a_offset as usize + stored_row * p.lda as usize + stored_col]
}

/// op(B)[row][col].
fn load_b<F: Real>(spec: &GemmSpec, b: &[F], row: usize, col: usize) -> F {
    let p = &spec.params;
    let (stored_row, stored_col) = if spec.variant.trans_b {
        (col, row)
    } else {
        (row, col)
    };
    b[p.b_offset as usize + stored_row * p.ldb as usize + stored_col]
}

fn epilogue<F: Real>(spec: &GemmSpec, value: F, aux: &[F], row: usize, col: usize) -> F {
    let p: &GemmParams = &spec.params;
    match spec.variant.epilogue {
        Epilogue::None => value,
        Epilogue::Activate(kind) => activate(kind.with_slope(p.slope), value),
        Epilogue::ActivationGrad(kind) => {
            let stored = aux[p.aux_offset as usize + row * p.ldaux as usize + col];
            value * activation_grad(kind.with_slope(p.slope), stored)
        }
    }
}

pub fn gemm<F: Real>(spec: &GemmSpec, a: &[F], b: &[F], aux: &[F], c: &mut [F]) {
    let p = &spec.params;
    for row in 0..p.m as usize {
        for col in 0..p.n as usize {
            let mut acc = F::zero();
            for k in 0..p.k as usize {
                acc += load_a(spec, a, row, k) * load_b(spec, b, k, col);
            }
            c[p.c_offset as usize + row * p.ldc as usize + col] = epilogue(spec, acc, aux, row, col);
        }
    }
}

/// Σ_k |op(A)[row][k] · op(B)[k][col]| for every output: the scale of the
/// rounding error a float GEMM may make (see `checks::gemm_tolerance`).
pub fn gemm_abs_products<F: Real>(spec: &GemmSpec, a: &[F], b: &[F]) -> Vec<F> {
    let p = &spec.params;
    let mut sums = vec![F::zero(); (p.m * p.n) as usize];
    for row in 0..p.m as usize {
        for col in 0..p.n as usize {
            let mut acc = F::zero();
            for k in 0..p.k as usize {
                acc += (load_a(spec, a, row, k) * load_b(spec, b, k, col)).abs();
            }
            sums[row * p.n as usize + col] = acc;
        }
    }
    sums
}
