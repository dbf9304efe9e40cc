"""Representation similarity, checked against the defining properties of each measure."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from depthrep.experiments import similarity as sim


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Matrices here are tiny: one thread avoids oversubscribing shared cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _random(n, p, seed=0):
    return torch.randn(n, p, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _orthogonal(p, seed=0):
    q, _ = torch.linalg.qr(_random(p, p, seed))
    return q


# ----------------------------------------------------------------------------- linear CKA


@pytest.mark.parametrize("n, p", [(50, 8), (8, 50)])  # the feature form and the n x n form
def test_cka_of_a_layer_with_itself_is_one(n, p):
    x = _random(n, p)
    assert sim.linear_cka(x, x) == pytest.approx(1, abs=1e-12)


@pytest.mark.parametrize("n, p", [(50, 8), (8, 50)])
def test_cka_ignores_rotations_and_isotropic_scaling(n, p):
    x, y = _random(n, p, 0), _random(n, 6, 1) + _random(n, p, 0)[:, :6]
    reference = sim.linear_cka(x, y)
    assert sim.linear_cka(x @ _orthogonal(p, 2), y) == pytest.approx(reference, abs=1e-10)
    assert sim.linear_cka(7.5 * x, y) == pytest.approx(reference, abs=1e-10)


def test_cka_changes_under_a_non_isotropic_scaling():
    x, y = _random(40, 5, 0), _random(40, 5, 1) + _random(40, 5, 0)
    stretched = x * torch.tensor([10.0, 1, 1, 1, 1], dtype=torch.float64)
    assert abs(sim.linear_cka(stretched, y) - sim.linear_cka(x, y)) > 1e-2


def test_cka_is_symmetric_and_in_the_unit_interval():
    for seed in range(5):
        x, y = _random(20, 7, seed), _random(20, 30, seed + 10)
        value = sim.linear_cka(x, y)
        assert 0 <= value <= 1
        assert sim.linear_cka(y, x) == pytest.approx(value, abs=1e-12)


def test_both_forms_give_the_same_value():
    x, y = _random(30, 4, 0), _random(30, 5, 1) + _random(30, 4, 0)[:, :1]  # 4 and 5 features: feature form
    wide = x.repeat(1, 20) / math.sqrt(20)  # 80 features with the same example Gram matrix: n x n form
    assert torch.allclose(wide @ wide.T, x @ x.T)
    assert sim.linear_cka(wide, y) == pytest.approx(sim.linear_cka(x, y), abs=1e-12)


def test_cka_by_hand():
    # Three examples, two features, with offsets that centring removes:
    #   X = (4, 5), (3, 6), (2, 4)   column means (3, 5)   centred: (1, 0), (0, 1), (-1, -1)
    #   Y = (3, -1), (2, -1), (1, -1) column means (2, -1)  centred: (1, 0), (0, 0), (-1, 0)
    # Y^T X = [[1*1 + 0*0 + (-1)(-1), 1*0 + 0*1 + (-1)(-1)], [0, 0]] = [[2, 1], [0, 0]]  -> ||.||^2 = 4 + 1 = 5
    # X^T X = [[1 + 0 + 1, 0 + 0 + 1], [1, 0 + 1 + 1]] = [[2, 1], [1, 2]]                -> ||.|| = sqrt(10)
    # Y^T Y = [[2, 0], [0, 0]]                                                             -> ||.|| = 2
    # CKA = 5 / (2 sqrt(10)) = 0.790569...
    x = [[4.0, 5.0], [3.0, 6.0], [2.0, 4.0]]
    y = [[3.0, -1.0], [2.0, -1.0], [1.0, -1.0]]
    assert sim.linear_cka(np.array(x), np.array(y)) == pytest.approx(5 / (2 * math.sqrt(10)), abs=1e-12)


def test_cka_of_a_constant_layer_is_undefined():
    assert math.isnan(sim.linear_cka(torch.ones(5, 3), _random(5, 3)))


def test_examples_must_match():
    with pytest.raises(ValueError, match="same examples"):
        sim.linear_cka(_random(5, 3), _random(6, 3))


# ----------------------------------------------------------------------------- SVCCA


def test_svcca_of_a_layer_with_itself_is_one():
    x = _random(60, 10)
    result = sim.svcca(x, x)
    assert result.mean == pytest.approx(1, abs=1e-10)
    assert torch.allclose(result.correlations, torch.ones_like(result.correlations), atol=1e-10)


def test_svcca_ignores_an_invertible_linear_map():
    # A rank-4 layer in 10 features: the SVD keeps the same 4-dimensional subspace on both
    # sides, and CCA is blind to any invertible map within it; the six rounding-level
    # directions must be dropped for this to hold.
    x = _random(80, 4, 0) @ _random(4, 10, 1)
    mixing = _random(10, 10, 2) + 3 * torch.eye(10, dtype=torch.float64)
    assert torch.linalg.cond(mixing) < 100
    result = sim.svcca(x, x @ mixing, keep=0.99)
    assert len(result.correlations) == 4
    assert result.mean == pytest.approx(1, abs=1e-9)


def test_svcca_of_full_rank_layers_under_a_mixing_is_one_when_every_direction_is_kept():
    x = _random(80, 6, 0)
    mixed = x @ (_random(6, 6, 3) + 3 * torch.eye(6, dtype=torch.float64))
    assert sim.svcca(x, mixed, keep=6).mean == pytest.approx(1, abs=1e-9)
    assert sim.svcca(x, mixed, keep=1.0).mean == pytest.approx(1, abs=1e-9)


def test_svd_step_matches_numpy():
    x = _random(9, 5, 4).numpy() + np.arange(5.0)  # offsets: the step centres first
    centred = x - x.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    reduced = sim.svd_reduce(x, keep=3).numpy()
    expected = u[:, :3] * s[:3]
    signs = np.sign((reduced * expected).sum(axis=0))  # singular vectors are defined up to sign
    np.testing.assert_allclose(reduced * signs, expected, atol=1e-12)
    # keep as a fraction: the fewest directions whose variance reaches it
    share = np.cumsum(s**2) / np.sum(s**2)
    assert sim.svd_reduce(x, keep=float(share[1])).shape == (9, 2)
    assert sim.svd_reduce(x, keep=float(share[1]) + 1e-6).shape == (9, 3)


def test_canonical_correlations_are_sorted_and_bounded():
    result = sim.cca(_random(200, 3, 0), _random(200, 4, 1))
    values = result.correlations
    assert len(values) == 3 and torch.all(values[:-1] >= values[1:])
    assert torch.all((values >= 0) & (values <= 1)) and result.mean < 0.3  # independent noise


def test_keep_must_be_a_fraction_or_a_count():
    with pytest.raises(ValueError, match="keep"):
        sim.svcca(_random(10, 3), _random(10, 3), keep=1.5)
    with pytest.raises(ValueError, match="keep"):
        sim.svcca(_random(10, 3), _random(10, 3), keep=0)


# ----------------------------------------------------------------------------- reduction


def test_random_projection_keeps_cka_approximately():
    # A wide layer (3000 features) with structure shared with a second layer.
    shared = _random(40, 5, 0)
    x = shared @ _random(5, 3000, 1) + 0.5 * _random(40, 3000, 2)
    y = shared @ _random(5, 200, 3) + _random(40, 200, 4)
    reduced = sim.reduce(x, features=512, seed=0)
    assert reduced.shape == (40, 512)
    assert sim.linear_cka(reduced, y) == pytest.approx(sim.linear_cka(x, y), abs=0.03)


def test_random_projection_is_seeded_and_leaves_small_layers_alone():
    x = _random(10, 5000)
    assert torch.equal(sim.reduce(x, 64, seed=1), sim.reduce(x, 64, seed=1))
    assert not torch.equal(sim.reduce(x, 64, seed=1), sim.reduce(x, 64, seed=2))
    small = _random(10, 30)
    assert torch.equal(sim.reduce(small, 64), small)


def test_batches_reduced_separately_line_up():
    x = _random(10, 5000)
    together = sim.reduce(x, 64, seed=1)
    apart = torch.cat([sim.reduce(x[:4], 64, seed=1), sim.reduce(x[4:], 64, seed=1)])
    assert torch.allclose(apart, together, atol=1e-12)


def test_pooling_is_exact_for_maps_constant_over_each_cell():
    coarse = _random(12, 4 * 4 * 4, 0).reshape(12, 4, 4, 4)
    fine = coarse.repeat_interleave(4, dim=2).repeat_interleave(4, dim=3)  # 4 x 16 x 16 maps
    pooled = sim.reduce(fine, features=4 * 4 * 4 + 10, method="pool")  # room for a 4 x 4 grid
    assert pooled.shape == (12, 64)
    other = _random(12, 20, 1)
    assert sim.linear_cka(pooled, other) == pytest.approx(sim.linear_cka(fine, other), abs=1e-12)
    assert sim.reduce(fine, features=3, method="pool").shape == (12, 4)  # never below one value per channel


# ----------------------------------------------------------------------------- bootstrap


def test_bootstrap_interval_holds_the_estimate_and_repeats_for_a_seed():
    shared = _random(30, 3, 0)
    x, y = shared @ _random(3, 8, 1) + _random(30, 8, 2), shared @ _random(3, 6, 3) + _random(30, 6, 4)
    interval = sim.bootstrap(sim.linear_cka, x, y, draws=200, seed=5)
    assert interval.estimate == pytest.approx(sim.linear_cka(x, y))
    assert interval.low <= interval.estimate <= interval.high and interval.low < interval.high
    assert sim.bootstrap(sim.linear_cka, x, y, draws=200, seed=5) == interval
    assert sim.bootstrap(sim.linear_cka, x, y, draws=200, seed=6) != interval


def test_bootstrap_of_svcca_is_shifted_upwards_by_repeated_rows():
    # The documented limitation: a resample repeats rows, CCA overfits the fewer distinct
    # examples, so the draws sit above the estimate (here 300 examples, 8 + 6 directions).
    shared = _random(300, 3, 0)
    x, y = shared @ _random(3, 8, 1) + _random(300, 8, 2), shared @ _random(3, 6, 3) + _random(300, 6, 4)
    interval = sim.bootstrap(lambda a, b: sim.svcca(a, b).mean, x, y, draws=100, seed=5)
    assert interval.estimate < interval.low < interval.high
    assert sim.bootstrap(lambda a, b: sim.svcca(a, b).mean, x, y, draws=100, seed=5) == interval


# ----------------------------------------------------------------------------- noisy copies


def test_noisy_copies_add_seeded_gaussian_noise():
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(0))
    group = sim.noisy_copies(image, sigma=0.1, copies=20, seed=3)
    assert group.shape == (20, 3, 16, 16)
    assert torch.equal(group, sim.noisy_copies(image, sigma=0.1, copies=20, seed=3))
    assert (group - image).std().item() == pytest.approx(0.1, rel=0.05)
    assert torch.equal(sim.noisy_copies(image, sigma=0.0, copies=4, seed=3), image.expand(4, -1, -1, -1))


def test_identical_copies_have_one_singular_value_or_none_when_centred():
    activation = torch.rand(2, 5, 5, generator=torch.Generator().manual_seed(1)).double()
    group = sim.noisy_copies(activation, sigma=0.0, copies=6)
    spectrum = sim.perturbed_group_spectrum(group)
    assert spectrum.singular_values[0] == pytest.approx(math.sqrt(6) * activation.norm().item())
    assert torch.all(spectrum.singular_values[1:] < 1e-12)
    assert spectrum.explained_variance_ratio[0] == pytest.approx(1)
    centred = sim.perturbed_group_spectrum(group, centre=True)
    assert torch.all(centred.singular_values < 1e-12)


def test_explained_variance_of_a_noisy_group_sums_to_one():
    image = torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(2))
    for centre in (False, True):
        spectrum = sim.perturbed_group_spectrum(sim.noisy_copies(image, 0.2, copies=10, seed=0), centre=centre)
        ratio = spectrum.explained_variance_ratio
        assert len(ratio) == 10 and ratio.sum().item() == pytest.approx(1)
        assert torch.all(ratio[:-1] >= ratio[1:]) and torch.all(ratio >= 0)
        assert torch.allclose(ratio, spectrum.singular_values**2 / (spectrum.singular_values**2).sum())
    # not centred, the first direction is the clean image: it carries most of the variance
    assert sim.perturbed_group_spectrum(sim.noisy_copies(image, 0.2, 10, seed=0)).explained_variance_ratio[0] > 0.8
