#!/usr/bin/env python3
"""Generate torch.json: PyTorch reference values for the nn tests.

Each case stores the module's parameters and inputs, the forward outputs, a
random upstream gradient for each output ("grad_<output>") and the gradients
PyTorch's autograd returns for the inputs and parameters ("grad_<name>").
Parameters are stored under their PyTorch state_dict names. The Go tests
load the parameters into the matching nn module, recompute everything and
compare. Run from this directory:

    python3 gen_torch.py > torch.json

Deterministic: torch.manual_seed(20240612), float64 throughout, CPU.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240612
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach().contiguous()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def run(module, inputs, fn, params=None):
    """Run fn(module, **inputs); return tensors for params, inputs, outputs
    and gradients of sum_k <grad_k, out_k> for inputs and parameters."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    outs = fn(module, **leaves)
    tensors = {}
    if module is not None:
        for k, v in module.state_dict().items():
            tensors[k] = t(v.to(torch.float64))
    for k, v in inputs.items():
        tensors[k] = t(v)
    loss = 0
    for k, v in outs.items():
        tensors[k] = t(v)
        g = torch.randn_like(v)
        tensors["grad_" + k] = t(g)
        loss = loss + (v * g).sum()
    wrt = dict(leaves)
    if module is not None:
        wrt.update(dict(module.named_parameters()))
    names = list(wrt)
    gs = torch.autograd.grad(loss, [wrt[k] for k in names], allow_unused=True)
    for k, g in zip(names, gs):
        if g is not None:
            tensors["grad_" + k] = t(g)
    return tensors


def jitter(module):
    """Perturb every parameter so that zero/one initial values (biases,
    norm weights) do not hide mistakes."""
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return module


cases = []


def case(name, op, params, tensors, module=None):
    if module is not None:
        params = dict(params, state_keys=list(module.state_dict().keys()))
    cases.append({"name": name, "op": op, "params": params, "tensors": tensors})


# Linear, with and without bias.
for name, bias in [("linear", True), ("linear_nobias", False)]:
    m = nn.Linear(4, 5, bias=bias)
    case(name, "linear", {"in": 4, "out": 5, "bias": bias},
         run(m, {"x": torch.randn(3, 4)}, lambda m, x: {"out": m(x)}), m)

# Conv2d with stride and padding per axis.
for name, cin, cout, k, stride, pad, bias, xs in [
    ("conv_k3x2_s2x1_p1", 3, 4, (3, 2), (2, 1), (1, 1), True, (2, 3, 7, 6)),
    ("conv_k3_s1_p0_nobias", 2, 3, (3, 3), (1, 1), (0, 0), False, (2, 2, 5, 5)),
]:
    m = nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=bias)
    case(name, "conv2d",
         {"in": cin, "out": cout, "kernel": list(k), "stride": list(stride), "padding": list(pad), "bias": bias},
         run(m, {"x": torch.randn(*xs)}, lambda m, x: {"out": m(x)}), m)


# BatchNorm: two training steps (outputs, gradients, running statistics
# after each), then one evaluation step. Parameters are jittered; the
# running statistics start from PyTorch's initial values.
def batchnorm_case(name, cls, c, shape):
    m = jitter(cls(c))
    init = {k: t(v.to(torch.float64)) for k, v in m.state_dict().items()}
    tensors = {"init." + k: v for k, v in init.items()}
    for step in (1, 2):
        m.train()
        x = torch.randn(*shape) * 2 + 0.5
        st = run(m, {"x": x}, lambda m, x: {"out": m(x)})
        for k, v in st.items():
            tensors["train%d.%s" % (step, k)] = v
    m.eval()
    x = torch.randn(*shape)
    st = run(m, {"x": x}, lambda m, x: {"out": m(x)})
    for k, v in st.items():
        tensors["eval.%s" % k] = v
    case(name, "batchnorm", {"features": c, "dims": len(shape)}, tensors, m)


batchnorm_case("batchnorm1d_2d_input", nn.BatchNorm1d, 3, (6, 3))
batchnorm_case("batchnorm1d_3d_input", nn.BatchNorm1d, 3, (4, 3, 5))
batchnorm_case("batchnorm2d", nn.BatchNorm2d, 3, (4, 3, 5, 4))

# LayerNorm over the last two axes.
m = jitter(nn.LayerNorm((3, 4)))
case("layernorm", "layernorm", {"normalized_shape": [3, 4]},
     run(m, {"x": torch.randn(2, 5, 3, 4) * 3 + 1}, lambda m, x: {"out": m(x)}), m)

# LSTMCell and GRUCell: one step from a given state, and one from zeros.
m = nn.LSTMCell(3, 4)
case("lstmcell", "lstmcell", {"in": 3, "hidden": 4, "bias": True},
     run(m, {"x": torch.randn(2, 3), "h": torch.randn(2, 4), "c": torch.randn(2, 4)},
         lambda m, x, h, c: dict(zip(("h_out", "c_out"), m(x, (h, c))))), m)
m = nn.LSTMCell(3, 2, bias=False)
case("lstmcell_nobias_zero_state", "lstmcell", {"in": 3, "hidden": 2, "bias": False},
     run(m, {"x": torch.randn(4, 3)}, lambda m, x: dict(zip(("h_out", "c_out"), m(x)))), m)
m = nn.GRUCell(3, 4)
case("grucell", "grucell", {"in": 3, "hidden": 4, "bias": True},
     run(m, {"x": torch.randn(2, 3), "h": torch.randn(2, 4)}, lambda m, x, h: {"h_out": m(x, h)}), m)
m = nn.GRUCell(2, 3, bias=False)
case("grucell_nobias_zero_state", "grucell", {"in": 2, "hidden": 3, "bias": False},
     run(m, {"x": torch.randn(3, 2)}, lambda m, x: {"h_out": m(x)}), m)

# MultiheadAttention, batch_first self-attention, with and without the
# causal mask; biases jittered away from zero. Weights averaged over heads.
for name, causal, bias in [("mha", False, True), ("mha_causal", True, True), ("mha_nobias", False, False)]:
    m = jitter(nn.MultiheadAttention(6, 2, bias=bias, batch_first=True))
    L = 4
    mask = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1) if causal else None

    def fn(m, x, mask=mask):
        y, w = m(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=True)
        return {"out": y, "weights": w}

    case(name, "mha", {"embed_dim": 6, "heads": 2, "causal": causal, "bias": bias},
         run(m, {"x": torch.randn(2, L, 6)}, fn), m)

# Losses.
logits = torch.randn(5, 4) * 2
targets = [0, 3, 1, 1, 2]
for eps in (0.0, 0.2):
    case("cross_entropy_ls%g" % eps, "cross_entropy", {"targets": targets, "smoothing": eps},
         run(None, {"x": logits}, lambda m, x, eps=eps: {
             "out": nn.CrossEntropyLoss(label_smoothing=eps)(x, torch.tensor(targets))}))
case("nll", "nll", {"targets": targets},
     run(None, {"x": F.log_softmax(logits, 1)}, lambda m, x: {"out": nn.NLLLoss()(x, torch.tensor(targets))}))
case("mse", "mse", {},
     run(None, {"x": torch.randn(3, 4), "y": torch.randn(3, 4)}, lambda m, x, y: {"out": nn.MSELoss()(x, y)}))
case("bce_with_logits", "bce", {},
     run(None, {"x": torch.randn(3, 4) * 3, "y": torch.rand(3, 4)},
         lambda m, x, y: {"out": nn.BCEWithLogitsLoss()(x, y)}))

json.dump({"torch_version": torch.__version__, "seed": SEED, "cases": cases}, sys.stdout, indent=None)
sys.stdout.write("\n")
