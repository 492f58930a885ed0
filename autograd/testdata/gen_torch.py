#!/usr/bin/env python3
"""Generate torch.json: PyTorch reference values for the autograd tests.

Every case stores its float64 inputs, the forward output, a random upstream
gradient ("grad_out") and the gradients PyTorch's autograd returns for the
inputs. The Go tests read the inputs, recompute output and gradients, and
compare. Run from this directory:

    python3 gen_torch.py > torch.json

Deterministic: torch.manual_seed(20240611), float64 throughout, CPU.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20240611)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach().contiguous()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def case(name, op, params, inputs, fn, consts=()):
    """Run fn on named inputs; grads for all inputs not listed in consts."""
    leaves = {}
    for k, v in inputs.items():
        leaves[k] = v.clone().requires_grad_(k not in consts)
    out = fn(**leaves)
    extra = {}
    if isinstance(out, tuple):
        out, extra = out
    grad_out = torch.randn_like(out)
    wrt = [k for k in inputs if k not in consts]
    gs = torch.autograd.grad(out, [leaves[k] for k in wrt], grad_out)
    tensors = {k: t(v) for k, v in inputs.items()}
    tensors["out"] = t(out)
    tensors["grad_out"] = t(grad_out)
    for k, g in zip(wrt, gs):
        tensors["grad_" + k] = t(g)
    for k, v in extra.items():
        tensors[k] = t(v)
    return {"name": name, "op": op, "params": params, "tensors": tensors}


def randn(*s):
    return torch.randn(*s)


cases = []

# conv2d with stride and padding (height, width), with and without bias.
for name, xs, ws, stride, pad, bias in [
    ("conv_s1_p0", (2, 3, 6, 5), (4, 3, 3, 3), (1, 1), (0, 0), True),
    ("conv_s2x1_p1x2", (2, 2, 7, 6), (3, 2, 3, 2), (2, 1), (1, 2), True),
    ("conv_s3_p1_nobias", (1, 3, 8, 9), (2, 3, 4, 4), (3, 3), (1, 1), False),
]:
    inputs = {"x": randn(*xs), "w": randn(*ws)}
    if bias:
        inputs["b"] = randn(ws[0])
    cases.append(case(name, "conv2d", {"stride": list(stride), "padding": list(pad)}, inputs,
                      lambda x, w, b=None, s=stride, p=pad: F.conv2d(x, w, b, stride=s, padding=p)))

# batch norm, functional, training mode (batch statistics, biased variance).
for name, xs in [("batchnorm1d", (6, 3)), ("batchnorm2d", (4, 3, 5, 2))]:
    c = xs[1]
    inputs = {"x": 2 * randn(*xs) + 0.5, "gamma": randn(c), "beta": randn(c)}

    def bn(x, gamma, beta):
        y = F.batch_norm(x, None, None, gamma, beta, training=True, momentum=0.0, eps=1e-5)
        dims = [0] + list(range(2, x.dim()))
        mean = x.mean(dim=dims).detach()
        var = x.var(dim=dims, unbiased=False).detach()
        return y, {"mean": mean, "var": var}

    cases.append(case(name, "batchnorm", {"eps": 1e-5}, inputs, bn))

# cross entropy with integer targets and label smoothing (mean reduction).
targets = [3, 0, 4, 1, 1, 2]
for eps in [0.0, 0.1, 0.3]:
    cases.append(case("cross_entropy_ls%g" % eps, "cross_entropy",
                      {"smoothing": eps, "targets": targets}, {"x": 3 * randn(6, 5)},
                      lambda x, e=eps: F.cross_entropy(x, torch.tensor(targets), label_smoothing=e)))

# GELU, exact (erf) and tanh approximation, over a wide range.
xg = torch.linspace(-8, 8, 41) + 0.01 * randn(41)
cases.append(case("gelu", "gelu", {"approximate": "none"}, {"x": xg}, lambda x: F.gelu(x)))
cases.append(case("gelu_tanh", "gelu", {"approximate": "tanh"}, {"x": xg}, lambda x: F.gelu(x, approximate="tanh")))

# log_softmax and softmax along an axis, including large logits.
for name, axis, scale in [("log_softmax_ax1", 1, 1.0), ("log_softmax_last", -1, 40.0)]:
    cases.append(case(name, "log_softmax", {"axis": axis}, {"x": scale * randn(3, 4, 5)},
                      lambda x, a=axis: F.log_softmax(x, dim=a)))
cases.append(case("softmax_ax0", "softmax", {"axis": 0}, {"x": randn(4, 3)}, lambda x: F.softmax(x, dim=0)))

# pooling with PyTorch's defaults (avg: count_include_pad=True).
cases.append(case("maxpool_k3s2p1", "max_pool2d", {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
                  {"x": randn(2, 2, 7, 6)}, lambda x: F.max_pool2d(x, 3, 2, 1)))
cases.append(case("avgpool_k3s2p1", "avg_pool2d", {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
                  {"x": randn(2, 2, 7, 6)}, lambda x: F.avg_pool2d(x, 3, 2, 1)))
cases.append(case("adaptive_avg_5x7_3x4", "adaptive_avg_pool2d", {"output": [3, 4]},
                  {"x": randn(2, 3, 5, 7)}, lambda x: F.adaptive_avg_pool2d(x, (3, 4))))

# layer norm over the two trailing axes.
cases.append(case("layernorm", "layer_norm", {"normalized_shape": [3, 4], "eps": 1e-5},
                  {"x": randn(2, 3, 4), "gamma": randn(3, 4), "beta": randn(3, 4)},
                  lambda x, gamma, beta: F.layer_norm(x, (3, 4), gamma, beta, eps=1e-5)))

# binary cross entropy with logits (mean), targets in [0, 1] with gradient.
cases.append(case("bce_with_logits", "bce_with_logits", {},
                  {"x": 6 * randn(3, 4), "y": torch.rand(3, 4)},
                  lambda x, y: F.binary_cross_entropy_with_logits(x, y)))

json.dump({"torch_version": torch.__version__, "seed": 20240611, "cases": cases}, sys.stdout)
sys.stdout.write("\n")
