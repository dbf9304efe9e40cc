"""Sec 7 data: CIFAR10 and CIFAR100 through torchvision, and the classifier runs on them.

`fetch` downloads with torchvision (which checks the archive's md5, then every extracted
file's). `load` never downloads; by default it checks every file's md5 as well, so a run
uses the published data. verify=False checks only that the files exist: for a dataset in the
same on-disk format that is not the published one (a subset you made, or the tests' data).

Images are kept as uint8 and scaled to [0, 1] per example (no normalisation, no augmentation:
augmentation would itself fight overfitting, which Sec 7 measures).
"""

from __future__ import annotations

import logging
import urllib.error
from pathlib import Path

import pandas as pd
import torch
from torch.utils.data import Dataset
from torchvision import datasets

from ..files import sha256
from ..models import classifiers
from ..training.fit import TrainSettings, fit, remove_resume_file

log = logging.getLogger(__name__)

DATASETS = {"cifar10": datasets.CIFAR10, "cifar100": datasets.CIFAR100}
SHAPE = (3, 32, 32)


class DatasetUnavailable(RuntimeError):
    """The dataset cannot be had (offline, missing or corrupt files)."""


def _check_name(name: str) -> type[datasets.CIFAR10]:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[name]


def folder(name: str, root: str | Path) -> Path:
    """Where torchvision keeps the extracted dataset: root/cifar-10-batches-py or root/cifar-100-python."""
    return Path(root) / _check_name(name).base_folder


def _where(name: str, root: str | Path) -> str:
    cls = _check_name(name)
    return f"Download {cls.url} and extract it into {Path(root).resolve()}, so that its folder is {folder(name, root).resolve()}"


def fetch(name: str, root: str | Path, verify: bool = True) -> Path:
    """Download and extract `name` into `root` (nothing is fetched when valid files are there already).

    verify=False downloads nothing: it only checks that the files of a dataset you put there
    (in torchvision's format, not the published one) exist.
    """
    cls = _check_name(name)
    if not verify:
        for train in (True, False):
            load(name, root, train=train, verify=False)
        return folder(name, root)
    try:
        cls(str(root), train=True, download=True)
    except (urllib.error.URLError, OSError, RuntimeError) as err:
        raise DatasetUnavailable(
            f"{name} could not be downloaded or is corrupt ({type(err).__name__}: {err}). {_where(name, root)}."
        ) from err
    return folder(name, root)


def record(name: str, root: str | Path, verified: bool) -> dict:
    """What the pipeline keeps of a fetched dataset for provenance: its folder and each file's sha256."""
    base = folder(name, root)
    files = sorted(p for p in base.rglob("*") if p.is_file())
    return {"dataset": name, "folder": str(base), "md5_verified": verified, "sha256": {str(p.relative_to(base)): sha256(p) for p in files}}


def _unverified(cls: type[datasets.CIFAR10]) -> type[datasets.CIFAR10]:
    """`cls` without md5 sums: torchvision's check_integrity then only checks that each file exists."""
    return type(
        f"Unverified{cls.__name__}",
        (cls,),
        {
            "train_list": [[file, None] for file, _ in cls.train_list],
            "test_list": [[file, None] for file, _ in cls.test_list],
            "meta": {**cls.meta, "md5": None},
        },
    )


class CifarImages(Dataset):
    """(image, label) pairs: float32 3 x 32 x 32 images in [0, 1], held as one tensor (on the
    training device, see `to`) and handed to the DataLoader a whole batch at a time: no
    per-example conversion and no worker processes (training.fit)."""

    def __init__(self, pixels: torch.Tensor, labels: torch.Tensor, classes: list[str]):
        """pixels: uint8 (N, 32, 32, 3), as torchvision's CIFAR keeps them; converted once."""
        self.images = pixels.permute(0, 3, 1, 2).float().div(255)
        self.labels, self.classes = labels, classes

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.images[index], int(self.labels[index])

    def __getitems__(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.as_tensor(indices, device=self.images.device)
        return self.images[index], self.labels[index]

    def to(self, device: torch.device | str) -> CifarImages:
        self.images, self.labels = self.images.to(device), self.labels.to(device)
        return self


def load(name: str, root: str | Path, train: bool, limit: int | None = None, verify: bool = True) -> CifarImages:
    """The training or test split of `name` from `root` (the first `limit` examples, or all)."""
    images, labels, classes = pixels(name, root, train, limit, verify)
    return CifarImages(images, labels, classes)


def pixels(name: str, root: str | Path, train: bool, limit: int | None = None, verify: bool = True):
    """(uint8 images (N, 32, 32, 3) as torchvision keeps them, labels, class names) of a split."""
    cls = _check_name(name)
    try:
        dataset = (cls if verify else _unverified(cls))(str(root), train=train, download=False)
    except RuntimeError as err:
        raise DatasetUnavailable(f"{name} is missing or corrupt under {folder(name, root)} ({err}). {_where(name, root)}.") from err
    if limit is not None and int(limit) < 1:
        raise ValueError(f"dataset setting limit must be a positive integer or null, got {limit!r}")
    stop = None if limit is None else int(limit)
    images = torch.from_numpy(dataset.data[:stop])
    labels = torch.tensor(dataset.targets[:stop], dtype=torch.long)
    return images, labels, list(dataset.classes)


def train_classifier(
    name: str,
    root: str | Path,
    architecture: str,
    spec: dict,
    settings: TrainSettings,
    checkpoint: str | Path | None = None,
    limits: tuple[int | None, int | None] = (None, None),
    verify: bool = True,
    device: torch.device | None = None,
    workers: int = 0,
    keep_path=None,
) -> pd.DataFrame:
    """Train one Sec 7 classifier; return its history, with dataset and architecture columns.

    limits: the first (train, test) examples used; None for all.
    keep_path: epoch -> file, for the epochs of settings.keep_epochs (checkpoints written as
    `architecture`, loadable with classifiers.build(spec, ...) and weights.load_checkpoint).
    """
    train = load(name, root, train=True, limit=limits[0], verify=verify)
    test = load(name, root, train=False, limit=limits[1], verify=verify)
    model = classifiers.build(spec, SHAPE, len(train.classes), seed=settings.seed)
    log.info(
        "%s %s: %d parameters, hidden nodes %s, %d train / %d test images",
        name,
        architecture,
        sum(p.numel() for p in model.parameters()),
        classifiers.hidden_sizes(spec, SHAPE),
        len(train),
        len(test),
    )
    identity = {"dataset": name, "architecture": architecture, "spec": spec, "limits": list(limits)}
    device = device or torch.device("cpu")
    history = fit(
        model,
        train.to(device),
        settings,
        checkpoint,
        test=test.to(device),
        device=device,
        workers=workers,
        identity=identity,
        channels_last=spec["kind"] == "conv",
        keep_path=keep_path,
        keep_as=architecture,
    )
    remove_resume_file(checkpoint)
    return history.assign(dataset=name, architecture=architecture)
