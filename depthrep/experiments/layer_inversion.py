"""The layer inversions (Fig 1-5, 10, S1, S3, S4, and any torchvision architecture): a target's
embedding at every cut with its shifted reference (eq. 7, 8), and the inversion of one cut for
every seed and learning-rate candidate of a run, solved as one batch by the engine.

Both take the config's seed: the shift a' - a is drawn from its SHIFT stream, each inversion's
a_0 from its INITIAL_INPUT stream at the run's seed s (depthrep.seeds), so they are
independent draws."""

from __future__ import annotations

import pandas as pd
import torch
from torch import nn

from .. import engine
from ..engine import Descent, metrics
from ..models.vision import SingleCut, cut, cuts
from ..seeds import INITIAL_INPUT, SHIFT, stream_seed

UPDATES = ("plain", "blur")  # eq. 4, eq. 5


@torch.no_grad()
def embed_target(
    model: nn.Module,
    arch: str,
    image: torch.Tensor,
    shift_std: float,
    seed: int,
    device: torch.device,
    layers: list[str] | None = None,
) -> dict:
    """Everything an inversion needs to know about one target under one model.

    `model` is an architecture `arch` (models.vision). Returns the image a, the shifted input
    a' = a + N(0, shift_std) (drawn from the SHIFT stream of the config's `seed`), the embedding
    O(a) at each of `layers` (default: every cut of `arch`; the forward stops at the deepest), m_s = ||O(a') - O(a)|| per layer and
    shift_distance = ||a' - a||.
    """
    layers = list(layers or cuts(arch))
    body = cut(model, arch, layers).to(device)
    shifted = metrics.shifted(image, shift_std, stream_seed(seed, SHIFT))
    both = torch.stack([image, shifted]).to(device)
    outputs = body(both)
    return {
        "image": image,
        "shifted": shifted,
        "embeddings": {layer: outputs[layer][0].cpu() for layer in layers},
        "m_s": {layer: metrics.distance(outputs[layer][1:], outputs[layer][:1]).item() for layer in layers},
        "shift_distance": metrics.distance(shifted[None], image[None]).item(),
    }


def invert_layer(
    model: nn.Module,
    arch: str,
    layer: str,
    embedded: dict,
    descent: Descent,
    update: str,
    device: torch.device,
    *,
    seed: int,
) -> tuple[list[dict], pd.DataFrame, dict[int, torch.Tensor]]:
    """Invert `embedded` (from embed_target) at `layer` for every seed s of `descent`.

    update: "plain" (eq. 4) or "blur" (eq. 5, with descent.blur_sigma).
    seed: the config's seed; the a_0 of seed s is drawn from its INITIAL_INPUT stream at s.
    Returns one row per seed (lr chosen, m_g, m_s, m_i, shift_distance, candidates that
    diverged), the trajectory of each seed's chosen candidate, and a_g per seed (missing
    where every candidate diverged).
    """
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}, got {update!r}")
    channels_last = engine.prefers_channels_last(device)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    forward = SingleCut(model, arch, layer).to(device, memory_format=layout)
    image = embedded["image"]
    target = embedded["embeddings"][layer].to(device)
    blur = descent.blur_sigma if update == "blur" else None
    problems = [
        engine.Problem(target=target, lr=descent.lr_schedule, blur=blur, seed=stream_seed(seed, INITIAL_INPUT, s), reference=image)
        for s in descent.seeds
    ]
    outcomes = engine.sweep(forward, problems, descent, tuple(image.shape), channels_last=channels_last)
    rows, trajectories, inputs = [], [], {}
    for s, outcome in zip(descent.seeds, outcomes, strict=True):
        diverged = outcome.candidates.lr[outcome.candidates.diverged].tolist()
        rows.append(
            {
                "seed": s,
                "iterations": descent.iterations,
                "lr": outcome.lr,
                "m_g": outcome.m_g,
                "m_s": embedded["m_s"][layer],
                "m_i": outcome.m_i,
                "shift_distance": embedded["shift_distance"],
                "status": "all candidates diverged" if outcome.all_diverged else "ok",
                "diverged_lrs": " ".join(f"{lr:g}" for lr in diverged),
            }
        )
        if not outcome.all_diverged:
            inputs[s] = outcome.input
            trajectories.append(outcome.trajectory.assign(seed=s))
    trajectory = pd.concat(trajectories, ignore_index=True) if trajectories else _empty_trajectory()
    return rows, trajectory, inputs


def _empty_trajectory() -> pd.DataFrame:
    return pd.DataFrame({"iteration": [], "loss": [], "m_g": [], "m_i": [], "seed": []})
