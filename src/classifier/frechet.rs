//! The Fréchet distance between two Gaussians fitted to feature vectors
//! (as FID does with Inception features; here the MNIST classifier's):
//!   d² = |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
//! Both square roots come from symmetric eigendecompositions (nalgebra),
//! so the result is real and non-negative even when a covariance is
//! singular (fewer samples than features).

use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// Mean and covariance (divided by n − 1; by 1 for a single row) of `rows`
/// of `width` values each.
pub fn mean_and_covariance(values: &[f32], width: usize) -> (Vec<f64>, Vec<f64>) {
    let rows = values.len() / width;
    let mut mean = vec![0.0; width];
    for row in values.chunks_exact(width) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= rows.max(1) as f64);
    let mut covariance = vec![0.0; width * width];
    let mut centred = vec![0.0; width];
    for row in values.chunks_exact(width) {
        for ((c, &v), m) in centred.iter_mut().zip(row).zip(&mean) {
            *c = f64::from(v) - m;
        }
        for i in 0..width {
            if centred[i] == 0.0 {
                continue;
            }
            for j in i..width {
                covariance[i * width + j] += centred[i] * centred[j];
            }
        }
    }
    let divisor = rows.saturating_sub(1).max(1) as f64;
    for i in 0..width {
        for j in i..width {
            let value = covariance[i * width + j] / divisor;
            covariance[i * width + j] = value;
            covariance[j * width + i] = value;
        }
    }
    (mean, covariance)
}

/// A symmetric matrix's square root, negative eigenvalues (round-off) as 0.
fn symmetric_sqrt(matrix: DMatrix<f64>) -> DMatrix<f64> {
    let eigen = SymmetricEigen::new(matrix);
    let roots = eigen.eigenvalues.map(|value| value.max(0.0).sqrt());
    &eigen.eigenvectors * DMatrix::from_diagonal(&roots) * eigen.eigenvectors.transpose()
}

/// d² between N(`mean_a`, `cov_a`) and N(`mean_b`, `cov_b`) in `width`
/// dimensions (covariances row-major).
pub fn frechet_distance(mean_a: &[f64], cov_a: &[f64], mean_b: &[f64], cov_b: &[f64], width: usize) -> f64 {
    let shift = DVector::from_column_slice(mean_a) - DVector::from_column_slice(mean_b);
    let a = DMatrix::from_row_slice(width, width, cov_a);
    let b = DMatrix::from_row_slice(width, width, cov_b);
    let root_a = symmetric_sqrt(a.clone());
    let product = &root_a * &b * &root_a;
    // Symmetric in exact arithmetic; made so before the decomposition.
    let product = (&product + product.transpose()) * 0.5;
    let cross: f64 = SymmetricEigen::new(product)
        .eigenvalues
        .iter()
        .map(|value| value.max(0.0).sqrt())
        .sum();
    (shift.norm_squared() + a.trace() + b.trace() - 2.0 * cross).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_closed_forms() {
        // One dimension: (μ₁ − μ₂)² + (σ₁ − σ₂)².
        let d = frechet_distance(&[1.0], &[4.0], &[3.0], &[9.0], 1);
        assert!((d - (4.0 + 1.0)).abs() < 1e-12, "{d}");
        // Same Gaussian: 0, even when singular.
        let cov = [2.0, 1.0, 0.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0];
        assert!(frechet_distance(&[1.0, 2.0, 3.0], &cov, &[1.0, 2.0, 3.0], &cov, 3).abs() < 1e-9);
    }

    #[test]
    fn is_unchanged_by_a_rotation_of_both() {
        // Diagonal covariances: |Δμ|² + Σ (√aᵢ − √bᵢ)².
        let (a, b) = ([4.0, 1.0], [1.0, 9.0]);
        let expected = 2.0 + (2.0f64 - 1.0).powi(2) + (1.0f64 - 3.0).powi(2);
        let diag = |d: [f64; 2]| vec![d[0], 0.0, 0.0, d[1]];
        let plain = frechet_distance(&[1.0, 0.0], &diag(a), &[0.0, 1.0], &diag(b), 2);
        assert!((plain - expected).abs() < 1e-12, "{plain}");
        let (c, s) = (0.6f64, 0.8f64);
        let rotate = |d: [f64; 2]| {
            // R diag(d) Rᵀ with R = [[c, -s], [s, c]].
            let r = DMatrix::from_row_slice(2, 2, &[c, -s, s, c]);
            let m = &r * DMatrix::from_diagonal(&DVector::from_column_slice(&d)) * r.transpose();
            m.transpose().as_slice().to_vec()
        };
        let turn = |v: [f64; 2]| [c * v[0] - s * v[1], s * v[0] + c * v[1]];
        let rotated = frechet_distance(&turn([1.0, 0.0]), &rotate(a), &turn([0.0, 1.0]), &rotate(b), 2);
        assert!((rotated - expected).abs() < 1e-9, "{rotated}");
    }

    #[test]
    fn covariance_of_rows_is_unbiased() {
        let (mean, cov) = mean_and_covariance(&[1.0, 0.0, 3.0, 2.0, 5.0, 4.0], 2);
        assert_eq!(mean, vec![3.0, 2.0]);
        assert_eq!(cov, vec![4.0, 4.0, 4.0, 4.0]);
    }
}
