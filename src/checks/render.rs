//! Drawing checks: the digit grid pixel by pixel against its CPU twin, and
//! the 2-D view's layers where they must be. Rendered offscreen, so they
//! run natively and in the browser alike.

use super::training::{check_dataset, small_config};
use super::{Report, compare};
use crate::config::Config;
use crate::cpu::real::convert;
use crate::cpu::render::{digit_level, digit_value};
use crate::data::DatasetKind;
use crate::error::Error;
use crate::gpu::context::GpuContext;
use crate::gpu::field::{field_points, packed_points};
use crate::gpu::readback::read;
use crate::gpu::render::{DrawOptions, Palette, render_offscreen};
use crate::gpu::trainer::GpuTrainer;
use crate::kernels::render::DrawParams;
use crate::reference::{mlp_backward, mlp_forward};

/// The MNIST view at `size`² pixels against `cpu::render::digit_value`:
/// each channel within 1 of the twin's level (8-bit rounding), gaps in the
/// palette's gap colour.
pub async fn check_digit_grid(ctx: &GpuContext, size: u32) -> Result<Report, Error> {
    let config = Config {
        sample_count: 64,
        ..small_config(DatasetKind::Mnist)
    };
    let mut trainer = GpuTrainer::new(ctx, config.clone(), &check_dataset(&config))?;
    trainer.train(2)?;
    let samples = trainer.samples().await?;
    let options = DrawOptions::default();
    let pixels = render_offscreen(ctx, trainer.frame_sources(), [size, size], options).await?;
    let params = DrawParams {
        target_size: [size as f32; 2],
        grid: 8,
        side: 28,
        count: 64,
        ..DrawParams::default()
    };
    let gap = Palette::new(options.dark).digit_gap;
    let mut gpu = Vec::new();
    let mut expected = Vec::new();
    for y in 0..size {
        for x in 0..size {
            let at = ((y * size + x) * 4) as usize;
            let want = match digit_value(&params, &samples, x, y) {
                Some(value) => [digit_level(value); 3],
                None => [gap[0], gap[1], gap[2]],
            };
            for channel in 0..3 {
                gpu.push(f32::from(pixels[at + channel]));
                expected.push(f64::from(want[channel]) * 255.0);
            }
        }
    }
    Ok(compare(
        &format!("digit grid {size}×{size}"),
        &gpu,
        &expected,
        |_| 1.01,
    ))
}

/// What the 2-D view shows, in counts: pixels of the heat map's colours,
/// and generated samples whose pixel is dominated by the fake colour.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterCheck {
    /// Pixels whose colour lies between the heat map's two colours.
    pub heatmap_pixels: usize,
    /// Generated samples inside the view whose centre pixel is orange.
    pub fake_hits: usize,
    pub fake_inside: usize,
    /// Distinct colours seen: a blank canvas has one.
    pub distinct_colours: usize,
}

/// Renders the ring-8 view of a briefly trained small model at `size`².
pub async fn check_scatter(ctx: &GpuContext, size: u32, options: DrawOptions) -> Result<ScatterCheck, Error> {
    let config = Config {
        sample_count: 200,
        ..small_config(DatasetKind::Ring8)
    };
    let mut trainer = GpuTrainer::new(ctx, config.clone(), &check_dataset(&config))?;
    trainer.train(3)?;
    let samples = trainer.samples().await?;
    let pixels = render_offscreen(ctx, trainer.frame_sources(), [size, size], options).await?;
    let pixel = |x: u32, y: u32| {
        let at = ((y * size + x) * 4) as usize;
        [pixels[at], pixels[at + 1], pixels[at + 2]].map(i32::from)
    };
    let palette = Palette::new(options.dark);
    let to_byte = |c: [f32; 4]| [c[0], c[1], c[2]].map(|v| (v * 255.0).round() as i32);
    let (low, high) = (to_byte(palette.field_fake), to_byte(palette.field_real));
    let mut heatmap_pixels = 0;
    let mut colours = std::collections::HashSet::new();
    for y in 0..size {
        for x in 0..size {
            let p = pixel(x, y);
            colours.insert(p);
            let between = (0..3).all(|c| p[c] >= low[c].min(high[c]) - 1 && p[c] <= low[c].max(high[c]) + 1);
            heatmap_pixels += usize::from(between);
        }
    }
    let extent = DatasetKind::Ring8.info().plot_extent;
    let mut fake_hits = 0;
    let mut fake_inside = 0;
    for point in samples.chunks_exact(2) {
        let to_pixel = |v: f32, flip: bool| {
            let t = (v / extent + 1.0) * 0.5;
            let t = if flip { 1.0 - t } else { t };
            t * size as f32
        };
        let (x, y) = (to_pixel(point[0], false), to_pixel(point[1], true));
        if x < 1.0 || y < 1.0 || x >= size as f32 - 1.0 || y >= size as f32 - 1.0 {
            continue;
        }
        fake_inside += 1;
        let p = pixel(x as u32, y as u32);
        // The fake colour is orange: red well above blue.
        fake_hits += usize::from(p[0] - p[2] > 60);
    }
    Ok(ScatterCheck {
        heatmap_pixels,
        fake_hits,
        fake_inside,
        distinct_colours: colours.len(),
    })
}

/// D's logit and its input gradient on the 40×40 grid behind the heat map
/// and the arrows, against the f64 reference (`mlp_forward`, then
/// `mlp_backward` from ∂logit/∂logit = 1) on the same parameters, after a
/// few iterations of a small ring-8 model. With `pack` > 1, D judges the
/// point's `pack` copies and the gradient is the sum over the copies.
///
/// Tolerance 2⁻¹⁶·(1 + |ref|) ≈ 1.5·10⁻⁵: every layer is a dot product of
/// at most 64 terms of order one (γ₆₄ ≈ 4·10⁻⁶ of their absolute sum), and
/// four layers forward then back compound that to about 10⁻⁵; a wrong grid
/// point, offset or transpose is off by order one.
pub async fn check_disc_field(ctx: &GpuContext, pack: u32) -> Result<Report, Error> {
    let config = Config {
        pack,
        ..small_config(DatasetKind::Ring8)
    };
    let mut trainer = GpuTrainer::new(ctx, config.clone(), &check_dataset(&config))?;
    trainer.train(3)?;
    let sources = trainer.frame_sources();
    let field = sources
        .field
        .ok_or_else(|| Error::Gpu("a 2-D trainer has a D field".into()))?;
    let mut encoder = ctx.device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        field.program.encode(&mut pass);
    }
    ctx.queue.submit([encoder.finish()]);
    let rows = field.grid * field.grid;
    let logits = read::<f32>(ctx, &field.logits, 0, rows).await?;
    let grads = read::<f32>(ctx, &field.grads, 0, 2 * rows).await?;

    let (_, disc_params) = trainer.read_params().await?;
    let layout = config.disc_layout();
    let params: Vec<f64> = convert(&disc_params);
    let points = packed_points(
        &field_points(field.grid, field.extent, sources.scale),
        pack as usize,
    );
    let points: Vec<f64> = convert(&points);
    let acts = mlp_forward(&layout, &params, &points, rows);
    let (_, copy_grads) = mlp_backward(&layout, &params, &points, &acts, &vec![1.0; rows], rows);
    let reference_grads: Vec<f64> = copy_grads
        .chunks_exact(2 * pack as usize)
        .flat_map(|copies| {
            let sum = |axis: usize| copies.iter().skip(axis).step_by(2).sum::<f64>();
            [sum(0), sum(1)]
        })
        .collect();
    let reference_logits = &acts[acts.len() - 1];
    let tolerance = |reference: &[f64]| {
        let reference = reference.to_vec();
        move |i: usize| 2f64.powi(-16) * (1.0 + reference[i].abs())
    };
    Ok(compare(
        "D field logits",
        &logits,
        reference_logits,
        tolerance(reference_logits),
    )
    .merge(compare(
        "D field input gradients",
        &grads,
        &reference_grads,
        tolerance(&reference_grads),
    )))
}
