//! Each WGSL kernel against its CPU twin on the native adapter (lavapipe in
//! CI), on shapes that include 1, 7, 63, 65, 100 and 784. Tolerances are
//! stated and justified in `livegan::checks`.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use livegan::checks::kernels as checks;

#[test]
fn gemm_all_forms_match_twin() {
    let Some(gpu) = gpu() else { return };
    let reports = block_on(checks::check_all_gemm_forms(
        &gpu.ctx,
        &gpu.pipelines,
        &checks::GEMM_SHAPES,
        checks::Operands::Dense,
    ))
    .unwrap();
    assert_eq!(reports.len(), 2 * checks::GEMM_SHAPES.len() * checks::GEMM_FORMS);
    for report in &reports {
        report.assert_passed();
    }
    let worst = reports.iter().map(|r| r.worst_ratio).fold(0.0, f64::max);
    eprintln!(
        "gemm: worst error {worst:.3} of tolerance over {} checks",
        reports.len()
    );
}

#[test]
fn loss_matches_twin() {
    let Some(gpu) = gpu() else { return };
    for batch in checks::SIZES {
        for smoothing in [0.0, 0.1] {
            block_on(checks::check_loss(&gpu.ctx, &gpu.pipelines, batch, smoothing))
                .unwrap()
                .assert_passed();
        }
    }
}

#[test]
fn adam_matches_twin() {
    let Some(gpu) = gpu() else { return };
    // PAST_GRID_QUADS runs past the capped grid: the grid-stride loop.
    // With a decay from update 500, half-life 300: before it (t 400), on
    // its first update (501: the rate at 99.8 %, a 0.2 % change that is
    // 23 times the tolerance's lr term) and well into it (1000: 31.5 %).
    let constant = [1, 2, 1000].map(|t| (t, [0, 0]));
    let decaying = [400, 501, 1000].map(|t| (t, [500, 300]));
    for count in checks::SIZES.into_iter().chain([checks::PAST_GRID_QUADS]) {
        for (t, decay) in constant.into_iter().chain(decaying) {
            block_on(checks::check_adam(&gpu.ctx, &gpu.pipelines, count, t, decay))
                .unwrap()
                .assert_passed();
        }
    }
}

#[test]
fn softmax_ce_matches_twin() {
    let Some(gpu) = gpu() else { return };
    for rows in checks::SIZES {
        for classes in [1, 3, 10] {
            block_on(checks::check_softmax_ce(&gpu.ctx, &gpu.pipelines, rows, classes))
                .unwrap()
                .assert_passed();
        }
    }
    // More rows than the capped grid has invocations: the grid-stride loop.
    block_on(checks::check_softmax_ce(
        &gpu.ctx,
        &gpu.pipelines,
        checks::PAST_GRID_ITEMS,
        2,
    ))
    .unwrap()
    .assert_passed();
}

#[test]
fn dropout_matches_twin() {
    let Some(gpu) = gpu() else { return };
    for count in checks::SIZES.into_iter().chain([checks::PAST_GRID_ITEMS]) {
        for rate in [0.0, 0.3, 0.5] {
            block_on(checks::check_dropout(&gpu.ctx, &gpu.pipelines, count, rate))
                .unwrap()
                .assert_passed();
        }
    }
}

#[test]
fn axpby_matches_twin() {
    let Some(gpu) = gpu() else { return };
    use livegan::kernels::axpby::AxpbyParams;
    // PAST_GRID_QUADS runs past the capped grid: the grid-stride loop.
    for count in checks::SIZES.into_iter().chain([checks::PAST_GRID_QUADS]) {
        // The R1 gradient added to D's.
        for b in [0.0, 1.0, -3.5] {
            let params = AxpbyParams::add_scaled(count, b);
            block_on(checks::check_axpby(&gpu.ctx, &gpu.pipelines, params))
                .unwrap()
                .assert_passed();
        }
    }
}

#[test]
fn moving_average_matches_twin() {
    let Some(gpu) = gpu() else { return };
    for count in checks::SIZES.into_iter().chain([checks::PAST_GRID_QUADS]) {
        // In the warm-up (t = 1: a = 2/11; t = 80: a = 0.9 = the decay 0.9
        // there) and past it (t = 20,000: a = 0.999), and decay 0 (a copy).
        for (decay, t) in [(0.999, 1), (0.9, 80), (0.999, 20_000), (0.0, 5)] {
            block_on(checks::check_moving_average(
                &gpu.ctx,
                &gpu.pipelines,
                count,
                decay,
                t,
            ))
            .unwrap()
            .assert_passed();
        }
    }
}

#[test]
fn normals_match_twin() {
    let Some(gpu) = gpu() else { return };
    for count in checks::SIZES.into_iter().chain([checks::PAST_GRID_QUADS]) {
        block_on(checks::check_normal(&gpu.ctx, &gpu.pipelines, count))
            .unwrap()
            .assert_passed();
    }
}

#[test]
fn normals_have_standard_moments() {
    let Some(gpu) = gpu() else { return };
    block_on(checks::check_normal_moments(&gpu.ctx, &gpu.pipelines, 1 << 20))
        .unwrap()
        .assert_passed();
}

#[test]
fn gather_matches_twin() {
    let Some(gpu) = gpu() else { return };
    for rows in checks::SIZES {
        block_on(checks::check_gather(
            &gpu.ctx,
            &gpu.pipelines,
            rows,
            784,
            1000,
            true,
            784,
        ))
        .unwrap()
        .assert_passed();
        block_on(checks::check_gather(
            &gpu.ctx,
            &gpu.pipelines,
            rows,
            2,
            65_536,
            false,
            2,
        ))
        .unwrap()
        .assert_passed();
    }
    // Past the capped grid: the grid-stride loop.
    block_on(checks::check_gather(
        &gpu.ctx,
        &gpu.pipelines,
        checks::PAST_GRID_ROWS,
        784,
        1000,
        true,
        784,
    ))
    .unwrap()
    .assert_passed();
    // A row length that is not a multiple of 4 crosses u32 word boundaries.
    block_on(checks::check_gather(&gpu.ctx, &gpu.pipelines, 65, 7, 63, true, 7))
        .unwrap()
        .assert_passed();
}

#[test]
fn gemm_reads_and_writes_strided_rows() {
    let Some(gpu) = gpu() else { return };
    let reports = block_on(checks::check_all_gemm_forms(
        &gpu.ctx,
        &gpu.pipelines,
        &checks::GEMM_SHAPES,
        checks::Operands::Strided,
    ))
    .unwrap();
    assert_eq!(reports.len(), 2 * checks::GEMM_SHAPES.len() * checks::GEMM_FORMS);
    for report in &reports {
        report.assert_passed();
    }
}

#[test]
fn gather_writes_strided_rows() {
    let Some(gpu) = gpu() else { return };
    // Rows of a [x, onehot(y)] batch: the data, then 10 columns for a label.
    for rows in checks::SIZES {
        for bytes in [true, false] {
            let row_len = if bytes { 784 } else { 2 };
            block_on(checks::check_gather(
                &gpu.ctx,
                &gpu.pipelines,
                rows,
                row_len,
                1000,
                bytes,
                row_len + 10,
            ))
            .unwrap()
            .assert_passed();
        }
    }
}
