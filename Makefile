# Entry points. `make test` is what CI runs (.ci/run).

SHELL := /bin/bash
CHROMEDRIVER = $(shell command -v chromedriver)
# SwiftShader (the browser's CPU WebGPU) is slow; give a test run time.
export WASM_BINDGEN_TEST_TIMEOUT ?= 1800

.PHONY: setup test lint test-native test-browser train-ring8 train-mnist

## Install whatever is missing (Debian packages, wasm tools, npm packages).
setup:
	scripts/setup.sh

## Everything: lint, native GPU tests (lavapipe), browser tests (headless Chromium).
test: setup lint test-native test-browser

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

test-native:
	cargo test

test-browser:
	wasm-pack test --headless --chrome --chromedriver "$(CHROMEDRIVER)" -- --test browser

## Examples of the native CLI.
train-ring8:
	cargo run --release -- train --dataset ring8 --steps 5000 --out out/ring8

train-mnist: setup
	cargo run --release -- train --dataset mnist --steps 2000 --out out/mnist
