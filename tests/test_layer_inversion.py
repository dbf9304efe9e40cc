"""The ResNet experiments' random draws: each inversion's a_0 (per run seed), the shift a' - a
and the model come from separate streams of the config's seed (depthrep.seeds)."""

from __future__ import annotations

import pytest
import torch

from depthrep import seeds
from depthrep.engine import Descent, inversion, metrics
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.models.vision import load

CPU = torch.device("cpu")
SHAPE = (3, 64, 64)


def corr(x: torch.Tensor, y: torch.Tensor) -> float:
    return torch.corrcoef(torch.stack([x.flatten().double(), y.flatten().double()]))[0, 1].item()


@pytest.fixture(scope="module")
def model():
    return load("resnet18", seed=0)


@pytest.fixture(scope="module")
def image():
    return torch.rand(SHAPE, generator=torch.Generator().manual_seed(0))


def run(model, image, monkeypatch, seed=0, shift_std=0.05, **settings):
    """embed_target and a one-step invert_layer at Conv1 as the pipeline calls them; returns the
    embedding record, the a_0 of each run seed s and the engine seeds of the problems."""
    captured = []
    original = inversion.initial_inputs

    def spy(problems, descent, shape, dtype):
        x = original(problems, descent, shape, dtype)
        captured.append((x.clone(), [p.seed for p in problems]))
        return x

    descent = Descent(iterations=1, trajectory_points=2, **settings)
    embedded = embed_target(model, "resnet18", image, shift_std, seed, CPU)
    with monkeypatch.context() as patch:
        patch.setattr(inversion, "initial_inputs", spy)
        rows, _, _ = invert_layer(model, "resnet18", "conv1", embedded, descent, "plain", CPU, seed=seed)
    assert [row["seed"] for row in rows] == list(descent.seeds)  # records keep the run's seed s
    (x, problem_seeds), k = captured[0], len(descent.lr_candidates)
    starts = {s: x[i * k] for i, s in enumerate(descent.seeds)}
    for i, s in enumerate(descent.seeds):  # every candidate of a seed starts from its a_0
        assert all(torch.equal(x[i * k + j], starts[s]) for j in range(k))
    return embedded, starts, problem_seeds[::k]


def test_a0_and_the_shift_are_independent_draws(model, image, monkeypatch):
    embedded, starts, _ = run(model, image, monkeypatch, seed=0, seeds=(0,))
    start_noise = (starts[0] - 0.7) / 0.05
    shift_noise = (embedded["shifted"] - image) / 0.05
    assert start_noise.std().item() == pytest.approx(1, rel=0.05) and shift_noise.std().item() == pytest.approx(1, rel=0.05)
    assert abs(corr(start_noise, shift_noise)) < 0.05  # they were one draw (corr 1.0); spread of corr: 0.009


def test_a0_depends_on_the_config_seed_and_its_run_seed_only(model, image, monkeypatch):
    embedded, starts, _ = run(model, image, monkeypatch, seed=0, seeds=(0,))
    # Another shift and more learning-rate candidates: the same a_0, a new a'.
    other, more, _ = run(model, image, monkeypatch, seed=0, shift_std=0.2, seeds=(0,), lr_candidates=(0.1, 0.03, 0.01))
    assert torch.equal(more[0], starts[0]) and not torch.equal(other["shifted"], embedded["shifted"])
    # Other seeds in the run, before and after it: seed 0's a_0 is unchanged.
    _, several, _ = run(model, image, monkeypatch, seed=0, seeds=(7, 0, 3))
    assert torch.equal(several[0], starts[0]) and not torch.equal(several[7], starts[0])
    # Another config seed: another a_0 for the same run seed, and another shift.
    moved, elsewhere, _ = run(model, image, monkeypatch, seed=1, seeds=(0,))
    assert not torch.equal(elsewhere[0], starts[0]) and not torch.equal(moved["shifted"], embedded["shifted"])


def test_the_model_a0_and_the_shift_are_seeded_from_their_own_streams(image, monkeypatch):
    manual, shifts = [], []
    original_manual, original_shifted = torch.manual_seed, metrics.shifted

    def manual_seed(value):
        manual.append(int(value))
        return original_manual(value)

    def shifted(image, std, seed):
        shifts.append(int(seed))
        return original_shifted(image, std, seed)

    monkeypatch.setattr(metrics, "shifted", shifted)
    with monkeypatch.context() as patch:
        patch.setattr(torch, "manual_seed", manual_seed)
        model = load("resnet18", seed=5)
    _, _, problem_seeds = run(model, image, monkeypatch, seed=5, seeds=(0, 1))
    assert manual == [seeds.stream_seed(5, seeds.MODEL_INIT)]
    assert shifts == [seeds.stream_seed(5, seeds.SHIFT)]
    assert problem_seeds == [seeds.stream_seed(5, seeds.INITIAL_INPUT, s) for s in (0, 1)]
    assert len({*manual, *shifts, *problem_seeds}) == 4  # they were all 5 (and the a_0 of s: s)
