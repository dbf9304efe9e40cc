"""The workflow beyond the paper: the architecture, training and representations figures of the
tiny preset (the session's run), and what each figure alone schedules."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
from PIL import Image
from workflow import TINY, copy_workflow, planned_jobs

from depthrep.files import read_json
from depthrep.models import vision

FIGURES = ["architectures", "training", "representations"]


@pytest.mark.parametrize(
    "figure, expected",
    [
        # the jobs of ResNet50 (shared with Fig 2, but not run in a fresh folder) and ViT-B/16
        ("architectures", {"prepare_target": 1, "invert": 2, "architectures_figure": 1}),
        ("training", {"prepare_target": 1, "train_noise_classifier": 1, "invert": 3, "epochs_figure": 1}),
        ("representations", {"train_noise_classifier": 1, "activations": 4, "representation_tables": 1, "representations_figure": 1}),
    ],
)
def test_each_figure_schedules_only_its_own_jobs(tmp_path, figure, expected):
    assert planned_jobs(copy_workflow(tmp_path), figure, *TINY) == {**expected, figure: 1}


def test_tiny_run_makes_the_figures_and_tables_beyond_the_paper(tiny_run):
    for name in FIGURES:
        with Image.open(tiny_run / f"results/figures/{name}.png") as image:
            image.verify()
    tables = tiny_run / "results/tables"
    depths = pd.read_csv(tables / "architectures_depths.csv")
    assert list(zip(depths.model, depths.layer, strict=True)) == [
        ("resnet50", "conv1"),
        ("resnet50", "conv5"),
        ("vit_b_16", "block2"),
        ("vit_b_16", "block12"),
    ]
    assert depths.relative_depth.between(0, 1).all() and (depths.state == "untrained").all()
    epochs = pd.read_csv(tables / "training_epochs.csv")
    assert list(epochs.epoch) == [0, 3, 6] and list(epochs.state) == ["untrained", "noise@3", "noise"]
    similarity = pd.read_csv(tables / "representations_similarity.csv")
    assert set(similarity.comparison) == {"within", "states", "architectures"} and (similarity.images == 16).all()
    assert similarity.cka.between(0, 1 + 1e-9).all() and similarity.cka_low.notna().all()
    spectrum = pd.read_csv(tables / "representations_spectrum.csv")
    assert set(spectrum.epoch) == {0, 3, 6} and set(spectrum.sigma) == {0.2, 0.1, 0.01}


def test_tiny_run_keeps_the_epoch_and_the_inversions_use_it(tiny_run):
    kept = tiny_run / "results/models/noise_resnet50@3.pt"
    untrained, final = vision.load("resnet50", seed=0), vision.load("resnet50", tiny_run / "results/models/noise_resnet50.pt")
    middle = vision.load("resnet50", kept)
    assert not torch.equal(middle.conv1.weight, untrained.conv1.weight) and not torch.equal(middle.conv1.weight, final.conv1.weight)
    record = read_json(tiny_run / "results/inversions/fixed/resnet50/noise@3/tesla_coil/blur/result.json")
    assert record["key"]["state"] == "noise@3" and {row["layer"] for row in record["rows"]} == {"conv5"}
    assert "results/models/noise_resnet50@3.pt" in str(read_json(tiny_run / "results/provenance.json"))
    activations = sorted(
        p.relative_to(tiny_run / "results/activations").as_posix() for p in (tiny_run / "results/activations").rglob("*.pt")
    )
    assert activations == [
        "probe/resnet50/noise.pt",
        "probe/resnet50/noise@3.pt",
        "probe/resnet50/untrained.pt",
        "probe/vit_b_16/untrained.pt",
    ]


def test_tiny_run_summary_states_each_claim_with_its_numbers(tiny_run):
    summary = (tiny_run / "results/summary.md").read_text()
    assert "## architectures: Any architecture: early layers copy the input, deep layers do not" in summary
    assert "architectures (and states) measured." in summary and "ViT-B/16 (untrained), cuts block2, block12: m_i" in summary
    assert "## training: Training does not lead to more accurate approximations in deep layers" in summary
    assert "- From epoch 0 to 6: m_g at conv5" in summary
    assert "The first component's share grew from epoch 0 to 6 in" in summary
    assert "resnet50 noise@3 against untrained, same cut (95% bootstrap interval): conv1" in summary
    assert "| architectures | [made](figures/architectures.png); panels left out: imagenet" in summary
