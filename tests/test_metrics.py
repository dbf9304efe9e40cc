"""The paper's distances: one L2 norm per problem, and the seeded shift a' of eq. 7."""

import pytest
import torch

from depthrep.engine import metrics


def test_distance_is_one_l2_norm_per_problem():
    x = torch.zeros(2, 3, 2, 2)
    y = torch.zeros(2, 3, 2, 2)
    y[0] += 1.0
    assert metrics.distance(x, y).tolist() == pytest.approx([12**0.5, 0.0])
    assert metrics.distance(x.double(), y.double()).dtype == torch.float64


def test_the_shifted_input_is_seeded_with_the_requested_spread():
    image = torch.full((3, 64, 64), 0.5)
    a = metrics.shifted(image, 0.05, seed=3)
    assert torch.equal(a, metrics.shifted(image, 0.05, seed=3))
    assert not torch.equal(a, metrics.shifted(image, 0.05, seed=4))
    assert (a - image).std().item() == pytest.approx(0.05, rel=0.05)
