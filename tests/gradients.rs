//! The CPU reference's analytic gradients against central finite
//! differences, in f64, for both networks' objectives under every kind of
//! loss: the ground truth the GPU trainer is then compared with.
//!
//! Tolerance: central differences with h = 1e-6 have truncation error
//! ~h²·f''' ≈ 1e-12 and rounding error ~ε₆₄·|L|/h ≈ 1e-10, so
//! |fd - analytic| ≤ 1e-7 + 1e-5·|analytic| holds with a wide margin for a
//! smooth loss. (Rounding grows to ~1e-8 at h/100, still inside.)
//!
//! ReLU and LeakyReLU have a kink at 0: when a pre-activation lies within h
//! of it, the central difference straddles the kink and averages the two
//! slopes (this happens: one ReLU run below has a pre-activation of 4e-7).
//! A parameter that misses at h is therefore tried again at h/100, where
//! such a kink is no longer straddled; a wrong gradient misses at both.
//! The hinge loss has a kink of the same kind at each margin.

#![cfg(not(target_arch = "wasm32"))]

use livegan::checks::training::{check_dataset, small_config};
use livegan::config::{Config, GanLoss};
use livegan::cpu::real::convert;
use livegan::data::DatasetKind;
use livegan::reference::ReferenceGan;
use livegan::streams::{self, Counter};

const H: f64 = 1e-6;

fn assert_close(name: &str, analytic: &[f64], loss_at: impl Fn(usize, f64) -> f64) {
    let mut checked = 0;
    // Every 3rd parameter keeps the test quick while touching every layer,
    // weights and biases alike.
    let mut retried = 0;
    for i in (0..analytic.len()).step_by(3) {
        let tolerance = 1e-7 + 1e-5 * analytic[i].abs();
        let central = |h: f64| (loss_at(i, h) - loss_at(i, -h)) / (2.0 * h);
        let mut fd = central(H);
        if (fd - analytic[i]).abs() > tolerance {
            retried += 1;
            fd = central(H / 100.0);
        }
        assert!(
            (fd - analytic[i]).abs() <= tolerance,
            "{name}[{i}]: finite difference {fd:e}, analytic {:e}",
            analytic[i]
        );
        checked += 1;
    }
    // Kinks are rare: a handful of retries at most.
    assert!(
        retried * 50 <= checked,
        "{name}: {retried} of {checked} needed the smaller step"
    );
    assert!(checked > 50, "{name}: only {checked} checked");
    assert!(
        analytic.iter().any(|g| g.abs() > 1e-4),
        "{name}: gradients are not all tiny"
    );
}

fn check(config: Config) {
    // One iteration first, so the check is not at the initial point.
    let mut trained = ReferenceGan::<f64>::new(config.clone(), check_dataset(&config));
    trained.iteration();
    let (gen_params, disc_params) = (&trained.gen_params, &trained.disc_params);
    let z_disc = trained.latent(streams::DISC_LATENT, Counter::DiscUpdates);
    let real = trained.real_batch();
    let z_gen = trained.latent(streams::GEN_LATENT, Counter::GenUpdates);

    let disc_grads = trained
        .disc_objective(gen_params, disc_params, &z_disc, &real)
        .grads;
    assert_close("disc", &disc_grads, |i, h| {
        let mut perturbed = disc_params.clone();
        perturbed[i] += h;
        trained
            .disc_objective(gen_params, &perturbed, &z_disc, &real)
            .loss
    });
    let gen_grads = trained.gen_objective(gen_params, disc_params, &z_gen).grads;
    assert_close("gen", &gen_grads, |i, h| {
        let mut perturbed = gen_params.clone();
        perturbed[i] += h;
        trained.gen_objective(&perturbed, disc_params, &z_gen).loss
    });
}

#[test]
fn reference_gradients_match_finite_differences_on_2d_data() {
    check(small_config(DatasetKind::Ring8));
}

#[test]
fn reference_gradients_match_finite_differences_with_relu_and_no_smoothing() {
    check(Config {
        activation: livegan::config::HiddenActivation::Relu,
        label_smoothing: 0.0,
        ..small_config(DatasetKind::Circle)
    });
}

#[test]
fn reference_gradients_match_finite_differences_on_mnist_shaped_data() {
    let config = Config {
        gen_hidden: vec![9],
        disc_hidden: vec![8],
        ..small_config(DatasetKind::Mnist)
    };
    check(config);
}

#[test]
fn reference_gradients_match_finite_differences_with_least_squares() {
    check(Config {
        loss: GanLoss::LeastSquares,
        ..small_config(DatasetKind::Grid25)
    });
}

#[test]
fn reference_gradients_match_finite_differences_with_hinge() {
    check(Config {
        loss: GanLoss::Hinge,
        ..small_config(DatasetKind::Ring8)
    });
}

#[test]
fn reference_gradients_match_finite_differences_with_dropout_in_d() {
    // The masks are fixed by the counters, so each objective is smooth in
    // the parameters and finite differences apply.
    check(Config {
        disc_dropout: 0.4,
        ..small_config(DatasetKind::Ring8)
    });
}

#[test]
fn reference_gradients_match_finite_differences_with_packing() {
    check(Config {
        pack: 3,
        ..small_config(DatasetKind::Grid25)
    });
}

#[test]
fn reference_gradients_match_finite_differences_with_the_r1_penalty() {
    // The penalty's gradient is a second derivative of D: its own check.
    for config in [
        Config {
            r1_gamma: 3.0,
            ..small_config(DatasetKind::Ring8)
        },
        Config {
            r1_gamma: 0.5,
            disc_dropout: 0.3,
            pack: 2,
            ..small_config(DatasetKind::Spiral)
        },
    ] {
        check(config);
    }
}

#[test]
fn f32_and_f64_references_agree() {
    // The f32 twin path follows the f64 one closely: a sanity check that
    // the generic code does not depend on the float type.
    let config = small_config(DatasetKind::Grid25);
    let mut single = ReferenceGan::<f32>::new(config.clone(), check_dataset(&config));
    let mut double = ReferenceGan::<f64>::new(config.clone(), check_dataset(&config));
    single.iteration();
    double.iteration();
    let single: Vec<f64> = convert(&single.disc_params);
    for (a, b) in single.iter().zip(&double.disc_params) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}

#[test]
fn softmax_cross_entropy_gradient_matches_finite_differences() {
    use livegan::cpu::softmax_ce::softmax_ce;
    use livegan::kernels::softmax_ce::SoftmaxCeParams;
    let (rows, classes) = (30usize, 10usize);
    let params = SoftmaxCeParams {
        rows: rows as u32,
        classes: classes as u32,
        _pad: [0; 2],
    };
    let logits: Vec<f64> = convert(&livegan::checks::test_values(41, rows * classes, -6.0, 6.0));
    let labels: Vec<u32> = (0..rows as u32).map(|row| (row * 3) % classes as u32).collect();
    // The batch-mean loss the kernel's gradient belongs to.
    let mean_loss = |logits: &[f64]| {
        let mut grads = vec![0.0; rows * classes];
        let mut stats = vec![[0.0; 2]; rows];
        softmax_ce(&params, logits, &labels, &mut grads, &mut stats);
        stats.iter().map(|row| row[0]).sum::<f64>() / rows as f64
    };
    let mut analytic = vec![0.0; rows * classes];
    softmax_ce(
        &params,
        &logits,
        &labels,
        &mut analytic,
        &mut vec![[0.0; 2]; rows],
    );
    assert_close("softmax cross-entropy", &analytic, |i, h| {
        let mut moved = logits.clone();
        moved[i] += h;
        mean_loss(&moved)
    });
}
