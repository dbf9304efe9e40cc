"""Target images: files, packaged samples, resizing. (Missing and non-image files, a truncated
PNG: tests/test_bad_input.py.)"""

import numpy as np
import pytest
import torch
from PIL import Image

from depthrep import images


def write_bands(path):
    """A 60x20 image of three bands, red, green, blue, in the format of path's suffix."""
    pixels = np.zeros((20, 60, 3), dtype=np.uint8)
    pixels[:, :20, 0] = 255
    pixels[:, 20:40, 1] = 255
    pixels[:, 40:, 2] = 255
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture
def photo(tmp_path):
    return write_bands(tmp_path / "photo.jpg")


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_a_file_becomes_a_square_float_tensor_in_0_1(tmp_path, suffix):
    image = images.load_image(write_bands(tmp_path / f"bands.{suffix}"), 16)
    assert image.shape == (3, 16, 16) and image.dtype == torch.float32
    assert image.min() >= 0 and image.max() <= 1
    assert image[0, :, :4].mean() > 0.9 and image[2, :, -4:].mean() > 0.9  # squash keeps all three bands


def test_crop_takes_the_centre_square(photo):
    cropped = images.load_image(photo, 16, resize="crop")
    assert cropped[1].mean() > 0.9 and cropped[0].mean() < 0.1  # only the green centre is left
    assert images.load_image(photo, 16, resize="squash").shape == cropped.shape
    with pytest.raises(ValueError, match="resize"):
        images.load_image(photo, 16, resize="stretch")


def test_a_packaged_sample_works_offline():
    image = images.load_image("sample:chelsea", 32)
    assert image.shape == (3, 32, 32) and image.std() > 0.05
    with pytest.raises(images.ImageError, match="unknown sample image 'dalmatian'"):
        images.load_image("sample:dalmatian", 32)


def test_a_truncated_jpeg_is_named(photo):
    photo.write_bytes(photo.read_bytes()[:200])
    with pytest.raises(images.ImageError, match="not a readable image") as error:
        images.load_image(photo, 16)
    assert str(photo) in str(error.value)
