"""The fully connected figures by kind: which experiment computes a figure's table and images
(what the pipeline's `mlp_experiment` job runs; depthrep.plotting.mlp.DRAWINGS draws them).

A figure's settings (config.yaml, checked by the schema's definition of its kind):
  run          a named descent under runs: (iterations, loss scale, learning rates, one seed)
  target       a named target image, loaded at image_size x image_size (the author: 29)
  the experiment's own settings, e.g. widths and later_widths for mlp_widths
The config's seed draws the models and the shifted reference a'; its shift_std sets a'.
"""

from __future__ import annotations

import torch

from ..engine import Descent
from ..experiments import exact_inversion, mlp_sweeps
from ..experiments.mlp_sweeps import FigureData
from .plan import mlp_experiment_settings

EXPERIMENTS = {
    "mlp_widths": mlp_sweeps.width_sweep,
    "mlp_trajectories": mlp_sweeps.width_sweep,
    "mlp_depths": mlp_sweeps.depth_sweep,
    "mlp_relu": mlp_sweeps.relu_widths,
    "mlp_exact": exact_inversion.exact_inversion,
}


def experiment(kind: str):
    if kind not in EXPERIMENTS:
        raise ValueError(f"unknown MLP figure kind {kind!r}; choose one of {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[kind]


def compute(
    spec: dict, image: torch.Tensor, descent: Descent, seed: int, shift_std: float, device: torch.device | str = "cpu"
) -> FigureData:
    """Run one figure's experiment on an already loaded image."""
    run = experiment(spec["kind"])
    return run(image, descent=descent, seed=seed, shift_std=shift_std, device=device, **mlp_experiment_settings(spec))
