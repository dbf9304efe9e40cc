"""Target images as the pipeline uses them: resized once, stored with their source and checksum."""

from __future__ import annotations

from pathlib import Path

from .downloads import sha256
from .images import SAMPLE_PREFIX, load_image, save_image
from .io import save_tensors


def describe_source(spec: str | dict) -> str:
    """A short human-readable origin of a target image, for captions and the summary."""
    if isinstance(spec, dict):
        return f"{spec['url'].rsplit('/', 1)[-1]}:{spec['member']}"
    return str(spec)


def is_stand_in(spec: str | dict) -> bool:
    """True when a target is a packaged sample photo standing in for the paper's image."""
    return isinstance(spec, str) and spec.startswith(SAMPLE_PREFIX)


def prepare(source: str | Path, size: int, resize: str, out_tensor: str | Path, out_png: str | Path, origin: str) -> None:
    """Load, resize and store a target image (tensor for the jobs, PNG for looking at)."""
    image = load_image(source, size, resize)
    checksum = None if str(source).startswith(SAMPLE_PREFIX) else sha256(source)
    save_tensors({"image": image, "origin": origin, "sha256": checksum, "size": size, "resize": resize}, out_tensor)
    save_image(image, out_png)
