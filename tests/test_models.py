"""Models: the paper's layer cuts, weight sources and MLPs. (Missing or broken weights and
checkpoints: tests/test_bad_input.py.)"""

from __future__ import annotations

import os
import urllib.error
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import torchvision
from torch import nn

from depthrep import seeds
from depthrep.files import sha256
from depthrep.models import LAYER_NAMES, RESNET_NAMES, mlp, vision, weights


@pytest.fixture(scope="module")
def resnet18():
    return vision.load("resnet18", "untrained", seed=0)


def test_cuts_equal_torchvision_intermediate_outputs(resnet18):
    seen = {}
    nodes = {"conv1": resnet18.relu, "conv2": resnet18.layer1, "conv3": resnet18.layer2, "conv4": resnet18.layer3, "conv5": resnet18.layer4}
    hooks = [module.register_forward_hook(lambda m, i, o, name=name: seen.setdefault(name, o)) for name, module in nodes.items()]
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        resnet18(x)
        cuts = vision.cut(resnet18, "resnet18", list(vision.CUTS["resnet18"]))(x)
    for hook in hooks:
        hook.remove()
    for name in vision.CUTS["resnet18"]:
        assert torch.equal(cuts[name], seen[name]), name
    assert cuts["conv1"].shape[-1] == 32  # the stem ends before the max pool (which halves again)


def test_a_conv2_forward_runs_no_later_stage(resnet18):
    body = vision.cut(resnet18, "resnet18", ["conv2"])
    called = []
    for name, module in body.named_modules():
        if name:
            module.register_forward_pre_hook(lambda m, i, name=name: called.append(name))
    with torch.no_grad():
        body(torch.rand(1, 3, 32, 32))
    assert any(name.startswith("layer1") for name in called)
    assert not any(name.split(".")[0] in {"layer2", "layer3", "layer4", "avgpool", "fc"} for name in called)


def test_untrained_weights_are_seeded(resnet18):
    same = vision.load("resnet18", "untrained", seed=0)
    other = vision.load("resnet18", "untrained", seed=1)
    assert torch.equal(same.conv1.weight, resnet18.conv1.weight)
    assert not torch.equal(other.conv1.weight, resnet18.conv1.weight)


def test_untrained_init_is_drawn_from_the_model_init_stream(resnet18):
    """Not from the config's seed itself, which a_0 and the shift once shared."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seeds.stream_seed(0, seeds.MODEL_INIT))
        expected = torchvision.models.resnet18(weights=None)
        torch.manual_seed(seeds.stream_seed(0, seeds.MODEL_INIT))
        first = nn.Linear(48, 10)
        torch.manual_seed(0)
        plain = torchvision.models.resnet18(weights=None)
    assert torch.equal(resnet18.conv1.weight, expected.conv1.weight)
    assert torch.equal(resnet18.fc.weight, expected.fc.weight)
    assert not torch.equal(resnet18.conv1.weight, plain.conv1.weight)
    model = mlp.mlp((3, 4, 4), [10, 20], seed=0)
    assert torch.equal(model[1].weight, first.weight) and torch.equal(model[1].bias, first.bias)


def test_models_are_frozen_and_in_eval_mode(resnet18):
    assert not resnet18.training
    assert not any(p.requires_grad for p in resnet18.parameters())


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty torch cache and no network: only a file already in the cache can be loaded."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    return tmp_path


def cached_imagenet_file(monkeypatch, tmp_path, content) -> Path:
    """`content` saved as resnet18's ImageNet file in the torch cache, under a name that carries
    its sha256 prefix as torchvision's files do (resnet18-f37072fd.pth)."""
    staged = tmp_path / "staged.pth"
    torch.save(content, staged)
    digest = sha256(staged)
    monkeypatch.setattr(weights, "imagenet_weights", lambda arch: SimpleNamespace(url=f"https://example.org/{arch}-{digest[:8]}.pth"))
    path = weights.imagenet_weights_file("resnet18")
    path.parent.mkdir(parents=True)
    staged.rename(path)
    return path


def test_imagenet_weights_in_the_cache_are_checked_and_loaded_without_download(offline, resnet18, monkeypatch):
    path = cached_imagenet_file(monkeypatch, offline, resnet18.state_dict())
    assert weights.published_hash("resnet18") == sha256(path)[:8]
    loaded = vision.load("resnet18", "imagenet", seed=5)
    assert torch.equal(loaded.fc.weight, resnet18.fc.weight)


def test_imagenet_weights_are_loaded_with_weights_only(offline, monkeypatch):
    """A cache file whose hash matches but which holds code: refused, and the code never runs."""
    marker = offline / "code-ran"
    cached_imagenet_file(monkeypatch, offline, {"fc.weight": Payload(marker)})
    with pytest.raises(weights.WeightsUnavailable, match="is unreadable"):
        vision.load("resnet18", "imagenet")
    assert not marker.exists()


def test_torchvision_publishes_a_hash_for_each_resnet():
    for name in RESNET_NAMES:
        assert len(weights.published_hash(name)) >= 8


def test_checkpoint_round_trip(tmp_path, resnet18):
    path = tmp_path / "model.pt"
    weights.save_checkpoint(path, "resnet18", resnet18, epochs=3)
    loaded = vision.load("resnet18", path, seed=7)
    for name, tensor in resnet18.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], tensor), name
    assert not list(tmp_path.glob("*.partial"))


def test_mlp_has_the_requested_widths_dtype_and_nonlinearity():
    model = mlp.mlp((3, 4, 4), [10, 20], relu=True, dtype=torch.float64, seed=0)
    linear = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [m.in_features for m in linear] == [48, 10] and [m.out_features for m in linear] == [10, 20]
    assert all(m.weight.dtype == torch.float64 and m.bias is not None for m in linear)
    assert sum(isinstance(m, torch.nn.ReLU) for m in model) == 2
    assert model(torch.rand(2, 3, 4, 4, dtype=torch.float64)).shape == (2, 20)
    with pytest.raises(ValueError, match="widths"):
        mlp.mlp((3, 4, 4), [])


def test_unknown_model_and_layer_are_refused(resnet18):
    with pytest.raises(ValueError, match="unknown model 'resnet19'"):
        vision.load("resnet19")
    with pytest.raises(ValueError, match="unknown cut"):
        vision.cut(resnet18, "resnet18", ["conv6"])


def test_the_names_a_config_may_use_are_those_the_library_builds():
    from depthrep.pipeline import mlp_figures, plan
    from depthrep.plotting.mlp import DRAWINGS

    for name in RESNET_NAMES:
        assert weights.imagenet_weights(name).url.endswith(".pth")
    assert tuple(vision.CUTS["resnet18"]) == LAYER_NAMES
    assert tuple(mlp_figures.EXPERIMENTS) == tuple(DRAWINGS) == plan.MLP_KINDS


class Payload:
    """A pickled object that would create a folder if unpickled without weights_only."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)
