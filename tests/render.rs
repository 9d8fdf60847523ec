//! Drawing on the native adapter: the digit grid matches its CPU twin pixel
//! for pixel, and the 2-D view shows its heat map and the generated points.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use livegan::checks::render::{check_digit_grid, check_disc_field, check_scatter};
use livegan::gpu::render::DrawOptions;

#[test]
fn digit_grid_matches_its_twin() {
    let Some(gpu) = gpu() else { return };
    // 240: one pixel per image pixel; 480: two; 333: cells of fractional size.
    for size in [240, 480, 333] {
        block_on(check_digit_grid(&gpu.ctx, size))
            .unwrap()
            .assert_passed();
    }
}

#[test]
fn scatter_view_shows_heatmap_and_points() {
    let Some(gpu) = gpu() else { return };
    for dark in [false, true] {
        let options = DrawOptions {
            dark,
            arrows: true,
            ..DrawOptions::default()
        };
        let check = block_on(check_scatter(&gpu.ctx, 256, options)).unwrap();
        eprintln!("{check:?}");
        // The heat map covers most of the plot; dots and arrows the rest.
        assert!(check.heatmap_pixels > 256 * 256 / 3, "{check:?}");
        assert!(check.fake_inside > 100, "{check:?}");
        // Dots overlap one another and real dots; most land on orange.
        assert!(check.fake_hits * 10 >= check.fake_inside * 7, "{check:?}");
        assert!(check.distinct_colours > 50, "{check:?}");
    }
    let without_heatmap = DrawOptions {
        heatmap: false,
        ..DrawOptions::default()
    };
    let check = block_on(check_scatter(&gpu.ctx, 256, without_heatmap)).unwrap();
    assert!(check.heatmap_pixels < 256 * 256 / 20, "{check:?}");
}

#[test]
fn disc_field_matches_the_reference() {
    let Some(gpu) = gpu() else { return };
    // Pack 3: D judges three copies of each point; the arrows sum their
    // gradients (one more GEMM).
    for pack in [1, 3] {
        let report = block_on(check_disc_field(&gpu.ctx, pack)).unwrap();
        eprintln!(
            "D field, pack {pack}: worst {:.3} of tolerance",
            report.worst_ratio
        );
        report.assert_passed();
    }
}
