"""The octave procedure of the author's class representations (the Input Generation posts), batched.

Gradient descent on the input in stages ("octaves"). Each octave has its own image side, number of
iterations, learning-rate and blur-sigma schedules (schedules.Linear, the author's formula) and
jitter: the step is computed on a square window ("crop") of the image at a random position, drawn
anew every iteration, and applied, then blurred, inside that window only. Between octaves the
image is resized to the next octave's side. One iteration, for every problem b at once:

    window_b = a_b[top_b(n) : top_b(n) + crop, left_b(n) : left_b(n) + crop]
    loss_b   = objective(window_b, target_b)              (the caller's, one sum per problem)
    window_b <- blur_{sigma(n)}(window_b - lr(n) * lr_scale_b * g_b / s_b)
    a_b[window_b's place] <- window_b

    a_{n+1} = J(N(a_n + eps g_n)) of Input Generation III: N the 3x3 Gaussian blur (blur.py),
    J the jitter. A crop as large as the image is no jitter (the author's crop=False).

This is the author's `octave` and `random_crop` (resnet_representations.py and his class
representation code) with three differences, none of which changes an iterate: the window's
offsets come from a torch generator of the problem's own jitter seed (`jitter_offsets`, drawn up
front) rather than Python's global `random`; every problem of a batch has its own offsets, step
scale and target; the objective is the caller's (one model's class logit, two models' combined
or difference logits, an L1 distance to a target output vector, ...).

Problems solved in one batch give what each gives alone: the loss is a sum of per-problem sums,
models are frozen in eval mode, the windows are cut and written back per problem, and the
normalised step's scale s_b is per problem (step="normalised": the mean |g_b| of the first
iteration; "raw": s_b = 1, the author's plain epsilon).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import torch

from .blur import gaussian_blur
from .descent import STEP_MODES
from .schedules import Linear

Objective = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (windows, targets) -> per-problem loss (B,)


@dataclass(frozen=True)
class Octave:
    """One stage: `iterations` steps on an image of side `size`, each on a jittered square window
    of side `crop` (None or `size`: the whole image, no jitter), with learning rate `lr` and
    3x3 Gaussian blur sigma `blur` (schedules over the octave's iterations; sigma 0 is no blur)."""

    iterations: int
    lr: Linear
    blur: Linear
    size: int
    crop: int | None = None

    def __post_init__(self):
        set_ = object.__setattr__.__get__(self)
        set_("lr", Linear.of(self.lr))
        set_("blur", Linear.of(self.blur))
        for name in ("iterations", "size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not float(value).is_integer() or int(value) < 1:
                raise ValueError(f"octave {name} must be a positive integer, got {value!r}")
            set_(name, int(value))
        crop = self.size if self.crop is None else self.crop
        if isinstance(crop, bool) or not float(crop).is_integer() or not 1 <= int(crop) <= self.size:
            raise ValueError(f"octave crop must be an integer from 1 to the octave's size {self.size}, got {self.crop!r}")
        set_("crop", int(crop))
        if self.blur.start < 0 or self.blur.end < 0:
            raise ValueError(f"octave blur sigma must not be negative, got {self.blur}")


@dataclass(frozen=True)
class OctaveDescent:
    """The settings of an octave run: its octaves, the initial input a_0 ~ N(init_mean, init_std)
    at the first octave's size (the posts' "scaled normal", N(0.7, 1/20)), the step mode
    (see the module docstring) and a cap on the problems solved in one forward."""

    octaves: tuple[Octave, ...]
    init_mean: float = 0.7
    init_std: float = 0.05
    step: str = "raw"
    max_batch: int | None = None

    def __post_init__(self):
        set_ = object.__setattr__.__get__(self)
        set_("octaves", tuple(o if isinstance(o, Octave) else Octave(**o) for o in self.octaves))
        if not self.octaves:
            raise ValueError("an octave run needs at least one octave")
        if self.step not in STEP_MODES:
            raise ValueError(f"step must be one of {STEP_MODES}, got {self.step!r}")
        if not float(self.init_std) >= 0:
            raise ValueError(f"init_std must be non-negative, got {self.init_std!r}")
        if self.max_batch is not None and int(self.max_batch) < 1:
            raise ValueError(f"max_batch must be a positive integer, got {self.max_batch!r}")

    @classmethod
    def of(cls, values: dict, where: str = "octave run") -> OctaveDescent:
        """From a config mapping ({octaves: [{iterations, lr, blur, size, crop}, ...], ...}); an
        unknown key is an error naming `where`.key."""
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"{where}: unknown setting(s) {unknown}; known: {known}")
        return cls(**values)

    @property
    def iterations(self) -> int:
        return sum(o.iterations for o in self.octaves)

    @property
    def final_size(self) -> int:
        return self.octaves[-1].size


@dataclass(frozen=True)
class OctaveProblem:
    """One generated input. target: what the objective compares the model's output with (a
    target output vector, or class weights), without a batch dimension. seed: draws a_0.
    jitter_seed: draws the windows' offsets. lr_scale: multiplies every octave's learning rate."""

    target: torch.Tensor
    seed: int = 0
    jitter_seed: int = 0
    lr_scale: float = 1.0


@dataclass
class OctaveResult:
    """The outcome of a batch of problems, in the order given (on the CPU)."""

    inputs: torch.Tensor  # (problems, channels, final size, final size)
    loss: torch.Tensor  # (problems,): the objective on the whole final image
    diverged: torch.Tensor  # bool (problems,): NaN or inf appeared; inputs hold the last finite iterate
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)  # problem, octave, iteration, loss


def jitter_offsets(seed: int, octaves: Sequence[Octave]) -> list[torch.Tensor]:
    """Per octave, the (top, left) offset of the window at each iteration: uniform on
    0 .. size - crop (both ends included, as the author's random.randint), drawn on the CPU
    from a generator of `seed`. No draw is made for an octave without jitter (all zeros)."""
    generator = torch.Generator().manual_seed(int(seed))
    offsets = []
    for octave in octaves:
        room = octave.size - octave.crop
        draw = torch.randint(room + 1, (octave.iterations, 2), generator=generator) if room else None
        offsets.append(draw if draw is not None else torch.zeros(octave.iterations, 2, dtype=torch.long))
    return offsets


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    """Images (B, C, H, W) resized to size x size between octaves: bilinear with antialiasing, as
    torchvision's Resize of a float tensor (the author's resize between octaves)."""
    return torch.nn.functional.interpolate(x, size=[size, size], mode="bilinear", align_corners=False, antialias=True)


def _initial(problems: Sequence[OctaveProblem], descent: OctaveDescent, channels: int, dtype: torch.dtype) -> torch.Tensor:
    size = descent.octaves[0].size
    draws = [torch.randn((channels, size, size), generator=torch.Generator().manual_seed(int(p.seed)), dtype=dtype) for p in problems]
    return torch.stack(draws) * descent.init_std + descent.init_mean


def generate(objective: Objective, problems: Sequence[OctaveProblem], descent: OctaveDescent, channels: int = 3) -> OctaveResult:
    """Solve `problems` with the octave procedure of `descent`, in batches of at most
    descent.max_batch problems (results do not depend on the batch size). The objective takes
    the windows (B, channels, crop, crop) and the problems' stacked targets, and returns one
    loss per problem, each a function of its own window and target alone."""
    if not problems:
        raise ValueError("no problems to solve")
    size = descent.max_batch or len(problems)
    parts = [_generate_batch(objective, problems[i : i + size], descent, channels, offset=i) for i in range(0, len(problems), size)]
    return OctaveResult(
        inputs=torch.cat([p.inputs for p in parts]),
        loss=torch.cat([p.loss for p in parts]),
        diverged=torch.cat([p.diverged for p in parts]),
        trajectory=pd.concat([p.trajectory for p in parts], ignore_index=True),
    )


def _windows(x: torch.Tensor, offsets: torch.Tensor, crop: int) -> torch.Tensor:
    if crop == x.shape[-1]:
        return x
    return torch.stack([x[b, :, top : top + crop, left : left + crop] for b, (top, left) in enumerate(offsets.tolist())])


def _put_back(x: torch.Tensor, windows: torch.Tensor, offsets: torch.Tensor, crop: int) -> torch.Tensor:
    if crop == x.shape[-1]:
        return windows
    x = x.clone()
    for b, (top, left) in enumerate(offsets.tolist()):
        x[b, :, top : top + crop, left : left + crop] = windows[b]
    return x


def _generate_batch(objective: Objective, problems: Sequence[OctaveProblem], descent: OctaveDescent, channels: int, offset: int):
    first = problems[0].target
    device, dtype = first.device, first.dtype
    count = len(problems)
    targets = torch.stack([p.target.to(device=device, dtype=dtype) for p in problems])
    jitter = [jitter_offsets(p.jitter_seed, descent.octaves) for p in problems]
    lr_scale = torch.tensor([float(p.lr_scale) for p in problems], device=device, dtype=dtype)
    shape = (count, 1, 1, 1)
    x = _initial(problems, descent, channels, dtype).to(device)
    scale = torch.ones(count, device=device, dtype=dtype)
    diverged = torch.zeros(count, dtype=torch.bool, device=device)
    losses = torch.full((descent.iterations, count), math.nan, dtype=dtype, device=device)
    n = 0
    for k, octave in enumerate(descent.octaves):
        if x.shape[-1] != octave.size:
            x = resize(x, octave.size)
        lr = octave.lr.values(octave.iterations).to(device=device, dtype=dtype)
        sigma = octave.blur.values(octave.iterations).to(device=device, dtype=dtype)
        offsets = torch.stack([j[k] for j in jitter], dim=1)  # (iterations, problems, 2)
        for i in range(octave.iterations):
            window = _windows(x, offsets[i], octave.crop).detach().requires_grad_(True)
            loss = objective(window, targets)
            (grad,) = torch.autograd.grad(loss.sum(), window)
            with torch.no_grad():
                losses[n] = loss.detach()
                if n == 0 and descent.step == "normalised":
                    scale = grad.abs().flatten(1).mean(1).clamp_min(torch.finfo(dtype).tiny)
                step = (lr[i] * lr_scale / scale).view(shape) * grad
                updated = gaussian_blur(window.detach() - step, sigma[i].expand(count))
                diverged |= ~torch.isfinite(updated).flatten(1).all(1)
                kept = torch.where(diverged.view(shape), window.detach(), updated)
                x = _put_back(x, kept, offsets[i], octave.crop)
            n += 1
    with torch.no_grad():
        final = objective(x, targets)
        diverged |= ~torch.isfinite(final)
    return OctaveResult(
        inputs=x.detach().cpu(),
        loss=final.detach().cpu(),
        diverged=diverged.cpu(),
        trajectory=_trajectory(descent, losses.cpu(), final.cpu(), offset),
    )


def _trajectory(descent: OctaveDescent, losses: torch.Tensor, final: torch.Tensor, offset: int) -> pd.DataFrame:
    """The loss before every step (on the step's window) and, at iteration = the total, on the
    whole final image."""
    octave_of = [k for k, o in enumerate(descent.octaves) for _ in range(o.iterations)]
    rows = [(offset + b, octave_of[n], n, losses[n, b].item()) for n in range(losses.shape[0]) for b in range(losses.shape[1])]
    rows += [(offset + b, len(descent.octaves) - 1, descent.iterations, final[b].item()) for b in range(len(final))]
    return pd.DataFrame(rows, columns=["problem", "octave", "iteration", "loss"]).sort_values(["problem", "iteration"], ignore_index=True)
