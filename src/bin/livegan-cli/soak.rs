//! `livegan-cli soak`: the long run of `livegan::soak`, with progress on
//! stderr, a summary on stdout and a failing exit status on any problem.

use std::path::Path;

use livegan::gpu::trainer::GpuTrainer;
use livegan::soak::{self, SoakOptions, SoakReport};

/// Resident-memory growth allowed after warm-up. Nothing is allocated per
/// iteration once warm, so growth means a leak; the margin covers the
/// allocator keeping freed pages and the driver's lazily grown caches
/// (measured growth: see BENCHMARKS.md, "Soak").
pub const DEFAULT_MARGIN_MIB: u64 = 16;

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "?".into(),
        |b| format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
    )
}

pub fn run(
    trainer: &mut GpuTrainer,
    options: &SoakOptions,
    margin_mib: u64,
    out: Option<&Path>,
) -> Result<(), String> {
    eprintln!(
        "soak: {} iterations of {} on {}, chunks of {}, a checkpoint every {}",
        options.iterations,
        trainer.config().dataset.name(),
        trainer.context().adapter_name(),
        options.chunk,
        options.checkpoint_every
    );
    let report = soak::run(trainer, options, |report: &SoakReport| {
        if report.checkpoints.is_multiple_of(10) {
            eprintln!(
                "iteration {:>9}  {:>7.1} s  GPU objects {}  resident {}",
                report.iterations,
                report.seconds,
                report.census_at_end.total(),
                mib(report.resident_at_end)
            );
        }
    })
    .map_err(|e| e.to_string())?;
    println!("iterations            {}", report.iterations);
    println!("seconds               {:.1}", report.seconds);
    println!(
        "iterations per second {:.0}",
        report.iterations as f64 / report.seconds
    );
    println!("checkpoints           {}", report.checkpoints);
    println!(
        "stats arrived         {} ({} not finite)",
        report.stats_arrived, report.non_finite_stats
    );
    println!(
        "GPU objects           {} after warm-up, {} at the end",
        report.census_after_warmup.total(),
        report.census_at_end.total()
    );
    println!(
        "resident memory       {} after warm-up, {} at the end",
        mib(report.resident_after_warmup),
        mib(report.resident_at_end)
    );
    if let Some(path) = out {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let problems = report.problems(margin_mib << 20);
    if problems.is_empty() {
        println!("sound: no GPU object created after warm-up, memory flat, every stat finite");
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}
