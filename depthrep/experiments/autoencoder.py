"""The blog post "Autoencoders: learning by copying": the overcomplete autoencoder's data and
its training (what it is measured on: depthrep.experiments.denoising).

Data: CIFAR-10 at 32 x 32 (experiments.cifar; training split to train, the first test images held
out), or, offline, square patches cut from the colour photos shipped with scikit-image
(`photo_patches`): a fixed set, drawn from the PATCHES stream of the config's seed, training
patches from the left part of every photo and held-out patches from its right strip only, so no
held-out pixel was ever trained on.

Nothing here runs the inversion engine, so an edit of the engine does not retrain the model.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd
import torch
from torch import nn
from torchvision.transforms.v2 import functional as TF

from ..images import read_rgb
from ..models import autoencoder as ae
from ..models import freeze
from ..models.weights import load_checkpoint, save_checkpoint
from ..samples import NAMES, SAMPLE_PREFIX
from ..seeds import PATCHES, generator
from ..training.fit import RECONSTRUCTION, Pairs, TrainSettings, check_settings, fit, remove_resume_file
from . import cifar

log = logging.getLogger(__name__)

ARCH = "autoencoder"  # the name its checkpoints carry (models.weights)


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


def _places(count: int, size: int, height: int, columns: tuple[int, int], draw: torch.Generator, where: str) -> list[tuple[int, int]]:
    first, last = columns
    if height < size or last - first < size:
        raise ValueError(f"{where} is {last - first} x {height} pixels, smaller than a {size} x {size} patch: raise side or lower size")
    tops = torch.randint(height - size + 1, (count,), generator=draw)
    lefts = torch.randint(first, last - size + 1, (count,), generator=draw)
    return list(zip(tops.tolist(), lefts.tolist(), strict=True))


def _photos(settings: PhotoPatches) -> dict[str, torch.Tensor]:
    """Each photo as uint8 (3, H, W), resized so that its short side is settings.side."""
    photos = {}
    for name in settings.names:
        photo = torch.from_numpy(read_rgb(SAMPLE_PREFIX + name).copy()).permute(2, 0, 1)
        photos[name] = TF.resize(photo, [settings.side], antialias=True)
    return photos


def patch_places(settings: PhotoPatches, photos: dict[str, torch.Tensor] | None = None) -> pd.DataFrame:
    """Where every patch is cut: photo, part (train or held_out), top, left, and the photo's
    width, height and split (the first column of its held-out strip), in the patches' order."""
    photos = photos or _photos(settings)
    draw = generator(settings.seed, PATCHES)
    rows, n = [], len(settings.names)
    for name, n_train, n_held in zip(settings.names, _shares(settings.train, n), _shares(settings.held_out, n), strict=True):
        height, width = photos[name].shape[1:]
        split = width - round(width * settings.held_out_fraction)
        for part, count, columns, where in (
            ("train", n_train, (0, split), f"the training part of photo {name}"),
            ("held_out", n_held, (split, width), f"the held-out strip of photo {name}"),
        ):
            for top, left in _places(count, settings.size, height, columns, draw, where):
                rows.append({"photo": name, "part": part, "top": top, "left": left, "width": width, "height": height, "split": split})
    return pd.DataFrame(rows, columns=["photo", "part", "top", "left", "width", "height", "split"])


def photo_patches(settings: PhotoPatches) -> tuple[torch.Tensor, torch.Tensor]:
    """(training patches, held-out patches), uint8 (N, 3, size, size), in a fixed order (patch_places)."""
    photos = _photos(settings)
    places, size = patch_places(settings, photos), settings.size
    cut = {
        part: torch.stack([photos[r.photo][:, r.top : r.top + size, r.left : r.left + size] for r in rows.itertuples()])
        for part, rows in places.groupby("part", sort=False)
    }
    return cut["train"], cut["held_out"]


def cifar_images(root: str | Path, train_limit: int | None, held_out: int, verify: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(CIFAR-10 training images, the first `held_out` test images), uint8 (N, 3, 32, 32)."""
    images = [
        cifar.pixels("cifar10", root, train=split, limit=limit, verify=verify)[0]
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
        Pairs(train, transform=as_float),
        settings,
        checkpoint,
        test=Pairs(held_out, transform=as_float),
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


def load_data(data: dict, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(training images, held-out images), uint8, from the data settings the pipeline passes
    (depthrep.pipeline.plan.autoencoder_data_settings: source and that source's settings)."""
    if data["source"] == "cifar10":
        return cifar_images(data["root"], data["train"], data["held_out"], verify=data["verify"])
    return photo_patches(PhotoPatches(**{k: v for k, v in data.items() if k != "source"}, seed=seed))
