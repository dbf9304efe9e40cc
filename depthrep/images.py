"""Target images: a file, or a sample photo shipped inside an installed package (offline use).

Images become float32 tensors (3, size, size) with values in [0, 1]. The author's code
squashes the aspect ratio (torchvision Resize to size x size), so "squash" is the default;
"crop" resizes the short side and takes the centre square.

Every mode Pillow opens is read as what it shows, or refused with an ImageError naming the file:

- 8-bit modes (1, L, P, RGB, RGBX, CMYK, YCbCr, LAB, HSV) go through Pillow's conversion to RGB;
  palette images through their palette.
- Transparency (RGBA, RGBa, LA, La, PA, a palette or a colour marked transparent) is composited
  over white, and the job log says so when some pixel is not opaque. The author's reader
  (torchvision's ImageReadMode.RGB) drops alpha and shows whatever colour transparent pixels
  happen to store, often black; white is what a viewer on a page shows. Refusing would turn
  away the common PNGs whose alpha is opaque everywhere; these read exactly as without alpha.
- Integer modes are scaled by the largest value their file's samples can hold, never clipped:
  16-bit modes (I;16, I;16B, I;16L, I;16N) by 65535 (4095 for a 12-bit TIFF). "I" (32-bit
  signed) by 65535 from PNG and PGM, whose "I" holds 16-bit samples (older Pillow opens 16-bit
  PNGs as "I", Pillow 13 as "I;16"; Pillow scales PGM to 16 bits), by the declared bits per
  sample from TIFF (a signed 16-bit TIFF opens as "I": 32767), by 2**31 - 1 otherwise. Negative
  values, or values above that largest one, are refused: there is no black or white to map
  them to.
- "F" (32-bit float) is read as it is when all values lie in [0, 1], and refused otherwise,
  naming the range found: scaling an arbitrary range would be a guess.
- Multi-frame files (animated GIF or PNG, TIFF pages, camera JPEGs with extra pictures) are read
  from their first frame, which is what Pillow opens and a still-image viewer shows; the job
  log says so.

An image whose shorter side is under half the requested size is still loaded, but a warning on
the `depthrep.images` logger (in the job's log) names it: it is upscaled more than twice, and
the target lacks the detail the inversions are judged on.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torchvision.transforms.v2 import functional as TF

from .samples import NAMES, SAMPLE_PREFIX

RESIZE_MODES = ("squash", "crop")
BACKGROUND = 255  # transparent pixels are composited over white

SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")

log = logging.getLogger(__name__)


class ImageError(ValueError):
    """A target image that is missing, unreadable, not an image, or holds values it cannot show."""


def _read_sample(name: str) -> np.ndarray:
    if name not in NAMES:
        raise ImageError(f"unknown sample image {name!r}; choose one of {list(NAMES)}")
    from skimage import data

    return getattr(data, name)()


def _first(value) -> int:
    return int(value[0] if isinstance(value, tuple) else value)


def _integer_maximum(image: Image.Image) -> int:
    """The largest value the file's integer samples can hold (see the module docstring)."""
    tags = getattr(image, "tag_v2", None)  # TIFF
    if tags is not None and 258 in tags:
        bits, signed = _first(tags[258]), _first(tags.get(339, 1)) == 2
        return 2 ** (bits - signed) - 1
    if image.mode in SIXTEEN_BIT_MODES or image.format in ("PNG", "PPM"):
        return 65535
    return 2**31 - 1


def _deep_pixels(image: Image.Image, name: str) -> np.ndarray:
    """(H, W, 3) float32 in [0, 1] from an I, I;16* or F image."""
    values = np.asarray(image).astype(np.float64)
    kind = "32-bit float" if image.mode == "F" else "16-bit" if image.mode in SIXTEEN_BIT_MODES else "32-bit integer"
    finite = values[np.isfinite(values)]
    low, high = (finite.min(), finite.max()) if finite.size else (np.nan, np.nan)
    if image.mode == "F":
        if finite.size < values.size or low < 0 or high > 1:
            raise ImageError(
                f"target image {name} holds {kind} values from {low:g} to {high:g}"
                + (" and values that are not finite" if finite.size < values.size else "")
                + "; only values in [0, 1] are read (scaling another range would be a guess): save it as an 8- or 16-bit image"
            )
        scaled = values
    else:
        maximum = _integer_maximum(image)
        if low < 0 or high > maximum:
            raise ImageError(
                f"target image {name} holds {kind} values from {low:g} to {high:g}, outside 0 to {maximum} "
                "(there is no black or white to map them to): save it as an 8- or 16-bit unsigned image"
            )
        scaled = values / maximum
    if "transparency" in image.info:  # a grey level marked transparent (PNG tRNS), composited over white
        clear = values == image.info["transparency"]
        if clear.any():
            log.warning("target image %s is not opaque at %d pixels: composited over white", name, int(clear.sum()))
        scaled = np.where(clear, BACKGROUND / 255, scaled)
    return np.repeat(scaled.astype(np.float32)[:, :, None], 3, axis=2)


def _composite(image: Image.Image, name: str) -> np.ndarray:
    """(H, W, 3) uint8: an image with transparency composited over white, rounded to 8 bits."""
    rgba = np.asarray((image.convert("LA") if image.mode == "La" else image).convert("RGBA")).astype(np.int32)
    colour, alpha = rgba[:, :, :3], rgba[:, :, 3:]
    if (alpha < 255).any():
        log.warning("target image %s is not opaque at %d pixels: composited over white", name, int((alpha < 255).sum()))
    blended = colour * alpha + BACKGROUND * (255 - alpha)  # x 255, rounded back below; alpha 255 keeps the colour exactly
    return ((blended + 127) // 255).astype(np.uint8)


def rgb_pixels(image: Image.Image, name: str) -> np.ndarray:
    """An (H, W, 3) array of what a Pillow image of any mode shows: uint8 (0..255) for 8-bit modes,
    float32 in [0, 1] for 16- and 32-bit modes. `name` (the file) goes into refusals and warnings."""
    if image.mode in ("I", "F", *SIXTEEN_BIT_MODES):
        return _deep_pixels(image, name)
    if image.has_transparency_data:  # an alpha channel (RGBA, RGBa, LA, La, PA), an RGBA palette or a transparent colour
        return _composite(image, name)
    return np.asarray(image.convert("RGB"))


def _read_file(path: Path) -> np.ndarray:
    if not path.is_file():
        raise ImageError(f"target image {path} does not exist")
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            image.load()
            if frames > 1:
                log.warning("target image %s has %d frames: the first is read", path, frames)
            return rgb_pixels(image, str(path))
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as err:
        raise ImageError(f"target image {path} is not a readable image: {err}") from err


def read_rgb(source: str | Path) -> np.ndarray:
    """An (H, W, 3) array from a file path or "sample:<name>": uint8 for 8-bit images, float32 in
    [0, 1] for 16- and 32-bit ones (see rgb_pixels)."""
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
    array = read_rgb(source)
    height, width = array.shape[:2]
    if 2 * min(height, width) < size:  # upscaled more than twice
        log.warning(
            "target image %s is %d x %d pixels, under half the requested %d x %d: it is upscaled and blurry",
            source,
            width,
            height,
            size,
            size,
        )
    pixels = torch.from_numpy(array.copy()).permute(2, 0, 1)
    # 8-bit images keep the uint8 resize (then / 255) so that their results stay identical to
    # earlier versions; only 16- and 32-bit images, already float in [0, 1], resize as float.
    if resize == "crop":
        pixels = TF.center_crop(TF.resize(pixels, [size], antialias=True), [size, size])
    else:
        pixels = TF.resize(pixels, [size, size], antialias=True)
    if pixels.dtype == torch.uint8:
        return pixels.float().div(255).clamp(0, 1)
    return pixels.float().clamp(0, 1)


def save_image(image: torch.Tensor, path: str | Path) -> None:
    """Write a (3, H, W) tensor as PNG, clipped to [0, 1] for display only."""
    array = image.detach().float().clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).cpu().numpy()
    Image.fromarray(array).save(path)
