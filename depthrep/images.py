"""Target images: a file, or a sample photo shipped inside an installed package (offline use).

Images become float32 tensors (3, size, size) with values in [0, 1]. The author's code
squashes the aspect ratio (torchvision Resize to size x size), so "squash" is the default;
"crop" resizes the short side and takes the centre square.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torchvision.transforms.v2 import functional as TF

from .samples import NAMES, SAMPLE_PREFIX

RESIZE_MODES = ("squash", "crop")


class ImageError(ValueError):
    """A target image that is missing, unreadable or not an image."""


def _read_sample(name: str) -> np.ndarray:
    if name not in NAMES:
        raise ImageError(f"unknown sample image {name!r}; choose one of {list(NAMES)}")
    from skimage import data

    return getattr(data, name)()


def _read_file(path: Path) -> np.ndarray:
    if not path.is_file():
        raise ImageError(f"target image {path} does not exist")
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise ImageError(f"target image {path} is not a readable image: {err}") from err


def read_rgb(source: str | Path) -> np.ndarray:
    """An (H, W, 3) uint8 array from a file path or "sample:<name>"."""
    text = str(source)
    if text.startswith(SAMPLE_PREFIX):
        return _read_sample(text[len(SAMPLE_PREFIX) :])
    return _read_file(Path(source))


def load_image(source: str | Path, size: int, resize: str = "squash") -> torch.Tensor:
    """The image at `source` as a (3, size, size) float32 tensor in [0, 1]."""
    if resize not in RESIZE_MODES:
        raise ValueError(f"resize must be one of {RESIZE_MODES}, got {resize!r}")
    if int(size) < 8:
        raise ValueError(f"image size must be at least 8 pixels, got {size}")
    pixels = torch.from_numpy(read_rgb(source).copy()).permute(2, 0, 1)
    if resize == "crop":
        pixels = TF.center_crop(TF.resize(pixels, [size], antialias=True), [size, size])
    else:
        pixels = TF.resize(pixels, [size, size], antialias=True)
    return pixels.float().div(255).clamp(0, 1)


def save_image(image: torch.Tensor, path: str | Path) -> None:
    """Write a (3, H, W) tensor as PNG, clipped to [0, 1] for display only."""
    array = image.detach().float().clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).cpu().numpy()
    Image.fromarray(array).save(path)
