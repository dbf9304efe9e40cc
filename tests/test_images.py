"""Target images: files, packaged samples, resizing, and clear errors."""

import numpy as np
import pytest
import torch
from PIL import Image

from depthrep import images, metrics


@pytest.fixture
def photo(tmp_path):
    """A 60x20 JPEG of three bands: red, green, blue."""
    pixels = np.zeros((20, 60, 3), dtype=np.uint8)
    pixels[:, :20, 0] = 255
    pixels[:, 20:40, 1] = 255
    pixels[:, 40:, 2] = 255
    path = tmp_path / "photo.jpg"
    Image.fromarray(pixels).save(path, quality=95)
    return path


def test_a_file_becomes_a_square_float_tensor_in_0_1(photo):
    image = images.load_image(photo, 16)
    assert image.shape == (3, 16, 16) and image.dtype == torch.float32
    assert 0 <= image.min() and image.max() <= 1
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


@pytest.mark.parametrize("content, message", [(None, "does not exist"), (b"just text", "not a readable image")])
def test_missing_and_non_image_files_are_named(tmp_path, content, message):
    path = tmp_path / "target.jpg"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(images.ImageError, match=message) as error:
        images.load_image(path, 16)
    assert str(path) in str(error.value)


def test_a_truncated_jpeg_is_named(photo):
    photo.write_bytes(photo.read_bytes()[:200])
    with pytest.raises(images.ImageError, match="not a readable image") as error:
        images.load_image(photo, 16)
    assert str(photo) in str(error.value)


def test_distance_is_one_l2_norm_per_problem():
    x = torch.zeros(2, 3, 2, 2)
    y = torch.zeros(2, 3, 2, 2)
    y[0] += 1.0
    assert metrics.distance(x, y).tolist() == pytest.approx([12 ** 0.5, 0.0])
    assert metrics.distance(x.double(), y.double()).dtype == torch.float64


def test_the_shifted_input_is_seeded_with_the_requested_spread():
    image = torch.full((3, 64, 64), 0.5)
    a = metrics.shifted(image, 0.05, seed=3)
    assert torch.equal(a, metrics.shifted(image, 0.05, seed=3))
    assert not torch.equal(a, metrics.shifted(image, 0.05, seed=4))
    assert (a - image).std().item() == pytest.approx(0.05, rel=0.05)
