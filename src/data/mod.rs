//! What the discriminator sees as real: MNIST bytes or a 2-D point set, in
//! the form the gather kernel reads.

pub mod datasets;
pub mod mixtures;
pub mod mnist;

pub use datasets::DatasetKind;
use mnist::{IMAGE_PIXELS, MnistImages};

/// Rows of a dataset as the GPU stores them.
#[derive(Clone, PartialEq)]
pub enum DatasetValues {
    /// MNIST pixels, 0..=255; the gather kernel scales them to [-1, 1].
    Bytes(Vec<u8>),
    /// 2-D points already divided by the coordinate scale.
    Floats(Vec<f32>),
}

#[derive(Clone, PartialEq)]
pub struct Dataset {
    pub kind: DatasetKind,
    pub rows: usize,
    /// X: values per row.
    pub row_len: usize,
    pub values: DatasetValues,
    /// Multiply generator output by this to get data coordinates.
    pub scale: f32,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dataset {{ {:?}, {} rows of {} }}",
            self.kind, self.rows, self.row_len
        )
    }
}

impl Dataset {
    pub fn mnist(images: MnistImages) -> Dataset {
        Dataset {
            kind: DatasetKind::Mnist,
            rows: images.count,
            row_len: IMAGE_PIXELS,
            values: DatasetValues::Bytes(images.pixels),
            scale: 1.0,
        }
    }

    /// A generated 2-D dataset of `mixtures::POINT_COUNT` points drawn
    /// from `seed`, divided by `scale` (a config's `data_scale()`) to sit
    /// inside G's tanh range; None for MNIST, whose rows come from its file.
    pub fn two_d(kind: DatasetKind, seed: u32, scale: f32) -> Option<Dataset> {
        let values = mixtures::points(kind, seed)?
            .into_iter()
            .map(|v| v / scale)
            .collect();
        Some(Dataset {
            kind,
            rows: mixtures::POINT_COUNT,
            row_len: 2,
            values: DatasetValues::Floats(values),
            scale,
        })
    }

    /// How many u32 words `gpu_words` returns, without building them.
    pub fn gpu_word_count(&self) -> usize {
        match &self.values {
            DatasetValues::Bytes(bytes) => bytes.len().div_ceil(4),
            DatasetValues::Floats(values) => values.len(),
        }
    }

    /// The rows packed into u32 words for the GPU: bytes four per word
    /// (little-endian, zero-padded), floats by their bits.
    pub fn gpu_words(&self) -> Vec<u32> {
        match &self.values {
            DatasetValues::Bytes(bytes) => bytes
                .chunks(4)
                .map(|chunk| {
                    let mut word = [0u8; 4];
                    word[..chunk.len()].copy_from_slice(chunk);
                    u32::from_le_bytes(word)
                })
                .collect(),
            DatasetValues::Floats(values) => values.iter().map(|v| v.to_bits()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_pack_little_endian_with_zero_padding() {
        let dataset = Dataset {
            kind: DatasetKind::Mnist,
            rows: 1,
            row_len: 5,
            values: DatasetValues::Bytes(vec![1, 2, 3, 4, 255]),
            scale: 1.0,
        };
        assert_eq!(dataset.gpu_words(), [0x0403_0201, 0x0000_00ff]);
    }

    #[test]
    fn generated_points_are_divided_by_the_scale_they_are_given() {
        let points = mixtures::points(DatasetKind::Grid25, 4).unwrap();
        for scale in [6.0, 10.0] {
            let dataset = Dataset::two_d(DatasetKind::Grid25, 4, scale).unwrap();
            assert_eq!(dataset.scale, scale);
            let DatasetValues::Floats(values) = &dataset.values else {
                panic!("2-D data is floats");
            };
            assert_eq!(values.len(), points.len());
            assert!(values.iter().zip(&points).all(|(v, p)| *v == p / scale));
        }
        assert!(Dataset::two_d(DatasetKind::Mnist, 4, 1.0).is_none());
    }
}
