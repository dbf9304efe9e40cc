"""One pipeline inversion: a model cut at one layer, one target, one update rule, all seeds and
learning-rate candidates of a run solved as one batch by the engine."""

from __future__ import annotations

import math

import pandas as pd
import torch
from torch import nn

from . import engine
from .models import SingleCut
from .schedules import Linear, log_spaced


def engine_settings(run: dict, input_shape: tuple[int, ...], fast_math: bool = False) -> engine.Settings:
    """The engine's settings from a `runs:` block of the config."""
    return engine.Settings(
        input_shape=tuple(input_shape),
        iterations=int(run["iterations"]),
        init_mean=float(run["init_mean"]),
        init_std=float(run["init_std"]),
        loss_scale=float(run["loss_scale"]),
        step=run["step"],
        record_at=tuple(log_spaced(int(run["iterations"]), int(run["trajectory_points"]))),
        fast_math=fast_math,
    )


def invert_layer(
    model: nn.Module,
    layer: str,
    embedded: dict,
    run: dict,
    update: str,
    device: torch.device,
) -> tuple[list[dict], pd.DataFrame, dict[int, torch.Tensor]]:
    """Invert `embedded` (from embeddings.embed_target) at `layer` for every seed of `run`.

    Returns one row per seed (lr chosen, m_g, m_s, m_i, shift_distance, candidates that
    diverged), the trajectory of each seed's chosen candidate, and a_g per seed (missing
    where every candidate diverged).
    """
    forward = SingleCut(model, layer).to(device)
    image = embedded["image"]
    target = embedded["embeddings"][layer].to(device)
    blur = Linear.of(run["blur_sigma"]) if update == "blur" else None
    problems = [
        engine.Problem(target=target, lr=Linear.of(run["lr_schedule"]), blur=blur, seed=int(seed), reference=image)
        for seed in run["seeds"]
    ]
    settings = engine_settings(run, image.shape)
    outcomes = engine.sweep(forward, problems, run["lr_candidates"], settings, max_batch=run.get("max_batch"))
    rows, trajectories, inputs = [], [], {}
    for seed, outcome in zip(run["seeds"], outcomes):
        diverged = outcome.candidates.lr[outcome.candidates.diverged].tolist()
        rows.append(
            {
                "seed": int(seed),
                "iterations": settings.iterations,
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
            inputs[int(seed)] = outcome.input
            trajectories.append(outcome.trajectory.assign(seed=int(seed)))
    trajectory = pd.concat(trajectories, ignore_index=True) if trajectories else _empty_trajectory()
    return rows, trajectory, inputs


def _empty_trajectory() -> pd.DataFrame:
    return pd.DataFrame({"iteration": [], "loss": [], "m_g": [], "m_i": [], "seed": []})


def good(row: dict) -> bool:
    """The paper's criterion of a 'good' approximation: m_g < m_s."""
    return not math.isnan(row["m_g"]) and row["m_g"] < row["m_s"]
