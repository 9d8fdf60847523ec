# Entry points. `make test` is what CI runs (.ci/run).

SHELL := /bin/bash
CHROMEDRIVER = $(shell command -v chromedriver)
# SwiftShader (the browser's CPU WebGPU) is slow; give a test run time.
export WASM_BINDGEN_TEST_TIMEOUT ?= 1800

.PHONY: setup serve page test lint test-native test-browser test-e2e soak soak-native soak-page bench bench-native bench-browser bench-pytorch train-ring8 train-mnist

## Install whatever is missing (Debian packages, wasm tools, npm packages).
setup:
	scripts/setup.sh

## The demo on http://127.0.0.1:8000 (PORT=... to change).
serve: setup page
	node scripts/serve.mjs

## What the page serves: release wasm, vendored uPlot, gzipped MNIST.
page:
	scripts/build-page.sh

## Everything: lint, native GPU tests (lavapipe), engine tests in headless
## Chromium (WebGPU on SwiftShader), and the page end to end.
test: setup lint test-native test-browser test-e2e

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

test-native:
	cargo test

test-browser:
	wasm-pack test --headless --chrome --chromedriver "$(CHROMEDRIVER)" -- --test browser

test-e2e: page
	node --test --test-concurrency=1 tests/e2e/

## Long runs: 100,000 native iterations, then the page for 10 minutes;
## each fails on GPU objects created after warm-up or memory that grows.
soak: soak-native soak-page

soak-native: setup
	cargo run --release -- soak --iterations 100000

SOAK_MINUTES ?= 10
soak-page: setup page
	node scripts/soak-page.mjs $(SOAK_MINUTES)

## Speed on this machine: native (default adapter) and in headless Chromium
## against TensorFlow.js; tables on stdout, JSON under results/.
bench: bench-native bench-browser

bench-native: setup
	cargo run --release -- bench

# BENCH_SECONDS per run, BENCH_BATCH for the browser comparison.
BENCH_SECONDS ?= 20
BENCH_BATCH ?= 64
bench-browser: setup page
	node scripts/bench-browser.mjs $(BENCH_SECONDS) $(BENCH_BATCH)

## PyTorch eager training the same model (CUDA when present), in .venv.
bench-pytorch: setup
	scripts/bench-pytorch.sh

## Examples of the native CLI.
train-ring8:
	cargo run --release -- train --dataset ring8 --steps 10000 --out out/ring8

train-mnist: setup
	cargo run --release -- train --dataset mnist --steps 2000 --out out/mnist
