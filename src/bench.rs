//! Measurements for the benchmark command: GEMM throughput on any shape,
//! and grouping of per-dispatch times into kernel families. GPU time comes
//! from timestamp queries where the device has them, from the wall clock
//! (submit to completion) otherwise.

use serde::Serialize;

use crate::checks::test_values;
use crate::error::Error;
use crate::gpu::buffers;
use crate::gpu::context::GpuContext;
use crate::gpu::pipelines::Pipelines;
use crate::gpu::program::{Op, Ops, Program};
use crate::gpu::readback::PendingRead;
use crate::kernels::gemm::{Epilogue, Gemm, GemmBuffers, GemmParams, GemmSpec, GemmTiling};

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GemmTiming {
    pub label: String,
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub tiling: String,
    /// Milliseconds per GEMM.
    pub ms: f64,
    pub gflops: f64,
    /// "timestamps" or "wall clock".
    pub timer: &'static str,
}

/// A plain C = A·B of m × k by k × n, no transposes, no epilogue.
pub fn square_spec(m: u32, n: u32, k: u32, tiling: GemmTiling) -> GemmSpec {
    GemmSpec {
        variant: Gemm {
            trans_a: false,
            trans_b: false,
            augment_a: false,
            epilogue: Epilogue::None,
            tiling,
        },
        params: GemmParams {
            m,
            n,
            k,
            lda: k,
            a_cols: k,
            ldb: n,
            ldc: n,
            ..GemmParams::default()
        },
    }
}

/// Runs `spec` `repeats` times in one compute pass and reports its speed.
pub async fn time_gemm(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    label: &str,
    spec: GemmSpec,
    repeats: u32,
) -> Result<GemmTiming, Error> {
    let [a_len, b_len, aux_len, c_len] = spec.operand_lengths();
    let a = buffers::storage_init(ctx, "a", &test_values(1, a_len, -1.0, 1.0))?;
    let b = buffers::storage_init(ctx, "b", &test_values(2, b_len, -1.0, 1.0))?;
    let aux = buffers::storage_init(ctx, "aux", &test_values(3, aux_len, -1.0, 1.0))?;
    let c = buffers::storage(ctx, "c", c_len)?;
    let mut ops = Ops::default();
    ops.push(Op::gemm(
        "gemm",
        spec,
        GemmBuffers {
            a: &a,
            b: &b,
            aux: &aux,
            c: &c,
        },
    ));
    let program = Program::build(ctx, pipelines, "bench gemm", ops);
    let run = |queries: Option<&wgpu::QuerySet>| {
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("bench gemm"),
                timestamp_writes: queries.map(|query_set| wgpu::ComputePassTimestampWrites {
                    query_set,
                    beginning_of_pass_write_index: Some(0),
                    end_of_pass_write_index: Some(1),
                }),
            });
            for _ in 0..repeats {
                program.encode(&mut pass);
            }
        }
        encoder
    };
    // Warm-up: the first dispatch of a pipeline may compile it.
    ctx.queue.submit([run(None).finish()]);
    ctx.wait_idle()?;
    let (seconds, timer) = if ctx.device.features().contains(wgpu::Features::TIMESTAMP_QUERY) {
        let queries = ctx.device.create_query_set(&wgpu::QuerySetDescriptor {
            label: Some("bench gemm"),
            ty: wgpu::QueryType::Timestamp,
            count: 2,
        });
        let resolved = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("bench gemm"),
            size: 16,
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let mut encoder = run(Some(&queries));
        encoder.resolve_query_set(&queries, 0..2, &resolved, 0);
        let ticks: Vec<u64> =
            bytemuck::pod_collect_to_vec(&PendingRead::start(ctx, encoder, &resolved, 0, 16).bytes().await?);
        let ns = ticks[1].saturating_sub(ticks[0]) as f64 * f64::from(ctx.queue.get_timestamp_period());
        (ns * 1e-9, "timestamps")
    } else {
        let start = crate::gpu::stats::now_ms();
        ctx.queue.submit([run(None).finish()]);
        ctx.wait_idle()?;
        ((crate::gpu::stats::now_ms() - start) * 1e-3, "wall clock")
    };
    let per_gemm = seconds / f64::from(repeats);
    Ok(GemmTiming {
        label: label.to_string(),
        m: spec.params.m,
        n: spec.params.n,
        k: spec.params.k,
        tiling: format!("{:?}", spec.variant.tiling),
        ms: per_gemm * 1e3,
        gflops: 2.0 * spec.macs() as f64 / per_gemm * 1e-9,
        timer,
    })
}

/// The kernel family of a dispatch label.
pub fn kernel_family(label: &str) -> &'static str {
    match label {
        "forward" => "gemm forward",
        "input grad" => "gemm input grad",
        "weight grad" => "gemm weight grad",
        "disc loss" | "gen loss" => "loss",
        "disc adam" | "gen adam" => "adam",
        "draw latent" => "normal",
        "gather real" => "gather",
        _ => "other",
    }
}

/// Sums per-dispatch times by kernel family, largest first.
pub fn by_family(times: &[(&'static str, f64)]) -> Vec<(&'static str, f64)> {
    let mut families: Vec<(&'static str, f64)> = Vec::new();
    for &(label, ms) in times {
        let family = kernel_family(label);
        match families.iter_mut().find(|(f, _)| *f == family) {
            Some((_, total)) => *total += ms,
            None => families.push((family, ms)),
        }
    }
    families.sort_by(|a, b| b.1.total_cmp(&a.1));
    families
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_group_and_sort() {
        let times = [
            ("forward", 1.0),
            ("disc loss", 0.1),
            ("forward", 2.0),
            ("gen adam", 0.5),
        ];
        assert_eq!(
            by_family(&times),
            vec![("gemm forward", 3.0), ("adam", 0.5), ("loss", 0.1)]
        );
    }

    #[test]
    fn operand_lengths_cover_transposed_layouts() {
        let spec = square_spec(3, 5, 7, GemmTiling::Shared);
        assert_eq!(spec.operand_lengths(), [21, 35, 3, 15]);
    }
}
