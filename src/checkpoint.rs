//! A trainer saved to one file: both networks' parameters and Adam
//! moments, the GPU's counters, the iteration and the config, so that
//! training resumes exactly where it stopped.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! magic     8 bytes   "LIVEGAN\0"
//! version   u32       FORMAT_VERSION
//! sections  repeated: tag (4 ASCII bytes), length u64, payload
//!   CONF  the config as JSON
//!   STEP  iteration u64, counters 4 × u32
//!   GPAR GADM GADV  generator parameters, Adam m, Adam v (f32 each)
//!   DPAR DADM DADV  the same for the discriminator
//!   GEMA  the moving average of the generator's parameters, present
//!         exactly when the config's genEma is above 0
//! crc32     u32       of every byte before it
//! ```
//!
//! Reading checks the magic, the version, every section's length against
//! what the config implies, and the checksum before returning anything: a
//! corrupt or foreign file is refused whole, with what was wrong.

use crate::config::Config;

pub const MAGIC: &[u8; 8] = b"LIVEGAN\0";
pub const FORMAT_VERSION: u32 = 1;
const SECTION_ORDER: [&[u8; 4]; 8] = [
    b"CONF", b"STEP", b"GPAR", b"GADM", b"GADV", b"DPAR", b"DADM", b"DADV",
];

/// One network's state: parameters and both Adam moments, in its layout.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkState {
    pub params: Vec<f32>,
    pub adam_m: Vec<f32>,
    pub adam_v: Vec<f32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub config: Config,
    /// Iterations trained so far.
    pub iteration: u64,
    /// The GPU's counters: [iteration, disc updates, gen updates, 0].
    pub counters: [u32; 4],
    pub generator: NetworkState,
    pub discriminator: NetworkState,
    /// The moving average of the generator's parameters (genEma > 0).
    pub gen_average: Option<Vec<f32>>,
}

/// Why a file is not a checkpoint this build can load.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a livegan checkpoint (it does not start with the LIVEGAN signature)")]
    Foreign,
    #[error("a checkpoint of format version {0}; this build reads version {FORMAT_VERSION}")]
    Version(u32),
    #[error("the checkpoint is cut short: {0}")]
    Truncated(String),
    #[error("the checkpoint is corrupt: its checksum does not match its contents")]
    Checksum,
    #[error("the checkpoint is malformed: {0}")]
    Malformed(String),
}

impl Checkpoint {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let mut section = |tag: &[u8; 4], payload: &[u8]| {
            out.extend_from_slice(tag);
            out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            out.extend_from_slice(payload);
        };
        // Config serialises infallibly (plain numbers, strings, lists).
        section(b"CONF", &serde_json::to_vec(&self.config).unwrap_or_default());
        let mut step = self.iteration.to_le_bytes().to_vec();
        step.extend(self.counters.iter().flat_map(|c| c.to_le_bytes()));
        section(b"STEP", &step);
        for (tags, network) in [
            ([b"GPAR", b"GADM", b"GADV"], &self.generator),
            ([b"DPAR", b"DADM", b"DADV"], &self.discriminator),
        ] {
            for (tag, values) in tags
                .into_iter()
                .zip([&network.params, &network.adam_m, &network.adam_v])
            {
                section(tag, bytemuck::cast_slice(values));
            }
        }
        if let Some(average) = &self.gen_average {
            section(b"GEMA", bytemuck::cast_slice(average));
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(CheckpointError::Foreign);
        }
        let mut reader = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let version = u32::from_le_bytes(reader.array("the version")?);
        if version != FORMAT_VERSION {
            return Err(CheckpointError::Version(version));
        }
        if bytes.len() < reader.at + 4 {
            return Err(CheckpointError::Truncated("no checksum".into()));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        let mut sections = Vec::new();
        reader.bytes = body;
        for tag in SECTION_ORDER {
            let name = String::from_utf8_lossy(tag).into_owned();
            let found: [u8; 4] = reader.array(&format!("section {name}"))?;
            if &found != tag {
                // A cut file reads its checksum as section bytes: report it
                // as corrupt rather than as an odd tag.
                check_crc(body, crc)?;
                return Err(CheckpointError::Malformed(format!(
                    "expected section {name}, found {:?}",
                    String::from_utf8_lossy(&found)
                )));
            }
            let len = u64::from_le_bytes(reader.array(&format!("the length of {name}"))?);
            sections.push(reader.take(len, &name)?);
        }
        // The one optional section; the config says below whether it belongs.
        let mut average_section = None;
        if reader.at != body.len() {
            let found: [u8; 4] = reader.array("section GEMA")?;
            if &found == b"GEMA" {
                let len = u64::from_le_bytes(reader.array("the length of GEMA")?);
                average_section = Some(reader.take(len, "GEMA")?);
            } else {
                reader.at -= 4;
            }
        }
        if reader.at != body.len() {
            check_crc(body, crc)?;
            return Err(CheckpointError::Malformed(format!(
                "{} bytes after the last section",
                body.len() - reader.at
            )));
        }
        check_crc(body, crc)?;

        let config: Config = serde_json::from_slice(sections[0])
            .map_err(|e| CheckpointError::Malformed(format!("its config: {e}")))?;
        config
            .validate()
            .map_err(|e| CheckpointError::Malformed(format!("its config: {e}")))?;
        let step = sections[1];
        if step.len() != 24 {
            return Err(CheckpointError::Malformed(format!(
                "STEP is {} bytes, not 24",
                step.len()
            )));
        }
        let word = |i: usize| {
            u32::from_le_bytes([
                step[8 + 4 * i],
                step[9 + 4 * i],
                step[10 + 4 * i],
                step[11 + 4 * i],
            ])
        };
        let iteration = u64::from_le_bytes(step[..8].try_into().unwrap_or_default());
        let counters = [word(0), word(1), word(2), word(3)];
        if u64::from(counters[0]) != iteration % (1 << 32) {
            return Err(CheckpointError::Malformed(format!(
                "its iteration {iteration} disagrees with its GPU counter {}",
                counters[0]
            )));
        }
        let network = |first: usize, count: usize, name: &str| -> Result<NetworkState, CheckpointError> {
            let floats = |index: usize| -> Result<Vec<f32>, CheckpointError> {
                let payload = sections[first + index];
                if payload.len() != 4 * count {
                    return Err(CheckpointError::Malformed(format!(
                        "the {name}'s section {} holds {} bytes; its config gives {count} parameters ({} bytes)",
                        String::from_utf8_lossy(SECTION_ORDER[first + index]),
                        payload.len(),
                        4 * count
                    )));
                }
                Ok(bytemuck::pod_collect_to_vec(payload))
            };
            Ok(NetworkState {
                params: floats(0)?,
                adam_m: floats(1)?,
                adam_v: floats(2)?,
            })
        };
        let gen_count = config.gen_layout().param_count;
        let generator = network(2, gen_count, "generator")?;
        let discriminator = network(5, config.disc_layout().param_count, "discriminator")?;
        let gen_average = match (config.gen_ema > 0.0, average_section) {
            (false, None) => None,
            (true, Some(payload)) if payload.len() == 4 * gen_count => {
                Some(bytemuck::pod_collect_to_vec(payload))
            }
            (true, Some(payload)) => {
                return Err(CheckpointError::Malformed(format!(
                    "its section GEMA holds {} bytes; its config gives {gen_count} generator parameters ({} bytes)",
                    payload.len(),
                    4 * gen_count
                )));
            }
            (true, None) => {
                return Err(CheckpointError::Malformed(
                    "its config keeps a moving average of the generator (genEma) but it has no GEMA section"
                        .into(),
                ));
            }
            (false, Some(_)) => {
                return Err(CheckpointError::Malformed(
                    "it has a GEMA section but its config keeps no moving average (genEma is 0)".into(),
                ));
            }
        };
        Ok(Checkpoint {
            config,
            iteration,
            counters,
            generator,
            discriminator,
            gen_average,
        })
    }
}

fn check_crc(body: &[u8], crc: &[u8]) -> Result<(), CheckpointError> {
    let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32fast::hash(body) == stored {
        Ok(())
    } else {
        Err(CheckpointError::Checksum)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: u64, what: &str) -> Result<&'a [u8], CheckpointError> {
        let left = self.bytes.len() - self.at;
        if len > left as u64 {
            return Err(CheckpointError::Truncated(format!(
                "{what} needs {len} bytes, {left} are left"
            )));
        }
        let slice = &self.bytes[self.at..self.at + len as usize];
        self.at += len as usize;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], CheckpointError> {
        let slice = self.take(N as u64, what)?;
        let mut array = [0u8; N];
        array.copy_from_slice(slice);
        Ok(array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::data::DatasetKind;

    pub(crate) fn sample() -> Checkpoint {
        let config = Config {
            gen_hidden: vec![3],
            disc_hidden: vec![5],
            latent_size: 2,
            ..Config::preset(DatasetKind::Ring8, Preset::Reference)
        };
        let state = |count: usize, seed: f32| NetworkState {
            params: (0..count).map(|i| seed + i as f32).collect(),
            adam_m: (0..count).map(|i| -(i as f32)).collect(),
            adam_v: (0..count).map(|i| i as f32 * 0.5).collect(),
        };
        Checkpoint {
            generator: state(config.gen_layout().param_count, 1.0),
            discriminator: state(config.disc_layout().param_count, 2.0),
            config,
            iteration: 12,
            counters: [12, 24, 12, 0],
            gen_average: None,
        }
    }

    /// `sample` with a moving average of the generator.
    fn sample_with_average() -> Checkpoint {
        let mut checkpoint = sample();
        checkpoint.config.gen_ema = 0.99;
        checkpoint.gen_average = Some(vec![0.25; checkpoint.config.gen_layout().param_count]);
        checkpoint
    }

    #[test]
    fn round_trips_exactly() {
        for checkpoint in [sample(), sample_with_average()] {
            assert_eq!(Checkpoint::from_bytes(&checkpoint.to_bytes()), Ok(checkpoint));
        }
    }

    #[test]
    fn the_average_section_is_there_exactly_when_the_config_keeps_one() {
        let mut missing = sample_with_average();
        missing.gen_average = None;
        let error = Checkpoint::from_bytes(&missing.to_bytes()).unwrap_err();
        assert!(error.to_string().contains("no GEMA section"), "{error}");
        let mut extra = sample();
        extra.gen_average = Some(vec![0.0; extra.config.gen_layout().param_count]);
        let error = Checkpoint::from_bytes(&extra.to_bytes()).unwrap_err();
        assert!(error.to_string().contains("genEma is 0"), "{error}");
        let mut short = sample_with_average();
        short.gen_average = Some(vec![0.0; 3]);
        let error = Checkpoint::from_bytes(&short.to_bytes()).unwrap_err();
        assert!(error.to_string().contains("GEMA holds 12 bytes"), "{error}");
    }

    #[test]
    fn foreign_old_corrupt_and_cut_files_are_refused_by_name() {
        let bytes = sample().to_bytes();
        assert_eq!(
            Checkpoint::from_bytes(b"PK\x03\x04 a zip"),
            Err(CheckpointError::Foreign)
        );
        let mut newer = bytes.clone();
        newer[8] = 2;
        assert_eq!(Checkpoint::from_bytes(&newer), Err(CheckpointError::Version(2)));
        // A byte of the last payload (a flipped length would be caught as
        // a cut section before the checksum is read).
        let mut flipped = bytes.clone();
        flipped[bytes.len() - 10] ^= 0x10;
        let middle = bytes.len() / 2;
        assert_eq!(Checkpoint::from_bytes(&flipped), Err(CheckpointError::Checksum));
        for cut in [12, 20, middle, bytes.len() - 1] {
            let error = Checkpoint::from_bytes(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(error, CheckpointError::Truncated(_) | CheckpointError::Checksum),
                "cut at {cut}: {error}"
            );
        }
    }

    #[test]
    fn sections_that_disagree_with_the_config_are_refused() {
        let mut checkpoint = sample();
        checkpoint.discriminator.adam_v.pop();
        let error = Checkpoint::from_bytes(&checkpoint.to_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("discriminator") && error.contains("DADV"),
            "{error}"
        );
    }
}
