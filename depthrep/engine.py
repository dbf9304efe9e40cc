"""The inversion engine: gradient descent on the input to match a target embedding (section 2).

Many independent problems are solved as one batch. Each problem has its own target
embedding, learning-rate schedule, blur schedule and seed, and its result equals the result
of solving it alone: the loss is a sum of per-problem sums (no mean over the batch), the
model is in eval mode (no batch statistics) and the step is normalised per problem.

One iteration, for every problem b at once:

    loss_b = loss_scale * sum_i |y_b,i - O(a_b)_i|                        (eq. 3)
    a_b <- a_b - lr_b(n) * g_b / s_b                                       (eq. 4)
    a_b <- blur_{sigma_b(n)}(a_b)          only for problems with a blur   (eq. 5)

With step="normalised", s_b is the mean |g_b| at the first iteration, so lr is the mean
per-pixel step of the first iteration: the raw gradient's scale differs ~50-fold between
Conv1 and Conv5, and this lets one candidate grid serve every layer. step="raw" (s_b = 1)
is the paper's plain epsilon.
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import pandas as pd
import torch

from .metrics import distance, metric_dtype
from .schedules import Linear

log = logging.getLogger(__name__)

Forward = Callable[[torch.Tensor], torch.Tensor]
STEP_MODES = ("normalised", "raw")


@dataclass(frozen=True)
class Problem:
    """One inversion: find an input whose embedding matches `target`.

    target: the embedding O(a) without a batch dimension.
    lr: learning-rate schedule (see the module docstring for its unit).
    blur: sigma schedule of the 3x3 Gaussian blur after each step (eq. 5); None for eq. 4.
    seed: draws the initial input a_0 ~ N(init_mean, init_std).
    reference: the target input a, when known, to report m_i = ||a_g - a||.
    """

    target: torch.Tensor
    lr: Linear
    blur: Linear | None = None
    seed: int = 0
    reference: torch.Tensor | None = None


@dataclass(frozen=True)
class Settings:
    """What every problem of one batch shares."""

    input_shape: tuple[int, ...]
    iterations: int
    init_mean: float = 0.7
    init_std: float = 0.05
    loss_scale: float = 1.0
    step: str = "normalised"
    record_at: tuple[int, ...] = ()
    fast_math: bool = False  # TF32 inside the loop on a GPU; reported metrics stay float32

    def __post_init__(self):
        if self.iterations < 1:
            raise ValueError(f"iterations must be at least 1, got {self.iterations}")
        if self.step not in STEP_MODES:
            raise ValueError(f"step must be one of {STEP_MODES}, got {self.step!r}")
        if any(not 0 <= n <= self.iterations for n in self.record_at):
            raise ValueError(f"record_at must lie in [0, {self.iterations}], got {self.record_at}")


@dataclass
class Result:
    """The outcome of a batch of problems, in the order they were given (on the CPU)."""

    inputs: torch.Tensor  # a_g, (problems, *input_shape)
    m_g: torch.Tensor  # (problems,)
    m_i: torch.Tensor  # (problems,), NaN where the problem had no reference
    loss: torch.Tensor  # final objective, (problems,)
    diverged: torch.Tensor  # bool (problems,): NaN or inf appeared; inputs hold the last finite iterate
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)  # problem, iteration, loss, m_g, m_i


@contextlib.contextmanager
def _tf32(enabled: bool):
    """TF32 matrix arithmetic on or off for the duration (no effect on the CPU)."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def initial_inputs(problems: Sequence[Problem], settings: Settings, dtype: torch.dtype) -> torch.Tensor:
    """a_0 ~ N(init_mean, init_std) per problem, drawn on the CPU from its own seed."""
    draws = []
    for problem in problems:
        generator = torch.Generator().manual_seed(int(problem.seed))
        draws.append(torch.randn(settings.input_shape, generator=generator, dtype=dtype))
    return torch.stack(draws) * settings.init_std + settings.init_mean


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """3x3 Gaussian blur of each image in x (B, C, H, W) with its own sigma (B,).

    sigma 0 is the identity. Reflect padding, as torchvision's gaussian_blur, keeps the mean
    of a constant image.
    """
    b, c, h, w = x.shape
    offsets = torch.tensor([-1.0, 0.0, 1.0], dtype=x.dtype, device=x.device)
    sigma = sigma.to(x.dtype)[:, None]
    blurs = sigma > 0
    k1 = torch.exp(-(offsets**2) / (2 * torch.where(blurs, sigma, 1.0) ** 2))
    k1 = torch.where(blurs, k1 / k1.sum(dim=1, keepdim=True), (offsets == 0).to(x.dtype))
    k2 = (k1[:, :, None] * k1[:, None, :]).repeat_interleave(c, dim=0)[:, None]
    padded = torch.nn.functional.pad(x.reshape(1, b * c, h, w), (1, 1, 1, 1), mode="reflect")
    return torch.nn.functional.conv2d(padded, k2, groups=b * c).reshape(b, c, h, w)


def _stack_schedules(schedules: Sequence[Linear | None], iterations: int, device, dtype) -> torch.Tensor:
    """(iterations, problems) table of per-iteration values; None becomes 0."""
    columns = [(s or Linear(0.0, 0.0)).values(iterations) for s in schedules]
    return torch.stack(columns, dim=1).to(device=device, dtype=dtype)


def invert(forward: Forward, problems: Sequence[Problem], settings: Settings, max_batch: int | None = None) -> Result:
    """Solve `problems` through `forward` (a frozen model cut at one layer), in batches.

    max_batch caps the number of problems in one forward (memory); results do not depend on it.
    """
    if not problems:
        raise ValueError("no problems to invert")
    size = max_batch or len(problems)
    parts = [_invert_batch(forward, problems[i : i + size], settings, offset=i) for i in range(0, len(problems), size)]
    return Result(
        inputs=torch.cat([p.inputs for p in parts]),
        m_g=torch.cat([p.m_g for p in parts]),
        m_i=torch.cat([p.m_i for p in parts]),
        loss=torch.cat([p.loss for p in parts]),
        diverged=torch.cat([p.diverged for p in parts]),
        trajectory=pd.concat([p.trajectory for p in parts], ignore_index=True),
    )


def _invert_batch(forward: Forward, problems: Sequence[Problem], settings: Settings, offset: int) -> Result:
    first = problems[0].target
    device, dtype = first.device, first.dtype
    count, n_iter = len(problems), settings.iterations
    targets = torch.stack([p.target.to(device=device, dtype=dtype) for p in problems])
    has_ref = torch.tensor([p.reference is not None for p in problems])
    references = torch.stack(
        [(p.reference if p.reference is not None else torch.zeros(settings.input_shape)) for p in problems]
    ).to(device=device, dtype=dtype)
    lr = _stack_schedules([p.lr for p in problems], n_iter, device, dtype)
    sigma = _stack_schedules([p.blur for p in problems], n_iter, device, dtype)
    any_blur = any(p.blur is not None for p in problems)
    if any_blur and len(settings.input_shape) != 3:
        raise ValueError("the blur of eq. 5 needs image inputs (channels, height, width)")
    record = sorted(set(settings.record_at))
    record_row = {n: i for i, n in enumerate(record)}
    recorded = torch.full((len(record), 3, count), math.nan, dtype=metric_dtype(dtype), device=device)

    x = initial_inputs(problems, settings, dtype).to(device)
    scale = torch.ones(count, device=device, dtype=dtype)
    diverged = torch.zeros(count, dtype=torch.bool, device=device)
    shape = (count,) + (1,) * len(settings.input_shape)

    def objective(inputs: torch.Tensor):
        embedding = forward(inputs)
        return embedding, settings.loss_scale * (embedding - targets).abs().flatten(1).sum(1)

    def store(row: int, embedding: torch.Tensor, loss: torch.Tensor, inputs: torch.Tensor):
        recorded[row, 0] = loss.detach()
        recorded[row, 1] = distance(embedding.detach(), targets)
        recorded[row, 2] = distance(inputs.detach(), references)

    with _tf32(settings.fast_math):
        for n in range(n_iter):
            x.requires_grad_(True)
            embedding, loss = objective(x)
            (grad,) = torch.autograd.grad(loss.sum(), x)
            with torch.no_grad():
                if n in record_row:
                    store(record_row[n], embedding, loss, x)
                    _log_progress(n, n_iter, recorded[record_row[n]], offset)
                if n == 0 and settings.step == "normalised":
                    scale = grad.abs().flatten(1).mean(1).clamp_min(torch.finfo(dtype).tiny)
                step = (lr[n] / scale).view(shape) * grad
                updated = x.detach() - step
                if any_blur:
                    updated = gaussian_blur(updated, sigma[n])
                finite = torch.isfinite(updated).flatten(1).all(1)
                diverged |= ~finite
                x = torch.where(diverged.view(shape), x.detach(), updated)

    with _tf32(False), torch.no_grad():  # reported metrics: full float32 (or float64)
        embedding, loss = objective(x)
        diverged |= ~torch.isfinite(loss)
        if n_iter in record_row:
            store(record_row[n_iter], embedding, loss, x)
        m_g = distance(embedding, targets)
        m_i = torch.where(has_ref.to(device), distance(x, references), math.nan)

    return Result(
        inputs=x.detach().cpu(),
        m_g=m_g.cpu(),
        m_i=m_i.cpu(),
        loss=loss.cpu(),
        diverged=diverged.cpu(),
        trajectory=_trajectory_table(record, recorded.cpu(), has_ref, offset),
    )


def _log_progress(n: int, total: int, row: torch.Tensor, offset: int) -> None:
    if log.isEnabledFor(logging.INFO):
        loss, m_g = row[0], row[1]
        log.info(
            "iteration %d/%d problems %d..%d: median loss %.4g, median m_g %.4g",
            n, total, offset, offset + row.shape[1] - 1, loss.nanmedian().item(), m_g.nanmedian().item(),
        )


def _trajectory_table(record: list[int], recorded: torch.Tensor, has_ref: torch.Tensor, offset: int) -> pd.DataFrame:
    rows = []
    for i, n in enumerate(record):
        for b in range(recorded.shape[2]):
            m_i = recorded[i, 2, b].item() if has_ref[b] else math.nan
            rows.append((offset + b, n, recorded[i, 0, b].item(), recorded[i, 1, b].item(), m_i))
    return pd.DataFrame(rows, columns=["problem", "iteration", "loss", "m_g", "m_i"])


@dataclass
class SweepResult:
    """The best of several learning-rate candidates for one problem (the paper's line search)."""

    lr: float  # the chosen candidate's starting learning rate; NaN if every candidate diverged
    input: torch.Tensor | None
    m_g: float
    m_i: float
    loss: float
    trajectory: pd.DataFrame
    candidates: pd.DataFrame  # lr, m_g, diverged for every candidate

    @property
    def all_diverged(self) -> bool:
        return self.input is None


def sweep(
    forward: Forward,
    problems: Sequence[Problem],
    candidates: Sequence[float],
    settings: Settings,
    max_batch: int | None = None,
) -> list[SweepResult]:
    """Solve each problem once per learning-rate candidate, all in one batch, and keep the
    candidate with the lowest final m_g. Each problem's `lr` schedule is the shape (its start
    is multiplied by each candidate, e.g. Linear(1, 0) for a decay to 0).

    A candidate that diverges is dropped and reported in `candidates`; a problem whose every
    candidate diverged gets lr NaN and input None instead of an error.
    """
    if not candidates:
        raise ValueError("a learning-rate sweep needs at least one candidate")
    expanded = [replace(p, lr=p.lr.scaled(c)) for p in problems for c in candidates]
    result = invert(forward, expanded, settings, max_batch=max_batch)
    k = len(candidates)
    outcomes = []
    for i in range(len(problems)):
        rows = slice(i * k, (i + 1) * k)
        m_g, bad = result.m_g[rows], result.diverged[rows] | ~torch.isfinite(result.m_g[rows])
        table = pd.DataFrame({"lr": list(candidates), "m_g": m_g.tolist(), "diverged": bad.tolist()})
        if bad.all():
            log.warning("problem %d: every learning-rate candidate diverged (%s)", i, list(candidates))
            outcomes.append(SweepResult(math.nan, None, math.nan, math.nan, math.nan, pd.DataFrame(), table))
            continue
        if bad.any():
            log.warning("problem %d: dropped diverging learning rates %s", i, table.lr[table.diverged].tolist())
        best = i * k + int(torch.where(bad, math.inf, m_g).argmin())
        trajectory = result.trajectory[result.trajectory.problem == best].drop(columns="problem")
        outcomes.append(
            SweepResult(
                lr=float(candidates[best - i * k]),
                input=result.inputs[best],
                m_g=result.m_g[best].item(),
                m_i=result.m_i[best].item(),
                loss=result.loss[best].item(),
                trajectory=trajectory.reset_index(drop=True),
                candidates=table,
            )
        )
    return outcomes
