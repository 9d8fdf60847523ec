//! `livegan-cli bench`: training and kernel speed on this machine's GPU.
//!
//! - iterations/s of the default MNIST model at batch 64 and 256, with the
//!   FLOP rate that implies and dispatches and submits per iteration;
//! - GPU time per kernel family of one iteration (timestamp queries);
//! - GEMM GFLOP/s on 1024×1024×1024 (both tilings) and on every GEMM shape
//!   of one iteration of the default model at batch 64.

use std::path::Path;

use serde_json::json;

use livegan::bench::{GemmTiming, by_family, square_spec, time_gemm};
use livegan::checks::training::synthetic_mnist;
use livegan::config::Config;
use livegan::data::{Dataset, mnist};
use livegan::gpu::context::GpuContext;
use livegan::gpu::pipelines::Pipelines;
use livegan::gpu::profile;
use livegan::gpu::stats::now_ms;
use livegan::gpu::trainer::GpuTrainer;
use livegan::kernels::gemm::{GemmSpec, GemmTiling};

fn dataset(data_dir: &Path) -> (Dataset, &'static str) {
    match std::fs::read(data_dir.join("train-images-idx3-ubyte"))
        .ok()
        .and_then(|bytes| mnist::parse_images(&bytes).ok())
    {
        Some(images) => (Dataset::mnist(images), "MNIST"),
        None => (synthetic_mnist(1000, 1), "random pixels (MNIST files not found)"),
    }
}

/// Iterations per second over about `seconds`, after a warm-up.
fn iterations_per_second(trainer: &mut GpuTrainer, seconds: f64) -> Result<(f64, u32), String> {
    trainer.train(2).map_err(|e| e.to_string())?;
    trainer.finish().map_err(|e| e.to_string())?;
    let start = now_ms();
    trainer.train(1).map_err(|e| e.to_string())?;
    trainer.finish().map_err(|e| e.to_string())?;
    let one = (now_ms() - start).max(0.01);
    let n = ((seconds * 1e3 / one) as u32).clamp(2, 20_000);
    let start = now_ms();
    // One submission for all n: the way the page and the CLI train.
    trainer.train(n).map_err(|e| e.to_string())?;
    trainer.finish().map_err(|e| e.to_string())?;
    Ok((f64::from(n) / ((now_ms() - start) * 1e-3), n))
}

/// Times a GEMM enough times for about half a second of work.
fn timed_gemm(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    label: &str,
    spec: GemmSpec,
) -> Result<GemmTiming, String> {
    let time = |repeats| {
        pollster::block_on(time_gemm(ctx, pipelines, label, spec, repeats)).map_err(|e| e.to_string())
    };
    let once = time(1)?;
    let repeats = ((500.0 / once.ms.max(1e-3)) as u32).clamp(1, 2000);
    time(repeats)
}

pub fn run(out: &Path, seconds: f64, data_dir: &Path) -> Result<(), String> {
    let ctx = GpuContext::new_blocking().map_err(|e| e.to_string())?;
    let timestamps = ctx.device.features().contains(wgpu::Features::TIMESTAMP_QUERY);
    println!("adapter: {}", ctx.adapter_name());
    println!(
        "timestamp queries: {}",
        if timestamps { "yes" } else { "no (wall clock)" }
    );
    let (data, data_name) = dataset(data_dir);
    println!("data: {data_name}\n");

    println!("training the default MNIST model (G 100→256→512→1024→784, D 784→1024→512→256→1)");
    println!(
        "{:>6} {:>12} {:>12} {:>14} {:>12} {:>12}",
        "batch", "iter/s", "GFLOP/iter", "GFLOP/s", "dispatches", "submits/iter"
    );
    let mut training = Vec::new();
    let mut model_gemms = Vec::new();
    for batch in [64u32, 256] {
        let config = Config {
            batch_size: batch,
            ..Config::default()
        };
        let mut trainer = GpuTrainer::new(&ctx, config, &data).map_err(|e| e.to_string())?;
        let (rate, n) = iterations_per_second(&mut trainer, seconds)?;
        let flops = profile::flops_per_iteration(&trainer);
        let kernel_times =
            pollster::block_on(profile::time_iteration_kernels(&mut trainer)).map_err(|e| e.to_string())?;
        let families = kernel_times.as_deref().map(by_family).unwrap_or_default();
        println!(
            "{batch:>6} {rate:>12.2} {:>12.3} {:>14.1} {:>12} {:>12.5}",
            flops * 1e-9,
            rate * flops * 1e-9,
            trainer.dispatches_per_iteration(),
            1.0 / f64::from(n)
        );
        if batch == 64 {
            model_gemms = profile::iteration_gemms(&trainer);
        }
        training.push(json!({
            "batch": batch,
            "iterationsPerSecond": rate,
            "iterationsMeasured": n,
            "gflopPerIteration": flops * 1e-9,
            "gflops": rate * flops * 1e-9,
            "dispatchesPerIteration": trainer.dispatches_per_iteration(),
            "submitsPerIteration": 1.0 / f64::from(n),
            "kernelFamiliesMs": families.iter().map(|(f, ms)| json!({"family": f, "ms": ms})).collect::<Vec<_>>(),
        }));
        if !families.is_empty() {
            let total: f64 = families.iter().map(|(_, ms)| ms).sum();
            println!("       GPU time of one iteration by kernel family (timestamps), {total:.2} ms:");
            for (family, ms) in &families {
                println!("         {family:<18} {ms:>9.3} ms  {:>5.1}%", 100.0 * ms / total);
            }
        }
    }

    let pipelines = Pipelines::new(&ctx.device, GemmTiling::preferred(&ctx.adapter_info));
    println!(
        "\nGEMM, C = A·B (preferred tiling here: {:?})",
        pipelines.gemm_tiling
    );
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>8} {:>10} {:>10}",
        "shape", "M", "N", "K", "tiling", "ms", "GFLOP/s"
    );
    let print = |t: &GemmTiming| {
        println!(
            "{:<26} {:>6} {:>6} {:>6} {:>8} {:>10.4} {:>10.1}",
            t.label, t.m, t.n, t.k, t.tiling, t.ms, t.gflops
        )
    };
    let mut square = Vec::new();
    for tiling in [GemmTiling::Shared, GemmTiling::Direct] {
        let timing = timed_gemm(&ctx, &pipelines, "1024³", square_spec(1024, 1024, 1024, tiling))?;
        print(&timing);
        square.push(timing);
    }
    let mut shapes: Vec<GemmTiming> = Vec::new();
    let mut seen = Vec::new();
    for spec in model_gemms {
        let key = (spec.variant, spec.params.m, spec.params.n, spec.params.k);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let kind = if spec.variant.trans_a {
            "weight grad"
        } else if spec.variant.trans_b {
            "input grad"
        } else {
            "forward"
        };
        let timing = timed_gemm(&ctx, &pipelines, &format!("model {kind}"), spec)?;
        print(&timing);
        shapes.push(timing);
    }
    let preferred_square = square
        .iter()
        .find(|t| t.tiling == format!("{:?}", pipelines.gemm_tiling))
        .map_or(0.0, |t| t.gflops);
    let batch256 = training
        .iter()
        .find(|t| t["batch"] == 256)
        .map_or(0.0, |t| t["gflops"].as_f64().unwrap_or(0.0));
    println!(
        "\nbatch 256 iteration: {:.1} GFLOP/s = {:.0}% of the 1024³ GEMM's {:.1} GFLOP/s",
        batch256,
        100.0 * batch256 / preferred_square.max(1e-9),
        preferred_square
    );

    let results = json!({
        "adapter": ctx.adapter_name(),
        "backend": format!("{:?}", ctx.adapter_info.backend),
        "timestampQueries": timestamps,
        "data": data_name,
        "preferredTiling": format!("{:?}", pipelines.gemm_tiling),
        "training": training,
        "gemm1024": square,
        "gemmModelShapes": shapes,
        "batch256ShareOfGemm1024": batch256 / preferred_square.max(1e-9),
    });
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let slug: String = ctx
        .adapter_info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let path = out.join(format!("native-{}.json", slug.trim_matches('-')));
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
