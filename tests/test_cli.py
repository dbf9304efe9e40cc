"""The command line prints the paper's distances for one inversion and names bad input."""

import logging
import math

import pytest
import torch
from PIL import Image

from depthrep import cli, images
from depthrep.engine import Descent
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.models.vision import load

SMALL = ["invert", "--model", "resnet18", "--layer", "conv1", "--size", "32", "--iterations", "30"]


def printed(capsys) -> dict:
    return {name: float(value) for name, value in (item.split("=") for item in capsys.readouterr().out.split())}


def test_invert_prints_the_distances_logs_progress_and_writes_the_image(tmp_path, capsys, caplog):
    out = tmp_path / "a_g.png"
    with caplog.at_level(logging.INFO):
        assert cli.main([*SMALL, "--lr", "0.1", "0.03", "--out", str(out)]) == 0
    values = printed(capsys)
    assert list(values) == ["lr", "m_g", "m_s", "m_i", "shift_distance"]
    assert values["lr"] in (0.1, 0.03)
    assert 0 < values["m_g"] < values["m_s"]  # Conv1 of an untrained ResNet is inverted well
    assert values["m_i"] > 0
    assert values["shift_distance"] == pytest.approx(0.05 * (3 * 32 * 32) ** 0.5, rel=0.05)
    assert "inverting conv1 of resnet18" in caplog.text and "iteration 0/30" in caplog.text
    assert f"kept {values['lr']:g}" in caplog.text
    with Image.open(out) as image:
        assert image.size == (32, 32)


def test_the_cli_gives_the_pipelines_inversion_for_its_seed(capsys):
    """--seed c is a config's seed c with the run seed 0: model, a_0 and shift as the pipeline draws them."""
    assert cli.main([*SMALL, "--seed", "3", "--lr", "0.1"]) == 0
    values = printed(capsys)
    model, image, cpu = load("resnet18", seed=3), images.load_image("sample:chelsea", 32), torch.device("cpu")
    embedded = embed_target(model, "resnet18", image, 0.05, 3, cpu)
    descent = Descent(iterations=30, lr_candidates=(0.1,), seeds=(0,))
    (row,), _, _ = invert_layer(model, "resnet18", "conv1", embedded, descent, "plain", cpu, seed=3)
    for name, value in values.items():
        assert value == pytest.approx(row[name], rel=1e-3), name  # printed to 4 digits


def test_bad_input_is_named_without_a_traceback(tmp_path, capsys):
    missing = tmp_path / "dog.png"
    assert cli.main([*SMALL, "--image", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"depthrep invert: error: target image {missing} does not exist"


def test_every_learning_rate_diverging_exits_non_zero_with_nan_distances(capsys):
    assert cli.main([*SMALL, "--lr", "1e39"]) == 1  # inf in float32
    values = printed(capsys)
    assert math.isnan(values["lr"]) and math.isnan(values["m_g"]) and values["m_s"] > 0


@pytest.mark.parametrize("lr", ["-0.1", "0", "nan", "inf"])
def test_a_learning_rate_that_is_not_a_positive_number_is_refused(capsys, lr):
    assert cli.main([*SMALL, "--lr", "0.1", lr]) == 2
    err = capsys.readouterr().err
    assert err.startswith("depthrep invert: error: lr_candidates must be a non-empty list of positive numbers")
