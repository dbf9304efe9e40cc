"""The fully connected experiments of section 4 (Fig 6-9): untrained MLPs on a small image,
inverted by plain gradient descent (eq. 4, no blur) from the last layer's output.

Every experiment builds its models with depthrep.models.mlp (biases, PyTorch's default init
drawn from the config's `seed`), takes the target embedding O(a) at the last layer and solves
it with the engine's learning-rate sweep (the paper's line search, keeping the lowest final
m_g) from one initial input (the descent's first seed s). The shifted reference
a' = a + N(0, shift_std) gives m_s for each model. Model, a_0 and a' are independent draws:
the MODEL_INIT, INITIAL_INPUT (at s) and SHIFT streams of `seed` (depthrep.seeds).

Width and depth tables are long: one row per model, budget and logged iteration; the row with
iteration == iterations holds the final a_g's distances, so the same table gives the figure's
numbers and the distances along the way.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import nn

from .. import engine
from ..engine import Descent, metrics
from ..models import freeze
from ..models.mlp import mlp
from ..seeds import INITIAL_INPUT, SHIFT, stream_seed

log = logging.getLogger(__name__)


@dataclass
class FigureData:
    """What a figure function returns: its table, and the images its plot shows (by key)."""

    table: pd.DataFrame
    images: dict = field(default_factory=dict)


def shifted_input(image: torch.Tensor, shift_std: float, seed: int) -> torch.Tensor:
    """The reference a' = a + N(0, shift_std) from the SHIFT stream of the config's `seed`,
    the same draw for every model of a figure."""
    return metrics.shifted(image, shift_std, stream_seed(seed, SHIFT))


def _dtype(model: nn.Module) -> torch.dtype:
    return next(model.parameters()).dtype


def invert(model: nn.Module, image: torch.Tensor, descent: Descent, shift_std: float, seed: int, device: torch.device | str = "cpu"):
    """Invert the last layer's output O(a) of `model` for the image a by the learning-rate sweep,
    from the a_0 of the descent's first seed (`seed` is the config's).

    Returns the trajectory table (iteration, loss, m_g, m_i, with iterations, lr, m_s,
    shift_distance, good = m_g < m_s and diverged_lrs on every row) and a_g on the CPU (None when every
    candidate diverged: then the table is a single row of NaN distances).
    """
    model = freeze(model).to(device)
    image = image.to(device=device, dtype=_dtype(model))
    shifted = shifted_input(image, shift_std, seed)
    with torch.no_grad():
        outputs = model(torch.stack([image, shifted]))
    start = stream_seed(seed, INITIAL_INPUT, descent.seeds[0])
    problem = engine.Problem(target=outputs[0], lr=descent.lr_schedule, seed=start, reference=image)
    outcome = engine.sweep(model, [problem], descent, tuple(image.shape))[0]
    trajectory = outcome.trajectory
    if outcome.all_diverged:
        trajectory = pd.DataFrame({"iteration": [descent.iterations], "loss": [math.nan], "m_g": [math.nan], "m_i": [math.nan]})
    diverged = outcome.candidates.lr[outcome.candidates.diverged]
    table = trajectory.assign(
        iterations=descent.iterations,
        lr=outcome.lr,
        m_s=metrics.distance(outputs[1:], outputs[:1]).item(),
        shift_distance=metrics.distance(shifted[None], image[None]).item(),
        diverged_lrs=" ".join(f"{lr:g}" for lr in diverged),
    )
    table["good"] = table.m_g < table.m_s  # the paper's criterion of a good approximation
    table = table[["iterations", "iteration", "lr", "loss", "m_g", "m_s", "m_i", "shift_distance", "good", "diverged_lrs"]]
    final = table.iloc[-1]
    log.info("lr %g: m_g %.4g, m_s %.4g, m_i %.4g", outcome.lr, final.m_g, final.m_s, final.m_i)
    return table, outcome.input


def final_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a long table that hold each run's final distances."""
    return table[table.iteration == table.iterations].reset_index(drop=True)


def _first(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Key columns first, then the distances."""
    return table[keys + [c for c in table.columns if c not in keys]]


def _check_widths(name: str, widths) -> list[int]:
    if not widths or any(int(w) < 1 for w in widths):
        raise ValueError(f"{name} must be a non-empty list of positive integers, got {widths!r}")
    return [int(w) for w in widths]


def width_sweep(
    image: torch.Tensor,
    widths=(1000, 2000, 2523, 3000, 5000),
    later_widths=(5000, 5000),
    descent: Descent = Descent(loss_scale=0.35),
    seed: int = 0,
    shift_std: float = 0.05,
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig 6 and 7: linear MLPs [width, *later_widths], the first hidden width varying.

    The later layers default to 5000 (the author's code), wider than the 2523-element input,
    so the first layer alone decides whether the model is invertible. Fig 6 is this at 500
    iterations; Fig 7 the same at up to 200,000 iterations with its trajectory.
    Images: "target", "shifted", and a_g under each width.
    """
    widths, later = _check_widths("widths", widths), list(later_widths)
    tables, images = [], {"target": image, "shifted": shifted_input(image, shift_std, seed)}
    for width in widths:
        log.info("width %d (then %s), %d iterations", width, later, descent.iterations)
        model = mlp(tuple(image.shape), [width, *later], seed=seed)
        table, images[width] = invert(model, image, descent, shift_std, seed, device)
        tables.append(table.assign(width=width, layers=1 + len(later)))
    return FigureData(_first(pd.concat(tables, ignore_index=True), ["width", "layers", "iterations", "iteration"]), images)


def depth_sweep(
    image: torch.Tensor,
    depths=(1, 2, 4, 8),
    width: int = 5000,
    longer_iterations: int = 5000,
    descent: Descent = Descent(loss_scale=0.35),
    seed: int = 0,
    shift_std: float = 0.05,
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig 8: linear MLPs of `depths` layers, every layer `width` wide (at least the input
    size, so every model is invertible), inverted with descent.iterations and with
    `longer_iterations`. Images: "target", "shifted", and a_g under (iterations, depth).
    """
    depths = _check_widths("depths", depths)
    if int(width) < image.numel():
        raise ValueError(f"width ({width}) must be at least the input size ({image.numel()}): Fig 8 compares invertible models")
    tables, images = [], {"target": image, "shifted": shifted_input(image, shift_std, seed)}
    for depth in depths:
        model = mlp(tuple(image.shape), [int(width)] * depth, seed=seed)
        for budget in (descent.iterations, int(longer_iterations)):
            log.info("%d layers of width %d, %d iterations", depth, width, budget)
            table, images[(budget, depth)] = invert(model, image, descent.replace(iterations=budget), shift_std, seed, device)
            tables.append(table.assign(layers=depth, width=int(width)))
    return FigureData(_first(pd.concat(tables, ignore_index=True), ["layers", "width", "iterations", "iteration"]), images)


@torch.no_grad()
def zero_fractions(model: nn.Sequential, image: torch.Tensor) -> list[float]:
    """Fraction p of units that each ReLU of `model` sets to zero for the input `image`."""
    x = image.to(_dtype(model))[None]
    fractions = []
    for module in model:
        x = module(x)
        if isinstance(module, nn.ReLU):
            fractions.append((x == 0).double().mean().item())
    if not fractions:
        raise ValueError("the model has no ReLU: zero fractions are measured after ReLUs")
    return fractions


def required_widths(input_size: int, fractions: list[float]) -> list[int]:
    """Widths a ReLU MLP needs to keep `input_size` non-zero units at every layer.

    Layer n keeps a fraction 1 - p_n of its units, so it needs m / prod(1 - p_k) units: the
    paper's m (1/p)^n, written there for p = 1/2, where the two agree.
    """
    widths, needed = [], float(input_size)
    for n, p in enumerate(fractions, start=1):
        if not 0 <= p < 1:
            raise ValueError(f"layer {n} zeroes a fraction {p} of its units: no width keeps the input")
        needed /= 1 - p
        widths.append(math.ceil(needed))
    return widths


def relu_widths(
    image: torch.Tensor,
    layers: int = 3,
    constant_width: int | None = None,
    descent: Descent = Descent(loss_scale=0.35),
    seed: int = 0,
    shift_std: float = 0.05,
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig 9, measured: ReLU MLPs of constant width (default: the input size m, enough for a
    linear model) against widths grown by the zero fraction measured on the constant model,
    m / prod(1 - p_k). One row per model and layer: width, measured p, the width the
    measured p requires, and the final inversion distances of that model.
    Images: "target", "shifted", and a_g under "constant" and "growing".
    """
    if int(layers) < 1:
        raise ValueError(f"layers must be at least 1, got {layers}")
    size, shape = image.numel(), tuple(image.shape)
    constant = mlp(shape, [int(constant_width or size)] * int(layers), relu=True, seed=seed)
    growing = mlp(shape, required_widths(size, zero_fractions(constant, image)), relu=True, seed=seed)
    rows, images = [], {"target": image, "shifted": shifted_input(image, shift_std, seed)}
    for name, model in (("constant", constant), ("growing", growing)):
        fractions = zero_fractions(model, image)
        widths = [m.out_features for m in model if isinstance(m, nn.Linear)]
        log.info("%s ReLU widths %s: zero fractions %s", name, widths, [round(p, 3) for p in fractions])
        table, images[name] = invert(model, image, descent, shift_std, seed, device)
        final = final_rows(table).iloc[0].drop(["iteration", "loss"]).to_dict()
        for layer, (width, p, need) in enumerate(zip(widths, fractions, required_widths(size, fractions), strict=False), start=1):
            rows.append({"model": name, "layer": layer, "width": width, "zero_fraction": p, "required_width": need, **final})
    return FigureData(pd.DataFrame(rows), images)
