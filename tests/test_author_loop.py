"""Oracles from outside the engine: the author's own descent loop, and torchvision's blur.

The author's loop is transcribed in depthrep/engine/reference.py from his published
resnet_representations.py (`octave`, `random_crop`, `layer_gradient`, with crop=False as his
`generate_singleinput` calls it): a plain step with his learning rate, then torchvision's 3x3
Gaussian blur with his sigma, both interpolated by his formula. His `NewResNet` is below. The
engine run with his settings (step "raw", loss scale 0.15, lr 0.1 constant, sigma 2.4 -> 0.4)
must give his iterates, every one of them, to float64 rounding.
"""

from __future__ import annotations

import copy

import pytest
import torch
import torchvision
from torch import nn

from depthrep import engine
from depthrep.engine import Descent, Linear
from depthrep.engine.blur import gaussian_blur
from depthrep.engine.reference import octave
from depthrep.models.vision import SingleCut, load

ITERATIONS = 20
TOLERANCE = 1e-10  # float64: the two loops differ only in the rounding of the blur kernel and the conv order


# ---- the author's code (resnet_representations.py), transcribed ----------------------------


class NewResNet(nn.Module):
    """His `NewResNet`, its forward ending after layer1: the paper's Conv2 (maxpool + layer1)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        x = self.model.conv1(x)
        x = self.model.bn1(x)
        x = self.model.relu(x)
        x = self.model.maxpool(x)
        x = self.model.layer1(x)
        return x


# ---- the comparison ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def setting():
    """An untrained ResNet18 in float64 (the engine's frozen copy and the author's trainable one),
    a 32 x 32 image and its Conv2 embedding."""
    frozen = load("resnet18", seed=0).double()
    theirs = NewResNet(copy.deepcopy(frozen).requires_grad_(True).eval())  # his model: parameters require gradients
    assert all(p.requires_grad for p in theirs.parameters())
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    forward = SingleCut(frozen, "resnet18", "conv2")
    with torch.no_grad():
        target = forward(image[None])[0]
        assert torch.equal(theirs(image[None])[0], target)
    return forward, theirs, image, target


def engine_iterates(forward, image, target, lr, blur):
    """The engine's iterates a_0 .. a_N (every input it evaluates) and its trajectory table."""
    seen = []

    def recording(x):
        seen.append(x.detach().clone())
        return forward(x)

    descent = Descent(
        iterations=ITERATIONS,
        step="raw",
        loss_scale=0.15,
        lr_schedule=lr,
        lr_candidates=(1.0,),
        blur_sigma=(2.4, 0.4),
        trajectory_points=6,
    )
    problem = engine.Problem(target=target, lr=descent.lr_schedule, blur=descent.blur_sigma if blur else None, seed=0, reference=image)
    a_0 = engine.initial_inputs([problem], descent, tuple(image.shape), torch.float64)
    # invert, not sweep: the sweep would drop a run whose m_g ends above its start (blur can do
    # that in 20 steps), and the comparison is of the loop itself.
    result = engine.invert(recording, [problem], descent, tuple(image.shape))
    assert len(seen) == ITERATIONS + 1 and torch.equal(seen[0], a_0)
    return torch.cat(seen), a_0, result


def author_iterates(theirs, image, target, a_0, lr, blur):
    return torch.cat(octave(theirs, target[None], a_0.clone(), ITERATIONS, list(lr), [2.4, 0.4], blur=blur))


@pytest.mark.parametrize(
    "blur, lr",
    [(True, (0.1, 0.1)), (False, (0.1, 0.1)), (False, (0.1, 0.0)), (True, (0.1, 0.0))],
    ids=["author's call: blur, lr 0.1", "no blur, lr 0.1", "no blur, lr 0.1 -> 0", "blur, lr 0.1 -> 0"],
)
def test_the_engine_gives_the_authors_iterates(setting, blur, lr):
    forward, theirs, image, target = setting
    ours, a_0, outcome = engine_iterates(forward, image, target, lr, blur)
    his = author_iterates(theirs, image, target, a_0, lr, blur)
    assert his.shape == ours.shape == (ITERATIONS + 1, 3, 32, 32)
    assert (his[1:] - his[:-1]).abs().amax() > 1e-3  # the loop moves: the comparison is not of a_0 alone
    difference = (ours - his).flatten(1).abs().amax(1)
    assert difference.max().item() < TOLERANCE, difference.tolist()
    # The engine's recorded distances are those of his iterates.
    with torch.no_grad():
        m_g = torch.linalg.vector_norm((theirs(his) - target[None]).flatten(1), dim=1)
    m_i = torch.linalg.vector_norm((his - image[None]).flatten(1), dim=1)
    for row in outcome.trajectory.itertuples():
        assert row.m_i == pytest.approx(m_i[row.iteration].item(), rel=1e-9)
        assert row.m_g == pytest.approx(m_g[row.iteration].item(), rel=1e-9)
    assert torch.allclose(outcome.inputs[0], his[-1], rtol=0, atol=TOLERANCE)


def old_values(schedule: Linear, iterations: int) -> torch.Tensor:
    """The schedule the engine had before: start at the first iteration, end at the last."""
    return torch.linspace(schedule.start, schedule.end, iterations, dtype=torch.float64)


def test_the_schedule_is_the_authors_formula_and_the_old_one_is_not():
    n = 100
    for schedule in (Linear(2.4, 0.4), Linear(0.1, 0.0)):
        his = torch.tensor([schedule.start * (n - i) / n + schedule.end * i / n for i in range(n)], dtype=torch.float64)
        assert torch.equal(schedule.values(n), his)  # bit for bit
        old = old_values(schedule, n)
        assert old[0] == his[0] and (old[1:] != his[1:]).all()  # they part at the second value
    assert Linear(2.4, 0.4).values(100)[-1].item() == pytest.approx(0.42)  # one step short of 0.4
    assert Linear(0.1, 0.1).values(3).tolist() == pytest.approx([0.1] * 3, abs=1e-16)  # to rounding, as his
    assert Linear(0.7, 0.2).values(1).tolist() == [0.7]


def test_the_old_schedule_parts_from_the_author_at_the_second_iterate(setting, monkeypatch):
    """The comparison above can fail: with a schedule reaching `end`, a_1 still agrees (its step
    and blur use the first values, which both schedules share) but a_2 on does not."""
    forward, theirs, image, target = setting
    monkeypatch.setattr(Linear, "values", old_values)
    ours, a_0, _ = engine_iterates(forward, image, target, (0.1, 0.1), blur=True)
    his = author_iterates(theirs, image, target, a_0, (0.1, 0.1), blur=True)
    difference = (ours - his).flatten(1).abs().amax(1)
    assert difference[:2].max() < TOLERANCE
    assert (difference[2:] > 1e-6).all(), difference.tolist()


# ---- the blur against torchvision's (issue 11) -------------------------------------------


@pytest.mark.parametrize("dtype, tolerance", [(torch.float32, 1e-6), (torch.float64, 1e-14)])
def test_the_blur_is_torchvisions_for_every_sigma(dtype, tolerance):
    images = torch.rand(4, 3, 9, 11, generator=torch.Generator().manual_seed(0), dtype=dtype)
    sigmas = [0.1, 0.4, 1.0, 2.4, 10.0]
    for sigma in sigmas:  # one sigma shared by the batch, as torchvision takes it
        ours = gaussian_blur(images, torch.full((4,), sigma, dtype=torch.float64))  # as the engine's schedules
        theirs = torchvision.transforms.functional.gaussian_blur(images, 3, sigma=sigma)
        assert ours.dtype == dtype
        assert torch.allclose(ours, theirs, rtol=0, atol=tolerance), sigma
    each = gaussian_blur(images, torch.tensor(sigmas[:4], dtype=torch.float64))  # one sigma per image
    for b, sigma in enumerate(sigmas[:4]):
        theirs = torchvision.transforms.functional.gaussian_blur(images[b : b + 1], 3, sigma=sigma)
        assert torch.allclose(each[b : b + 1], theirs, rtol=0, atol=tolerance), sigma
