//! The command-line trainer as a user runs it: `--save` then `--resume`
//! continues exactly where the first run stopped, and a file that is not a
//! checkpoint is refused with a message.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_livegan-cli"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the CLI runs")
}

#[test]
fn save_and_resume_continue_exactly() {
    if common::gpu().is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("livegan-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
