//! Pictures of samples for the CLI: an 8×8 grid of digits, or a scatter of
//! real against generated 2-D points. RGB images written as PNG.

use std::io::Write;

/// An RGB image being drawn.
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<[u8; 3]>,
}

impl Canvas {
    pub fn new(width: usize, height: usize, background: [u8; 3]) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![background; width * height],
        }
    }

    pub fn set(&mut self, x: usize, y: usize, color: [u8; 3]) {
        if x < self.width && y < self.height {
            self.pixels[y * self.width + x] = color;
        }
    }

    /// Encodes the canvas as PNG into `out`.
    pub fn write_png(&self, out: impl Write) -> Result<(), png::EncodingError> {
        let mut encoder = png::Encoder::new(out, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        let bytes: Vec<u8> = self.pixels.iter().flatten().copied().collect();
        writer.write_image_data(&bytes)?;
        writer.finish()
    }
}

/// Images of `side`² pixels in [-1, 1] as a grid `columns` wide, each
/// pixel drawn `zoom`× with a 1-pixel gap (white strokes on black).
pub fn digit_grid(samples: &[f32], side: usize, zoom: usize, columns: usize) -> Canvas {
    let cell = side * zoom + 2;
    let count = samples.len() / (side * side);
    let rows = count.div_ceil(columns).max(1);
    let mut canvas = Canvas::new(columns * cell + 2, rows * cell + 2, [40, 40, 48]);
    for (index, image) in samples.chunks_exact(side * side).enumerate() {
        let (cx, cy) = (2 + (index % columns) * cell, 2 + (index / columns) * cell);
        for (p, &value) in image.iter().enumerate() {
            let level = ((value.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
            for dy in 0..zoom {
                for dx in 0..zoom {
                    canvas.set(
                        cx + (p % side) * zoom + dx,
                        cy + (p / side) * zoom + dy,
                        [level; 3],
                    );
                }
            }
        }
    }
    canvas
}

/// Real points (blue) and generated points (orange) in [-extent, extent]².
pub fn scatter(real: &[f32], generated: &[f32], extent: f32, size: usize) -> Canvas {
    let mut canvas = Canvas::new(size, size, [255, 255, 255]);
    let to_pixel = |v: f32, flip: bool| {
        let t = (v / extent + 1.0) * 0.5;
        let t = if flip { 1.0 - t } else { t };
        (t * (size - 1) as f32).round()
    };
    // Axes through the origin.
    let origin = to_pixel(0.0, false) as usize;
    for i in 0..size {
        canvas.set(origin, i, [225, 225, 225]);
        canvas.set(i, size - 1 - origin, [225, 225, 225]);
    }
    let mut plot = |points: &[f32], color: [u8; 3]| {
        for point in points.chunks_exact(2) {
            let (x, y) = (to_pixel(point[0], false), to_pixel(point[1], true));
            if !(x.is_finite() && y.is_finite() && x >= 0.0 && y >= 0.0) {
                continue;
            }
            let (x, y) = (x as usize, y as usize);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                canvas.set(x + dx, y + dy, color);
            }
        }
    };
    plot(real, [70, 130, 200]);
    plot(generated, [235, 120, 30]);
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_grid_places_pixels_by_value() {
        let mut images = vec![-1.0f32; 2 * 4];
        images[4] = 1.0; // first pixel of the second image
        let canvas = digit_grid(&images, 2, 1, 8);
        let cell = 2 + 2;
        assert_eq!(canvas.pixels[2 * canvas.width + 2], [0; 3]);
        assert_eq!(canvas.pixels[2 * canvas.width + 2 + cell], [255; 3]);
    }

    #[test]
    fn scatter_marks_points_and_encodes_as_png() {
        let canvas = scatter(&[0.5, 0.5], &[-0.5, -0.5], 1.0, 101);
        assert_eq!(canvas.pixels[25 * 101 + 75], [70, 130, 200]);
        assert_eq!(canvas.pixels[75 * 101 + 25], [235, 120, 30]);
        let mut png = Vec::new();
        canvas.write_png(&mut png).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
