//! The command-line trainer as a user runs it: `--save` then `--resume`
//! continues exactly where the first run stopped, and a file that is not a
//! checkpoint is refused with a message; the tuned preset trains unless
//! `--preset reference` asks for the seed recipe; each quality measurement
//! is printed as it is taken, and a progress line each tenth of the run.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use livegan::config::{Config, Preset};
use livegan::data::DatasetKind;
use livegan::data::mixtures::Mixture;
use livegan::metrics::mode_coverage;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_livegan-cli"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the CLI runs")
}

/// A fresh folder for one test's runs, or None (the test passes) where no
/// GPU adapter is found outside CI.
fn scratch_dir(name: &str) -> Option<PathBuf> {
    common::gpu()?;
    let dir = std::env::temp_dir().join(format!("livegan-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

#[test]
fn save_and_resume_continue_exactly() {
    let Some(dir) = scratch_dir("test") else {
        return;
    };
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "--seed", "4", "--batch", "32", "--out", "out"];
        args.extend_from_slice(extra);
        let output = run(&dir, &args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    train(&["--dataset", "grid25", "--steps", "40", "--save", "straight.ckpt"]);
    train(&["--dataset", "grid25", "--steps", "25", "--save", "half.ckpt"]);
    // The checkpoint's config wins: --batch 32 here agrees, and no --dataset is needed.
    train(&["--resume", "half.ckpt", "--steps", "15", "--save", "resumed.ckpt"]);
    let straight = std::fs::read(dir.join("straight.ckpt")).unwrap();
    let resumed = std::fs::read(dir.join("resumed.ckpt")).unwrap();
    assert!(
        straight == resumed,
        "25 + 15 resumed equals 40 straight, byte for byte"
    );

    std::fs::write(dir.join("foreign.ckpt"), b"not a checkpoint").unwrap();
    let output = run(
        &dir,
        &[
            "train",
            "--resume",
            "foreign.ckpt",
            "--steps",
            "1",
            "--out",
            "out",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("not a livegan checkpoint"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_tuned_preset_trains_unless_the_reference_is_asked_for() {
    let Some(dir) = scratch_dir("preset") else {
        return;
    };
    // The config a two-iteration run in `out` trained, from its metrics.json.
    let trained_config = |out: &str, flags: &[&str]| {
        let mut args = vec![
            "train",
            "--dataset",
            "ring8",
            "--steps",
            "2",
            "--samples",
            "16",
            "--out",
            out,
        ];
        args.extend_from_slice(flags);
        let output = run(&dir, &args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let metrics: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(out).join("metrics.json")).unwrap()).unwrap();
        serde_json::from_value::<Config>(metrics["config"].clone()).unwrap()
    };
    let preset = |preset| Config {
        sample_count: 16,
        ..Config::preset(DatasetKind::Ring8, preset)
    };
    assert_eq!(trained_config("tuned", &[]), preset(Preset::Tuned));
    assert_eq!(
        trained_config("reference", &["--preset", "reference"]),
        preset(Preset::Reference)
    );
    // A flag given wins over the recipe.
    let changed = trained_config(
        "changed",
        &[
            "--preset",
            "reference",
            "--r1",
            "0.5",
            "--lr-decay-start",
            "15000",
            "--lr-half-life",
            "1500",
        ],
    );
    assert_eq!(
        changed,
        Config {
            r1_gamma: 0.5,
            lr_decay_start: 15000,
            lr_half_life: 1500,
            ..preset(Preset::Reference)
        }
    );

    let output = run(
        &dir,
        &["train", "--dataset", "ring8", "--preset", "best", "--out", "out"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("unknown preset `best`; one of tuned, reference"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_quality_measurement_is_printed_as_it_is_kept() {
    let Some(dir) = scratch_dir("quality") else {
        return;
    };
    let output = run(
        &dir,
        &[
            "train",
            "--dataset",
            "grid25",
            "--batch",
            "32",
            "--steps",
            "30",
            "--chunk",
            "10",
            "--metrics-every",
            "10",
            "--samples",
            "400",
            "--out",
            "out",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/metrics.json")).unwrap()).unwrap();
    let quality = metrics["quality"].as_array().unwrap();
    let iterations: Vec<u64> = quality.iter().map(|q| q["iteration"].as_u64().unwrap()).collect();
    assert_eq!(iterations, [10, 20, 30], "{stderr}");
    // Each kept measurement appears on stderr when it is taken, with the
    // same figures (printed to 0.1 %).
    for q in quality {
        let line = format!(
            "iteration {:>7}  modes covered {}/25, high-quality samples {:.1}%",
            q["iteration"].as_u64().unwrap(),
            q["modesCovered"].as_u64().unwrap(),
            100.0 * q["highQuality"].as_f64().unwrap()
        );
        assert!(stderr.contains(&line), "`{line}` in:\n{stderr}");
    }
    // The run's summary is the last measurement, and it measured the
    // samples written: the coverage recomputed from samples.f32 matches.
    let mut last = quality.last().unwrap().clone();
    last.as_object_mut().unwrap().remove("iteration");
    assert_eq!(metrics["modeCoverage"], last);
    let samples: Vec<f32> = std::fs::read(dir.join("out/samples.f32"))
        .unwrap()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(samples.len(), 2 * 400);
    let recomputed = mode_coverage(&Mixture::grid25(), &samples);
    assert_eq!(serde_json::to_value(&recomputed).unwrap(), last);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_progress_line_marks_each_tenth_of_the_run() {
    let Some(dir) = scratch_dir("progress") else {
        return;
    };
    // Sixty iterations in chunks of three: the first chunk is reported,
    // then the end of each tenth (6, 12, …, 60), the 18 of the third
    // included (0.1 + 0.1 + 0.1 is not 0.3 in floating point).
    let args = [
        "train",
        "--dataset",
        "ring8",
        "--batch",
        "32",
        "--steps",
        "60",
        "--chunk",
        "3",
        "--samples",
        "100",
        "--out",
        "out",
    ];
    let output = run(&dir, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let reported: Vec<u32> = stderr
        .lines()
        .filter(|line| line.contains("D loss"))
        .map(|line| line.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    let expected: Vec<u32> = std::iter::once(3)
        .chain((1..=10).map(|tenth| 6 * tenth))
        .collect();
    assert_eq!(reported, expected, "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
