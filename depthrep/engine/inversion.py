"""Gradient descent on the input to match a target embedding (section 2), many problems at once.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import torch

from .blur import gaussian_blur
from .descent import Descent
from .metrics import distance, metric_dtype
from .schedules import Linear

log = logging.getLogger(__name__)

Forward = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Problem:
    """One inversion: find an input whose embedding matches `target`.

    target: the embedding O(a) without a batch dimension.
    lr: learning-rate schedule (see the module docstring for its unit).
    blur: sigma schedule of the 3x3 Gaussian blur after each step (eq. 5); None for eq. 4.
    seed: draws the initial input a_0 ~ N(init_mean, init_std) (the experiments give the
        seed of the INITIAL_INPUT stream at the run's seed s: depthrep.seeds).
    reference: the target input a, when known, to report m_i = ||a_g - a||.
    """

    target: torch.Tensor
    lr: Linear
    blur: Linear | None = None
    seed: int = 0
    reference: torch.Tensor | None = None


@dataclass
class Result:
    """The outcome of a batch of problems, in the order they were given (on the CPU)."""

    inputs: torch.Tensor  # a_g, (problems, *input_shape)
    m_g: torch.Tensor  # (problems,)
    start_m_g: torch.Tensor  # (problems,): m_g of the initial input a_0
    m_i: torch.Tensor  # (problems,), NaN where the problem had no reference
    loss: torch.Tensor  # final objective, (problems,)
    diverged: torch.Tensor  # bool (problems,): NaN or inf appeared; inputs hold the last finite iterate
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)  # problem, iteration, loss, m_g, m_i


def initial_inputs(problems: Sequence[Problem], descent: Descent, input_shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    """a_0 ~ N(init_mean, init_std) per problem, drawn on the CPU from its own seed."""
    draws = []
    for problem in problems:
        generator = torch.Generator().manual_seed(int(problem.seed))
        draws.append(torch.randn(input_shape, generator=generator, dtype=dtype))
    return torch.stack(draws) * descent.init_std + descent.init_mean


@contextlib.contextmanager
def lowered_precision(precision: str, device: torch.device):
    """The arithmetic a descent's `precision` asks for, for the forward and backward inside:
    bf16 autocast, or TF32 matrix products on a CUDA device (fp32 elsewhere); fp32 as it is."""
    if precision == "bf16":
        with torch.autocast(device.type, dtype=torch.bfloat16):
            yield
    elif precision == "tf32" and device.type == "cuda":
        saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        try:
            yield
        finally:
            torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved
    else:
        yield


def _stack_schedules(schedules: Sequence[Linear | None], iterations: int, device, dtype) -> torch.Tensor:
    """(iterations, problems) table of per-iteration values; None becomes 0."""
    columns = [(s or Linear(0.0, 0.0)).values(iterations) for s in schedules]
    return torch.stack(columns, dim=1).to(device=device, dtype=dtype)


def prefers_channels_last(device) -> bool:
    """Whether image iterates should be kept channels-last on `device`: on CUDA (convolutions
    without reordering, tensor cores), and on a CPU running one thread, as the pipeline's jobs
    do. Measured with benchmarks/engine_speed.py on an untrained ResNet50 at 64x64, Conv5: one
    thread, a batch of 2 x 10 steps in 0.84 s channels-last against 1.10 s contiguous; two
    threads, a batch of 3 x 20 steps in 2.09 s channels-last against 1.13 s contiguous
    (channels-last convolutions barely use the second thread here)."""
    return torch.device(device).type == "cuda" or torch.get_num_threads() == 1


def invert(
    forward: Forward, problems: Sequence[Problem], descent: Descent, input_shape: tuple[int, ...], channels_last: bool = False
) -> Result:
    """Solve `problems` through `forward` (a frozen model cut at one layer) with the settings
    of `descent` (its learning-rate candidates aside: see `sweep`), in batches of at most
    descent.max_batch problems; results do not depend on the batch size.

    channels_last: keep image iterates in channels-last memory order, for a convolutional
    `forward` converted to it (`model.to(memory_format=torch.channels_last)`): its convolutions
    then run without reordering; `prefers_channels_last(device)` says where that pays.
    """
    if not problems:
        raise ValueError("no problems to invert")
    input_shape = tuple(input_shape)
    size = descent.max_batch or len(problems)
    layout = torch.channels_last if channels_last and len(input_shape) == 3 else torch.contiguous_format
    parts = [_invert_batch(forward, problems[i : i + size], descent, input_shape, layout, offset=i) for i in range(0, len(problems), size)]
    return Result(
        inputs=torch.cat([p.inputs for p in parts]),
        m_g=torch.cat([p.m_g for p in parts]),
        start_m_g=torch.cat([p.start_m_g for p in parts]),
        m_i=torch.cat([p.m_i for p in parts]),
        loss=torch.cat([p.loss for p in parts]),
        diverged=torch.cat([p.diverged for p in parts]),
        trajectory=pd.concat([p.trajectory for p in parts], ignore_index=True),
    )


def _invert_batch(
    forward: Forward, problems: Sequence[Problem], descent: Descent, input_shape: tuple[int, ...], layout: torch.memory_format, offset: int
) -> Result:
    first = problems[0].target
    device, dtype = first.device, first.dtype
    count, n_iter = len(problems), descent.iterations
    targets = torch.stack([p.target.to(device=device, dtype=dtype) for p in problems])
    has_ref = torch.tensor([p.reference is not None for p in problems])
    references = torch.stack([(p.reference if p.reference is not None else torch.zeros(input_shape)) for p in problems]).to(
        device=device, dtype=dtype
    )
    lr = _stack_schedules([p.lr for p in problems], n_iter, device, dtype)
    sigma = _stack_schedules([p.blur for p in problems], n_iter, device, dtype)
    any_blur = any(p.blur is not None for p in problems)
    if any_blur and len(input_shape) != 3:
        raise ValueError("the blur of eq. 5 needs image inputs (channels, height, width)")
    record = sorted(set(descent.record_at))
    record_row = {n: i for i, n in enumerate(record)}
    recorded = torch.full((len(record), 3, count), math.nan, dtype=metric_dtype(dtype), device=device)

    x = initial_inputs(problems, descent, input_shape, dtype).to(device).contiguous(memory_format=layout)
    scale = torch.ones(count, device=device, dtype=dtype)
    diverged = torch.zeros(count, dtype=torch.bool, device=device)
    shape = (count,) + (1,) * len(input_shape)
    reduced = descent.precision != "fp32"

    def objective(inputs: torch.Tensor, fast: bool = True):
        """The embedding and eq. 3's loss per problem; `fast`: in the descent's precision."""
        with lowered_precision(descent.precision, device) if fast else contextlib.nullcontext():
            embedding = forward(inputs)
        return embedding, descent.loss_scale * (embedding - targets).abs().flatten(1).sum(1)

    def store(row: int, inputs: torch.Tensor, embedding: torch.Tensor, loss: torch.Tensor, full: bool = False):
        if reduced and not full:  # reported distances in full precision
            embedding, loss = objective(inputs, fast=False)
        recorded[row, 0] = loss.detach()
        recorded[row, 1] = distance(embedding.detach(), targets)
        recorded[row, 2] = distance(inputs.detach(), references)

    for n in range(n_iter):
        x.requires_grad_(True)
        embedding, loss = objective(x)
        (grad,) = torch.autograd.grad(loss.sum(), x)
        with torch.no_grad():
            if n in record_row:
                store(record_row[n], x, embedding, loss)
                _log_progress(n, n_iter, recorded[record_row[n]], offset)
            if n == 0:
                start_m_g = recorded[record_row[0], 1].clone()  # record_at always holds 0
                if descent.step == "normalised":
                    scale = grad.abs().flatten(1).mean(1).clamp_min(torch.finfo(dtype).tiny)
            step = (lr[n] / scale).view(shape) * grad
            updated = x.detach() - step
            if any_blur:
                updated = gaussian_blur(updated, sigma[n]).contiguous(memory_format=layout)
            finite = torch.isfinite(updated).flatten(1).all(1)
            diverged |= ~finite
            x = torch.where(diverged.view(shape), x.detach(), updated)

    with torch.no_grad():
        embedding, loss = objective(x, fast=False)
        diverged |= ~torch.isfinite(loss)
        if n_iter in record_row:
            store(record_row[n_iter], x, embedding, loss)
        m_g = distance(embedding, targets)
        m_i = torch.where(has_ref.to(device), distance(x, references), math.nan)

    return Result(
        inputs=x.detach().cpu(),
        m_g=m_g.cpu(),
        start_m_g=start_m_g.cpu(),
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
            n,
            total,
            offset,
            offset + row.shape[1] - 1,
            loss.nanmedian().item(),
            m_g.nanmedian().item(),
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

    lr: float  # the chosen candidate's starting learning rate; NaN if every candidate failed
    input: torch.Tensor | None
    m_g: float
    m_i: float
    loss: float
    trajectory: pd.DataFrame
    candidates: pd.DataFrame  # lr, start_m_g, m_g, diverged (failed, for the reason given), reason

    @property
    def all_diverged(self) -> bool:
        return self.input is None


def sweep(
    forward: Forward, problems: Sequence[Problem], descent: Descent, input_shape: tuple[int, ...], channels_last: bool = False
) -> list[SweepResult]:
    """Solve each problem once per learning-rate candidate of `descent`, all in one batch, and
    keep the candidate with the lowest final m_g. Each problem's `lr` schedule is the shape (its
    start is multiplied by each candidate, e.g. Linear(1, 0) for a decay toward 0).

    A candidate has failed when it diverged (NaN or inf) or when its final m_g is larger than
    its m_g at the start: it is dropped and reported in `candidates` (diverged True, with the
    reason); a problem whose every candidate failed gets lr NaN and input None, not an error.
    """
    candidates = descent.lr_candidates
    expanded = [replace(p, lr=p.lr.scaled(c)) for p in problems for c in candidates]
    result = invert(forward, expanded, descent, input_shape, channels_last)
    k = len(candidates)
    outcomes = []
    for i in range(len(problems)):
        rows = slice(i * k, (i + 1) * k)
        m_g, start = result.m_g[rows], result.start_m_g[rows]
        diverged = result.diverged[rows] | ~torch.isfinite(m_g)
        rose = ~diverged & (m_g > start)
        bad = diverged | rose
        reasons = [
            "diverged (NaN or inf)" if d else "m_g rose above its start" if r else "" for d, r in zip(diverged.tolist(), rose.tolist())
        ]
        table = pd.DataFrame(
            {"lr": list(candidates), "start_m_g": start.tolist(), "m_g": m_g.tolist(), "diverged": bad.tolist(), "reason": reasons}
        )
        if bad.any():
            failed = ", ".join(f"{row.lr:g} ({row.reason})" for row in table[table.diverged].itertuples())
            log.warning("problem %d: dropped learning rates %s", i, failed)
        if bad.all():
            log.warning("problem %d: every learning-rate candidate failed (%s)", i, list(candidates))
            outcomes.append(SweepResult(math.nan, None, math.nan, math.nan, math.nan, pd.DataFrame(), table))
            continue
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
