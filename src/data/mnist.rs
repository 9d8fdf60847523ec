//! MNIST in its original IDX format (big-endian header, then raw bytes).
//!
//! The parser trusts nothing a header says: it checks the magic number, the
//! dimensions and that the file holds exactly the bytes the header promises
//! before it copies anything, so a corrupt or hostile file can neither panic
//! nor make it allocate what the header merely claims.

pub const IMAGE_SIDE: usize = 28;
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// IDX magic: 0x00 0x00, type 0x08 (unsigned byte), then the number of dimensions.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Images as bytes, row-major, `count` × 784.
#[derive(Clone, PartialEq, Eq)]
pub struct MnistImages {
    pub count: usize,
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for MnistImages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MnistImages {{ count: {} }}", self.count)
    }
}

impl MnistImages {
    /// Pixels of image `index`.
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * IMAGE_PIXELS..(index + 1) * IMAGE_PIXELS]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdxError {
    #[error("the file is {len} bytes, too short for a {what} IDX header ({need} bytes)")]
    TooShort {
        what: &'static str,
        len: usize,
        need: usize,
    },
    #[error("the file is gzip-compressed; decompress it first (e.g. `gunzip train-images-idx3-ubyte.gz`)")]
    Gzipped,
    #[error("bad magic number 0x{found:08x}: an IDX {what} file starts with 0x{expected:08x}")]
    BadMagic {
        what: &'static str,
        found: u32,
        expected: u32,
    },
    #[error("images are {rows}×{cols}; MNIST images are 28×28")]
    WrongDimensions { rows: u32, cols: u32 },
    #[error("the header promises no {what}")]
    Empty { what: &'static str },
    #[error("the header promises {promised} bytes of {what} but the file holds {actual}")]
    WrongLength {
        what: &'static str,
        promised: u64,
        actual: usize,
    },
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Checks length and magic; returns the header's dimension fields.
fn read_header<const N: usize>(bytes: &[u8], what: &'static str, magic: u32) -> Result<[u32; N], IdxError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(IdxError::Gzipped);
    }
    let need = 4 + 4 * N;
    if bytes.len() < need {
        return Err(IdxError::TooShort {
            what,
            len: bytes.len(),
            need,
        });
    }
    let found = be_u32(bytes, 0);
    if found != magic {
        return Err(IdxError::BadMagic {
            what,
            found,
            expected: magic,
        });
    }
    Ok(std::array::from_fn(|i| be_u32(bytes, 4 + 4 * i)))
}

/// The payload after a header of `header_len` bytes, which must be exactly
/// `promised` bytes long.
fn payload<'a>(
    bytes: &'a [u8],
    header_len: usize,
    promised: u64,
    what: &'static str,
) -> Result<&'a [u8], IdxError> {
    let body = &bytes[header_len..];
    if promised != body.len() as u64 {
        return Err(IdxError::WrongLength {
            what,
            promised,
            actual: body.len(),
        });
    }
    Ok(body)
}

/// Parses `train-images-idx3-ubyte` (or the t10k file).
pub fn parse_images(bytes: &[u8]) -> Result<MnistImages, IdxError> {
    let [count, rows, cols] = read_header::<3>(bytes, "images", IMAGES_MAGIC)?;
    if rows as usize != IMAGE_SIDE || cols as usize != IMAGE_SIDE {
        return Err(IdxError::WrongDimensions { rows, cols });
    }
    if count == 0 {
        return Err(IdxError::Empty { what: "images" });
    }
    let promised = u64::from(count) * IMAGE_PIXELS as u64;
    let pixels = payload(bytes, 16, promised, "pixels")?;
    Ok(MnistImages {
        count: count as usize,
        pixels: pixels.to_vec(),
    })
}

/// Parses `train-labels-idx1-ubyte`: one digit 0..=9 per image.
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>, IdxError> {
    let [count] = read_header::<1>(bytes, "labels", LABELS_MAGIC)?;
    if count == 0 {
        return Err(IdxError::Empty { what: "labels" });
    }
    Ok(payload(bytes, 8, u64::from(count), "labels")?.to_vec())
}

/// An IDX images file for `pixels` (count × 784 bytes): for tests and tools.
pub fn encode_images(pixels: &[u8]) -> Vec<u8> {
    let count = (pixels.len() / IMAGE_PIXELS) as u32;
    let mut bytes = Vec::with_capacity(16 + pixels.len());
    for field in [IMAGES_MAGIC, count, IMAGE_SIDE as u32, IMAGE_SIDE as u32] {
        bytes.extend_from_slice(&field.to_be_bytes());
    }
    bytes.extend_from_slice(pixels);
    bytes
}
