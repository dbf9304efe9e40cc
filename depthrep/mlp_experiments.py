"""The fully connected experiments of section 4 (Fig 6-9): untrained MLPs on a small image,
inverted by plain gradient descent (eq. 4, no blur) from the last layer's output.

Every experiment builds its models with depthrep.models.mlp (biases, PyTorch's default init
drawn from `seed`), takes the target embedding O(a) at the last layer and solves it with the
engine's learning-rate sweep (the paper's line search, keeping the lowest final m_g). The
shifted reference a' = a + N(0, shift_std) gives m_s for each model.

Width and depth tables are long: one row per model, budget and logged iteration; the row with
iteration == iterations holds the final a_g's distances, so the same table gives the figure's
numbers and the distances along the way.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

import pandas as pd
import torch
from torch import nn

from . import engine, metrics, models
from .schedules import Linear, log_spaced

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Descent:
    """The gradient-descent settings every MLP figure shares.

    Defaults follow the author's MLP code (loss 0.35 * L1, 500 iterations, no blur); the
    learning rate decays linearly from each candidate to 0 and, with step="normalised", is
    the mean per-pixel step of the first iteration (see depthrep.engine).
    """

    iterations: int = 500
    loss_scale: float = 0.35
    lr_schedule: tuple[float, float] = (1.0, 0.0)
    lr_candidates: tuple[float, ...] = (0.1, 0.03, 0.01, 0.003)
    step: str = "normalised"
    init_mean: float = 0.7
    init_std: float = 0.05
    shift_std: float = 0.05
    seed: int = 0
    trajectory_points: int = 20  # log-spaced iterations at which distances are recorded
    max_batch: int | None = None  # cap on learning-rate candidates solved in one batch (memory)

    def __post_init__(self):
        object.__setattr__(self, "lr_schedule", tuple(float(v) for v in self.lr_schedule))
        object.__setattr__(self, "lr_candidates", tuple(float(v) for v in self.lr_candidates))
        if not self.lr_candidates or any(not lr > 0 for lr in self.lr_candidates):
            raise ValueError(f"lr_candidates must be a non-empty list of positive numbers, got {self.lr_candidates}")
        if len(self.lr_schedule) != 2:
            raise ValueError(f"lr_schedule must be a [start, end] pair, got {self.lr_schedule}")
        if self.shift_std < 0:
            raise ValueError(f"shift_std must be non-negative, got {self.shift_std}")
        if self.trajectory_points < 2:
            raise ValueError(f"trajectory_points must be at least 2, got {self.trajectory_points}")
        self.engine_settings((1,))  # the engine's own checks (iterations, step)

    def engine_settings(self, input_shape: tuple[int, ...]) -> engine.Settings:
        return engine.Settings(
            input_shape=tuple(input_shape),
            iterations=int(self.iterations),
            init_mean=self.init_mean,
            init_std=self.init_std,
            loss_scale=self.loss_scale,
            step=self.step,
            record_at=tuple(log_spaced(int(self.iterations), self.trajectory_points)),
        )


@dataclass
class FigureData:
    """What a figure function returns: its table, and the images its plot shows (by key)."""

    table: pd.DataFrame
    images: dict = field(default_factory=dict)


def shifted_input(image: torch.Tensor, descent: Descent) -> torch.Tensor:
    """The reference a' = a + N(0, shift_std), the same draw for every model of a figure."""
    return metrics.shifted(image, descent.shift_std, descent.seed)


def _dtype(model: nn.Module) -> torch.dtype:
    return next(model.parameters()).dtype


def invert(model: nn.Module, image: torch.Tensor, descent: Descent, device: torch.device | str = "cpu"):
    """Invert the last layer's output O(a) of `model` for the image a by the learning-rate sweep.

    Returns the trajectory table (iteration, loss, m_g, m_i, with iterations, lr, m_s,
    shift_distance, good = m_g < m_s and diverged_lrs on every row) and a_g on the CPU (None when every
    candidate diverged: then the table is a single row of NaN distances).
    """
    model = models.freeze(model).to(device)
    image = image.to(device=device, dtype=_dtype(model))
    shifted = shifted_input(image, descent)
    with torch.no_grad():
        outputs = model(torch.stack([image, shifted]))
    problem = engine.Problem(target=outputs[0], lr=Linear.of(descent.lr_schedule), seed=descent.seed, reference=image)
    settings = descent.engine_settings(tuple(image.shape))
    outcome = engine.sweep(model, [problem], descent.lr_candidates, settings, max_batch=descent.max_batch)[0]
    trajectory = outcome.trajectory
    if outcome.all_diverged:
        trajectory = pd.DataFrame({"iteration": [settings.iterations], "loss": [math.nan], "m_g": [math.nan], "m_i": [math.nan]})
    diverged = outcome.candidates.lr[outcome.candidates.diverged]
    table = trajectory.assign(
        iterations=settings.iterations,
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
    descent: Descent = Descent(),
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig 6 and 7: linear MLPs [width, *later_widths], the first hidden width varying.

    The later layers default to 5000 (the author's code), wider than the 2523-element input,
    so the first layer alone decides whether the model is invertible. Fig 6 is this at 500
    iterations; Fig 7 the same at up to 200,000 iterations with its trajectory.
    Images: "target", "shifted", and a_g under each width.
    """
    widths, later = _check_widths("widths", widths), list(later_widths)
    tables, images = [], {"target": image, "shifted": shifted_input(image, descent)}
    for width in widths:
        log.info("width %d (then %s), %d iterations", width, later, descent.iterations)
        model = models.mlp(tuple(image.shape), [width, *later], seed=descent.seed)
        table, images[width] = invert(model, image, descent, device)
        tables.append(table.assign(width=width, layers=1 + len(later)))
    return FigureData(_first(pd.concat(tables, ignore_index=True), ["width", "layers", "iterations", "iteration"]), images)


def depth_sweep(
    image: torch.Tensor,
    depths=(1, 2, 4, 8),
    width: int = 5000,
    longer_iterations: int = 5000,
    descent: Descent = Descent(),
    device: torch.device | str = "cpu",
) -> FigureData:
    """Fig 8: linear MLPs of `depths` layers, every layer `width` wide (at least the input
    size, so every model is invertible), inverted with descent.iterations and with
    `longer_iterations`. Images: "target", "shifted", and a_g under (iterations, depth).
    """
    depths = _check_widths("depths", depths)
    if int(width) < image.numel():
        raise ValueError(f"width ({width}) must be at least the input size ({image.numel()}): Fig 8 compares invertible models")
    tables, images = [], {"target": image, "shifted": shifted_input(image, descent)}
    for depth in depths:
        model = models.mlp(tuple(image.shape), [int(width)] * depth, seed=descent.seed)
        for budget in (descent.iterations, int(longer_iterations)):
            log.info("%d layers of width %d, %d iterations", depth, width, budget)
            table, images[(budget, depth)] = invert(model, image, replace(descent, iterations=budget), device)
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
    descent: Descent = Descent(),
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
    constant = models.mlp(shape, [int(constant_width or size)] * int(layers), relu=True, seed=descent.seed)
    growing = models.mlp(shape, required_widths(size, zero_fractions(constant, image)), relu=True, seed=descent.seed)
    rows, images = [], {"target": image, "shifted": shifted_input(image, descent)}
    for name, model in (("constant", constant), ("growing", growing)):
        fractions = zero_fractions(model, image)
        widths = [m.out_features for m in model if isinstance(m, nn.Linear)]
        log.info("%s ReLU widths %s: zero fractions %s", name, widths, [round(p, 3) for p in fractions])
        table, images[name] = invert(model, image, descent, device)
        final = final_rows(table).iloc[0].drop(["iteration", "loss"]).to_dict()
        for layer, (width, p, need) in enumerate(zip(widths, fractions, required_widths(size, fractions)), start=1):
            rows.append({"model": name, "layer": layer, "width": width, "zero_fraction": p, "required_width": need, **final})
    return FigureData(pd.DataFrame(rows), images)
