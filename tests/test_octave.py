"""The engine's octave procedure (jitter, blur, schedules, resizing between octaves): batched
equals alone, the author's octave loop with crop=True, the jitter's seeded offsets, settings."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import torch
import torchvision

from depthrep.engine import Octave, OctaveDescent, OctaveProblem, generate
from depthrep.engine.octave import jitter_offsets, resize
from depthrep.models import vision

TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def resnet():
    """An untrained ResNet18 in float64, its logits (the class representations' output)."""
    return vision.load("resnet18", seed=0).double()


def l1(model, scale=0.05):
    """Input Generation III's output-vector objective: scale * sum |y^ - O(a)|, one sum per problem."""
    return lambda x, targets: scale * (targets - model(x)).abs().sum(1)


DESCENT = OctaveDescent(
    octaves=(
        Octave(iterations=3, lr=(0.05, 0.02), blur=(1.5, 0.5), size=24, crop=20),
        Octave(iterations=2, lr=(0.03, 0.01), blur=(1.0, 0.4), size=28, crop=24),
        Octave(iterations=2, lr=0.01, blur=0.0, size=28),
    ),
    step="normalised",
)


def test_a_problem_solved_in_a_batch_equals_it_solved_alone(resnet):
    """Different targets, seeds, jitter seeds and learning-rate scales in one batch."""
    generator = torch.Generator().manual_seed(0)
    targets = torch.randn(3, 1000, generator=generator, dtype=torch.float64)
    problems = [
        OctaveProblem(target=targets[0], seed=0, jitter_seed=10),
        OctaveProblem(target=targets[1], seed=1, jitter_seed=11, lr_scale=2.0),
        OctaveProblem(target=targets[2], seed=0, jitter_seed=12, lr_scale=0.5),
    ]
    batched = generate(l1(resnet), problems, DESCENT)
    assert batched.inputs.shape == (3, 3, 28, 28) and not batched.diverged.any()
    for i, problem in enumerate(problems):
        alone = generate(l1(resnet), [problem], DESCENT)
        assert torch.allclose(batched.inputs[i], alone.inputs[0], rtol=0, atol=TOLERANCE), i
        assert batched.loss[i].item() == pytest.approx(alone.loss[0].item(), rel=1e-10)
    chunked = generate(l1(resnet), problems, dataclasses.replace(DESCENT, max_batch=2))
    assert torch.allclose(chunked.inputs, batched.inputs, rtol=0, atol=TOLERANCE)
    table = batched.trajectory
    assert list(table.columns) == ["problem", "octave", "iteration", "loss"]
    assert sorted(table.iteration.unique()) == list(range(DESCENT.iterations + 1))
    last = table[table.octave == 2].groupby("problem").loss  # the whole image, so comparable
    assert (last.last() < last.first()).all()  # the objective fell


def test_the_jitter_is_seeded_per_problem_and_covers_the_room():
    octaves = (Octave(iterations=400, lr=0.1, blur=0.0, size=10, crop=7), Octave(iterations=3, lr=0.1, blur=0.0, size=12))
    first, second = jitter_offsets(5, octaves)
    assert torch.equal(first, jitter_offsets(5, octaves)[0]) and not torch.equal(first, jitter_offsets(6, octaves)[0])
    assert set(first.flatten().tolist()) == {0, 1, 2, 3}  # 0 .. size - crop, both ends
    assert torch.equal(second, torch.zeros(3, 2, dtype=torch.long))  # the whole image: no jitter


# ---- the author's octave with crop=True, transcribed ------------------------------------------


class Offsets:
    """Stands for his global `random`: randint returns the engine's offsets, left then top, as
    his random_crop draws crop_width first."""

    def __init__(self, offsets):
        self.values = [v for top, left in torch.cat(offsets).tolist() for v in (left, top)]

    def randint(self, low, high):
        value = self.values.pop(0)
        assert low <= value <= high
        return value


def random_crop(input_image, size, rng):
    """His `random_crop`."""
    image_width = len(input_image[0][0])
    crop_width = rng.randint(0, image_width - size)
    crop_height = rng.randint(0, image_width - size)
    input_image_cropped = input_image[:, :, crop_height : crop_height + size, crop_width : crop_width + size]
    return input_image_cropped, crop_height, crop_width


def his_octave(model, target, single_input, iterations, learning_rates, sigmas, size, rng):
    """His `octave` with crop=True and Input Generation III's loss 0.05 * sum |y^ - O(a)|."""
    start_lr, end_lr = learning_rates
    start_sigma, end_sigma = sigmas
    for i in range(iterations):
        cropped_input, crop_height, crop_width = random_crop(single_input.detach(), size, rng)
        single_input = single_input.detach()
        cropped_input.requires_grad = True
        loss = 0.05 * torch.sum(torch.abs(target - model(cropped_input)))
        loss.backward()
        window = (slice(None), slice(None), slice(crop_height, crop_height + size), slice(crop_width, crop_width + size))
        single_input[window] -= (start_lr * (iterations - i) / iterations + end_lr * i / iterations) * cropped_input.grad
        single_input[window] = torchvision.transforms.functional.gaussian_blur(
            single_input[window], 3, sigma=(start_sigma * (iterations - i) / iterations + end_sigma * i / iterations)
        )
    return single_input


def test_the_engine_gives_the_authors_octaves_with_jitter(resnet):
    theirs = copy.deepcopy(resnet).requires_grad_(True).eval()
    target = torch.randn(1000, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    descent = OctaveDescent(
        octaves=(
            Octave(iterations=3, lr=(2.0, 1.0), blur=(2.4, 0.8), size=24, crop=24),  # his crop=False: no jitter
            Octave(iterations=4, lr=(1.5, 0.3), blur=(1.5, 0.4), size=28, crop=24),
            Octave(iterations=3, lr=(1.5, 0.4), blur=(1.5, 0.4), size=32, crop=26),
        ),
        step="raw",
    )
    problem = OctaveProblem(target=target, seed=3, jitter_seed=4)
    ours = generate(l1(resnet), [problem], descent).inputs[0]

    a = torch.randn((3, 24, 24), generator=torch.Generator().manual_seed(3), dtype=torch.float64)[None] * 0.05 + 0.7
    rng = Offsets(jitter_offsets(4, descent.octaves))
    for octave in descent.octaves:
        if a.shape[-1] != octave.size:
            a = torchvision.transforms.Resize([octave.size, octave.size])(a)  # his resize between octaves
        lr, blur = octave.lr, octave.blur
        a = his_octave(theirs, target, a, octave.iterations, [lr.start, lr.end], [blur.start, blur.end], octave.crop, rng)
    assert not rng.values  # every offset used
    assert (a[0] - 0.7).abs().max() > 1e-2  # the loop moved
    assert torch.allclose(ours, a[0], rtol=0, atol=TOLERANCE), (ours - a[0]).abs().max().item()


def test_resize_is_torchvisions():
    x = torch.rand(2, 3, 20, 20, dtype=torch.float64)
    assert torch.equal(resize(x, 27), torchvision.transforms.Resize([27, 27])(x))


def test_bad_octave_settings_are_refused():
    with pytest.raises(ValueError, match="crop must be an integer from 1 to the octave's size 10"):
        Octave(iterations=1, lr=0.1, blur=0.0, size=10, crop=11)
    with pytest.raises(ValueError, match="iterations must be a positive integer"):
        Octave(iterations=0, lr=0.1, blur=0.0, size=10)
    with pytest.raises(ValueError, match="blur sigma must not be negative"):
        Octave(iterations=1, lr=0.1, blur=(-1, 0), size=10)
    with pytest.raises(ValueError, match="at least one octave"):
        OctaveDescent(octaves=())
    with pytest.raises(ValueError, match=r"similarity.octaves: unknown setting\(s\) \['octave'\]"):
        OctaveDescent.of({"octave": []}, where="similarity.octaves")
    assert OctaveDescent.of({"octaves": [{"iterations": 2, "lr": [1, 0], "blur": 1, "size": 8}]}).octaves[0].crop == 8
