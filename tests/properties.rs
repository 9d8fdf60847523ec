//! Property tests: whatever bytes or values arrive, the answer is a value
//! or an error with a message, never a panic. Case counts are proptest's
//! per test (set below).

#![cfg(not(target_arch = "wasm32"))]

use livegan::checkpoint::{Checkpoint, NetworkState};
use livegan::config::{Config, Preset};
use livegan::data::DatasetKind;
use livegan::data::mnist::parse_images;
use proptest::prelude::*;

const CASES: u32 = 2000;

fn small_checkpoint() -> Vec<u8> {
    let config = Config {
        gen_hidden: vec![3],
        disc_hidden: vec![4],
        latent_size: 2,
        // With the optional section, so that damage to it is tried too.
        gen_ema: 0.99,
        ..Config::preset(DatasetKind::Ring8, Preset::Reference)
    };
    let state = |count: usize| NetworkState {
        params: vec![0.5; count],
        adam_m: vec![0.0; count],
        adam_v: vec![0.0; count],
    };
    Checkpoint {
        generator: state(config.gen_layout().param_count),
        discriminator: state(config.disc_layout().param_count),
        iteration: 7,
        counters: [7, 7, 7, 0],
        gen_average: Some(vec![0.25; config.gen_layout().param_count]),
        config,
    }
    .to_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn random_bytes_are_never_a_checkpoint_and_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(Checkpoint::from_bytes(&bytes).is_err());
    }

    /// A valid file with one byte changed, or cut anywhere: refused whole.
    #[test]
    fn damaged_checkpoints_are_refused(at in any::<prop::sample::Index>(), flip in 1u8.., cut in any::<bool>()) {
        let mut bytes = small_checkpoint();
        let at = at.index(bytes.len());
        if cut {
            bytes.truncate(at);
        } else {
            bytes[at] ^= flip;
        }
        let error = Checkpoint::from_bytes(&bytes).unwrap_err().to_string();
        prop_assert!(!error.is_empty());
    }

    #[test]
    fn random_idx_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), header in any::<bool>()) {
        let mut bytes = bytes;
        if header && bytes.len() >= 4 {
            // Often a plausible header, so the parser gets past the magic.
            bytes[..4].copy_from_slice(&[0, 0, 8, 3]);
        }
        if let Err(error) = parse_images(&bytes) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    /// Any JSON object of known and unknown fields with odd values: a
    /// config or a message naming what was wrong.
    #[test]
    fn random_configs_are_a_config_or_a_named_error(
        fields in proptest::collection::btree_map(
            prop_oneof![
                Just("dataset".to_string()), Just("batchSize".to_string()), Just("genHidden".to_string()),
                Just("genLr".to_string()), Just("leakySlope".to_string()), Just("seed".to_string()),
                Just("activation".to_string()), "[a-zA-Z]{1,8}",
            ],
            prop_oneof![
                any::<i64>().prop_map(serde_json::Value::from),
                any::<f64>().prop_map(|v| serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)),
                "[a-z0-9]{0,6}".prop_map(serde_json::Value::from),
                proptest::collection::vec(any::<u32>(), 0..10).prop_map(|v| serde_json::json!(v)),
                Just(serde_json::Value::Null),
            ],
            0..6,
        )
    ) {
        let value = serde_json::Value::Object(fields.into_iter().collect());
        match Config::from_partial(value) {
            Ok(config) => prop_assert!(config.validate().is_ok()),
            Err(error) => prop_assert!(error.to_string().starts_with("config")),
        }
    }
}
