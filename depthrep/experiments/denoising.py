"""The blog post "Autoencoders: learning by copying", measured on the trained autoencoder
(depthrep.experiments.autoencoder) and its untrained start: does it denoise inputs it was never
taught to denoise, are its layers invertible in practice (the paper's distances), and where does
applying it again and again take noise (the "manifold walk")?

Corruption (`denoising`): a~ = (1 - weight) a + weight n ("mix") or a~ = a + n ("add"),
n ~ N(mean, sigma) per pixel, one standard normal draw (the CORRUPTION stream) scaled for every
series and sigma. The post adds N(0.7, 0.2) to inputs in [0, 1] without saying how; mixing keeps
a~ in a range the model has seen (weight 1 is pure noise). Nothing is clipped.

Every function returns a FigureData (a table and the images the figure shows); none reads a
config or writes a file.
"""

from __future__ import annotations

import logging

import pandas as pd
import torch
from torch import nn

from ..engine import Descent, metrics
from ..models import autoencoder as ae
from ..seeds import CORRUPTION, WALK_START, generator
from .mlp_sweeps import FigureData, invert, shifted_input

log = logging.getLogger(__name__)

MODELS = ("trained", "untrained", "identity")  # the denoising table's rows


@torch.no_grad()
def _apply(model, images: torch.Tensor, device, batch: int = 256) -> torch.Tensor:
    if model is None:  # the identity
        return images.clone()
    return torch.cat([model(images[i : i + batch].to(device)).cpu() for i in range(0, len(images), batch)])


COMBINE = ("mix", "add")


def corrupt(clean: torch.Tensor, sigma: float, mean: float, weight: float, noise: torch.Tensor, combine: str = "mix") -> torch.Tensor:
    """a~ = (1 - weight) a + weight n ("mix") or a~ = a + n ("add"; weight unused), with
    n = mean + sigma z for a standard normal draw z."""
    if combine not in COMBINE:
        raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
    n = mean + sigma * noise
    return clean + n if combine == "add" else (1 - weight) * clean + weight * n


def noise_label(noise: dict) -> str:
    """ "a + N(0, s)" or "0.5 a + 0.5 N(0.7, s)": how a noise series corrupts a."""
    mean = f"{noise['mean']:g}"
    if noise["combine"] == "add":
        return f"a + N({mean}, s)"
    weight = noise.get("weight", 1.0)
    return f"{1 - weight:g} a + {weight:g} N({mean}, s)"


def denoising(
    models: dict[str, nn.Module | None],
    clean: torch.Tensor,
    sigmas: list[float],
    noises: list[dict],
    examples: int = 4,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> FigureData:
    """||O(a~) - a|| against ||a~ - a|| on held-out images `clean` (float, (N, 3, s, s)) for every
    noise series ({combine, mean, weight}: see `corrupt`) and sigma, for each model (None: the
    identity); sigma 0 (noise "none") is the clean images, whose output distance is the
    reconstruction error. One standard normal draw z serves every series and sigma.

    Table: one row per noise, model and sigma: noise (its label), combine, noise_mean,
    noise_weight, images, input_distance and output_distance (means over the images of
    ||a~ - a|| and ||O(a~) - a||), their standard deviations, closer (the fraction of images with
    ||O(a~) - a|| < ||a~ - a||), change (the mean ||O(a~) - a~||: 0 for a model that copies its
    input, the identity) and ratio (mean output over mean input distance).
    Images: "clean", "noisy/<series>/<sigma>" and "<model>/<series>/<sigma>" (series: the
    noise's position, from 0) for the first `examples` images.
    """
    if not sigmas or any(s <= 0 for s in sigmas):
        raise ValueError(f"sigmas must be a non-empty list of positive numbers, got {sigmas!r}")
    if not noises:
        raise ValueError("give at least one noise series ({combine, mean, weight})")
    z = torch.randn(clean.shape, generator=generator(seed, CORRUPTION), dtype=clean.dtype)
    rows, images = [], {"clean": clean[:examples]}
    cases = [(None, 0.0)] + [(k, sigma) for k in range(len(noises)) for sigma in sigmas]
    for k, sigma in cases:
        noise = noises[k] if k is not None else {"combine": "add", "mean": 0.0, "weight": 0.0}
        noisy = clean if k is None else corrupt(clean, sigma, noise["mean"], noise.get("weight", 1.0), z, noise["combine"])
        before = metrics.distance(noisy, clean)
        if k is not None:
            images[f"noisy/{k}/{sigma:g}"] = noisy[:examples]
        for name, model in models.items():
            outputs = _apply(model, noisy, device)
            after = metrics.distance(outputs, clean)
            if k is not None:
                images[f"{name}/{k}/{sigma:g}"] = outputs[:examples]
            rows.append(
                {
                    "noise": "none" if k is None else noise_label(noise),
                    "combine": noise["combine"],
                    "noise_mean": noise["mean"],
                    "noise_weight": noise.get("weight", 1.0) if noise["combine"] == "mix" else 1.0,
                    "model": name,
                    "sigma": sigma,
                    "images": len(clean),
                    "input_distance": before.mean().item(),
                    "input_distance_std": before.std().item() if len(clean) > 1 else 0.0,
                    "output_distance": after.mean().item(),
                    "output_distance_std": after.std().item() if len(clean) > 1 else 0.0,
                    "closer": (after < before).double().mean().item(),
                    "change": metrics.distance(outputs, noisy).mean().item(),
                    "ratio": after.mean().item() / before.mean().item() if sigma else float("nan"),
                }
            )
            log.info(
                "%s, %s, sigma %g: ||O(a~) - a|| %.4g, ||a~ - a|| %.4g",
                rows[-1]["noise"],
                name,
                sigma,
                rows[-1]["output_distance"],
                rows[-1]["input_distance"],
            )
    return FigureData(pd.DataFrame(rows), images)


def layer_inversions(
    models: dict[str, nn.Sequential],
    image: torch.Tensor,
    descent: Descent,
    shift_std: float,
    seed: int,
    device: torch.device | str = "cpu",
) -> FigureData:
    """The paper's test on every layer of each autoencoder (hidden1 .. hiddenN, output): invert
    the layer's output O(a) of the held-out `image` with the engine's learning-rate sweep (eq. 4,
    as the paper's fully connected figures), from the descent's first seed; m_g, m_s (for
    a' = a + N(0, shift_std), the SHIFT stream) and m_i per layer.

    Table: the trajectories (iteration, lr, loss, m_g, m_s, m_i, shift_distance, good) with
    model and layer columns; the row with iteration == iterations holds the final distances.
    Images: "target", "shifted", and a_g under "<model>/<layer>" (None: every candidate diverged).
    """
    images, tables = {}, []
    for name, model in models.items():
        for layer in ae.layer_names(model):
            log.info("%s autoencoder, %s: %d iterations", name, layer, descent.iterations)
            table, images[f"{name}/{layer}"] = invert(ae.cut(model, layer), image, descent, shift_std, seed, device)
            tables.append(table.assign(model=name, layer=layer))
    table = pd.concat(tables, ignore_index=True)
    images["target"], images["shifted"] = image, shifted_input(image, shift_std, seed)
    return FigureData(table[["model", "layer", *[c for c in table.columns if c not in ("model", "layer")]]], images)


@torch.no_grad()
def manifold_walk(
    models: dict[str, nn.Module],
    shape: tuple[int, ...],
    steps: int = 30,
    start_mean: float = 0.7,
    start_std: float = 0.2,
    examples: int = 4,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> FigureData:
    """a_0 ~ N(start_mean, start_std) (the WALK_START stream), a_{k+1} = O(a_k) for k < steps.

    Table: model, example, step k (1 .. steps) and distance = ||a_k - a_{k-1}||.
    Images: "<model>" -> (examples, steps + 1, *shape), every iterate.
    """
    if int(steps) < 1 or int(examples) < 1:
        raise ValueError(f"the manifold walk needs steps and examples of at least 1, got {steps}, {examples}")
    start = start_mean + start_std * torch.randn((int(examples), *shape), generator=generator(seed, WALK_START))
    rows, images = [], {}
    for name, model in models.items():
        iterates = [start]
        for _ in range(int(steps)):
            iterates.append(_apply(model, iterates[-1], device))
        walk = torch.stack(iterates, dim=1)
        images[name] = walk
        distances = metrics.distance(walk[:, 1:].flatten(0, 1), walk[:, :-1].flatten(0, 1)).view(int(examples), int(steps))
        rows += [
            {"model": name, "example": e, "step": k + 1, "distance": distances[e, k].item()}
            for e in range(int(examples))
            for k in range(int(steps))
        ]
        log.info("%s walk: successive distances %s", name, [round(d, 4) for d in distances.mean(0).tolist()])
    return FigureData(pd.DataFrame(rows), images)
