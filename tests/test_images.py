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


# --- every mode Pillow opens: read as what it shows, or refused naming the file ------------------
# Each mode is read from a file the test makes, in a format that Pillow opens in that mode; the
# modes that no format opens (RGBa, RGBX, HSV, I;16N) are checked on images made in memory.

SIXTEEN_BITS = np.array([[0, 32768, 65535]], dtype=np.uint16)


def read(path):
    """What images.read_rgb reads from path, checked to be an (H, W, 3) array."""
    pixels = images.read_rgb(path)
    assert pixels.ndim == 3 and pixels.shape[2] == 3
    return pixels.astype(np.float64) / (255 if pixels.dtype == np.uint8 else 1)


def opened(path, mode):
    with Image.open(path) as image:
        assert image.mode == mode, f"the test meant to make a {mode} file, Pillow opens it as {image.mode}"
    return path


def pgm(path, maxval, values):
    """A binary greymap: Pillow opens it as "I" when maxval is over 255."""
    path.write_bytes(b"P5\n%d 1\n%d\n" % (len(values), maxval) + np.asarray(values, dtype=">u2").tobytes())
    return path


@pytest.mark.parametrize(
    "make, mode",
    [
        (lambda tmp: Image.fromarray(SIXTEEN_BITS).save(tmp / "a.png") or tmp / "a.png", "I;16"),
        (lambda tmp: Image.frombytes("I;16B", (3, 1), SIXTEEN_BITS.astype(">u2").tobytes()).save(tmp / "a.tif") or tmp / "a.tif", "I;16B"),
        (lambda tmp: pgm(tmp / "a.pgm", 65535, [0, 32768, 65535]), "I"),
    ],
    ids=["I;16 png", "I;16B tiff", "I pgm"],
)
def test_sixteen_bit_images_are_scaled_not_clipped(tmp_path, make, mode):
    pixels = read(opened(make(tmp_path), mode))
    assert pixels[0, :, 0] == pytest.approx([0, 32768 / 65535, 1]) and (pixels == pixels[:, :, :1]).all()


def test_a_ten_bit_greymap_is_scaled_by_its_maxval(tmp_path):
    assert read(opened(pgm(tmp_path / "a.pgm", 1023, [0, 512, 1023]), "I"))[0, :, 0] == pytest.approx([0, 512 / 1023, 1], abs=1e-4)


def test_a_sixteen_bit_png_opened_as_I_by_older_pillow_is_scaled():
    old = Image.fromarray(SIXTEEN_BITS.astype(np.int32))
    old.format = "PNG"  # what older Pillow gives for a 16-bit PNG (Pillow 13 gives "I;16")
    assert images.rgb_pixels(old, "old.png")[0, :, 0] == pytest.approx([0, 32768 / 65535, 1])


@pytest.mark.parametrize("mode, order", [("I;16L", "<u2"), ("I;16N", "=u2")])
def test_sixteen_bit_modes_no_format_opens_are_scaled(mode, order):
    image = Image.frombytes(mode, (3, 1), SIXTEEN_BITS.astype(order).tobytes())
    assert images.rgb_pixels(image, "memory")[0, :, 0] == pytest.approx([0, 32768 / 65535, 1])


def test_a_sixteen_bit_image_loads_at_its_level_and_keeps_more_than_eight_bits(tmp_path):
    Image.fromarray(np.full((16, 16), 32768, dtype=np.uint16)).save(tmp_path / "grey.png")
    image = images.load_image(tmp_path / "grey.png", 8)
    assert image.dtype == torch.float32 and image.shape == (3, 8, 8)
    assert image.min().item() == image.max().item() == pytest.approx(32768 / 65535)
    Image.fromarray(np.full((16, 16), 25828, dtype=np.uint16)).save(tmp_path / "between.png")  # 100.498 / 255
    assert images.load_image(tmp_path / "between.png", 8).mean().item() == pytest.approx(25828 / 65535, abs=1e-6)


def test_a_32_bit_integer_tiff_is_scaled_by_its_type_and_negative_values_are_refused(tmp_path):
    Image.fromarray(np.array([[0, 2**30, 2**31 - 1]], dtype=np.int32)).save(tmp_path / "i.tif")
    assert read(opened(tmp_path / "i.tif", "I"))[0, :, 0] == pytest.approx([0, 0.5, 1])
    Image.fromarray(np.array([[-7, 0, 9]], dtype=np.int32)).save(tmp_path / "neg.tif")
    with pytest.raises(images.ImageError, match=r"neg\.tif holds 32-bit integer values from -7 to 9") as error:
        images.load_image(opened(tmp_path / "neg.tif", "I"), 8)
    assert str(tmp_path / "neg.tif") in str(error.value)


def test_a_signed_16_bit_tiff_is_scaled_by_32767(tmp_path):
    tifffile = pytest.importorskip("tifffile")
    tifffile.imwrite(tmp_path / "s.tif", np.array([[0, 16384, 32767]], dtype=np.int16))
    assert read(opened(tmp_path / "s.tif", "I"))[0, :, 0] == pytest.approx([0, 16384 / 32767, 1])


def test_a_float_tiff_in_0_1_is_read_as_it_is_and_other_ranges_are_refused(tmp_path):
    Image.fromarray(np.array([[0, 0.25, 1]], dtype=np.float32)).save(tmp_path / "f.tif")
    assert read(opened(tmp_path / "f.tif", "F"))[0, :, 0] == pytest.approx([0, 0.25, 1])
    Image.fromarray(np.array([[-0.5, 0.25, 2]], dtype=np.float32)).save(tmp_path / "hdr.tif")
    with pytest.raises(images.ImageError, match=r"hdr\.tif holds 32-bit float values from -0\.5 to 2; only values in \[0, 1\]") as error:
        images.load_image(tmp_path / "hdr.tif", 8)
    assert str(tmp_path / "hdr.tif") in str(error.value)
    Image.fromarray(np.array([[0, np.nan, 1]], dtype=np.float32)).save(tmp_path / "nan.tif")
    with pytest.raises(images.ImageError, match=r"nan\.tif holds 32-bit float values from 0 to 1 and values that are not finite"):
        images.load_image(tmp_path / "nan.tif", 8)


RED = (255, 0, 0)


@pytest.mark.parametrize(
    "mode, suffix, expected, tolerance",
    [
        ("1", "png", (1, 1, 1), 0),
        ("L", "png", (76 / 255,) * 3, 0),  # Pillow's luma of red
        ("P", "gif", (1, 0, 0), 0),
        ("RGB", "png", (1, 0, 0), 0),
        ("CMYK", "jpg", (1, 0, 0), 0.03),
        ("CMYK", "tif", (1, 0, 0), 0),
        ("YCbCr", "tif", (1, 0, 0), 0.01),
        ("LAB", "tif", (1, 0, 0), 0.05),
    ],
)
def test_eight_bit_modes_read_as_the_colour_they_show(tmp_path, mode, suffix, expected, tolerance):
    path = tmp_path / f"red.{suffix}"
    Image.new("RGB", (8, 8), RED).convert(mode).save(path)
    assert read(opened(path, mode))[4, 4] == pytest.approx(expected, abs=tolerance + 1e-9)


@pytest.mark.parametrize("mode", ["RGBX", "HSV"])
def test_eight_bit_modes_no_format_opens_read_as_the_colour_they_show(mode):
    assert images.rgb_pixels(Image.new("RGB", (2, 2), RED).convert(mode), "memory")[0, 0].tolist() == list(RED)


# transparency: composited over white; a half-transparent black pixel reads as (0 * 128 + 255 * 127) / 255
HALF = 127 / 255


def rgba_file(path, mode):
    pixels = np.array([[[255, 0, 0, 0], [0, 0, 0, 128], [0, 0, 255, 255]]], dtype=np.uint8)
    Image.fromarray(pixels).convert(mode).save(path)
    return path


def la_tiff(path):
    """A grey image with premultiplied (associated) alpha, which Pillow opens as "La"."""
    tifffile = pytest.importorskip("tifffile")
    tifffile.imwrite(path, np.array([[[0, 0], [0, 128], [0, 255]]], dtype=np.uint8), photometric="minisblack", extrasamples=["assocalpha"])
    return path


def p_file(path):
    """Palette red, black, blue; black marked transparent."""
    image = Image.new("P", (3, 1))
    image.putpalette([255, 0, 0, 0, 0, 0, 0, 0, 255])
    image.putdata([0, 1, 2])
    image.save(path, transparency=1)
    return path


def pa_tiff(path):
    image = Image.new("PA", (3, 1))
    image.putpalette([255, 0, 0, 0, 0, 0, 0, 0, 255])
    image.putdata([(0, 0), (1, 128), (2, 255)])
    image.save(path)
    return path


@pytest.mark.parametrize(
    "make, mode, expected, clear",
    [
        (lambda tmp: rgba_file(tmp / "a.png", "RGBA"), "RGBA", [(1, 1, 1), (HALF,) * 3, (0, 0, 1)], 2),
        (lambda tmp: rgba_file(tmp / "a.png", "LA"), "LA", [(1, 1, 1), (HALF,) * 3, (29 / 255,) * 3], 2),
        (lambda tmp: la_tiff(tmp / "a.tif"), "La", [(1, 1, 1), (HALF,) * 3, (0, 0, 0)], 2),
        (lambda tmp: pa_tiff(tmp / "a.tif"), "PA", [(1, 1, 1), (HALF,) * 3, (0, 0, 1)], 2),
        (lambda tmp: p_file(tmp / "a.png"), "P", [(1, 0, 0), (1, 1, 1), (0, 0, 1)], 1),
        (lambda tmp: p_file(tmp / "a.gif"), "P", [(1, 0, 0), (1, 1, 1), (0, 0, 1)], 1),
    ],
    ids=["RGBA png", "LA png", "La tiff", "PA tiff", "P png", "P gif"],
)
def test_transparent_pixels_are_composited_over_white_and_the_log_says_so(tmp_path, caplog, make, mode, expected, clear):
    path = opened(make(tmp_path), mode)
    with caplog.at_level("WARNING", logger="depthrep.images"):
        pixels = read(path)
    assert pixels[0] == pytest.approx(np.array(expected), abs=1e-9)
    assert f"target image {path} is not opaque at {clear} pixels: composited over white" in caplog.text


def test_a_colour_or_grey_level_marked_transparent_is_composited_over_white(tmp_path, caplog):
    Image.new("RGB", (2, 1), (0, 255, 0)).save(tmp_path / "green.png", transparency=(0, 255, 0))
    Image.fromarray(np.array([[0, 32768]], dtype=np.uint16)).save(tmp_path / "grey.png", transparency=0)
    with caplog.at_level("WARNING", logger="depthrep.images"):
        assert read(opened(tmp_path / "green.png", "RGB"))[0, 0] == pytest.approx((1, 1, 1))
        assert read(opened(tmp_path / "grey.png", "I;16"))[0, :, 0] == pytest.approx([1, 32768 / 65535])
    assert f"target image {tmp_path / 'grey.png'} is not opaque at 1 pixels: composited over white" in caplog.text


def test_premultiplied_rgba_and_an_rgba_palette_are_composited_over_white():
    premultiplied = Image.frombytes("RGBa", (2, 1), bytes([0, 0, 0, 0, 64, 0, 0, 128]))
    assert images.rgb_pixels(premultiplied, "memory").tolist() == [[[255, 255, 255], [64 + 127, 127, 127]]]
    palette = Image.new("P", (2, 1))
    palette.putpalette([255, 0, 0, 0, 0, 0, 255, 255], rawmode="RGBA")
    palette.putdata([0, 1])
    assert images.rgb_pixels(palette, "memory").tolist() == [[[255, 255, 255], [0, 0, 255]]]


def test_an_opaque_alpha_channel_reads_exactly_as_the_colours_and_logs_nothing(tmp_path, caplog):
    write_bands(tmp_path / "bands.png")
    Image.open(tmp_path / "bands.png").convert("RGBA").save(tmp_path / "opaque.png")
    with caplog.at_level("WARNING", logger="depthrep.images"):
        assert torch.equal(images.load_image(opened(tmp_path / "opaque.png", "RGBA"), 16), images.load_image(tmp_path / "bands.png", 16))
    assert caplog.text == ""


@pytest.mark.parametrize("mode", Image.MODES)
def test_every_mode_pillow_has_reads_as_rgb_in_range(mode):
    image = Image.new(mode, (4, 2))
    pixels = images.rgb_pixels(image, "memory")
    assert pixels.shape == (2, 4, 3) and pixels.dtype in (np.uint8, np.float32)
    assert pixels.min() >= 0 and pixels.max() <= (255 if pixels.dtype == np.uint8 else 1)


@pytest.mark.parametrize("suffix", ["gif", "tif"])
def test_a_multi_frame_file_is_read_from_its_first_frame_and_the_log_says_so(tmp_path, caplog, suffix):
    path = tmp_path / f"frames.{suffix}"
    red, blue = Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), (0, 0, 255))
    red.save(path, save_all=True, append_images=[blue])
    with caplog.at_level("WARNING", logger="depthrep.images"):
        assert read(path)[4, 4] == pytest.approx((1, 0, 0))
    assert f"target image {path} has 2 frames: the first is read" in caplog.text


def test_an_image_under_half_the_requested_size_is_loaded_with_a_warning_naming_it(tmp_path, caplog):
    Image.new("RGB", (40, 15), RED).save(tmp_path / "small.png")
    Image.new("RGB", (40, 16), RED).save(tmp_path / "half.png")
    with caplog.at_level("WARNING", logger="depthrep.images"):
        assert images.load_image(tmp_path / "half.png", 32).shape == (3, 32, 32)
        assert caplog.text == ""
        image = images.load_image(tmp_path / "small.png", 32)
    assert image.shape == (3, 32, 32) and image[0].mean() == pytest.approx(1)
    assert f"target image {tmp_path / 'small.png'} is 40 x 15 pixels, under half the requested 32 x 32" in caplog.text


def test_a_decompression_bomb_is_refused_naming_the_file(tmp_path, monkeypatch):
    Image.new("RGB", (64, 64)).save(tmp_path / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(images.ImageError, match=rf"target image {tmp_path / 'bomb.png'} is not a readable image"):
        images.load_image(tmp_path / "bomb.png", 16)
