"""Target images as the pipeline uses them: resized once, stored with their source and checksum."""

from __future__ import annotations

from pathlib import Path

from ..files import sha256
from ..images import load_image, save_image
from ..models.weights import save_tensors
from ..samples import is_sample


def prepare(source: str | Path, size: int, resize: str, out_tensor: str | Path, out_png: str | Path, origin: str) -> None:
    """Load, resize and store a target image (tensor for the jobs, PNG for looking at)."""
    image = load_image(source, size, resize)
    checksum = None if is_sample(source) else sha256(source)
    save_tensors({"image": image, "origin": origin, "sha256": checksum, "size": size, "resize": resize}, out_tensor)
    save_image(image, out_png)
