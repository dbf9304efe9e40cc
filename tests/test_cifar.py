"""Sec 7: CIFAR loading (from made-up datasets in the real on-disk format), the standard and
inverted classifiers, their training runs and the Sec 7 figure."""

from __future__ import annotations

import urllib.error
import urllib.request

import numpy as np
import pytest
import torch
from cifar_files import make_cifar

from depthrep import seeds
from depthrep.experiments import cifar, sec7_gaps
from depthrep.models import classifiers
from depthrep.plotting import sec7 as plots
from depthrep.training.fit import TrainSettings

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["cifar10", "cifar100"])
def test_a_dataset_in_the_real_format_loads(tmp_path, name):
    written = make_cifar(tmp_path, name)
    train = cifar.load(name, tmp_path, train=True, verify=False)
    test = cifar.load(name, tmp_path, train=False, verify=False)
    train_files = [f for f in written if f not in ("test_batch", "test")]
    expected_data = np.concatenate([written[f][0] for f in train_files])
    expected_labels = sum((written[f][1] for f in train_files), [])
    assert len(train) == len(expected_labels) and len(test) == 8
    assert len(train.classes) == {"cifar10": 10, "cifar100": 100}[name]
    image, label = train[7]
    assert image.shape == (3, 32, 32) and image.dtype == torch.float32
    assert torch.equal(image, torch.from_numpy(expected_data[7].reshape(3, 32, 32)).float() / 255)  # channel-major rows
    assert label == expected_labels[7]
    first = cifar.load(name, tmp_path, train=True, limit=5, verify=False)
    assert len(first) == 5 and torch.equal(first[4][0], train[4][0])


def test_made_up_files_fail_the_md5_check_and_missing_ones_name_the_folder(tmp_path):
    make_cifar(tmp_path, "cifar10")
    with pytest.raises(cifar.DatasetUnavailable, match="missing or corrupt under .*cifar-10-batches-py"):
        cifar.load("cifar10", tmp_path, train=True)
    with pytest.raises(cifar.DatasetUnavailable, match="so that its folder is .*cifar-100-python"):
        cifar.load("cifar100", tmp_path, train=True, verify=False)
    with pytest.raises(ValueError, match="unknown dataset 'mnist'"):
        cifar.load("mnist", tmp_path, train=True)
    with pytest.raises(ValueError, match="limit"):
        cifar.load("cifar10", tmp_path, train=True, limit=0, verify=False)


def test_fetch_offline_says_where_the_extracted_folder_goes(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(cifar.DatasetUnavailable) as caught:
        cifar.fetch("cifar100", tmp_path)
    message = str(caught.value)
    assert "cifar-100-python.tar.gz" in message and f"so that its folder is {tmp_path / 'cifar-100-python'}" in message


SHAPE = (3, 32, 32)


def test_default_architectures_shrink_and_grow_as_named():
    for name, spec in classifiers.ARCHITECTURES.items():
        sizes = classifiers.hidden_sizes(spec, SHAPE)
        steps = np.diff(sizes)
        if name.endswith("standard"):
            assert all(steps < 0) and sizes[-1] < 3072, name
        else:
            assert all(steps > 0) and sizes[0] >= 3072, name
        model = classifiers.build(spec, SHAPE, 7, seed=0)
        assert model.training and all(p.requires_grad for p in model.parameters())
        assert model(torch.rand(2, *SHAPE)).shape == (2, 7)


def test_classifier_init_is_seeded_and_bad_specs_are_refused():
    spec = {"kind": "conv", "channels": [4, 8], "pool": True}
    same = [classifiers.build(spec, SHAPE, 3, seed=s).state_dict() for s in (0, 0, 1)]
    assert all(torch.equal(same[0][k], same[1][k]) for k in same[0])
    assert not torch.equal(same[0]["0.weight"], same[2]["0.weight"])
    with torch.random.fork_rng(devices=[]):  # drawn from the MODEL_INIT stream, not the seed itself
        torch.manual_seed(seeds.stream_seed(0, seeds.MODEL_INIT))
        first = torch.nn.Conv2d(3, 4, 3, padding=1)
    assert torch.equal(same[0]["0.weight"], first.weight) and torch.equal(same[0]["0.bias"], first.bias)
    assert classifiers.hidden_sizes(spec, SHAPE) == [4 * 16 * 16, 8 * 8 * 8]
    with pytest.raises(ValueError, match="kind must be 'mlp' or 'conv'"):
        classifiers.build({"kind": "vit"}, SHAPE, 3)
    with pytest.raises(ValueError, match="widths must be a non-empty list"):
        classifiers.build({"kind": "mlp", "widths": []}, SHAPE, 3)
    with pytest.raises(ValueError, match="pool must be true or false"):
        classifiers.build({"kind": "conv", "channels": [4]}, SHAPE, 3)
    with pytest.raises(ValueError, match="too many pooled layers"):
        classifiers.build({"kind": "conv", "channels": [1] * 6, "pool": True}, SHAPE, 3)


TINY = {
    "mlp_standard": {"kind": "mlp", "widths": [32, 16]},
    "mlp_inverted": {"kind": "mlp", "widths": [16, 32]},
    "conv_standard": {"kind": "conv", "channels": [4, 8], "pool": True},
    "conv_inverted": {"kind": "conv", "channels": [2, 4], "pool": False},
}


def test_classifier_runs_and_the_sec7_figure(tmp_path):
    make_cifar(tmp_path, "cifar10")
    settings = TrainSettings(epochs=2, batch_size=8, lr=1e-3, evaluate_train=True)
    runs = [
        cifar.train_classifier("cifar10", tmp_path, name, spec, settings, tmp_path / f"{name}.pt", verify=False, device=torch.device("cpu"))
        for name, spec in TINY.items()
    ]
    paths = [tmp_path / f"{name}.csv" for name in TINY]
    for run, path in zip(runs, paths, strict=False):
        run.to_csv(path, index=False)
    histories = sec7_gaps.read_histories(paths)
    assert {"train_accuracy", "test_accuracy", "dataset", "architecture"} <= set(histories.columns)
    assert len(histories) == 2 * len(TINY) and set(histories.architecture) == set(TINY)

    gaps = sec7_gaps.final_gaps(histories)
    assert list(gaps.design) == ["standard", "inverted", "standard", "inverted"]
    last = histories[histories.epoch == 2].reset_index()
    assert np.allclose(gaps.gap, last.train_accuracy - last.test_accuracy)

    png = tmp_path / "sec7.png"
    unavailable = {"cifar100": "CIFAR100 cannot be downloaded offline"}
    plots.draw_sec7(histories, gaps, unavailable, ["cifar10", "cifar100"], "Sec 7", png, None, reduced="tiny")
    assert png.read_bytes().startswith(PNG_MAGIC)

    nothing = sec7_gaps.read_histories([])
    assert sec7_gaps.final_gaps(nothing).empty
    plots.draw_sec7(
        nothing, sec7_gaps.final_gaps(nothing), {"cifar10": "offline", "cifar100": "offline"}, ["cifar10", "cifar100"], "Sec 7", png, None
    )
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_cifar_images_are_one_float_tensor_handed_over_a_batch_at_a_time(tmp_path):
    written = make_cifar(tmp_path, "cifar10")
    data = cifar.load("cifar10", tmp_path, train=False, verify=False)
    pixels, labels = written["test_batch"]
    first = torch.from_numpy(pixels[3].reshape(3, 32, 32)).float() / 255  # CIFAR's rows are channel-major
    image, label = data[3]
    assert torch.equal(image, first) and label == labels[3]
    images, batch_labels = data.__getitems__([3, 0])
    assert torch.equal(images[0], first) and batch_labels.tolist() == [labels[3], labels[0]]
    assert data.images.dtype == torch.float32 and data.images.shape[1:] == (3, 32, 32)
