//! Twin of the digit grid in shaders/render.wgsl (`digit_value`): which
//! sample value lands on each pixel of the target.

use crate::kernels::render::DrawParams;

/// The value drawn at the pixel whose centre is (x + 0.5, y + 0.5), or None
/// in the gaps between digits.
pub fn digit_value(d: &DrawParams, values: &[f32], x: u32, y: u32) -> Option<f32> {
    let pixel = [x as f32 + 0.5, y as f32 + 0.5];
    let grid = d.grid as f32;
    let side = d.side as f32;
    let mut cell = [0u32; 2];
    let mut local = [0f32; 2];
    for axis in 0..2 {
        let cell_size = d.target_size[axis] / grid;
        cell[axis] = ((pixel[axis] / cell_size) as u32).min(d.grid - 1);
        local[axis] = (pixel[axis] - cell[axis] as f32 * cell_size) / cell_size * (side + 2.0) - 1.0;
    }
    if local.iter().any(|&l| l < 0.0 || l >= side) {
        return None;
    }
    let sample = d.first + cell[1] * d.grid + cell[0];
    if sample >= d.first + d.count {
        return None;
    }
    let (px, py) = (local[0] as u32, local[1] as u32);
    Some(values[(sample * d.side * d.side + py * d.side + px) as usize])
}

/// The gray level the shader writes for `value` (white strokes on black).
pub fn digit_level(value: f32) -> f32 {
    (value * 0.5 + 0.5).clamp(0.0, 1.0)
}
