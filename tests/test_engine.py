"""The inversion engine: batching, the update rules, the learning-rate sweep, trajectories.
(A problem whose every candidate diverges: tests/test_bad_input.py.)"""

from __future__ import annotations

import math

import pytest
import torch

from depthrep import engine
from depthrep.engine import Descent, Linear
from depthrep.engine.blur import gaussian_blur
from depthrep.models.mlp import mlp
from depthrep.models.vision import SingleCut, load


def resnet_problem_set(dtype):
    model = load("resnet18", seed=0).to(dtype)
    forward = SingleCut(model, "resnet18", "conv3")
    image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0), dtype=dtype)
    target = forward(image[None])[0]
    problems = [
        engine.Problem(target=target, lr=Linear(0.05, 0.0), seed=0, reference=image),
        engine.Problem(target=target, lr=Linear(0.2, 0.0), seed=1, reference=image, blur=Linear(2.4, 0.4)),
        engine.Problem(target=target * 0.5, lr=Linear(0.1, 0.1), seed=2, reference=image),
        engine.Problem(target=target, lr=Linear(0.1, 0.01), seed=3, blur=Linear(1.0, 1.0)),
    ]
    return forward, problems, image


@pytest.mark.parametrize("dtype, iterations, tolerance", [(torch.float64, 15, 1e-10), (torch.float32, 1, 1e-4)])
def test_a_problem_solved_in_a_batch_equals_it_solved_alone(dtype, iterations, tolerance):
    # float32 is checked over one step only: the gradient's discrete choices (the sign of the
    # L1 loss, ReLU masks, max-pool winners) turn rounding differences between batch sizes
    # into different steps; here problem 1's second step already differs (inputs 2e-7 apart
    # give gradients 0.07 apart at about a hundred pixels). float64 checks the longer run.
    forward, problems, image = resnet_problem_set(dtype)
    descent, shape = Descent(iterations=iterations, trajectory_points=2), tuple(image.shape)
    batched = engine.invert(forward, problems, descent, shape)
    for i, problem in enumerate(problems):
        alone = engine.invert(forward, [problem], descent, shape)
        assert torch.allclose(batched.inputs[i], alone.inputs[0], rtol=0, atol=tolerance), i
        assert math.isclose(batched.m_g[i].item(), alone.m_g[0].item(), rel_tol=tolerance)
    assert math.isnan(batched.m_i[3]) and not math.isnan(batched.m_i[0])  # m_i only with a reference


def test_max_batch_does_not_change_results():
    forward, problems, image = resnet_problem_set(torch.float64)
    descent, shape = Descent(iterations=5), tuple(image.shape)
    whole = engine.invert(forward, problems, descent, shape)
    chunked = engine.invert(forward, problems, descent.replace(max_batch=3), shape)
    assert torch.allclose(whole.inputs, chunked.inputs, rtol=0, atol=1e-12)


def invert_mlp(first_width, iterations=3000):
    shape = (3, 6, 6)  # 108 input elements
    image = torch.rand(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    model = mlp(shape, [first_width, 216], dtype=torch.float64, seed=0)
    problem = engine.Problem(target=model(image[None])[0], lr=Linear(1, 0), reference=image)
    descent = Descent(iterations=iterations, trajectory_points=8, lr_candidates=(0.03, 0.01, 0.003))
    return engine.sweep(model, [problem], descent, shape)[0]


def test_an_overcomplete_linear_model_is_inverted_and_an_undercomplete_one_is_not():
    over, under = invert_mlp(216), invert_mlp(54)
    assert over.m_i < 0.01  # every layer wider than the input: a_g -> a
    first = under.trajectory.iloc[0]
    assert under.m_g < first.m_g / 100  # the embedding is matched ...
    assert under.m_i > 1.0  # ... by an input far from the target
    late = under.trajectory[under.trajectory.iteration >= 500].m_i
    assert late.max() - late.min() < 0.05 * late.mean()  # m_i has levelled off


def test_blur_keeps_the_mean_of_a_constant_image_and_sigma_zero_is_identity():
    images = torch.full((3, 3, 8, 8), 0.3)
    images[2] = torch.rand(3, 8, 8)
    blurred = gaussian_blur(images, torch.tensor([1.0, 2.4, 0.0]))
    assert torch.allclose(blurred[:2], images[:2])
    assert torch.equal(blurred[2], images[2])
    noisy = torch.rand(1, 3, 8, 8)
    smooth = gaussian_blur(noisy, torch.tensor([2.4]))
    assert smooth.std() < noisy.std()


def test_the_sweep_keeps_the_lowest_m_g_and_drops_a_diverging_candidate(caplog):
    shape = (3, 4, 4)
    image = torch.rand(shape, generator=torch.Generator().manual_seed(0))
    model = mlp(shape, [64], seed=0)

    def forward(x):  # overflows to inf when the input leaves a sane range, as a diverging run would
        return model(torch.where(x.abs() > 1e3, torch.tensor(float("inf")), x))

    problem = engine.Problem(target=model(image[None])[0], lr=Linear(1, 0), reference=image)
    descent = Descent(iterations=200, step="raw", lr_candidates=(1e6, 0.01, 0.001))
    best = engine.sweep(forward, [problem], descent, shape)[0]
    table = best.candidates.set_index("lr")
    assert table.loc[1e6, "diverged"] and not table.loc[0.01, "diverged"]
    assert best.lr == table[~table.diverged].m_g.idxmin()
    assert best.m_g == pytest.approx(table[~table.diverged].m_g.min())
    assert "dropped learning rates 1e+06 (diverged (NaN or inf))" in caplog.text


def test_a_candidate_whose_m_g_rises_has_failed_like_a_diverging_one(caplog):
    """An identity model and a raw step of 10 per pixel: every step overshoots the target, so m_g
    ends far above its start though every number stays finite."""
    target = torch.zeros(3 * 4 * 4)
    problem = engine.Problem(target=target, lr=Linear(1, 1), seed=0)
    descent = Descent(iterations=3, step="raw", lr_candidates=(10.0, 0.1))
    best = engine.sweep(lambda x: x.flatten(1), [problem], descent, (3, 4, 4))[0]
    table = best.candidates.set_index("lr")
    assert table.loc[10.0, "m_g"] > table.loc[10.0, "start_m_g"] and table.loc[10.0, "diverged"]
    assert table.loc[10.0, "reason"] == "m_g rose above its start"
    assert not table.loc[0.1, "diverged"] and best.lr == 0.1
    assert "dropped learning rates 10 (m_g rose above its start)" in caplog.text
    alone = engine.sweep(lambda x: x.flatten(1), [problem], descent.replace(lr_candidates=(10.0,)), (3, 4, 4))[0]
    assert alone.all_diverged and alone.input is None


def test_the_trajectory_holds_the_requested_iterations():
    forward, problems, image = resnet_problem_set(torch.float32)
    descent = Descent(iterations=8, trajectory_points=3)
    result = engine.invert(forward, problems[:2], descent, tuple(image.shape))
    table = result.trajectory
    assert sorted(table.iteration.unique()) == list(descent.record_at) == [0, 1, 8]
    assert list(table.columns) == ["problem", "iteration", "loss", "m_g", "m_i"]
    final = table[table.iteration == 8].set_index("problem")
    assert final.m_g.tolist() == pytest.approx(result.m_g.tolist(), rel=1e-5)
    assert (table.groupby("problem").m_g.first() > final.m_g).all()  # the embedding distance fell


def test_initial_inputs_follow_the_settings_and_the_seed():
    descent = Descent(iterations=1, init_mean=0.7, init_std=0.05)
    problems = [engine.Problem(target=torch.zeros(1), lr=Linear(1, 1), seed=s) for s in (0, 0, 1)]
    x = engine.initial_inputs(problems, descent, (3, 64, 64), torch.float32)
    assert x.mean().item() == pytest.approx(0.7, abs=0.002) and x.std().item() == pytest.approx(0.05, rel=0.02)
    assert torch.equal(x[0], x[1]) and not torch.equal(x[0], x[2])


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="iterations"):
        Descent(iterations=0)
    with pytest.raises(ValueError, match="step"):
        Descent(step="adam")
    with pytest.raises(ValueError, match="lr_candidates"):
        Descent(lr_candidates=())
    with pytest.raises(ValueError, match=r"runs.fixed: unknown setting\(s\) \['iteration'\]"):
        Descent.of({"iteration": 5}, where="runs.fixed")


def test_the_schema_run_block_lists_the_fields_of_descent():
    from pathlib import Path

    import yaml

    schema = yaml.safe_load((Path(__file__).resolve().parents[1] / "schemas/config.schema.yaml").read_text())
    assert set(schema["definitions"]["run"]["properties"]) == set(Descent.fields())


def test_reduced_precision_keeps_the_iterate_and_the_reported_distances_in_full_precision():
    """bf16 autocast (it runs on the CPU too): the forward and backward in bfloat16, the iterate
    float32, every reported distance computed again in float32; deterministic, and close to the
    float32 run (a problem of 16 steps at Conv3 of an untrained ResNet18)."""
    forward, problems, image = resnet_problem_set(torch.float32)
    shape = tuple(image.shape)
    full = engine.invert(forward, problems[:2], Descent(iterations=16, trajectory_points=4), shape)
    descent = Descent(iterations=16, trajectory_points=4, precision="bf16")
    low, again = (engine.invert(forward, problems[:2], descent, shape) for _ in range(2))
    assert low.inputs.dtype == torch.float32 and torch.equal(low.inputs, again.inputs)  # deterministic
    assert not torch.equal(low.inputs, full.inputs)  # the loop did run in bfloat16
    with torch.no_grad():
        refound = (forward(low.inputs) - torch.stack([p.target for p in problems[:2]])).flatten(1).norm(dim=1)
    assert torch.allclose(low.m_g, refound, rtol=1e-5)  # m_g of the float32 forward, not the bf16 one
    last = low.trajectory[low.trajectory.iteration == 16].sort_values("problem")
    assert last.m_g.tolist() == pytest.approx(low.m_g.tolist(), rel=1e-6)
    assert low.m_g.tolist() == pytest.approx(full.m_g.tolist(), rel=0.2)  # checked against float32


def test_tf32_changes_nothing_on_the_cpu_and_channels_last_nothing_but_speed():
    forward, problems, image = resnet_problem_set(torch.float64)
    shape, descent = tuple(image.shape), Descent(iterations=5)
    plain = engine.invert(forward, problems, descent, shape)
    assert torch.equal(engine.invert(forward, problems, descent.replace(precision="tf32"), shape).inputs, plain.inputs)
    last = engine.invert(forward.to(memory_format=torch.channels_last), problems, descent, shape, channels_last=True)
    assert torch.allclose(last.inputs, plain.inputs, rtol=0, atol=1e-10)


def test_channels_last_is_chosen_for_cuda_and_for_a_single_cpu_thread():
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert engine.prefers_channels_last("cpu") and engine.prefers_channels_last(torch.device("cuda"))
        torch.set_num_threads(2)
        assert not engine.prefers_channels_last("cpu") and engine.prefers_channels_last("cuda")
    finally:
        torch.set_num_threads(threads)
