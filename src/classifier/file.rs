//! The classifier's weights file: its parameters in half precision (the
//! judge does not need more, and the page downloads half the bytes), the
//! mean and covariance of its features over the 10,000 MNIST test images
//! (what generated digits are compared with), and how it was made.
//!
//! Layout, little-endian: `LGMC`, version, then the header fields of
//! [`ClassifierFile`] as u32/f32, the parameters as f16, the feature mean
//! and the covariance's upper triangle (row by row) as f32, and a CRC-32 of
//! everything before it. A file whose length, widths or checksum disagree is
//! refused with what is wrong, before anything is allocated from it.

use super::{FEATURES, WIDTHS, layout};

/// Where the project keeps the trained classifier (the page serves it).
pub const DEFAULT_PATH: &str = "www/models/mnist-classifier.bin";

const MAGIC: &[u8; 4] = b"LGMC";
const VERSION: u32 = 1;
/// magic, version, 4 widths, seed, epochs, test images, test accuracy,
/// test-set Inception Score.
const HEADER_BYTES: usize = 4 + 4 + 4 * WIDTHS.len() + 4 * 5;

/// A trained classifier and the statistics of the real test set.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassifierFile {
    /// The training seed (`livegan-cli classifier --seed`).
    pub seed: u32,
    pub epochs: u32,
    /// How many test images the statistics below cover.
    pub test_images: u32,
    /// Share of the test images classified correctly, measured once after
    /// training.
    pub test_accuracy: f32,
    /// The Inception Score of the real test images under this classifier:
    /// the best a generator can hope to reach.
    pub test_inception_score: f32,
    /// The flat parameters of [`layout`], as the f16 file holds them.
    pub params: Vec<f32>,
    /// Mean of the test images' features.
    pub feature_mean: Vec<f64>,
    /// Their covariance, FEATURES × FEATURES, row-major.
    pub feature_covariance: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClassifierFileError {
    #[error("the classifier file is {len} bytes, too short for its {need}-byte header")]
    TooShort { len: usize, need: usize },
    #[error("not a livegan classifier file (it does not start with LGMC)")]
    BadMagic,
    #[error("classifier file version {0}; this build reads version {VERSION}")]
    Version(u32),
    #[error("the classifier file's layers are {found:?}; this build's classifier is {WIDTHS:?}")]
    Widths { found: Vec<u32> },
    #[error("the classifier file is {len} bytes; its header promises {promised}")]
    Length { len: usize, promised: usize },
    #[error("the classifier file is damaged (its checksum does not match)")]
    Checksum,
    #[error("the classifier file holds a value that is not finite")]
    NotFinite,
}

fn triangle_len() -> usize {
    FEATURES * (FEATURES + 1) / 2
}

fn body_len() -> usize {
    2 * layout().param_count + 4 * FEATURES + 4 * triangle_len()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let chunk = self.bytes[self.at..self.at + N].try_into().unwrap_or([0; N]);
        self.at += N;
        chunk
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
}

impl ClassifierFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEADER_BYTES + body_len() + 4);
        bytes.extend_from_slice(MAGIC);
        let mut u32s = vec![VERSION];
        u32s.extend(WIDTHS.iter().map(|&w| w as u32));
        u32s.extend([self.seed, self.epochs, self.test_images]);
        for value in u32s {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        for value in [self.test_accuracy, self.test_inception_score] {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        for &value in &self.params {
            bytes.extend_from_slice(&half::f16::from_f32(value).to_le_bytes());
        }
        for &value in &self.feature_mean {
            bytes.extend_from_slice(&(value as f32).to_le_bytes());
        }
        for row in 0..FEATURES {
            for col in row..FEATURES {
                let value = self.feature_covariance[row * FEATURES + col] as f32;
                bytes.extend_from_slice(&value.to_le_bytes());
            }
        }
        let checksum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<ClassifierFile, ClassifierFileError> {
        if bytes.len() < HEADER_BYTES {
            return Err(ClassifierFileError::TooShort {
                len: bytes.len(),
                need: HEADER_BYTES,
            });
        }
        if &bytes[..4] != MAGIC {
            return Err(ClassifierFileError::BadMagic);
        }
        let mut reader = Reader { bytes, at: 4 };
        let version = reader.u32();
        if version != VERSION {
            return Err(ClassifierFileError::Version(version));
        }
        let widths: Vec<u32> = (0..WIDTHS.len()).map(|_| reader.u32()).collect();
        if widths
            .iter()
            .zip(WIDTHS)
            .any(|(&found, expected)| found as usize != expected)
        {
            return Err(ClassifierFileError::Widths { found: widths });
        }
        let promised = HEADER_BYTES + body_len() + 4;
        if bytes.len() != promised {
            return Err(ClassifierFileError::Length {
                len: bytes.len(),
                promised,
            });
        }
        let (content, checksum) = bytes.split_at(promised - 4);
        if crc32fast::hash(content).to_le_bytes() != checksum {
            return Err(ClassifierFileError::Checksum);
        }
        let (seed, epochs, test_images) = (reader.u32(), reader.u32(), reader.u32());
        let (test_accuracy, test_inception_score) = (reader.f32(), reader.f32());
        let params: Vec<f32> = (0..layout().param_count)
            .map(|_| half::f16::from_le_bytes(reader.take()).to_f32())
            .collect();
        let feature_mean: Vec<f64> = (0..FEATURES).map(|_| f64::from(reader.f32())).collect();
        let mut feature_covariance = vec![0.0; FEATURES * FEATURES];
        for row in 0..FEATURES {
            for col in row..FEATURES {
                let value = f64::from(reader.f32());
                feature_covariance[row * FEATURES + col] = value;
                feature_covariance[col * FEATURES + row] = value;
            }
        }
        let finite = params.iter().all(|v| v.is_finite())
            && feature_mean
                .iter()
                .chain(&feature_covariance)
                .all(|v| v.is_finite())
            && test_accuracy.is_finite()
            && test_inception_score.is_finite();
        if !finite {
            return Err(ClassifierFileError::NotFinite);
        }
        Ok(ClassifierFile {
            seed,
            epochs,
            test_images,
            test_accuracy,
            test_inception_score,
            params,
            feature_mean,
            feature_covariance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ClassifierFile {
        let count = layout().param_count;
        let mut covariance = vec![0.0; FEATURES * FEATURES];
        for row in 0..FEATURES {
            for col in 0..FEATURES {
                covariance[row * FEATURES + col] = 1.0 / (1.0 + (row + col) as f64);
            }
        }
        ClassifierFile {
            seed: 3,
            epochs: 12,
            test_images: 10_000,
            test_accuracy: 0.985,
            test_inception_score: 9.7,
            // Values f16 holds exactly.
            params: (0..count).map(|i| (i % 64) as f32 / 64.0 - 0.5).collect(),
            feature_mean: (0..FEATURES).map(|i| i as f64 * 0.25).collect(),
            feature_covariance: covariance,
        }
    }

    #[test]
    fn round_trips_and_refuses_damage_by_name() {
        let file = example();
        let bytes = file.to_bytes();
        let back = ClassifierFile::from_bytes(&bytes).unwrap();
        assert_eq!(back.params, file.params);
        assert_eq!((back.seed, back.epochs, back.test_images), (3, 12, 10_000));
        for (a, b) in back.feature_covariance.iter().zip(&file.feature_covariance) {
            assert!((a - b).abs() <= 1e-7 * b.abs(), "{a} vs {b}");
        }

        let mut flipped = bytes.clone();
        flipped[HEADER_BYTES + 1000] ^= 1;
        assert_eq!(
            ClassifierFile::from_bytes(&flipped),
            Err(ClassifierFileError::Checksum)
        );
        assert!(matches!(
            ClassifierFile::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ClassifierFileError::Length { .. })
        ));
        assert_eq!(
            ClassifierFile::from_bytes(b"LGCK0000"),
            Err(ClassifierFileError::TooShort {
                len: 8,
                need: HEADER_BYTES
            })
        );
        let mut other = bytes.clone();
        other[0] = b'X';
        assert_eq!(
            ClassifierFile::from_bytes(&other),
            Err(ClassifierFileError::BadMagic)
        );
        let mut widths = bytes;
        widths[8] = 1;
        assert!(matches!(
            ClassifierFile::from_bytes(&widths),
            Err(ClassifierFileError::Widths { .. })
        ));
    }
}
