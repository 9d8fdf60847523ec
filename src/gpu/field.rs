//! The discriminator over the plane, for the 2-D views: D's logit and its
//! gradient with respect to the input at the centres of a grid of cells
//! covering the plotted square, computed by a program of its own. A packing
//! D (pack m) judges m samples at once; the field shows it on m copies of
//! the point, and its gradient is the sum of the m copies' gradients (the
//! derivative of D(x, …, x) in x).

use super::buffers;
use super::context::GpuContext;
use super::network::{Network, dense};
use super::pipelines::Pipelines;
use super::program::{Op, Ops, Program};
use crate::error::Error;
use crate::kernels::gemm::{GemmBuffers, GemmSpec};
use crate::layout::{Activation, LayerShape};

/// Grid points per side: 1,600 evaluations, cheap on a GPU and a few
/// milliseconds on a CPU adapter.
pub const FIELD_GRID: usize = 40;

pub struct DiscField {
    pub grid: usize,
    /// The plotted square is [-extent, extent]² in data coordinates.
    pub extent: f32,
    /// grid² logits, row-major with rows running up in y.
    pub logits: wgpu::Buffer,
    /// grid² × 2: ∂logit/∂x at each grid point (generator units).
    pub grads: wgpu::Buffer,
    pub program: Program,
    /// The grid points, the unit output gradient and, when packing, the
    /// copies' gradients and the matrix that sums them: held for the bind
    /// groups.
    _inputs: Vec<wgpu::Buffer>,
}

/// Each point of `points` (pairs) repeated `pack` times in a row.
pub fn packed_points(points: &[f32], pack: usize) -> Vec<f32> {
    points
        .chunks_exact(2)
        .flat_map(|point| point.repeat(pack))
        .collect()
}

/// The layer that sums `pack` copies' (x, y) gradients: inputs 2·pack →
/// outputs 2, weights `pack` stacked 2 × 2 identities, bias 0.
pub fn copy_sum(pack: usize) -> (LayerShape, Vec<f32>) {
    let layer = LayerShape {
        inputs: 2 * pack,
        outputs: 2,
        offset: 0,
        activation: Activation::Identity,
    };
    let mut params = vec![0.0; layer.param_count()];
    for i in 0..2 * pack {
        params[layer.weight_index(i, i % 2)] = 1.0;
    }
    (layer, params)
}

/// Grid point (x, y) of a `grid`² grid over [-extent, extent]², in
/// generator units (data / scale): the same cell centres as `field_point`
/// in shaders/render.wgsl.
pub fn field_points(grid: usize, extent: f32, scale: f32) -> Vec<f32> {
    let centre = |i: usize| ((i as f32 + 0.5) / grid as f32 * 2.0 - 1.0) * extent / scale;
    (0..grid * grid)
        .flat_map(|index| [centre(index % grid), centre(index / grid)])
        .collect()
}

impl DiscField {
    /// The discriminator's hidden buffers must hold FIELD_GRID² rows.
    pub fn new(
        ctx: &GpuContext,
        pipelines: &Pipelines,
        discriminator: &Network,
        extent: f32,
        scale: f32,
        pack: usize,
    ) -> Result<DiscField, Error> {
        let grid = FIELD_GRID;
        let rows = grid * grid;
        let points = packed_points(&field_points(grid, extent, scale), pack);
        let inputs = buffers::storage_init(ctx, "field points", &points)?;
        let ones = buffers::storage_init(ctx, "field output grad", &vec![1.0f32; rows])?;
        let logits = buffers::storage(ctx, "field logits", rows)?;
        let grads = buffers::storage(ctx, "field grads", rows * 2)?;
        let copy_grads = buffers::storage(ctx, "field grads per copy", rows * 2 * pack)?;
        let (sum_layer, sum_params) = copy_sum(pack);
        let sum = buffers::storage_init(ctx, "field copy sum", &sum_params)?;
        let mut ops = Ops::default();
        let width = 2 * pack;
        discriminator.forward(dense(&inputs, 0, width), dense(&logits, 0, 1), rows, &mut ops);
        // d logit / d logit = 1 backwards to the input; the input is a
        // point, not an activation, so no derivative is applied there.
        let target = if pack == 1 { &grads } else { &copy_grads };
        discriminator.backward(
            dense(&inputs, 0, width),
            dense(&ones, 0, 1),
            rows,
            false,
            Some((dense(target, 0, width), Activation::Identity)),
            &mut ops,
        );
        if pack > 1 {
            let spec = GemmSpec::forward(
                &sum_layer,
                rows,
                dense(&copy_grads, 0, width).strided(),
                dense(&grads, 0, 2).strided(),
            );
            ops.push(Op::gemm(
                "field copy sum",
                spec.tiled(discriminator.tiling()),
                GemmBuffers {
                    a: &copy_grads,
                    b: &sum,
                    aux: &copy_grads,
                    c: &grads,
                },
            ));
        }
        let program = Program::build(ctx, pipelines, "disc field", ops);
        Ok(DiscField {
            grid,
            extent,
            logits,
            grads,
            program,
            _inputs: vec![inputs, ones, copy_grads, sum],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_cell_centres_rows_running_up() {
        let points = field_points(4, 2.0, 2.0);
        assert_eq!(&points[..2], &[-0.75, -0.75]);
        assert_eq!(&points[2..4], &[-0.25, -0.75], "x varies fastest");
        assert_eq!(&points[2 * 15..], &[0.75, 0.75]);
        assert_eq!(
            packed_points(&[1.0, 2.0, 3.0, 4.0], 3),
            [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0, 3.0, 4.0]
        );
    }

    #[test]
    fn the_copy_sum_adds_each_coordinate_over_the_copies() {
        let (layer, params) = copy_sum(3);
        let grads = [1.0, 10.0, 2.0, 20.0, 3.0, 30.0];
        let sum = |o: usize| {
            (0..6)
                .map(|i| grads[i] * params[layer.weight_index(i, o)])
                .sum::<f32>()
                + params[layer.bias_index(o)]
        };
        assert_eq!([sum(0), sum(1)], [6.0, 60.0]);
    }
}
