"""Representations beyond the paper: the exact and sketched reductions, CKA of many layers at
once with bootstrap intervals, the image sets, the activations of every cut and the tables the
representations figure draws."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from depthrep.experiments import representations as rep
from depthrep.experiments import similarity as sim
from depthrep.experiments.noise_labels import NoiseImages, NoiseSettings
from depthrep.models import vision
from depthrep.seeds import NOISE_IMAGES, generator

CPU = torch.device("cpu")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _random(n, p, seed=0):
    return torch.randn(n, p, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# ----------------------------------------------------------------------------- reductions


def test_gram_coordinates_keep_every_inner_product_and_so_every_measure():
    x = _random(12, 3000, 0).relu()  # wider than the examples, like a conv layer
    y = _random(12, 40, 1) + x[:, :40]
    reduced = sim.gram_coordinates(x, block=512)  # accumulated over blocks of features
    assert reduced.shape == (12, 12)
    assert torch.allclose(reduced @ reduced.T, x @ x.T, rtol=1e-10, atol=1e-8)
    assert sim.linear_cka(reduced, y) == pytest.approx(sim.linear_cka(x, y), abs=1e-10)
    assert sim.svcca(reduced, y, 0.99).mean == pytest.approx(sim.svcca(x, y, 0.99).mean, abs=1e-8)
    rows = torch.tensor([2, 5, 7, 11])  # any group of rows: its singular values are kept
    assert torch.allclose(torch.linalg.svdvals(reduced[rows]), torch.linalg.svdvals(x[rows]), rtol=1e-9)


def test_gram_coordinates_drop_directions_at_rounding_level():
    x = _random(10, 3, 0) @ _random(3, 200, 1)  # rank 3
    assert sim.gram_coordinates(x).shape == (10, 3)


def test_count_sketch_is_a_signed_bucket_sum_drawn_from_its_seed():
    x = _random(6, 5000, 0)
    sketch = sim.CountSketch(5000, 256, seed=4)
    draws = torch.Generator().manual_seed(4)
    buckets, signs = torch.randint(256, (5000,), generator=draws), torch.randint(2, (5000,), generator=draws) * 2 - 1
    by_hand = torch.zeros(6, 256, dtype=torch.float64).index_add_(1, buckets, x * signs)
    assert torch.allclose(sketch(x), by_hand, atol=1e-10)
    assert torch.equal(sketch(x[:3]), sketch(x)[:3])  # batches sketched separately line up
    with pytest.raises(ValueError, match="for 5000 features, got 10"):
        sketch(x[:, :10])


def test_count_sketch_keeps_inner_products_to_about_one_over_root_features():
    x = _random(8, 20000, 0) + 0.5
    sketched = sim.CountSketch(20000, 4096, seed=0)(x)
    relative = (sketched @ sketched.T - x @ x.T).abs().max() / (x @ x.T).abs().max()
    assert relative < 4 / math.sqrt(4096)
    assert sim.linear_cka(sketched, x[:, :50]) == pytest.approx(sim.linear_cka(x, x[:, :50]), abs=0.05)


def test_cka_matrix_is_every_pairwise_cka():
    layers = [_random(15, 8, 0), _random(15, 30, 1), _random(15, 8, 0) @ _random(8, 5, 2)]
    matrix = sim.cka_matrix(layers)
    for i, a in enumerate(layers):
        for j, b in enumerate(layers):
            assert matrix[i, j] == pytest.approx(sim.linear_cka(a, b), abs=1e-12)


def test_cka_matrix_by_hand():
    # The case of test_similarity.test_cka_by_hand: 5 / (2 sqrt(10)).
    x = torch.tensor([[4.0, 5.0], [3.0, 6.0], [2.0, 4.0]])
    y = torch.tensor([[3.0, -1.0], [2.0, -1.0], [1.0, -1.0]])
    assert sim.cka_matrix([x, y])[0, 1] == pytest.approx(5 / (2 * math.sqrt(10)), abs=1e-12)


def test_bootstrap_matrix_holds_the_estimate_and_repeats_for_a_seed():
    base = _random(40, 6, 0)
    layers = [base, base + 0.5 * _random(40, 6, 1), _random(40, 6, 2)]
    low, high = sim.bootstrap_cka_matrix(layers, draws=200, seed=3)
    estimate = sim.cka_matrix(layers)
    assert torch.all(low <= estimate + 1e-12) and torch.all(estimate <= high + 1e-12)
    assert high[0, 1] - low[0, 1] > 0.01 and low[0, 0] == pytest.approx(1) == high[0, 0]
    again = sim.bootstrap_cka_matrix(layers, draws=200, seed=3)
    assert torch.equal(again[0], low) and torch.equal(again[1], high)
    single = sim.bootstrap(sim.linear_cka, layers[0], layers[1], draws=200, seed=3)  # the same resamples
    assert (single.low, single.high) == pytest.approx((float(low[0, 1]), float(high[0, 1])), abs=1e-9)


# ----------------------------------------------------------------------------- image sets


def test_an_image_set_holds_its_parts_in_order_with_their_seeds():
    target = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(0))
    images = rep.image_set(16, photos=5, noise=2, seed=1, copies_of=target, sigmas=(0.2, 0.01), count=3)
    assert images.images.shape == (5 + 2 + 6, 3, 16, 16)
    assert list(images.rows.part) == ["photo"] * 5 + ["noise"] * 2 + ["copies"] * 6
    assert images.rows.sigma.iloc[:7].isna().all() and list(images.rows.sigma.iloc[7:]) == [0.2] * 3 + [0.01] * 3
    photos = images.images[:5]
    assert photos.min() >= 0 and photos.max() <= 1 and not torch.equal(photos[0], photos[4])  # crops of the same photo differ
    assert torch.equal(rep.photo_crop(3, 16, 1), photos[3]) and not torch.equal(rep.photo_crop(3, 16, 2), photos[3])
    small = images.images[-3:] - target
    assert 0.005 < small.std() < 0.02  # sigma 0.01, not clipped


def test_noise_images_are_the_noise_models_training_images_at_its_size():
    settings = NoiseSettings(images=10, classes=3, image_size=16, mean=0.5, std=0.25, seed=7)
    images = rep.image_set(16, photos=0, noise=2, seed=7, noise_mean=0.5, noise_std=0.25)
    assert torch.equal(images.images[1], NoiseImages(settings).image(1))
    assert torch.equal(images.images[0], 0.5 + 0.25 * torch.randn(3, 16, 16, generator=generator(7, NOISE_IMAGES, 0)))


def test_cifar_images_are_resized_to_the_set():
    cifar = torch.rand(4, 3, 32, 32)
    images = rep.image_set(48, photos=0, noise=0, seed=0, cifar=cifar)
    assert images.images.shape == (4, 3, 48, 48) and list(images.rows.part) == ["cifar"] * 4
    with pytest.raises(ValueError, match="needs some images"):
        rep.image_set(48, photos=0, noise=0, seed=0)


# ----------------------------------------------------------------------------- activations and tables


@pytest.fixture(scope="module")
def resnet18_files():
    """Activation records of an untrained ResNet18 and of a second init, on 10 images + copies."""
    target = rep.photo_crop(0, 32, 5)
    images = rep.image_set(32, photos=8, noise=2, seed=0, copies_of=target, sigmas=(0.2, 1e-6), count=4)
    files = {}
    for state, seed in (("untrained", 0), ("other", 1)):
        reduced = rep.activations(vision.load("resnet18", seed=seed), "resnet18", images.images, 5, CPU, {"method": "exact"}, 0)
        files[("resnet18", state)] = rep.activations_record("resnet18", state, images, reduced, {})
    return images, files


def test_exact_activations_are_the_layers_gram_coordinates(resnet18_files):
    images, files = resnet18_files
    reduced = files[("resnet18", "untrained")]["activations"]
    assert list(reduced) == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    with torch.no_grad():
        raw = vision.cut(vision.load("resnet18", seed=0), "resnet18", ["conv3"])(images.images)["conv3"].flatten(1).double()
    assert torch.allclose(reduced["conv3"] @ reduced["conv3"].T, raw @ raw.T, rtol=1e-5, atol=1e-3)
    sketched = rep.activations(
        vision.load("resnet18", seed=0), "resnet18", images.images, 4, CPU, {"method": "sketch", "features": 2048}, 0
    )
    probe = torch.arange(10)
    assert sim.linear_cka(sketched["conv1"][probe], reduced["conv1"][probe]) > 0.97
    with pytest.raises(ValueError, match="exact or sketch"):
        rep.activations(vision.load("resnet18"), "resnet18", images.images, 4, CPU, {"method": "pool"}, 0)


def test_similarity_table_compares_within_across_states_and_architectures(resnet18_files):
    _, files = resnet18_files
    pairs = [("resnet18", "untrained"), ("resnet18", "other")]
    table = rep.similarity_table(files, within=pairs[:1], states=pairs, architectures=pairs, bootstrap=30, keep=0.99, seed=0)
    counts = table.comparison.value_counts().to_dict()
    assert counts == {"within": 15, "states": 5, "architectures": 55}  # 5 + 10 pairs; 5 cuts; 10 cuts, a <= b
    assert (table.images == 10).all()  # the probe images only, not the copies
    diagonal = table[(table.comparison == "within") & (table.layer_a == table.layer_b)]
    assert np.allclose(diagonal.cka, 1) and np.allclose(diagonal.svcca, 1)
    assert table.cka.between(0, 1 + 1e-9).all() and (table.cka_low <= table.cka + 1e-9).all() and (table.cka <= table.cka_high + 1e-9).all()
    same = table[table.comparison == "states"].set_index("layer_a")
    across = table[(table.comparison == "architectures") & (table.state_a == "untrained") & (table.state_b == "other")]
    assert same.loc["conv2", "cka"] == pytest.approx(across[(across.layer_a == "conv2") & (across.layer_b == "conv2")].cka.iloc[0])
    x = files[("resnet18", "untrained")]["activations"]
    by_hand = sim.linear_cka(x["conv1"][:10], x["conv5"][:10])
    assert table[(table.comparison == "within") & (table.layer_a == "conv1") & (table.layer_b == "conv5")].cka.iloc[0] == pytest.approx(
        by_hand
    )


def test_spectrum_table_gives_the_groups_singular_values(resnet18_files):
    _, files = resnet18_files
    table = rep.spectrum_table(files, {("resnet18", "untrained"): 0, ("resnet18", "other"): 4})
    assert set(table.sigma) == {0.2, 1e-6} and set(table.epoch) == {0, 4}
    first = table[table.component == 1].set_index(["state", "layer", "sigma"])
    assert (first.explained > 0.999).xs(1e-6, level="sigma").all()  # near-identical copies: one direction
    assert (first.xs(0.2, level="sigma").explained < first.xs(1e-6, level="sigma").explained).all()
    group = files[("resnet18", "untrained")]["activations"]["conv2"][10:14]
    assert first.loc[("untrained", "conv2", 0.2), "singular_value"] == pytest.approx(float(torch.linalg.svdvals(group)[0]))
