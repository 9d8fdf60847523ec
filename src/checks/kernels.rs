//! Kernel-by-kernel checks: each GPU kernel on awkward shapes against its
//! f64 twin, with the tolerances tabled in `checks`.

use super::{Report, U, compare, test_values};
use crate::cpu::{self, loss::StatsRow, real::convert};
use crate::data::DatasetValues;
use crate::error::Error;
use crate::gpu::buffers;
use crate::gpu::context::GpuContext;
use crate::gpu::pipelines::Pipelines;
use crate::gpu::program::{Op, Ops, Program};
use crate::gpu::readback::read;
use crate::kernels::adam::{Adam, AdamBuffers, AdamParams};
use crate::kernels::axpby::{Axpby, AxpbyBuffers, AxpbyParams};
use crate::kernels::dropout::{Dropout, DropoutBuffers, DropoutParams};
use crate::kernels::gather::{Gather, GatherBuffers, GatherParams};
use crate::kernels::gemm::{GemmBuffers, GemmSpec, GemmTiling, Strided};
use crate::kernels::loss::{
    LOSS_KIND_BCE, LOSS_KIND_HINGE, LOSS_KIND_LEAST_SQUARES, LOSS_MODE_DISC, LOSS_MODE_GEN, Loss,
    LossBuffers, LossParams,
};
use crate::kernels::moving_average::{MovingAverage, MovingAverageBuffers, MovingAverageParams};
use crate::kernels::normal::{Normal, NormalBuffers, NormalParams, RandomParams};
use crate::kernels::softmax_ce::{SoftmaxCe, SoftmaxCeBuffers, SoftmaxCeParams};
use crate::kernels::{MAX_GRID_WORKGROUPS, WORKGROUP_SIZE};
use crate::layout::{Activation, LayerShape};
use crate::streams::Counter;

/// Builds a one-op program, runs it, and submits.
fn run_op(ctx: &GpuContext, pipelines: &Pipelines, op: Op<'_>) {
    let mut ops = Ops::default();
    ops.push(op);
    let program = Program::build(ctx, pipelines, "check", ops);
    let mut encoder = ctx.device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        program.encode(&mut pass);
    }
    ctx.queue.submit([encoder.finish()]);
}

/// The three GEMM forms a layer uses, for one layer shape.
#[derive(Clone, Copy, Debug)]
pub enum GemmForm {
    Forward(Activation),
    /// Gradient to the input, whose producing activation is given.
    InputGrad(Activation),
    WeightGrad,
    /// A tangent through a layer with this activation (gradient penalty).
    Tangent(Activation),
    WeightGradWithoutBias,
}

/// Where a check's GEMM operands sit in their buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    /// Rows back to back, at a non-zero offset.
    Dense,
    /// Two columns into rows five wider than the matrix, as a layer reading
    /// `[x, y]` from one buffer would.
    Strided,
}

/// GPU GEMM vs the f64 twin for `form` on a layer `inputs → outputs` over
/// `rows` samples. Every element of C's rows is compared, so a write
/// outside the matrix (into a strided gap) fails too.
pub async fn check_gemm(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    tiling: GemmTiling,
    form: GemmForm,
    rows: usize,
    inputs: usize,
    outputs: usize,
    operands: Operands,
) -> Result<Report, Error> {
    let layer = LayerShape {
        inputs,
        outputs,
        offset: 5,
        activation: match form {
            GemmForm::Forward(activation) | GemmForm::Tangent(activation) => activation,
            _ => Activation::LeakyRelu { slope: 0.2 },
        },
    };
    let place = |width: usize| match operands {
        Operands::Dense => Strided::dense(3, width),
        Operands::Strided => Strided {
            offset: 3 + 2,
            stride: width + 5,
        },
    };
    let (spec, aux_range) = match form {
        GemmForm::Forward(_) => (
            GemmSpec::forward(&layer, rows, place(inputs), place(outputs)),
            (-1.0, 1.0),
        ),
        GemmForm::InputGrad(activation) => (
            GemmSpec::input_grad(
                &layer,
                rows,
                place(outputs),
                place(inputs),
                place(inputs),
                activation,
            ),
            if activation == Activation::Tanh {
                (-0.99, 0.99)
            } else {
                (-1.0, 1.0)
            },
        ),
        GemmForm::WeightGrad => (
            GemmSpec::weight_grad(&layer, rows, place(inputs), place(outputs)),
            (-1.0, 1.0),
        ),
        GemmForm::Tangent(_) => (
            GemmSpec::tangent(&layer, rows, place(inputs), place(outputs), place(outputs)),
            (-1.0, 1.0),
        ),
        GemmForm::WeightGradWithoutBias => (
            GemmSpec::weight_grad_without_bias(&layer, rows, place(inputs), place(outputs)),
            (-1.0, 1.0),
        ),
    };
    let spec = spec.tiled(tiling);
    let [a_len, b_len, aux_len, c_len] = spec.operand_lengths();
    let a = test_values(1, a_len, -1.0, 1.0);
    let b = test_values(2, b_len, -1.0, 1.0);
    let aux = test_values(3, aux_len, aux_range.0, aux_range.1);
    let p = spec.params;
    let (m, n, c_offset, ldc) = (p.m as usize, p.n as usize, p.c_offset as usize, p.ldc as usize);

    let a_buf = buffers::storage_init(ctx, "a", &a)?;
    let b_buf = buffers::storage_init(ctx, "b", &b)?;
    let aux_buf = buffers::storage_init(ctx, "aux", &aux)?;
    let c_buf = buffers::storage(ctx, "c", c_len)?;
    let buffers = GemmBuffers {
        a: &a_buf,
        b: &b_buf,
        aux: &aux_buf,
        c: &c_buf,
    };
    run_op(ctx, pipelines, Op::gemm("check", spec, buffers));
    let gpu = read::<f32>(ctx, &c_buf, c_offset, c_len - c_offset).await?;

    let (a64, b64, aux64): (Vec<f64>, Vec<f64>, Vec<f64>) = (convert(&a), convert(&b), convert(&aux));
    let mut reference = vec![0.0f64; c_len];
    cpu::gemm::gemm(&spec, &a64, &b64, &aux64, &mut reference);
    let reference = reference[c_offset..].to_vec();
    let scale = cpu::gemm::gemm_abs_products(&spec, &a64, &b64);
    let k = f64::from(p.k) + 2.0;
    let gamma = k * U / (1.0 - k * U);
    let tanh_error = if matches!(form, GemmForm::Forward(Activation::Tanh)) {
        2f64.powi(-19)
    } else {
        0.0
    };
    let name = format!("gemm {tiling:?} {form:?} {operands:?} rows {rows} {inputs}→{outputs}");
    Ok(compare(&name, &gpu, &reference, |i| {
        let (row, col) = (i / ldc, i % ldc);
        if row < m && col < n {
            gamma * scale[row * n + col] + 2.0 * U * reference[i].abs() + tanh_error + f64::MIN_POSITIVE
        } else {
            // Outside the matrix: untouched zeros.
            f64::MIN_POSITIVE
        }
    }))
}

/// The loss kernel vs its twin on `batch` logits per group, for every kind
/// of loss in both modes.
pub async fn check_loss(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    batch: usize,
    label_smoothing: f32,
) -> Result<Report, Error> {
    let mut report: Option<Report> = None;
    let kinds = [
        (LOSS_KIND_BCE, "bce"),
        (LOSS_KIND_LEAST_SQUARES, "least squares"),
        (LOSS_KIND_HINGE, "hinge"),
    ];
    for ((kind, kind_name), mode) in kinds
        .into_iter()
        .flat_map(|kind| [LOSS_MODE_DISC, LOSS_MODE_GEN].map(|mode| (kind, mode)))
    {
        let real_count = if mode == LOSS_MODE_DISC { batch } else { 0 };
        let total = real_count + batch;
        let params = LossParams {
            real_count: real_count as u32,
            fake_count: batch as u32,
            mode,
            stats_capacity: 8,
            real_target: 1.0 - label_smoothing,
            fake_target: if mode == LOSS_MODE_DISC { 0.0 } else { 1.0 },
            kind,
            _pad: 0,
        };
        let logits = test_values(10 + mode, total, -12.0, 12.0);
        let counters_start = [5u32, 9, 4, 0];
        let logits_buf = buffers::storage_init(ctx, "logits", &logits)?;
        let grads_buf = buffers::storage(ctx, "logit grads", total)?;
        let stats_buf = buffers::storage(ctx, "stats", 8 * 4)?;
        let counters_buf = buffers::storage_init(ctx, "counters", &counters_start)?;
        let buffers = LossBuffers {
            logits: &logits_buf,
            logit_grads: &grads_buf,
            stats: &stats_buf,
            counters: &counters_buf,
        };
        run_op(ctx, pipelines, Op::new("check", &Loss, params, buffers));
        let gpu_grads = read::<f32>(ctx, &grads_buf, 0, total).await?;
        let gpu_stats = read::<f32>(ctx, &stats_buf, 0, 8 * 4).await?;
        let gpu_counters = read::<u32>(ctx, &counters_buf, 0, 4).await?;

        let mut counters = counters_start;
        let mut grads = vec![0.0f64; total];
        let mut stats = vec![StatsRow::<f64>::default(); 8];
        cpu::loss::loss(&params, &mut counters, &convert(&logits), &mut grads, &mut stats);
        let mode_name = if mode == LOSS_MODE_DISC { "disc" } else { "gen" };
        let mode_name = format!("{kind_name} {mode_name}");
        let group = |i: usize| if i < real_count { real_count } else { batch } as f64;
        let grads_report = compare(
            &format!("loss grads {mode_name} batch {batch}"),
            &gpu_grads,
            &grads,
            // A least-squares gradient is l - t: its rounding grows with |l|.
            |i| 2f64.powi(-20) * (1.0 + f64::from(logits[i]).abs()) / group(i),
        );
        let flat_stats: Vec<f64> = stats
            .iter()
            .flat_map(|row| [row.disc_loss, row.gen_loss, row.disc_real, row.disc_fake])
            .collect();
        let stats_report = compare(
            &format!("loss stats {mode_name} batch {batch}"),
            &gpu_stats,
            &flat_stats,
            |i| 2f64.powi(-18) * (1.0 + flat_stats[i].abs()),
        );
        let counters_report = compare(
            &format!("loss counters {mode_name}"),
            &gpu_counters.iter().map(|&c| c as f32).collect::<Vec<_>>(),
            &counters.iter().map(|&c| f64::from(c)).collect::<Vec<_>>(),
            |_| 0.5,
        );
        let merged = grads_report.merge(stats_report).merge(counters_report);
        report = Some(match report {
            Some(previous) => previous.merge(merged),
            None => merged,
        });
    }
    Ok(report.unwrap_or_else(|| compare("loss", &[], &[], |_| 0.0)))
}

/// Adam vs its twin over `count` parameters at update number `t`, with the
/// rate's decay `[start, half-life]` in updates (`[0, 0]`: none).
pub async fn check_adam(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    count: usize,
    t: u32,
    [decay_start, decay_half_life]: [u32; 2],
) -> Result<Report, Error> {
    let params = AdamParams {
        count: count as u32,
        counter: Counter::GenUpdates as u32,
        lr: 2e-4,
        beta1: 0.5,
        beta2: 0.999,
        // With gradients of 1e-4 and v near 1e-8, sqrt(v̂) and ε are of one
        // size, so a wrong ε (or a wrong bias correction of v) shows.
        eps: 1e-4,
        decay_start,
        decay_half_life,
    };
    let counters = [0, 0, t, 0];
    let grads = test_values(20, count, -1e-4, 1e-4);
    // Small weights keep their own rounding below the size of an update.
    let weights = test_values(21, count, -0.01, 0.01);
    let m = test_values(22, count, -1e-4, 1e-4);
    let v = test_values(23, count, 0.0, 1e-8);
    let bufs = [
        buffers::storage_init(ctx, "grads", &grads)?,
        buffers::storage_init(ctx, "counters", &counters)?,
        buffers::storage_init(ctx, "weights", &weights)?,
        buffers::storage_init(ctx, "adam m", &m)?,
        buffers::storage_init(ctx, "adam v", &v)?,
    ];
    let buffers = AdamBuffers {
        grads: &bufs[0],
        counters: &bufs[1],
        weights: &bufs[2],
        adam_m: &bufs[3],
        adam_v: &bufs[4],
    };
    run_op(ctx, pipelines, Op::new("check", &Adam, params, buffers));
    let (mut w64, mut m64, mut v64): (Vec<f64>, Vec<f64>, Vec<f64>) =
        (convert(&weights), convert(&m), convert(&v));
    cpu::adam::adam(&params, &counters, &convert(&grads), &mut w64, &mut m64, &mut v64);
    let mut report: Option<Report> = None;
    for (index, (name, reference)) in [("weights", &w64), ("m", &m64), ("v", &v64)]
        .into_iter()
        .enumerate()
    {
        let gpu = read::<f32>(ctx, &bufs[2 + index], 0, count).await?;
        let lr_term = if index == 0 {
            1e-4 * f64::from(params.lr)
        } else {
            0.0
        };
        let next = compare(
            &format!("adam {name} count {count} t {t} decay {decay_start}/{decay_half_life}"),
            &gpu,
            reference,
            |i| 8.0 * U * reference[i].abs() + lr_term + f64::MIN_POSITIVE,
        );
        report = Some(match report {
            Some(previous) => previous.merge(next),
            None => next,
        });
    }
    Ok(report.unwrap_or_else(|| compare("adam", &[], &[], |_| 0.0)))
}

/// The softmax cross-entropy kernel vs its twin on `rows` rows of
/// `classes` logits, with labels that cycle through every class.
pub async fn check_softmax_ce(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    rows: usize,
    classes: usize,
) -> Result<Report, Error> {
    let params = SoftmaxCeParams {
        rows: rows as u32,
        classes: classes as u32,
        _pad: [0; 2],
    };
    // Up to ±40 apart: exp would overflow f32 without the max subtracted.
    let logits = test_values(40, rows * classes, -40.0, 40.0);
    let labels: Vec<u32> = (0..rows as u32)
        .map(|row| (row * 7 + 3) % classes as u32)
        .collect();
    let logits_buf = buffers::storage_init(ctx, "logits", &logits)?;
    let labels_buf = buffers::storage_init(ctx, "labels", &labels)?;
    let grads_buf = buffers::storage(ctx, "logit grads", rows * classes)?;
    let stats_buf = buffers::storage(ctx, "row stats", rows * 2)?;
    let buffers = SoftmaxCeBuffers {
        logits: &logits_buf,
        labels: &labels_buf,
        logit_grads: &grads_buf,
        row_stats: &stats_buf,
    };
    run_op(ctx, pipelines, Op::new("check", &SoftmaxCe, params, buffers));
    let gpu_grads = read::<f32>(ctx, &grads_buf, 0, rows * classes).await?;
    let gpu_stats = read::<f32>(ctx, &stats_buf, 0, rows * 2).await?;
    let mut grads = vec![0.0f64; rows * classes];
    let mut stats = vec![[0.0f64; 2]; rows];
    cpu::softmax_ce::softmax_ce(&params, &convert(&logits), &labels, &mut grads, &mut stats);
    let stats: Vec<f64> = stats.into_iter().flatten().collect();
    let name = format!("softmax_ce rows {rows} classes {classes}");
    let grads_report = compare(&format!("{name} grads"), &gpu_grads, &grads, |_| {
        2f64.powi(-20) / rows as f64
    });
    // Losses within their tolerance; correctness flags exactly (the random
    // logits have no near-ties at this spread).
    let stats_report = compare(&format!("{name} stats"), &gpu_stats, &stats, |i| {
        if i % 2 == 0 {
            2f64.powi(-20) * (1.0 + stats[i].abs())
        } else {
            f64::MIN_POSITIVE
        }
    });
    Ok(grads_report.merge(stats_report))
}

/// The dropout kernel vs its twin on `count` values at `rate`; also that
/// about `rate` of them were dropped (the mask is not all one way).
pub async fn check_dropout(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    count: usize,
    rate: f32,
) -> Result<Report, Error> {
    let params = DropoutParams::new(random_params(12, 1), count, rate);
    let values = test_values(50, count, -3.0, 3.0);
    let counters = [0u32, 21, 0, 0];
    let counters_buf = buffers::storage_init(ctx, "counters", &counters)?;
    let values_buf = buffers::storage_init(ctx, "values", &values)?;
    let buffers = DropoutBuffers {
        counters: &counters_buf,
        values: &values_buf,
    };
    run_op(ctx, pipelines, Op::new("check", &Dropout, params, buffers));
    let gpu = read::<f32>(ctx, &values_buf, 0, count).await?;
    let mut reference: Vec<f64> = convert(&values);
    cpu::dropout::dropout(&params, &counters, &mut reference);
    let mut report = compare(
        &format!("dropout count {count} rate {rate}"),
        &gpu,
        &reference,
        |i| U * reference[i].abs() + f64::MIN_POSITIVE,
    );
    let dropped = reference.iter().filter(|&&v| v == 0.0).count() as f64;
    // Binomial: 5 standard deviations (and at least 3 values) either way.
    let spread = (5.0 * (count as f64 * f64::from(rate) * f64::from(1.0 - rate)).sqrt()).max(3.0);
    if (dropped - count as f64 * f64::from(rate)).abs() > spread {
        report.mismatch_count += 1;
        report
            .mismatches
            .push(format!("{dropped} of {count} dropped at rate {rate}"));
    }
    Ok(report)
}

/// y ← a·y + b·x vs its twin on `count` values (plus the buffer's
/// padding, which must stay zero).
pub async fn check_axpby(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    params: AxpbyParams,
) -> Result<Report, Error> {
    let count = params.count as usize;
    let x = test_values(60, count, -1.0, 1.0);
    let y = test_values(61, count, -1.0, 1.0);
    let x_buf = buffers::storage_init(ctx, "x", &x)?;
    let y_buf = buffers::storage_init(ctx, "y", &y)?;
    let buffers = AxpbyBuffers { x: &x_buf, y: &y_buf };
    run_op(ctx, pipelines, Op::new("check", &Axpby, params, buffers));
    let mut reference: Vec<f64> = convert(&y);
    let x64: Vec<f64> = convert(&x);
    cpu::axpby::axpby(&params, &x64, &mut reference);
    let padded = count.next_multiple_of(4);
    reference.resize(padded, 0.0);
    let gpu = read::<f32>(ctx, &y_buf, 0, padded).await?;
    let (a, b) = (f64::from(params.a), f64::from(params.b));
    let name = format!("axpby count {count} a {a} b {b}");
    Ok(compare(&name, &gpu, &reference, |i| {
        let ay = a * y.get(i).map_or(0.0, |&v| f64::from(v));
        let bx = b * x64.get(i).copied().unwrap_or(0.0);
        4.0 * U * (ay.abs() + bx.abs()) + f64::MIN_POSITIVE
    }))
}

/// G's moving average vs its twin on `count` values at G's update count
/// `t` (the warm-up's coefficient below 80 or so, the decay itself far
/// past it), plus the buffer's padding, which must stay zero.
pub async fn check_moving_average(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    count: usize,
    decay: f32,
    t: u32,
) -> Result<Report, Error> {
    let params = MovingAverageParams::new(count, decay);
    // t in the counter the kernel reads (G's updates), zero in the others.
    let mut counters = [0; 4];
    counters[params.counter as usize] = t;
    let gen_params = test_values(62, count, -1.0, 1.0);
    let average = test_values(63, count, -1.0, 1.0);
    let bufs = [
        buffers::storage_init(ctx, "params", &gen_params)?,
        buffers::storage_init(ctx, "counters", &counters)?,
        buffers::storage_init(ctx, "average", &average)?,
    ];
    let buffers = MovingAverageBuffers {
        params: &bufs[0],
        counters: &bufs[1],
        average: &bufs[2],
    };
    run_op(ctx, pipelines, Op::new("check", &MovingAverage, params, buffers));
    let mut reference: Vec<f64> = convert(&average);
    let x64: Vec<f64> = convert(&gen_params);
    cpu::moving_average::moving_average(&params, &counters, &x64, &mut reference);
    let padded = count.next_multiple_of(4);
    reference.resize(padded, 0.0);
    let gpu = read::<f32>(ctx, &bufs[2], 0, padded).await?;
    let name = format!("moving_average count {count} decay {decay} t {t}");
    Ok(compare(&name, &gpu, &reference, |i| {
        let y = average.get(i).map_or(0.0, |&v| f64::from(v));
        let x = x64.get(i).copied().unwrap_or(0.0);
        8.0 * U * (y.abs() + x.abs()) + f64::MIN_POSITIVE
    }))
}

fn random_params(seed: u32, counter_offset: u32) -> RandomParams {
    RandomParams {
        seed,
        stream: 77,
        counter: Counter::DiscUpdates as u32,
        counter_offset,
    }
}

/// `count` GPU normals (after an offset of 3) and their f64 twin.
pub async fn gpu_normals(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    count: usize,
    seed: u32,
) -> Result<(Vec<f32>, Vec<f64>), Error> {
    let params = NormalParams {
        random: random_params(seed, 2),
        count: count as u32,
        out_offset: 3,
        _pad: [0; 2],
    };
    let counters = [0, 40, 0, 0];
    let counters_buf = buffers::storage_init(ctx, "counters", &counters)?;
    let out = buffers::storage(ctx, "normals", count + 3)?;
    let buffers = NormalBuffers {
        counters: &counters_buf,
        out: &out,
    };
    run_op(ctx, pipelines, Op::new("check", &Normal, params, buffers));
    let gpu = read::<f32>(ctx, &out, 3, count).await?;
    let mut reference = vec![0.0f64; count + 3];
    cpu::normal::normal(&params, &counters, &mut reference);
    Ok((gpu, reference[3..].to_vec()))
}

/// The normal draw vs its twin.
pub async fn check_normal(ctx: &GpuContext, pipelines: &Pipelines, count: usize) -> Result<Report, Error> {
    let (gpu, reference) = gpu_normals(ctx, pipelines, count, 11).await?;
    Ok(compare(
        &format!("normals count {count}"),
        &gpu,
        &reference,
        |i| {
            // Each pair is (r cos θ, r sin θ): WGSL bounds cos and sin on
            // [-π, π] by 2⁻¹¹ absolute, so r·2⁻¹¹. r² = −2 log u₁, and WGSL
            // bounds log by 2⁻²¹ absolute near 1, so r² is off by up to 2⁻²⁰
            // and r = √r² by up to min(2⁻²¹/r, 2⁻¹⁰): large relative to a
            // small r (u₁ near 1, which only draws of millions reach). Plus
            // a few ulp of sqrt and the product.
            let pair = i / 2 * 2;
            let r = reference[pair].hypot(*reference.get(pair + 1).unwrap_or(&0.0));
            2f64.powi(-11) * r + (2f64.powi(-21) / r).min(2f64.powi(-10)) + 2f64.powi(-20) * (1.0 + r)
        },
    ))
}

/// Sample moments of `count` GPU normals against N(0, 1)'s: mean 0,
/// variance 1, skewness 0, kurtosis 3, each allowed five standard errors of
/// its estimator (1/√n, √(2/n), √(6/n), √(24/n)).
pub async fn check_normal_moments(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    count: usize,
) -> Result<Report, Error> {
    let (gpu, _) = gpu_normals(ctx, pipelines, count, 12).await?;
    let n = gpu.len() as f64;
    let mean = gpu.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let moment = |k: i32| gpu.iter().map(|&x| (f64::from(x) - mean).powi(k)).sum::<f64>() / n;
    let variance = moment(2);
    let measured = [
        mean as f32,
        variance as f32,
        (moment(3) / variance.powf(1.5)) as f32,
        (moment(4) / (variance * variance)) as f32,
    ];
    let expected = [0.0, 1.0, 0.0, 3.0];
    let standard_errors = [
        1.0 / n.sqrt(),
        (2.0 / n).sqrt(),
        (6.0 / n).sqrt(),
        (24.0 / n).sqrt(),
    ];
    Ok(compare(
        &format!("moments (mean, variance, skewness, kurtosis) of {count} normals"),
        &measured,
        &expected,
        |i| 5.0 * standard_errors[i],
    ))
}

/// The gather kernel vs its twin: `rows` rows of `row_len` values drawn
/// from a dataset of `dataset_rows` rows, as bytes (MNIST) or floats (2-D),
/// written `out_stride` apart (`row_len` for dense rows). The whole output
/// is compared, so the gaps of strided rows must stay untouched.
pub async fn check_gather(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    rows: usize,
    row_len: usize,
    dataset_rows: usize,
    bytes: bool,
    out_stride: usize,
) -> Result<Report, Error> {
    let params = GatherParams {
        random: random_params(5, 1),
        rows: rows as u32,
        row_len: row_len as u32,
        dataset_rows: dataset_rows as u32,
        out_offset: 2,
        out_stride: out_stride as u32,
        _pad: [0; 3],
    };
    let counters = [0, 3, 0, 0];
    let len = dataset_rows * row_len;
    let values = if bytes {
        DatasetValues::Bytes(
            test_values(30, len, 0.0, 256.0)
                .iter()
                .map(|&v| v as u8)
                .collect(),
        )
    } else {
        DatasetValues::Floats(test_values(31, len, -1.0, 1.0))
    };
    let words = crate::data::Dataset {
        kind: crate::data::DatasetKind::Mnist,
        rows: dataset_rows,
        row_len,
        values: values.clone(),
        scale: 1.0,
    }
    .gpu_words();
    let out_len = 2 + rows * out_stride;
    let mut reference = vec![0.0f64; out_len];
    cpu::gather::gather(&params, &counters, &values, &mut reference);
    let counters_buf = buffers::storage_init(ctx, "counters", &counters)?;
    let data_buf = buffers::storage_init(ctx, "data", &words)?;
    let out = buffers::storage(ctx, "gathered", out_len)?;
    let buffers = GatherBuffers {
        counters: &counters_buf,
        data: &data_buf,
        out: &out,
    };
    run_op(
        ctx,
        pipelines,
        Op::new("check", &Gather { bytes }, params, buffers),
    );
    let gpu = read::<f32>(ctx, &out, 2, out_len - 2).await?;
    let tolerance = if bytes { 2f64.powi(-21) } else { f64::MIN_POSITIVE };
    let kind = if bytes { "bytes" } else { "floats" };
    Ok(compare(
        &format!("gather {kind} {rows}×{row_len} of {dataset_rows}, rows {out_stride} apart"),
        &gpu,
        &reference[2..],
        |_| tolerance,
    ))
}

/// Layer shapes the GEMM checks cover: (rows, inputs, outputs), every one of
/// 1, 7, 63, 65, 100 and 784 in every role, none only multiples of the tile.
pub const GEMM_SHAPES: [(usize, usize, usize); 8] = [
    (1, 7, 63),
    (7, 65, 100),
    (63, 100, 1),
    (65, 1, 784),
    (100, 784, 7),
    (784, 63, 65),
    (64, 784, 64),
    (2, 2, 2),
];

/// Every GEMM form on every shape in `shapes`, with both tilings, its
/// operands placed as `operands` says.
/// How many forms `check_all_gemm_forms` checks per tiling and shape.
pub const GEMM_FORMS: usize = 10;

pub async fn check_all_gemm_forms(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    shapes: &[(usize, usize, usize)],
    operands: Operands,
) -> Result<Vec<Report>, Error> {
    let forms = [
        GemmForm::Forward(Activation::Identity),
        GemmForm::Forward(Activation::LeakyRelu { slope: 0.2 }),
        GemmForm::Forward(Activation::LeakyRelu { slope: 0.0 }),
        GemmForm::Forward(Activation::Tanh),
        GemmForm::InputGrad(Activation::LeakyRelu { slope: 0.2 }),
        GemmForm::InputGrad(Activation::Tanh),
        GemmForm::InputGrad(Activation::Identity),
        GemmForm::WeightGrad,
        GemmForm::Tangent(Activation::LeakyRelu { slope: 0.2 }),
        GemmForm::WeightGradWithoutBias,
    ];
    let mut reports = Vec::new();
    for tiling in GemmTiling::ALL {
        for &(rows, inputs, outputs) in shapes {
            for form in forms {
                reports
                    .push(check_gemm(ctx, pipelines, tiling, form, rows, inputs, outputs, operands).await?);
            }
        }
    }
    Ok(reports)
}

/// Elements past what one launch of a capped grid covers when each
/// invocation handles four (adam, normal): only these reach the kernels'
/// grid-stride loops.
pub const PAST_GRID_QUADS: usize = 4 * (WORKGROUP_SIZE * MAX_GRID_WORKGROUPS) as usize + 5;
/// Rows of 784 values past what one launch of the gather's capped grid
/// covers (one value per invocation).
pub const PAST_GRID_ROWS: usize = (WORKGROUP_SIZE * MAX_GRID_WORKGROUPS) as usize / 784 + 3;

/// One item per invocation past the capped grid (grid-stride loops).
pub const PAST_GRID_ITEMS: usize = (WORKGROUP_SIZE * MAX_GRID_WORKGROUPS) as usize + 5;

/// Sizes the element-wise kernels are checked at.
pub const SIZES: [usize; 6] = [1, 7, 63, 65, 100, 784];
