"""The fully connected experiments (Fig 6-9, S2) at a tiny scale: a 3x6x6 input (108 elements)
and widths around 108 stand in for the paper's 3x29x29 (2523) and widths around 2523."""

from __future__ import annotations

import dataclasses
import runpy
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import torch
from PIL import Image

from depthrep.engine import Descent, inversion
from depthrep.experiments import exact_inversion
from depthrep.experiments import mlp_sweeps as mlp_experiments
from depthrep.experiments.mlp_sweeps import final_rows
from depthrep.images import save_image
from depthrep.models.mlp import mlp
from depthrep.pipeline import mlp_figures
from depthrep.plotting.mlp import DRAWINGS

SHAPE = (3, 6, 6)
SIZE = 108
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"

# Tiny settings per figure kind (image_size 8: load_image's smallest size).
TINY = Descent(iterations=20, loss_scale=0.35, lr_candidates=(0.03, 0.01), trajectory_points=5)
TINY_FIGURES = {
    "mlp_widths": {"widths": [96, 192, 400], "later_widths": [400, 400]},
    "mlp_trajectories": {"widths": [96, 400], "later_widths": [400, 400]},
    "mlp_depths": {"depths": [1, 3], "width": 200, "longer_iterations": 40},
    "mlp_relu": {"layers": 2},
    "mlp_exact": {"layers": 3, "noise_std": 1e-3, "draws": 30, "cond_layers": 3},
}


def spec(kind: str, **changes) -> dict:
    return {"kind": kind, "run": "tiny", "target": "dalmatian", "image_size": 8, **TINY_FIGURES[kind], **changes}


@pytest.fixture(autouse=True)
def one_thread():
    """These models are tiny: threads only add overhead, which grows manyfold when another
    process keeps the cores busy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def image() -> torch.Tensor:
    return torch.rand(SHAPE, generator=torch.Generator().manual_seed(1))


@pytest.fixture
def image_file(tmp_path) -> Path:
    path = tmp_path / "target.png"
    save_image(torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(2)), path)
    return path


def test_exact_inversion_recovers_the_input_in_float64_and_float32_does_much_worse(image):
    data = exact_inversion.exact_inversion(image, layers=3, draws=40, cond_layers=3, descent=Descent(iterations=20, loss_scale=0.35))
    table = data.table
    errors = table[table.quantity == "recovery_error"].set_index("dtype").value
    assert errors["float64"] < 1e-8
    assert errors["float32"] > 1000 * errors["float64"]
    # The inversion is exact, so O(a'') - O(a) is the output noise N(0, 1/1000) itself ...
    noise = table[table.quantity == "noisy_output_distance"].value
    assert noise.median() == pytest.approx(1e-3 * SIZE**0.5, rel=0.2)
    # ... yet a'' lies far from a: much farther than the shifted input a'.
    shift = table[table.quantity == "shift_distance"].value.item()
    assert table[table.quantity == "noisy_input_distance"].value.median() > 10 * shift
    cond = table[table.quantity == "condition_number"].value.tolist()
    assert len(cond) == 3 and cond[0] > 1 and cond[-1] > cond[0]
    assert data.images["noisy"].shape == SHAPE


def corr(x: torch.Tensor, y: torch.Tensor) -> float:
    return torch.corrcoef(torch.stack([x.flatten().double(), y.flatten().double()]))[0, 1].item()


def spied_starts(monkeypatch) -> list:
    """Every a_0 the engine draws (with its problems' seeds) while the test runs."""
    captured, original = [], inversion.initial_inputs

    def spy(problems, descent, shape, dtype):
        x = original(problems, descent, shape, dtype)
        captured.append((x.clone(), [p.seed for p in problems]))
        return x

    monkeypatch.setattr(inversion, "initial_inputs", spy)
    return captured


def test_the_model_a0_and_the_shift_of_an_mlp_figure_are_independent_draws(monkeypatch):
    shape, size = (3, 24, 24), 1728
    image = torch.rand(shape, generator=torch.Generator().manual_seed(1))
    model = mlp(shape, [size], seed=0)
    starts = spied_starts(monkeypatch)
    mlp_experiments.invert(model, image, Descent(iterations=1, loss_scale=0.35, trajectory_points=2), shift_std=0.05, seed=0)
    ((x, problem_seeds),) = starts
    start = (x[0] - 0.7) / 0.05
    shift = (mlp_experiments.shifted_input(image, 0.05, 0) - image) / 0.05
    assert abs(corr(start, shift)) < 0.12  # were one draw (corr 1.0); spread of corr: 0.024
    # The first layer's Kaiming-uniform weights, mapped back to uniforms in [0, 1), against the
    # uniforms of a_0's generator: they were the same numbers (corr 1.0).
    bound = 1 / size**0.5
    uniforms = (model[1].weight.detach().flatten()[: 4 * size] + bound) / (2 * bound)
    a0_uniforms = torch.rand(4 * size, generator=torch.Generator().manual_seed(problem_seeds[0]))
    assert abs(corr(uniforms, a0_uniforms)) < 0.06  # spread: 0.012


def test_fig_s2_output_noise_is_independent_of_a0_and_the_shift(monkeypatch):
    shape, size = (3, 16, 16), 768
    image = torch.rand(shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    starts = spied_starts(monkeypatch)
    descent = Descent(iterations=1, loss_scale=0.35, lr_candidates=(0.01,), trajectory_points=2)
    data = exact_inversion.exact_inversion(image, layers=1, noise_std=1e-3, draws=2, cond_layers=1, descent=descent, seed=0)
    model = mlp(shape, [size], dtype=torch.float64, seed=0)  # the inverted model (a prefix of one seeded model)
    with torch.no_grad():
        noise = (model(data.images["noisy"][None]) - model(image[None]))[0] / 1e-3  # draw 0 of N(0, 1)
    assert noise.std().item() == pytest.approx(1, rel=0.15)
    shift = (data.images["shifted"] - image) / 0.05
    start = (starts[0][0][0] - 0.7) / 0.05
    for other in (shift, start):
        assert abs(corr(noise, other)) < 0.2  # all three were one draw (corr 1.0); spread of corr: 0.036
    assert abs(corr(shift, start)) < 0.2


def test_exact_inversion_inverts_a_batch_of_outputs_and_refuses_what_it_cannot_invert(image):
    model = mlp(SHAPE, [SIZE, SIZE], dtype=torch.float64, seed=3)
    inputs = torch.rand(4, *SHAPE, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    recovered = exact_inversion.invert_exactly(model, model(inputs))
    assert torch.allclose(recovered, inputs.flatten(1), atol=1e-8)
    with pytest.raises(ValueError, match="square layers"):
        exact_inversion.invert_exactly(mlp(SHAPE, [2 * SIZE]), torch.zeros(1, 2 * SIZE))
    with pytest.raises(ValueError, match="no ReLU"):
        exact_inversion.invert_exactly(mlp(SHAPE, [SIZE], relu=True), torch.zeros(1, SIZE))


def test_a_first_layer_wider_than_the_input_is_inverted_and_a_narrower_one_plateaus(image):
    descent = Descent(iterations=2000, lr_candidates=(0.03, 0.01, 0.003), trajectory_points=12)
    data = mlp_experiments.width_sweep(image, widths=[54, 216], later_widths=[216, 216], descent=descent)
    final = final_rows(data.table).set_index("width")
    start = data.table[data.table.iteration == 0].set_index("width")
    assert final.loc[216, "m_i"] < 0.02 * start.loc[216, "m_i"]  # overcomplete: a_g -> a
    assert final.loc[54, "m_g"] < start.loc[54, "m_g"] / 100  # undercomplete: the embedding is matched ...
    assert final.loc[54, "m_i"] > 0.3 * start.loc[54, "m_i"]  # ... by an input far from a
    late = data.table[(data.table.width == 54) & (data.table.iteration >= 500)].m_i
    assert late.max() - late.min() < 0.05 * late.mean()  # m_i has levelled off
    assert final.good.all()  # m_g < m_s for both, as the paper finds
    assert data.images[216].shape == SHAPE


def test_an_untrained_relu_mlp_zeroes_about_half_of_each_layer(image):
    model = mlp(SHAPE, [400, 400, 400], relu=True, seed=0)
    fractions = mlp_experiments.zero_fractions(model, image)
    assert len(fractions) == 3
    assert all(0.4 < p < 0.6 for p in fractions), fractions
    assert mlp_experiments.required_widths(SIZE, [0.5, 0.5, 0.75]) == [216, 432, 1728]
    with pytest.raises(ValueError, match="layer 2 zeroes a fraction 1"):
        mlp_experiments.required_widths(SIZE, [0.5, 1.0])
    with pytest.raises(ValueError, match="no ReLU"):
        mlp_experiments.zero_fractions(mlp(SHAPE, [SIZE]), image)


def test_fig9_grows_the_widths_by_the_measured_zero_fraction(image):
    data = mlp_experiments.relu_widths(image, layers=2, descent=Descent(iterations=10, lr_candidates=(0.03,)))
    table = data.table.set_index(["model", "layer"])
    assert table.loc[("constant", 1), "width"] == table.loc[("constant", 2), "width"] == SIZE
    p = table.loc["constant"].zero_fraction.tolist()
    assert table.loc["growing"].width.tolist() == mlp_experiments.required_widths(SIZE, p)
    assert table.loc[("growing", 2), "width"] > 2.5 * SIZE  # about 4m for p ~ 1/2


def run_scripts(kind: str, image_file: Path, tmp_path: Path, reduced: str = "tiny test") -> dict[str, Path]:
    """The two Snakemake scripts of an MLP figure, as the workflow runs them: the experiment
    (table and images), then the drawing."""
    out = {name: tmp_path / f"{kind}.{name}" for name in ("csv", "pt", "png", "pdf", "log", "draw.log")}
    common = {"deterministic": False, "device": "cpu"}
    experiment = SimpleNamespace(
        params=SimpleNamespace(
            spec=spec(kind),
            descent=dataclasses.asdict(TINY),
            image_source=str(image_file),
            resize="squash",
            seed=0,
            shift_std=0.05,
            **common,
        ),
        output=SimpleNamespace(table=str(out["csv"]), images=str(out["pt"])),
        log=[str(out["log"])],
        threads=1,
    )
    runpy.run_path(str(SCRIPTS / "mlp_experiment.py"), init_globals={"snakemake": experiment})
    drawing = SimpleNamespace(
        params=SimpleNamespace(kind=kind, caption=f"{kind}: caption", settings="what ran", reduced=reduced),
        input=SimpleNamespace(table=str(out["csv"]), images=str(out["pt"])),
        output=SimpleNamespace(png=str(out["png"]), pdf=str(out["pdf"])),
        log=[str(out["draw.log"])],
    )
    runpy.run_path(str(SCRIPTS / "mlp_figure.py"), init_globals={"snakemake": drawing})
    return out


@pytest.fixture
def restored_logging(monkeypatch):
    """The scripts point logging and sys.excepthook at their job log; put them back after."""
    import logging
    import sys

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("kind", sorted(TINY_FIGURES))
def test_each_figure_kind_runs_at_a_tiny_scale_and_writes_its_table_and_plots(kind, image_file, tmp_path, restored_logging):
    out = run_scripts(kind, image_file, tmp_path)
    table = pd.read_csv(out["csv"])
    assert len(table) > 0
    with Image.open(out["png"]) as png:
        png.verify()
    assert out["pdf"].read_bytes().startswith(b"%PDF")
    if kind in ("mlp_widths", "mlp_trajectories", "mlp_depths"):
        expected = {"mlp_widths": 3, "mlp_trajectories": 2, "mlp_depths": 4}[kind]  # mlp_depths: two depths x two budgets
        assert len(final_rows(table)) == expected
        assert {"m_g", "m_s", "m_i", "lr", "shift_distance"} <= set(table.columns)
        assert table.lr.isin(TINY.lr_candidates).all()
    if kind == "mlp_exact":
        assert set(table.quantity) >= {"recovery_error", "noisy_input_distance", "condition_number", "gd_m_i"}
        assert "exact inversion errors" in out["log"].read_text()


def test_a_figure_is_deterministic_for_its_seed(image):
    settings = spec("mlp_widths", widths=[54, 216], later_widths=[216])
    first, again = (mlp_figures.compute(settings, image, TINY, seed=5, shift_std=0.05) for _ in range(2))
    pd.testing.assert_frame_equal(first.table, again.table)
    other = mlp_figures.compute(settings, image, TINY, seed=6, shift_std=0.05)
    assert not first.table.m_g.equals(other.table.m_g)


def test_bad_settings_name_the_setting(image):
    with pytest.raises(ValueError, match="unknown MLP figure kind 'mlp'"):
        mlp_figures.compute({**spec("mlp_widths"), "kind": "mlp"}, image, TINY, seed=0, shift_std=0.05)
    with pytest.raises(ValueError, match=r"width \(50\) must be at least the input size \(108\)"):
        mlp_figures.compute(spec("mlp_depths", width=50), image, TINY, seed=0, shift_std=0.05)
    with pytest.raises(ValueError, match="widths must be a non-empty list"):
        mlp_figures.compute(spec("mlp_widths", widths=[]), image, TINY, seed=0, shift_std=0.05)


def test_a_width_whose_every_learning_rate_diverged_is_reported_and_drawn(image, tmp_path):
    settings = spec("mlp_widths", widths=[54, 216], later_widths=[216])
    data = mlp_figures.compute(settings, image, TINY.replace(iterations=10, lr_candidates=(1e36,)), seed=0, shift_std=0.05)
    final = final_rows(data.table)
    assert final.m_g.isna().all() and (final.diverged_lrs == "1e+36").all() and not final.good.any()
    assert data.images[54] is None
    for kind in ("mlp_widths", "mlp_trajectories"):
        png = tmp_path / f"{kind}.png"
        DRAWINGS[kind](data, png, None, "every candidate diverges")
        with Image.open(png) as drawn:
            drawn.verify()
