"""The settings of one descent run, in one place.

A config's `runs:` entry (the ResNet figures), an MLP figure's settings and the command line
all describe the same thing: how many steps, which objective scale, which learning rates and
schedules, where to start. `Descent` is that description; the engine, the experiments, the
pipeline and the CLI all take it, and the config schema's `run` block lists the same fields
(tests/test_engine.py checks that they agree).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .schedules import Linear, log_spaced

STEP_MODES = ("normalised", "raw")
PRECISIONS = ("fp32", "tf32", "bf16")


@dataclass(frozen=True)
class Descent:
    """Gradient descent on the input (eq. 3-5) and the paper's learning-rate line search.

    iterations         gradient steps
    loss_scale         objective = loss_scale * sum |y - O(a)| (eq. 3; the author: 0.15, MLPs 0.35)
    init_mean/std      a_0 ~ N(init_mean, init_std) (paper: 0.7, 1/20)
    step               "normalised": a learning rate is the mean per-pixel step of the first
                       iteration; "raw": the paper's plain epsilon (see depthrep.engine.inversion)
    lr_schedule        the learning rate's shape, multiplied by each candidate (a schedules.Linear:
                       the author's interpolation, which stops one step short of its end)
    lr_candidates      the line search's candidates; the lowest final m_g is kept
    blur_sigma         sigma of eq. 5's 3x3 Gaussian blur (used by the blur update rule only)
    seeds              one inversion per run seed s (its a_0 from (config seed, INITIAL_INPUT, s):
                       depthrep.seeds)
    trajectory_points  about this many log-spaced iterations are recorded
    max_batch          cap on the problems solved in one forward (memory); results do not depend on it
    precision          arithmetic of the loop's forward and backward: "fp32"; "tf32" (TF32 matrix
                       products on NVIDIA GPUs, fp32 elsewhere); "bf16" (autocast to bfloat16).
                       The iterate and its update stay float32 (float64 for float64 models) and
                       every reported distance is computed in full precision.
    """

    iterations: int = 500
    loss_scale: float = 0.15
    init_mean: float = 0.7
    init_std: float = 0.05
    step: str = "normalised"
    lr_schedule: Linear = Linear(1.0, 0.0)
    lr_candidates: tuple[float, ...] = (0.1,)
    blur_sigma: Linear = Linear(2.4, 0.4)
    seeds: tuple[int, ...] = (0,)
    trajectory_points: int = 20
    max_batch: int | None = None
    precision: str = "fp32"

    def __post_init__(self):
        set_ = object.__setattr__.__get__(self)
        set_("lr_schedule", Linear.of(self.lr_schedule))
        set_("blur_sigma", Linear.of(self.blur_sigma))
        set_("lr_candidates", tuple(float(v) for v in self.lr_candidates))
        set_("seeds", tuple(int(v) for v in self.seeds))
        for name in ("iterations", "trajectory_points"):
            set_(name, _integer(self, name, minimum=1 if name == "iterations" else 2))
        if self.max_batch is not None:
            set_("max_batch", _integer(self, "max_batch", minimum=1))
        for name in ("loss_scale", "init_mean", "init_std"):
            set_(name, float(getattr(self, name)))
        if not self.loss_scale > 0 or not math.isfinite(self.loss_scale):
            raise ValueError(f"loss_scale must be a positive number, got {self.loss_scale!r}")
        if not self.init_std >= 0:
            raise ValueError(f"init_std must be non-negative, got {self.init_std!r}")
        if self.step not in STEP_MODES:
            raise ValueError(f"step must be one of {STEP_MODES}, got {self.step!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        if not self.lr_candidates or not all(lr > 0 and math.isfinite(lr) for lr in self.lr_candidates):
            raise ValueError(f"lr_candidates must be a non-empty list of positive numbers, got {list(self.lr_candidates)}")
        if not self.seeds:
            raise ValueError("seeds must list at least one seed")

    @classmethod
    def fields(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def of(cls, values: dict, where: str = "descent") -> Descent:
        """A Descent from a config mapping; an unknown key is an error naming `where`.key."""
        unknown = sorted(set(values) - set(cls.fields()))
        if unknown:
            raise ValueError(f"{where}: unknown setting(s) {unknown}; known: {cls.fields()}")
        return cls(**values)

    def replace(self, **changes) -> Descent:
        return dataclasses.replace(self, **changes)

    @property
    def record_at(self) -> tuple[int, ...]:
        """The iterations at which distances are recorded: log-spaced, 0 and the last included."""
        return tuple(log_spaced(self.iterations, self.trajectory_points))


def _integer(descent: Descent, name: str, minimum: int) -> int:
    value = getattr(descent, name)
    if isinstance(value, bool) or not float(value).is_integer() or int(value) < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, got {value!r}")
    return int(value)
