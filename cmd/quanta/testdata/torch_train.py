"""PyTorch reference for `quanta bench train`: times MNIST training epochs of
the same models with the same optimiser, batch size and data pipeline.

quanta bench train writes the data file and runs this script once per
(model, dtype, threads); it can also be run by hand:

    python3 torch_train.py --data mnist.bin --model simplenet --dtype float64 \
        --threads 1 --batch 200 --epochs 2

The data file holds the sample count N as a little-endian uint64, then N
28x28 images as uint8 pixels (row-major), then N uint8 labels. Preprocessing
is done once, before timing, as in quanta: MLP and CNN use ToTensor and
Normalize(0.1307, 0.3081); SimpleNet uses Pad(2), ToTensor, Normalize(0.5, 0.5).

Prints one JSON object per epoch: {"epoch", "seconds", "loss"}. "seconds"
covers the training steps of the epoch (batch gathering, forward, backward,
optimiser step), as quanta's epoch_seconds does.
"""

import argparse
import json
import sys
import time


def build(name, nn):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if name == "simplenet":
        # "Let the Quantum Creep In": Conv 1->32 3x3, Conv 32->16 3x3, Flatten,
        # Linear 12544->10, no activations.
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.Conv2d(32, 16, 3), nn.Flatten(), nn.Linear(12544, 10))
    raise SystemExit("unknown model " + name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True, choices=["mlp", "cnn", "simplenet"])
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    raw = open(args.data, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    pixels = np.frombuffer(raw, np.uint8, n * 784, 8).reshape(n, 1, 28, 28)
    labels = np.frombuffer(raw, np.uint8, n, 8 + n * 784).astype(np.int64)
    x = torch.from_numpy(pixels.astype(np.float64) / 255.0)
    if args.model == "simplenet":
        x = (F.pad(x, (2, 2, 2, 2)) - 0.5) / 0.5
    else:
        x = (x - 0.1307) / 0.3081
    dtype = getattr(torch, args.dtype)
    x = x.to(dtype).contiguous()
    y = torch.from_numpy(labels)

    model = build(args.model, nn).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        start = time.perf_counter()
        for i in range(0, n, args.batch):
            idx = perm[i:i + args.batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "seconds": seconds, "loss": total / n}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
