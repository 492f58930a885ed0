#!/usr/bin/env python3
"""Generate torch.json: PyTorch reference values for the optim tests.

Three groups of cases:

- "trajectories": a small net (Linear(3,4) -> Tanh -> Linear(4,2), MSE on a
  fixed batch) trained for 5 steps by each optimiser configuration, some
  with a scheduler stepped after every optimiser step. Stored: the initial
  state dict, the batch, the optimiser's hyperparameters (its `defaults`),
  the loss before each step, the parameters after each step and the
  optimiser's per-parameter state after the last step.
- "schedules": the learning rate (and momentum) after construction and
  after each scheduler step, for each scheduler.
- "clip": clip_grad_norm_ on fixed gradients: the returned norm and the
  clipped gradients.

Run from this directory:

    python3 gen_torch.py > torch.json

Deterministic: torch.manual_seed(20240613), float64 throughout, CPU.
"""
import json
import math
import sys

import torch
import torch.nn as nn
from torch.optim import lr_scheduler

SEED = 20240613
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)


def t(x):
    x = torch.as_tensor(x).detach().to(torch.float64).contiguous()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def jsonable(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, (bool, int, float, str)) or v is None:
            out[k] = v
        elif isinstance(v, tuple):
            out[k] = list(v)
    return out


net0 = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
init = {k: v.clone() for k, v in net0.state_dict().items()}
x = torch.randn(5, 3)
y = torch.randn(5, 2)

configs = [
    ("sgd_plain", "sgd", dict(lr=0.1), None),
    ("sgd_momentum_dampening_wd", "sgd", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.05), None),
    ("sgd_nesterov_wd", "sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05), None),
    ("sgd_nesterov_steplr", "sgd", dict(lr=0.1, momentum=0.9, nesterov=True), ("step", dict(step_size=2, gamma=0.5))),
    ("adam", "adam", dict(lr=0.05), None),
    ("adam_wd_amsgrad", "adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True), None),
    ("adam_onecycle", "adam", dict(lr=0.05), ("onecycle", dict(max_lr=0.1, total_steps=5))),
    ("adamw", "adamw", dict(lr=0.05, weight_decay=0.1), None),
    ("adamw_amsgrad_default_wd", "adamw", dict(lr=0.05, amsgrad=True), None),
    ("rmsprop", "rmsprop", dict(lr=0.01), None),
    ("rmsprop_centered_momentum_wd", "rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.9, centered=True), None),
]
ctors = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop}

trajectories = []
for name, kind, kw, sched in configs:
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    net.load_state_dict(init)
    opt = ctors[kind](net.parameters(), foreach=False, **kw)
    sc = None
    if sched is not None:
        skind, skw = sched
        sc = {"step": lr_scheduler.StepLR, "onecycle": lr_scheduler.OneCycleLR}[skind](opt, **skw)
    losses, steps = [], []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()
        if sc is not None:
            sc.step()
        losses.append(loss.item())
        steps.append({k: t(v) for k, v in net.state_dict().items()})
    state = {}
    for i, st in opt.state_dict()["state"].items():
        for k, v in st.items():
            if v is not None:  # plain SGD keeps momentum_buffer = None
                state["%d.%s" % (i, k)] = t(v)
    trajectories.append({
        "name": name, "kind": kind, "options": jsonable(opt.defaults),
        "schedule": None if sched is None else {"kind": sched[0], "options": sched[1]},
        "losses": losses, "params": steps, "state": state,
    })

schedule_cases = [
    ("step_lr", "step", dict(step_size=3, gamma=0.5), "sgd", 12),
    ("step_lr_default_gamma", "step", dict(step_size=2), "sgd", 7),
    ("exponential", "exponential", dict(gamma=0.9), "sgd", 15),
    ("cosine", "cosine", dict(T_max=10, eta_min=0.001), "sgd", 25),
    ("warm_restarts_mult2", "warm_restarts", dict(T_0=3, T_mult=2, eta_min=0.01), "sgd", 25),
    ("warm_restarts_mult1", "warm_restarts", dict(T_0=4), "sgd", 13),
    ("onecycle_cos_sgd", "onecycle", dict(max_lr=0.1, total_steps=20), "sgd", 20),
    ("onecycle_linear_three_phase_adam", "onecycle",
     dict(max_lr=0.2, total_steps=15, anneal_strategy="linear", three_phase=True, pct_start=0.25,
          div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), "adam", 15),
    ("onecycle_no_momentum", "onecycle", dict(max_lr=0.3, total_steps=10, cycle_momentum=False), "sgd", 10),
]
sched_ctors = {
    "step": lr_scheduler.StepLR, "exponential": lr_scheduler.ExponentialLR,
    "cosine": lr_scheduler.CosineAnnealingLR, "warm_restarts": lr_scheduler.CosineAnnealingWarmRestarts,
    "onecycle": lr_scheduler.OneCycleLR,
}
schedules = []
for name, kind, kw, okind, n in schedule_cases:
    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if okind == "sgd" else torch.optim.Adam([p], lr=0.1)

    def mom():
        g = opt.param_groups[0]
        return g["momentum"] if "momentum" in g else g["betas"][0]

    sc = sched_ctors[kind](opt, **kw)
    lrs, moms = [opt.param_groups[0]["lr"]], [mom()]
    for _ in range(n):
        opt.step()
        sc.step()
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(mom())
    schedules.append({"name": name, "kind": kind, "options": kw, "optimizer": okind,
                      "base_lr": 0.1, "lrs": lrs, "momentums": moms})

clip = []
grads = [torch.randn(4, 3), torch.randn(4), torch.randn(2, 4) * 3]
for name, max_norm, norm_type in [
    ("l2", 1.0, 2.0), ("l1", 2.0, 1.0), ("linf", 0.5, math.inf), ("l3", 1.5, 3.0), ("l2_unclipped", 100.0, 2.0),
]:
    ps = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p_, g in zip(ps, grads):
        p_.grad = g.clone()
    norm = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    clip.append({"name": name, "max_norm": max_norm, "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                 "grads": [t(g) for g in grads], "norm": norm.item(), "clipped": [t(p_.grad) for p_ in ps]})

json.dump({
    "torch_version": torch.__version__, "seed": SEED,
    "init": {k: t(v) for k, v in init.items()}, "x": t(x), "y": t(y),
    "trajectories": trajectories, "schedules": schedules, "clip": clip,
}, sys.stdout)
sys.stdout.write("\n")
