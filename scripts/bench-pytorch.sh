#!/usr/bin/env bash
# PyTorch eager training the engine's default model, for the ratio in
# BENCHMARKS.md: installs torch from PyPI into .venv (once), then runs
# scripts/bench_pytorch.py on CUDA when a GPU is present, else on the CPU.
# Extra arguments go to the script (e.g. --seconds 10).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import torch, numpy' 2>/dev/null; then
    .venv/bin/pip install --quiet torch==2.15.0 numpy==2.4.6
fi
.venv/bin/python scripts/bench_pytorch.py "$@"
