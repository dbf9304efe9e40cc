"""Where weights come from: torchvision's ImageNet weights, the project's own checkpoints, and
every tensor file the pipeline writes. Every load is `weights_only=True`: a file holding code
is refused, never run.

In the pipeline every trained state is a checkpoint file written by `save_checkpoint`: the
noise-label model, and the ImageNet weights, which the `fetch_imagenet_weights` job checks
against torchvision's published hash and stores under results/weights/ (an input of every job
that uses them).
"""

from __future__ import annotations

import io
import os
import re
import urllib.error
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

from ..files import Unreadable, atomic_path, sha256
from . import UNTRAINED


class WeightsUnavailable(RuntimeError):
    """The weights a run asks for cannot be had (offline, missing or broken file)."""


class CorruptCheckpoint(WeightsUnavailable, Unreadable):
    """A checkpoint file that exists but cannot be read."""

    def __init__(self, path: str | Path, message: str):
        Unreadable.__init__(self, path, message)


def imagenet_weights(arch: str):
    """The 'trained' weights of `arch`: torchvision's IMAGENET1K_V1 where it has them (the paper's
    ResNets, and for every architecture the original training recipe rather than the later,
    heavily augmented V2 one), else its DEFAULT (vit_h_14 and regnet_y_128gf: SWAG weights only)."""
    from torchvision import models  # here: a job that only loads tensors saves a second without it

    try:
        available = models.get_model_weights(arch)
    except (ValueError, KeyError, AttributeError) as err:
        raise ValueError(f"torchvision has no ImageNet weights for {arch!r}") from err
    return getattr(available, "IMAGENET1K_V1", None) or available.DEFAULT


def imagenet_weights_file(arch: str) -> Path:
    """Where torchvision's weights API keeps the IMAGENET1K_V1 file of `arch` (torch hub cache)."""
    url = imagenet_weights(arch).url
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(url).path)


def published_hash(arch: str) -> str:
    """The sha256 prefix torchvision publishes for the file, in its name: resnet50-0676ba61.pth."""
    match = re.search(r"-([0-9a-f]{8,})\.", os.path.basename(urlparse(imagenet_weights(arch).url).path))
    if not match:
        raise ValueError(f"torchvision's ImageNet weights file of {arch} carries no hash in its name")
    return match.group(1)


def imagenet_state_dict(arch: str) -> dict:
    """The ImageNet state dict of `arch`, from the torch hub cache where torchvision's weights API
    keeps it (downloaded there when missing).

    Written here rather than through torchvision's `get_state_dict`: that checks the hash only
    when it downloads, and loads the cached file with weights_only=False. Here the file is
    checked against the hash torchvision publishes before every use, and loaded with
    weights_only=True; when it can be neither had nor trusted, the error names the file and
    the folder to put it in.
    """
    weights, path, expected = imagenet_weights(arch), imagenet_weights_file(arch), published_hash(arch)
    where = f"Download {weights.url} and put it at {path} (set TORCH_HOME to use another cache folder)."
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            torch.hub.download_url_to_file(weights.url, str(path), hash_prefix=expected, progress=False)
        except (urllib.error.URLError, OSError, RuntimeError) as err:
            raise WeightsUnavailable(f"ImageNet weights for {arch} could not be downloaded ({type(err).__name__}: {err}). {where}") from err
    found = sha256(path)
    if not found.startswith(expected):
        raise WeightsUnavailable(
            f"ImageNet weights for {arch}: {path} has sha256 {found}, but torchvision publishes {expected}... for it "
            f"(a broken or foreign file). Delete it; {where}"
        )
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for files it cannot read
        raise WeightsUnavailable(f"ImageNet weights for {arch}: {path} is unreadable ({err}). {where}") from err


def save_tensors(data, path: str | Path) -> None:
    """torch.save of tensors and plain values (readable with weights_only=True), atomically.

    Serialised in memory first, then written as bytes: torch.save's own writer reports a full
    disk without its errno, and this way a full disk is named as one (files.atomic_path).
    """
    buffer = io.BytesIO()
    torch.save(data, buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getbuffer())


def load_tensors(path: str | Path):
    """What save_tensors wrote; a file torch cannot read (or one holding code) is Unreadable."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} does not exist")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for truncated, foreign or unsafe files
        raise Unreadable(path, f"{path} is unreadable (corrupt, truncated or not a torch file: {err})") from err


def save_checkpoint(path: str | Path, arch: str, model: nn.Module, **settings) -> None:
    """Write a checkpoint the pipeline can load back with `weights_only=True`."""
    save_tensors({"arch": arch, "state_dict": model.state_dict(), "settings": settings}, path)


def load_checkpoint(path: str | Path, arch: str) -> dict:
    """The state dict of a checkpoint written by `save_checkpoint`, checked against `arch`."""
    return read_checkpoint(path, arch)["state_dict"]


def read_checkpoint(path: str | Path, arch: str) -> dict:
    """A checkpoint written by `save_checkpoint` ({arch, state_dict, settings}), checked against `arch`."""
    path = Path(path)
    if not path.is_file():
        raise WeightsUnavailable(f"checkpoint {path} does not exist")
    try:
        checkpoint = load_tensors(path)
    except Unreadable as err:
        raise CorruptCheckpoint(path, f"checkpoint {path} is unreadable (corrupt or not a torch file): {err.__cause__}") from err
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("state_dict"), dict):
        raise CorruptCheckpoint(path, f"checkpoint {path} holds no 'state_dict' entry (not written by depthrep)")
    if checkpoint.get("arch") != arch:
        raise WeightsUnavailable(f"checkpoint {path} is for {checkpoint.get('arch')!r}, not {arch!r}")
    return checkpoint


def weights_source(checkpoint: str | Path | None) -> str | Path:
    """What `vision.load` takes for a pipeline job: its weights input (the checkpoint of a trained
    state: the noise-label model, or the ImageNet weights the pipeline fetched), or untrained."""
    return checkpoint or UNTRAINED
