//! A long run with the page's pattern of work (train in chunks, read every
//! iteration's stats, checkpoint and read the samples every so often),
//! watching for what a tab left open for an hour would suffer from: GPU
//! objects created after start, memory that grows, stats that stop
//! arriving or stop being finite.

use serde::Serialize;

use crate::error::Error;
use crate::gpu::census::Census;
use crate::gpu::checkpoints;
use crate::gpu::trainer::GpuTrainer;

#[derive(Clone, Debug)]
pub struct SoakOptions {
    pub iterations: u64,
    /// Iterations per `train` call (the page trains a few per frame).
    pub chunk: u32,
    /// Iterations between a checkpoint plus a samples read (the page keeps
    /// a checkpoint every 5 s).
    pub checkpoint_every: u64,
    /// Iterations before the baseline is taken: by then every kind of work
    /// has run once, so every object it needs exists.
    pub warmup: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SoakReport {
    pub iterations: u64,
    pub seconds: f64,
    pub checkpoints: u64,
    /// Iterations whose stats arrived (every one must).
    pub stats_arrived: u64,
    /// Stats with a loss or a D output that is NaN or infinite.
    pub non_finite_stats: u64,
    pub census_after_warmup: Census,
    pub census_at_end: Census,
    /// Resident memory of this process (which holds lavapipe's "GPU"
    /// memory too) after warm-up and at the end, where the OS tells it.
    pub resident_after_warmup: Option<u64>,
    pub resident_at_end: Option<u64>,
}

impl SoakReport {
    /// What went wrong, each as a sentence; empty when the run was sound.
    /// `resident_margin`: the growth of resident memory allowed, in bytes.
    pub fn problems(&self, resident_margin: u64) -> Vec<String> {
        let mut problems = Vec::new();
        let created = self
            .census_at_end
            .total()
            .saturating_sub(self.census_after_warmup.total());
        if created > 0 {
            problems.push(format!(
                "{created} GPU objects were created after warm-up: {:?} → {:?}",
                self.census_after_warmup, self.census_at_end
            ));
        }
        if self.stats_arrived != self.iterations {
            problems.push(format!(
                "stats arrived for {} of {} iterations",
                self.stats_arrived, self.iterations
            ));
        }
        if self.non_finite_stats > 0 {
            problems.push(format!(
                "{} iterations had non-finite stats",
                self.non_finite_stats
            ));
        }
        if let (Some(before), Some(after)) = (self.resident_after_warmup, self.resident_at_end)
            && after > before + resident_margin
        {
            problems.push(format!(
                "resident memory grew by {} KiB after warm-up (allowed {} KiB)",
                (after - before) / 1024,
                resident_margin / 1024
            ));
        }
        problems
    }
}

/// This process's resident memory in bytes (Linux), else None.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Runs `options.iterations` iterations on `trainer`; `progress` sees the
/// report so far after every checkpoint.
pub fn run(
    trainer: &mut GpuTrainer,
    options: &SoakOptions,
    mut progress: impl FnMut(&SoakReport),
) -> Result<SoakReport, Error> {
    let start = std::time::Instant::now();
    let mut report = SoakReport::default();
    let mut chunks = 0u64;
    let take_stats = |trainer: &mut GpuTrainer, report: &mut SoakReport| -> Result<(), Error> {
        trainer.finish()?;
        for stats in trainer.take_history() {
            report.stats_arrived += 1;
            let values = [stats.disc_loss, stats.gen_loss, stats.disc_real, stats.disc_fake];
            if !values.iter().all(|v| v.is_finite()) {
                report.non_finite_stats += 1;
            }
        }
        Ok(())
    };
    let mut warmed_up = false;

    while report.iterations < options.iterations {
        let n = u64::from(options.chunk).min(options.iterations - report.iterations);
        trainer.train(n as u32)?;
        let before = report.iterations;
        report.iterations += n;
        chunks += 1;
        // Waiting every few chunks keeps a stats slot free for every
        // iteration, as the CLI's train does.
        if chunks.is_multiple_of(3) {
            take_stats(trainer, &mut report)?;
        }
        // The first chunk checkpoints too, so that warm-up has seen it.
        let checkpoint =
            before == 0 || before / options.checkpoint_every != report.iterations / options.checkpoint_every;
        if checkpoint {
            pollster::block_on(checkpoints::save(trainer))?;
            pollster::block_on(trainer.samples())?;
            report.checkpoints += 1;
        }
        if !warmed_up && report.iterations >= options.warmup {
            warmed_up = true;
            take_stats(trainer, &mut report)?;
            report.census_after_warmup = trainer.context().census();
            report.resident_after_warmup = resident_bytes();
        }
        if checkpoint {
            report.seconds = start.elapsed().as_secs_f64();
            report.census_at_end = trainer.context().census();
            report.resident_at_end = resident_bytes();
            progress(&report);
        }
    }
    take_stats(trainer, &mut report)?;
    report.seconds = start.elapsed().as_secs_f64();
    report.census_at_end = trainer.context().census();
    report.resident_at_end = resident_bytes();
    Ok(report)
}
