//! The discriminator over the plane, for the 2-D views: D's logit and its
//! gradient with respect to the input at the centres of a grid of cells
//! covering the plotted square, computed by a program of its own.

use super::buffers;
use super::context::GpuContext;
use super::network::{Network, dense};
use super::pipelines::Pipelines;
use super::program::{Ops, Program};
use crate::error::Error;
use crate::layout::Activation;

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
    /// The grid points and the unit output gradient, held for the bind groups.
    _inputs: [wgpu::Buffer; 2],
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
    ) -> Result<DiscField, Error> {
        let grid = FIELD_GRID;
        let rows = grid * grid;
        let inputs = buffers::storage_init(ctx, "field points", &field_points(grid, extent, scale))?;
        let ones = buffers::storage_init(ctx, "field output grad", &vec![1.0f32; rows])?;
        let logits = buffers::storage(ctx, "field logits", rows)?;
        let grads = buffers::storage(ctx, "field grads", rows * 2)?;
        let mut ops = Ops::default();
        discriminator.forward(dense(&inputs, 0, 2), dense(&logits, 0, 1), rows, &mut ops);
        // d logit / d logit = 1 backwards to the input; the input is a
        // point, not an activation, so no derivative is applied there.
        discriminator.backward(
            dense(&inputs, 0, 2),
            dense(&ones, 0, 1),
            rows,
            false,
            Some((dense(&grads, 0, 2), Activation::Identity)),
            &mut ops,
        );
        let program = Program::build(ctx, pipelines, "disc field", ops);
        Ok(DiscField {
            grid,
            extent,
            logits,
            grads,
            program,
            _inputs: [inputs, ones],
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
    }
}
