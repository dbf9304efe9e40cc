"""The blog post "Autoencoders: learning by copying": an overcomplete fully connected autoencoder
trained to copy natural images (MSE) does not learn the identity; it denoises inputs it was never
taught to denoise; its hidden layers are not invertible in practice (the paper's distances); and
applying it repeatedly to noise walks toward images ("manifold walk").

Data: CIFAR-10 at 32 x 32 (experiments.cifar; training split to train, the first test images held
out), or, offline, square patches cut from the colour photos shipped with scikit-image
(`photo_patches`): a fixed set, drawn from the PATCHES stream of the config's seed, training
patches from the left part of every photo and held-out patches from its right strip only, so no
held-out pixel was ever trained on.

Corruption (`denoising`): a~ = (1 - weight) a + weight n ("mix") or a~ = a + n ("add"),
n ~ N(mean, sigma) per pixel, one standard normal draw (the CORRUPTION stream) scaled for every
sigma. The post adds N(0.7, 0.2) to inputs in [0, 1] without saying how; mixing keeps a~ in a
range the model has seen (weight 1 is pure noise). Nothing is clipped.

Every function returns a FigureData (a table and the images the figure shows); none reads a
config or writes a file.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd
import torch
from torch import nn
from torchvision.transforms.v2 import functional as TF

from ..engine import Descent, metrics
from ..images import read_rgb
from ..models import autoencoder as ae
from ..models import freeze
from ..models.weights import load_checkpoint, save_checkpoint
from ..samples import NAMES, SAMPLE_PREFIX
from ..seeds import CORRUPTION, PATCHES, WALK_START, generator
from ..training.fit import RECONSTRUCTION, Pairs, TrainSettings, check_settings, fit, remove_resume_file
from . import cifar
from .mlp_sweeps import FigureData, final_rows, invert, shifted_input

log = logging.getLogger(__name__)

ARCH = "autoencoder"  # the name its checkpoints carry (models.weights)
MODELS = ("trained", "untrained", "identity")  # the denoising table's rows


@dataclasses.dataclass(frozen=True)
class PhotoPatches:
    """The offline data set: `train` and `held_out` patches of `size` x `size` pixels cut from the
    scikit-image photos `names`, each photo first resized (antialiased) so that its short side is
    `side` pixels. The right `held_out_fraction` of every photo's width holds the held-out
    patches only; the training patches come from the rest. Patches are shared out evenly over
    the photos (the first photos take one more when the count does not divide)."""

    names: tuple[str, ...] = NAMES
    side: int = 128
    size: int = 32
    train: int = 4096
    held_out: int = 256
    held_out_fraction: float = 0.25
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "names", tuple(self.names))
        check_settings(
            self,
            "autoencoder photo patches",
            {"side": int, "size": int, "train": int, "held_out": int, "held_out_fraction": float, "seed": int},
            positive=("side", "size", "train", "held_out", "held_out_fraction"),
        )
        unknown = [name for name in self.names if name not in NAMES]
        if not self.names or unknown:
            raise ValueError(f"autoencoder photo patches: unknown photo(s) {unknown or 'none given'}; choose from {list(NAMES)}")
        if not self.held_out_fraction < 1:
            raise ValueError(f"autoencoder photo patches: held_out_fraction must be below 1, got {self.held_out_fraction}")


def _shares(total: int, parts: int) -> list[int]:
    return [total // parts + (i < total % parts) for i in range(parts)]


def _cut(photo: torch.Tensor, count: int, size: int, columns: tuple[int, int], draw: torch.Generator, where: str) -> torch.Tensor:
    height = photo.shape[1]
    first, last = columns
    if height < size or last - first < size:
        raise ValueError(f"{where} is {last - first} x {height} pixels, smaller than a {size} x {size} patch: raise side or lower size")
    tops = torch.randint(height - size + 1, (count,), generator=draw)
    lefts = torch.randint(first, last - size + 1, (count,), generator=draw)
    return torch.stack([photo[:, t : t + size, left : left + size] for t, left in zip(tops.tolist(), lefts.tolist(), strict=True)])


def photo_patches(settings: PhotoPatches) -> tuple[torch.Tensor, torch.Tensor]:
    """(training patches, held-out patches), uint8 (N, 3, size, size), in a fixed order."""
    draw = generator(settings.seed, PATCHES)
    train, held_out = [], []
    n = len(settings.names)
    for name, n_train, n_held in zip(settings.names, _shares(settings.train, n), _shares(settings.held_out, n), strict=True):
        photo = torch.from_numpy(read_rgb(SAMPLE_PREFIX + name).copy()).permute(2, 0, 1)
        photo = TF.resize(photo, [settings.side], antialias=True)
        width = photo.shape[2]
        split = width - round(width * settings.held_out_fraction)
        train.append(_cut(photo, n_train, settings.size, (0, split), draw, f"the training part of photo {name}"))
        held_out.append(_cut(photo, n_held, settings.size, (split, width), draw, f"the held-out strip of photo {name}"))
    return torch.cat(train), torch.cat(held_out)


def cifar_images(root: str | Path, train_limit: int | None, held_out: int, verify: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(CIFAR-10 training images, the first `held_out` test images), uint8 (N, 3, 32, 32)."""
    images = [
        cifar.load("cifar10", root, train=split, limit=limit, verify=verify).images
        for split, limit in ((True, train_limit), (False, held_out))
    ]
    return tuple(x.permute(0, 3, 1, 2).contiguous() for x in images)


def as_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 images to float32 in [0, 1]."""
    return images.float().div(255)


def train_autoencoder(
    train: torch.Tensor,
    held_out: torch.Tensor,
    widths: list[int],
    settings: TrainSettings,
    model_path: str | Path,
    checkpoint: str | Path | None = None,
    device: torch.device | None = None,
    workers: int = 0,
    identity: dict | None = None,
) -> pd.DataFrame:
    """Train the autoencoder on uint8 images `train` (MSE between input and reconstruction, Adam),
    resumable from `checkpoint` after every epoch (training.fit); write it with
    models.weights.save_checkpoint and return the history (loss per epoch; test_loss on the
    held-out images, which it never trains on)."""
    shape = tuple(train.shape[1:])
    model = ae.autoencoder(shape, widths, seed=settings.seed)
    log.info("autoencoder %s -> %s -> %s: %d parameters, %d training images", shape, list(widths), shape, _parameters(model), len(train))
    identity = {"widths": [int(w) for w in widths], "input_shape": list(shape), **(identity or {})}
    history = fit(
        model,
        Pairs(train, train, transform=as_float),
        settings,
        checkpoint,
        test=Pairs(held_out, held_out, transform=as_float),
        device=device,
        workers=workers,
        identity=identity,
        objective=RECONSTRUCTION,
    )
    save_checkpoint(model_path, ARCH, model, **identity, training=dataclasses.asdict(settings), final_loss=float(history.loss.iloc[-1]))
    remove_resume_file(checkpoint)
    return history


def _parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def load_autoencoder(path: str | Path | None, shape: tuple[int, ...], widths: list[int], seed: int) -> nn.Sequential:
    """The trained autoencoder of a checkpoint, or (path None) the untrained one it started from; frozen."""
    model = ae.autoencoder(shape, widths, seed=seed)
    if path is not None:
        model.load_state_dict(load_checkpoint(path, ARCH))
    return freeze(model)


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


def denoising(
    models: dict[str, nn.Module | None],
    clean: torch.Tensor,
    sigmas: list[float],
    noise_mean: float = 0.7,
    noise_weight: float = 0.5,
    combine: str = "mix",
    examples: int = 4,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> FigureData:
    """||O(a~) - a|| against ||a~ - a|| on held-out images `clean` (float, (N, 3, s, s)) for every
    sigma (and sigma 0: the clean images, whose output distance is the reconstruction error),
    for each model (None: the identity).

    Table: one row per model and sigma: images, input_distance and output_distance (means over
    the images of ||a~ - a|| and ||O(a~) - a||), their standard deviations, closer (the fraction
    of images with ||O(a~) - a|| < ||a~ - a||) and ratio (mean output / mean input distance).
    Images: "clean", "noisy/<sigma>", "<model>/<sigma>" for the first `examples` images.
    """
    if not sigmas or any(s <= 0 for s in sigmas):
        raise ValueError(f"sigmas must be a non-empty list of positive numbers, got {sigmas!r}")
    noise = torch.randn(clean.shape, generator=generator(seed, CORRUPTION), dtype=clean.dtype)
    rows, images = [], {"clean": clean[:examples]}
    for sigma in [0.0, *sigmas]:
        noisy = clean if sigma == 0 else corrupt(clean, sigma, noise_mean, noise_weight, noise, combine)
        images[f"noisy/{sigma:g}"] = noisy[:examples]
        before = metrics.distance(noisy, clean)
        for name, model in models.items():
            outputs = _apply(model, noisy, device)
            after = metrics.distance(outputs, clean)
            images[f"{name}/{sigma:g}"] = outputs[:examples]
            rows.append(
                {
                    "model": name,
                    "sigma": sigma,
                    "noise_mean": noise_mean if sigma else 0.0,
                    "noise_weight": (noise_weight if combine == "mix" else 1.0) if sigma else 0.0,
                    "combine": combine,
                    "images": len(clean),
                    "input_distance": before.mean().item(),
                    "input_distance_std": before.std().item() if len(clean) > 1 else 0.0,
                    "output_distance": after.mean().item(),
                    "output_distance_std": after.std().item() if len(clean) > 1 else 0.0,
                    "closer": (after < before).double().mean().item(),
                    "ratio": after.mean().item() / before.mean().item() if sigma else float("nan"),
                }
            )
            log.info(
                "%s sigma %g: ||O(a~) - a|| %.4g, ||a~ - a|| %.4g", name, sigma, rows[-1]["output_distance"], rows[-1]["input_distance"]
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


def final_layers(table: pd.DataFrame) -> pd.DataFrame:
    """The final distances of every model and layer of a layer_inversions table."""
    return final_rows(table)


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
