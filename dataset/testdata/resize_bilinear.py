"""Golden values for dataset.Resize: PyTorch bilinear interpolation.

Writes resize_bilinear.json beside this script. Each case holds an input
tensor [N, C, H, W] (float64), the output size, and the output of
torch.nn.functional.interpolate(x, size=(h, w), mode="bilinear",
align_corners=False, antialias=False).

Run: python3 resize_bilinear.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F


def case(shape, size):
    n = math.prod(shape)
    # Deterministic, non-symmetric values so that axis mix-ups show.
    vals = [round(math.sin(0.7 * i) * 10 + 0.25 * i, 6) for i in range(n)]
    x = torch.tensor(vals, dtype=torch.float64).reshape(shape)
    y = F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=False)
    return {
        "shape": list(shape),
        "size": list(size),
        "input": vals,
        "output": y.reshape(-1).tolist(),
    }


def main():
    cases = [
        case((1, 1, 3, 4), (5, 3)),
        case((2, 2, 4, 4), (7, 5)),
        case((1, 1, 8, 6), (3, 4)),
        case((1, 3, 5, 5), (5, 5)),
        case((1, 1, 28, 28), (16, 16)),
        case((1, 1, 2, 3), (1, 1)),
    ]
    out = {
        "generator": "resize_bilinear.py",
        "torch": torch.__version__,
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resize_bilinear.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
