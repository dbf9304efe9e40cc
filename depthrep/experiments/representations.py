"""Representations compared (the "inner activations" post, and the blog's claims about depth):
the images of an image set, the activations of every cut of a model on them, and the tables
the representations figure draws -- linear CKA and SVCCA between cuts, training states and
architectures, and the singular values of each cut over groups of noisy copies of one image.

An image set (config `image_sets:`) is, in this order of rows:
    photo   random square crops of the photos shipped with scikit-image (offline), each from
            its own seed (PHOTO_CROPS stream, the image's index): side 1/4 to all of the
            photo's short side, anywhere in it, resized with antialiasing
    noise   the noise-label model's first training images (its mean, std and seed, at the set's
            size: the very images it trained on when the sizes agree)
    cifar   the first test images of a CIFAR set, resized with antialiasing
    copies  for each sigma, `count` copies of one target plus N(0, sigma^2) noise, not clipped
            (NOISY_COPIES stream, the sigma's position)
CKA and SVCCA use the first three parts (the probe images); the spectra use each group of
copies.

Activations (`activations`) are computed once per model, state and image set, batch by
batch, and reduced per cut: "exact" keeps each layer whole and stores the coordinates of its
n x n Gram matrix (similarity.gram_coordinates: lossless for every measure here); "sketch"
count-sketches every batch to `features` values first (similarity.CountSketch, SKETCH stream
at the cut's position), for layers too large to hold for every image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torchvision.transforms.v2 import functional as TF

from ..images import load_image, read_rgb
from ..models.architectures import ARCHITECTURES
from ..models.vision import cut
from ..samples import NAMES, SAMPLE_PREFIX
from ..seeds import BOOTSTRAP, NOISY_COPIES, PHOTO_CROPS, SKETCH, generator, stream_seed
from . import similarity
from .noise_labels import NoiseImages, NoiseSettings

PARTS = ("photo", "noise", "cifar", "copies")
PROBE_PARTS = ("photo", "noise", "cifar")
SPECTRUM_COMPONENTS = 5  # explained-variance shares kept per group in the spectrum table


@dataclass(frozen=True)
class ImageSet:
    """An image set's rows: the images (n, 3, size, size) and a table of what each row is."""

    images: torch.Tensor
    rows: pd.DataFrame  # part, index, sigma (NaN outside the copies)


def photo_crop(index: int, size: int, seed: int) -> torch.Tensor:
    """Crop `index` of the sample photos (they take turns), a (3, size, size) tensor in [0, 1]."""
    photo = torch.from_numpy(read_rgb(SAMPLE_PREFIX + NAMES[index % len(NAMES)]).copy()).permute(2, 0, 1)
    height, width = photo.shape[1:]
    draws = torch.rand(3, generator=generator(seed, PHOTO_CROPS, index)).tolist()
    side = max(8, round(min(height, width) * (0.25 + 0.75 * draws[0])))
    top, left = int(draws[1] * (height - side)), int(draws[2] * (width - side))
    crop = TF.resize(photo[:, top : top + side, left : left + side], [size, size], antialias=True)
    return crop.float().div(255).clamp(0, 1)


def image_set(
    size: int,
    photos: int,
    noise: int,
    seed: int,
    noise_mean: float = 0.5,
    noise_std: float = 1 / 3,
    cifar: torch.Tensor | None = None,
    copies_of: torch.Tensor | None = None,
    sigmas: tuple[float, ...] = (),
    count: int = 0,
) -> ImageSet:
    """The rows of an image set (see the module docstring). cifar: (m, 3, h, w) images in [0, 1]
    (resized here); copies_of: the target image at `size`."""
    parts, rows = [], []
    if photos:
        parts.append(torch.stack([photo_crop(i, size, seed) for i in range(photos)]))
        rows += [("photo", i, math.nan) for i in range(photos)]
    if noise:
        data = NoiseImages(NoiseSettings(images=noise, classes=2, image_size=size, mean=noise_mean, std=noise_std, seed=seed))
        parts.append(torch.stack([data.image(i) for i in range(noise)]))
        rows += [("noise", i, math.nan) for i in range(noise)]
    if cifar is not None and len(cifar):
        parts.append(TF.resize(cifar, [size, size], antialias=True).clamp(0, 1))
        rows += [("cifar", i, math.nan) for i in range(len(cifar))]
    if copies_of is not None:
        for k, sigma in enumerate(sigmas):
            parts.append(similarity.noisy_copies(copies_of, sigma, count, seed=stream_seed(seed, NOISY_COPIES, k)))
            rows += [("copies", i, float(sigma)) for i in range(count)]
    if not parts:
        raise ValueError("an image set needs some images (photos, noise, cifar or copies)")
    return ImageSet(torch.cat(parts), pd.DataFrame(rows, columns=["part", "index", "sigma"]))


def load_image_set(
    spec: dict,
    seed: int,
    noise: dict,
    copies_source: str | None = None,
    resize: str = "squash",
    cifar_root: str | None = None,
    cifar_verify: bool = True,
) -> ImageSet:
    """The image set a config's `image_sets:` entry describes.

    noise: the noise-label data's mean and std; copies_source: what images.load_image takes for
    the copies' target (a file or sample:<name>); cifar_root, cifar_verify: where the CIFAR
    test images are (experiments.cifar.load, which never downloads).
    """
    cifar_images = None
    if spec.get("cifar"):
        from .cifar import load

        data = load(spec["cifar"]["dataset"], cifar_root, train=False, limit=spec["cifar"]["images"], verify=cifar_verify)
        cifar_images = torch.stack([data[k][0] for k in range(len(data))])
    copies = spec.get("copies") or {}
    target = load_image(copies_source, spec["image_size"], resize) if copies else None
    return image_set(
        spec["image_size"],
        spec["photos"],
        spec["noise"],
        seed,
        noise["mean"],
        noise["std"],
        cifar_images,
        target,
        tuple(copies.get("sigmas", ())),
        copies.get("count", 0),
    )


@torch.no_grad()
def activations(
    model: nn.Module,
    arch: str,
    images: torch.Tensor,
    batch_size: int,
    device: torch.device,
    reduce: dict,
    seed: int,
) -> dict[str, torch.Tensor]:
    """{cut: (n, r) float64 Gram coordinates} for every named cut of `arch`, one forward per batch.

    reduce: {"method": "exact"} or {"method": "sketch", "features": m} (module docstring).
    """
    method = reduce["method"]
    if method not in ("exact", "sketch"):
        raise ValueError(f"reduce method must be exact or sketch, got {method!r}")
    layers = list(ARCHITECTURES[arch]["cuts"])
    body = cut(model, arch, layers).to(device)
    collected: dict[str, list[torch.Tensor]] = {layer: [] for layer in layers}
    sketches: dict[str, similarity.CountSketch] = {}
    for start in range(0, len(images), batch_size):
        outputs = body(images[start : start + batch_size].to(device))
        for position, layer in enumerate(layers):
            x = outputs[layer].flatten(1)
            if method == "sketch" and x.shape[1] > reduce["features"]:
                if layer not in sketches:
                    sketches[layer] = similarity.CountSketch(x.shape[1], reduce["features"], stream_seed(seed, SKETCH, position))
                x = sketches[layer](x)
            collected[layer].append(x.float().cpu())
    return {layer: similarity.gram_coordinates(torch.cat(parts)) for layer, parts in collected.items()}


def _key(model: str, state: str, layer: str) -> tuple[str, str, str]:
    return (model, state, layer)


def similarity_table(
    files: dict[tuple[str, str], dict],
    within: list[tuple[str, str]],
    states: list[tuple[str, str]],
    architectures: list[tuple[str, str]],
    bootstrap: int,
    keep: float,
    seed: int,
) -> pd.DataFrame:
    """Linear CKA (with a bootstrap interval) and SVCCA between cuts on the probe images.

    files: {(model, state): an activation file's content} (see `activations_record`).
    within: (model, state) pairs whose cuts are compared with each other (heat maps);
    states: (model, state) pairs, the first the reference, each cut against the same cut of the
    reference; architectures: (model, state) pairs whose cuts are all compared with each other.
    Returns one row per pair (a <= b in the order given): comparison, model_a, state_a,
    layer_a, depth_a, model_b, state_b, layer_b, depth_b, cka, cka_low, cka_high, svcca, images.
    """
    wanted: list[tuple[str, tuple, tuple]] = []
    for model, state in within:
        layers = list(ARCHITECTURES[model]["cuts"])
        wanted += [("within", _key(model, state, a), _key(model, state, b)) for i, a in enumerate(layers) for b in layers[i:]]
    if states:
        (model, reference), others = states[0], states[1:]
        wanted += [
            ("states", _key(model, reference, layer), _key(other_model, state, layer))
            for other_model, state in others
            for layer in ARCHITECTURES[model]["cuts"]
        ]
    keys = [_key(m, s, layer) for m, s in architectures for layer in ARCHITECTURES[m]["cuts"]]
    wanted += [("architectures", a, b) for i, a in enumerate(keys) for b in keys[i:]]

    used = list(dict.fromkeys(key for _, a, b in wanted for key in (a, b)))
    probe = _probe_rows(next(iter(files.values())))
    matrices = [files[(m, s)]["activations"][layer][probe] for m, s, layer in used]
    index = {key: i for i, key in enumerate(used)}
    cka = similarity.cka_matrix(matrices)
    if bootstrap:
        low, high = similarity.bootstrap_cka_matrix(matrices, bootstrap, seed=stream_seed(seed, BOOTSTRAP))
    rows = []
    for comparison, a, b in wanted:
        i, j = index[a], index[b]
        rows.append(
            {
                "comparison": comparison,
                **{f"{name}_a": value for name, value in zip(("model", "state", "layer"), a, strict=True)},
                "depth_a": ARCHITECTURES[a[0]]["relative_depth"][a[2]],
                **{f"{name}_b": value for name, value in zip(("model", "state", "layer"), b, strict=True)},
                "depth_b": ARCHITECTURES[b[0]]["relative_depth"][b[2]],
                "cka": float(cka[i, j]),
                "cka_low": float(low[i, j]) if bootstrap else math.nan,
                "cka_high": float(high[i, j]) if bootstrap else math.nan,
                "svcca": 1.0 if a == b else similarity.svcca(matrices[i], matrices[j], keep).mean,
                "images": len(probe),
            }
        )
    return pd.DataFrame(rows)


def _probe_rows(record: dict) -> torch.Tensor:
    parts = record["rows"]["part"]
    rows = torch.tensor([i for i, part in enumerate(parts) if part in PROBE_PARTS])
    if len(rows) < 3:
        raise ValueError(f"representations compare layers on the probe images (photos, noise, cifar); this image set has {len(rows)}")
    return rows


def spectrum_table(files: dict[tuple[str, str], dict], epochs: dict[tuple[str, str], int]) -> pd.DataFrame:
    """The post's experiment: per (model, state) of `epochs` ({(model, state): epoch}), cut and
    sigma, the singular values of the cut's activations over that sigma's group of noisy copies
    (not centred, as the post) and the share of variance of the first SPECTRUM_COMPONENTS
    directions. One row per component: model, state, epoch, layer, depth, sigma, component,
    singular_value, explained."""
    rows = []
    for (model, state), epoch in epochs.items():
        record = files[(model, state)]
        sigmas = np.array(record["rows"]["sigma"], dtype=float)
        for layer, coordinates in record["activations"].items():
            for sigma in sorted({s for s in sigmas if not math.isnan(s)}, reverse=True):
                group = coordinates[torch.from_numpy(np.flatnonzero(sigmas == sigma))]
                spectrum = similarity.perturbed_group_spectrum(group)
                for component in range(min(SPECTRUM_COMPONENTS, len(spectrum.singular_values))):
                    rows.append(
                        {
                            "model": model,
                            "state": state,
                            "epoch": epoch,
                            "layer": layer,
                            "depth": ARCHITECTURES[model]["relative_depth"][layer],
                            "sigma": sigma,
                            "component": component + 1,
                            "singular_value": float(spectrum.singular_values[component]),
                            "explained": float(spectrum.explained_variance_ratio[component]),
                        }
                    )
    columns = ["model", "state", "epoch", "layer", "depth", "sigma", "component", "singular_value", "explained"]
    return pd.DataFrame(rows, columns=columns)


def activations_record(arch: str, state: str, images: ImageSet, reduced: dict[str, torch.Tensor], settings: dict) -> dict:
    """What an activation file holds (models.weights.save_tensors): the reduced activations of
    every cut, what each row is, and the settings that made them."""
    return {
        "arch": arch,
        "state": state,
        "activations": reduced,
        "rows": {column: images.rows[column].tolist() for column in images.rows.columns},
        "settings": settings,
    }
