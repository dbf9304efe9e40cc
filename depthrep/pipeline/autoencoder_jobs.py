"""The autoencoder figures' job (issue 15): from the settings the rules pass, every autoencoder
figure's table and images (drawn by depthrep.plotting.blog)."""

from __future__ import annotations

import torch

from ..engine import Descent
from ..experiments import autoencoder as ae
from ..experiments import denoising
from ..experiments.mlp_sweeps import FigureData


def autoencoder_figures(
    specs: dict[str, dict],
    runs: dict[str, dict],
    model_path: str,
    data: dict,
    widths: list[int],
    seed: int,
    shift_std: float,
    device: torch.device | str = "cpu",
) -> dict[str, FigureData]:
    """Every autoencoder figure's table and images: {figure: FigureData}."""
    _, held_out = ae.load_data(data, seed)
    clean = ae.as_float(held_out)
    shape = tuple(clean.shape[1:])
    trained = ae.load_autoencoder(model_path, shape, widths, seed).to(device)
    untrained = ae.load_autoencoder(None, shape, widths, seed).to(device)
    out = {}
    for name, spec in specs.items():
        if spec["kind"] == "autoencoder_denoising":
            out[name] = denoising.denoising(
                {"trained": trained, "untrained": untrained, "identity": None},
                clean,
                spec["sigmas"],
                spec["noises"],
                examples=spec["examples"],
                seed=seed,
                device=device,
            )
        elif spec["kind"] == "autoencoder_layers":
            descent = Descent.of(runs[spec["run"]], where=f"runs.{spec['run']}")
            image = clean[spec["image"]]
            out[name] = denoising.layer_inversions({"trained": trained, "untrained": untrained}, image, descent, shift_std, seed, device)
        elif spec["kind"] == "autoencoder_walk":
            out[name] = denoising.manifold_walk(
                {"trained": trained, "untrained": untrained},
                shape,
                steps=spec["steps"],
                start_mean=spec["start_mean"],
                start_std=spec["start_std"],
                examples=spec["examples"],
                seed=seed,
                device=device,
            )
        else:
            raise ValueError(f"figure {name}: {spec['kind']!r} is not an autoencoder figure kind")
    return out
