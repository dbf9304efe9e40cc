"""Fig S2: exact inversion of a square linear MLP, and how poorly conditioned it is (section 4.2).

A linear layer o = W x + b with W square is inverted by x = W^-1 (o - b) (eq. 11); applied
layer by layer it recovers the input from the output. The paper finds this works only in
float64, and that a tiny output shift N(0, 1/1000) inverts to an input a'' far from a (over a
million times ||a - a'||): the composed map is invertible but badly conditioned.
"""

from __future__ import annotations

import copy
import logging

import pandas as pd
import torch
from torch import nn

from ..engine import Descent, metrics
from ..models.mlp import mlp
from ..seeds import OUTPUT_NOISE, generator
from .mlp_sweeps import FigureData, final_rows, invert, shifted_input

log = logging.getLogger(__name__)


def linear_layers(model: nn.Sequential) -> list[nn.Linear]:
    """The Linear layers of an MLP from depthrep.models.mlp; only linear models invert exactly."""
    if any(isinstance(m, nn.ReLU) for m in model):
        raise ValueError("exact inversion needs a linear MLP (no ReLU)")
    layers = [m for m in model if isinstance(m, nn.Linear)]
    for n, layer in enumerate(layers, start=1):
        if layer.in_features != layer.out_features:
            raise ValueError(f"layer {n} is {layer.in_features} -> {layer.out_features}: exact inversion needs square layers")
    return layers


@torch.no_grad()
def invert_exactly(model: nn.Sequential, outputs: torch.Tensor) -> torch.Tensor:
    """Inputs (flattened, one row per output) that give `outputs`: x = W^-1 (o - b), last layer first.

    torch.linalg.solve factorises each W once for all rows, in the model's precision.
    """
    x = outputs.to(_dtype(model))
    for layer in reversed(linear_layers(model)):
        shifted = x - layer.bias if layer.bias is not None else x
        x = torch.linalg.solve(layer.weight, shifted.T).T
    return x


@torch.no_grad()
def composed_matrix(model: nn.Sequential, layers: int) -> torch.Tensor:
    """W_layers ... W_1: the linear part of the model's first `layers` layers."""
    weights = [layer.weight for layer in linear_layers(model)[:layers]]
    product = weights[0]
    for weight in weights[1:]:
        product = weight @ product
    return product


def _dtype(model: nn.Module) -> torch.dtype:
    return next(model.parameters()).dtype


def exact_inversion(
    image: torch.Tensor,
    layers: int = 3,
    noise_std: float = 1e-3,
    draws: int = 1000,
    cond_layers: int = 4,
    descent: Descent = Descent(iterations=220, loss_scale=0.35),
    seed: int = 0,
    shift_std: float = 0.05,
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig S2 on a `layers`-deep square linear MLP (width = input size) in float64.

    Table rows (quantity, layers, dtype, draw, value):
      recovery_error         ||a - O^-1(O(a))|| in float64 and in float32
      shift_distance, m_s    ||a - a'|| and ||O(a') - O(a)|| of the reference shift
      noisy_input_distance   ||a - a''|| per draw, a'' = O^-1(O(a) + N(0, noise_std))
      noisy_output_distance  ||O(a'') - O(a)|| per draw
      condition_number       2-norm condition number of W_k ... W_1, k = 1..cond_layers
      gd_m_g, gd_m_i, gd_lr  a short gradient descent (descent.iterations, float64 metrics)
    The models of each depth are prefixes of one seeded model, so the first `layers` of the
    condition-number model are the inverted model. The model, the shift, the output noise and
    a_0 are independent draws (the MODEL_INIT, SHIFT, OUTPUT_NOISE and INITIAL_INPUT streams
    of `seed`, depthrep.seeds). Images: "target", "shifted", "noisy"
    (a'' of draw 0), "float32" (the float32 recovery) and "gradient_descent" (a_g).
    """
    if int(layers) < 1 or int(cond_layers) < 1 or int(draws) < 1:
        raise ValueError(f"layers, cond_layers and draws must be at least 1, got {layers}, {cond_layers}, {draws}")
    if noise_std <= 0:
        raise ValueError(f"noise_std must be positive, got {noise_std}")
    size = image.numel()
    deepest = mlp(tuple(image.shape), [size] * max(int(layers), int(cond_layers)), dtype=torch.float64, seed=seed)
    deepest = deepest.to(device)
    model = deepest[: int(layers) + 1]  # Flatten + the first `layers` Linear layers
    a = image.to(device=device, dtype=torch.float64)
    flat = a.reshape(1, -1)
    rows = []

    def add(quantity, value, depth=int(layers), dtype="float64", draw=None):
        rows.append({"quantity": quantity, "layers": depth, "dtype": dtype, "draw": draw, "value": float(value)})

    with torch.no_grad():
        output = model(a[None])
        add("recovery_error", metrics.distance(invert_exactly(model, output), flat).item())
        single = copy.deepcopy(model).float()
        recovered32 = invert_exactly(single, single(a.float()[None]))
        add("recovery_error", metrics.distance(recovered32, flat).item(), dtype="float32")
        log.info("exact inversion errors: %s", [f"{r['dtype']} {r['value']:.3g}" for r in rows])

        shifted = shifted_input(a, shift_std, seed)
        add("shift_distance", metrics.distance(shifted[None], a[None]).item())
        add("m_s", metrics.distance(model(shifted[None]), output).item())

        noise = torch.randn((int(draws), output.shape[1]), generator=generator(seed, OUTPUT_NOISE), dtype=torch.float64).to(device)
        noisy = invert_exactly(model, output + noise_std * noise)
        for draw, (d_in, d_out) in enumerate(
            zip(metrics.distance(noisy, flat), metrics.distance(model(noisy), output.expand_as(noisy)), strict=False)
        ):
            add("noisy_input_distance", d_in.item(), draw=draw)
            add("noisy_output_distance", d_out.item(), draw=draw)

        for depth in range(1, int(cond_layers) + 1):
            add("condition_number", torch.linalg.cond(composed_matrix(deepest, depth)).item(), depth=depth)
            log.info("condition number, %d layers: %.3g", depth, rows[-1]["value"])

    table, a_g = invert(model, a, descent, shift_std, seed, device)
    final = final_rows(table).iloc[0]
    add("gd_m_g", final.m_g)
    add("gd_m_i", final.m_i)
    add("gd_lr", final.lr)
    images = {
        "target": image,
        "shifted": shifted.cpu(),
        "noisy": noisy[0].reshape(image.shape).cpu(),
        "float32": recovered32[0].reshape(image.shape).cpu(),
        "gradient_descent": a_g,
    }
    table = pd.DataFrame(rows).astype({"draw": "Int64"})
    return FigureData(table, images)
