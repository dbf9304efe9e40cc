"""The workflow's MLP figures, the noise-label model and the figures it feeds, and Sec 7 on a
made-up CIFAR in torchvision's format; CIFAR missing offline."""

from __future__ import annotations

import pandas as pd
import pytest
from cifar_files import make_cifar
from PIL import Image
from workflow import TINY, copy_run, copy_workflow, edit_preset, planned_jobs, snakemake

from depthrep.files import read_json

MLP_FIGURES = ["fig6", "fig7", "fig8", "fig9", "figS2"]
NOISE_FIGURES = ["fig10", "figS4", "figS5"]
# One MLP and one conv net, one standard and one inverted: each family and design is drawn, in
# four training jobs (each job costs seconds of start-up in the suite).
# Every architecture of config.yaml's cifar: block made small (a preset's block merges key by key).
SMALL_CLASSIFIERS = {
    "mlp_standard": {"kind": "mlp", "widths": [32, 16]},
    "mlp_inverted": {"kind": "mlp", "widths": [16, 32]},
    "conv_standard": {"kind": "conv", "channels": [4, 2], "pool": True},
    "conv_inverted": {"kind": "conv", "channels": [2, 4], "pool": False},
}
NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}  # refused at once


def final_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.iteration == table.iterations]


def test_tiny_run_makes_every_mlp_and_noise_figure(tiny_run):
    for name in MLP_FIGURES + NOISE_FIGURES:
        with Image.open(tiny_run / f"results/figures/{name}.png") as image:
            image.verify()
        assert (tiny_run / f"results/figures/{name}.pdf").stat().st_size > 0


def test_tiny_run_mlp_tables_hold_the_sweeps_with_the_learning_rate_of_each_row(tiny_run):
    tables = tiny_run / "results/tables"
    widths = final_rows(pd.read_csv(tables / "fig6.csv")).set_index("width")
    assert list(widths.index) == [80, 150, 192, 230, 400]  # the tiny preset's widths, input 3x8x8 = 192
    assert widths.lr.notna().all() and set(widths.lr) <= {0.03, 0.01}
    assert widths.m_i[400] < widths.m_i[80]  # wider than the input inverts closer to a

    trajectory = pd.read_csv(tables / "fig7.csv")
    assert set(trajectory.width) == {80, 150, 230} and trajectory.iteration.max() == 2000
    assert trajectory.groupby("width").size().min() > 5  # log-spaced points, not every iterate

    depths = pd.read_csv(tables / "fig8.csv")
    assert set(final_rows(depths).iterations) == {100, 1000} and set(depths.layers) == {1, 2, 4}

    relu = pd.read_csv(tables / "fig9.csv")
    assert set(relu.model) == {"constant", "growing"} and relu.zero_fraction.between(0.2, 0.8).all()

    exact = pd.read_csv(tables / "figS2.csv")
    errors = exact[exact.quantity == "recovery_error"].set_index("dtype").value
    assert errors["float64"] < 1e-6 < errors["float32"]
    assert (exact.quantity == "noisy_input_distance").sum() == 200


def test_tiny_run_trains_the_noise_model_and_inverts_it(tiny_run):
    history = pd.read_csv(tiny_run / "results/tables/noise_training_resnet50.csv")
    assert list(history.epoch) == list(range(1, 7))
    assert history.loss.iloc[-1] < history.loss.iloc[0]
    inversions = pd.read_csv(tiny_run / "results/tables/inversions.csv")
    noise = inversions[inversions.state == "noise"]
    assert set(noise.layer) == {"conv1", "conv5"} and set(noise["update"]) == {"plain", "blur"}  # the tiny preset's cuts
    summary = (tiny_run / "results/summary.md").read_text()
    assert "## Noise-label model" in summary and "final training accuracy" in summary
    assert "| sec7 | left out: needs cifar10 data: CIFAR cannot be downloaded offline" in summary
    provenance = read_json(tiny_run / "results/provenance.json")
    assert "results/models/noise_resnet50.pt" in str(provenance)


def test_one_mlp_figure_schedules_only_itself(tmp_path):
    assert planned_jobs(copy_workflow(tmp_path), "fig6", *TINY) == {"mlp_experiment": 1, "mlp_figure": 1, "fig6": 1}


def test_changing_the_noise_model_retrains_it_without_a_manual_step_and_reruns_only_what_uses_it(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    assert not (run / "results/models/noise_resnet50.resume.pt").exists()  # removed once training finished
    edit_preset(run / "presets/tiny.yaml", lambda p: p["noise_model"]["training"].update(epochs=7))
    jobs = planned_jobs(run, *TINY)
    # the model, the inversion jobs of the noise states (fig10's and the training figure's with
    # blur, figS4's without, and the training figure's after epoch 3), those figures and figS5's kernels,
    # the activations of the trained states and the representations; no MLP figure, no target
    assert {k: v for k, v in jobs.items() if k not in ("summary", "provenance", "inversion_tables", "all")} == {
        "train_noise_classifier": 1,
        "invert": 3,
        "resnet_figure": 2,
        "kernels_figure": 1,
        "epochs_figure": 1,
        "activations": 2,
        "representation_tables": 1,
        "representations_figure": 1,
    }
    snakemake(run, "results/models/noise_resnet50.pt", *TINY)  # no "delete it to start over"
    history = pd.read_csv(run / "results/tables/noise_training_resnet50.csv")
    assert list(history.epoch) == list(range(1, 8))
    assert not (run / "results/models/noise_resnet50.resume.pt").exists()


@pytest.fixture
def made_up_cifar(tmp_path):
    """A tiny-preset workflow whose Sec 7 uses a CIFAR10 made in the real format."""
    workdir = copy_workflow(tmp_path / "w")
    make_cifar(workdir / "data/cifar", "cifar10")

    def use_it(preset):
        preset["cifar"] = {
            "datasets": ["cifar10"],  # one dataset: CIFAR100's format is tested in tests/test_cifar.py
            "unavailable": {},
            "verify": False,
            "architectures": SMALL_CLASSIFIERS,
            "training": {"epochs": 2, "batch_size": 8, "lr": 1.0e-3},
        }

    edit_preset(workdir / "presets/tiny.yaml", use_it)
    return workdir


def test_sec7_trains_every_classifier_on_a_made_up_cifar_and_draws_the_gaps(made_up_cifar):
    snakemake(made_up_cifar, "sec7", *TINY, env=NO_NETWORK)
    gaps = pd.read_csv(made_up_cifar / "results/tables/sec7_gaps.csv")
    assert len(gaps) == 4 and set(gaps.dataset) == {"cifar10"} and set(gaps.design) == {"standard", "inverted"}
    assert (gaps.gap == gaps.train_accuracy - gaps.test_accuracy).all()
    with Image.open(made_up_cifar / "results/figures/sec7.png") as image:
        image.verify()
    history = pd.read_csv(made_up_cifar / "results/classifiers/cifar10/conv_inverted.csv")
    assert list(history.epoch) == [1, 2] and {"train_accuracy", "test_accuracy"} <= set(history.columns)
    record = read_json(made_up_cifar / "results/data/cifar10.json")
    assert record["md5_verified"] is False and len(record["sha256"]) == 7  # 5 train batches, test, meta


def test_cifar_missing_offline_stops_naming_the_folder_and_keeps_the_rest(made_up_cifar):
    (made_up_cifar / "data/cifar/cifar-10-batches-py/data_batch_3").unlink()
    edit_preset(made_up_cifar / "presets/tiny.yaml", lambda p: p["cifar"].update(verify=True))
    result = snakemake(made_up_cifar, "sec7", *TINY, "--keep-going", check=False, env=NO_NETWORK)
    assert result.returncode != 0
    log = (made_up_cifar / "results/logs/fetch_cifar/cifar10.log").read_text()
    folder = made_up_cifar / "data/cifar/cifar-10-batches-py"
    assert "cifar10 could not be downloaded or is corrupt" in log and f"so that its folder is {folder}" in log
    assert "cifar10" in result.stderr and not (made_up_cifar / "results/data/cifar10.json").exists()
    assert not (made_up_cifar / "results/figures/sec7.png").exists()
