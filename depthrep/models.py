"""The paper's models: torchvision ResNets cut at Conv1..Conv5, and fully connected MLPs.

Layer names follow He et al. (2016), as the paper does, not torchvision's:

    conv1 = stem: conv1 -> bn1 -> relu (ends *before* the 3x3 max pool, which He et al.
            list at the start of conv2_x)
    conv2 = maxpool + layer1    conv3 = layer2    conv4 = layer3    conv5 = layer4

Each cut is the output of the whole stage. Models are returned in eval mode (BatchNorm uses
its running statistics, so problems in one batch do not influence each other) with frozen
parameters (the inversion needs gradients of the input only, and skipping parameter
gradients makes a step about 1.5 times faster).
"""

from __future__ import annotations

import os
import pickle
import urllib.error
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn
from torchvision import models
from torchvision.models.feature_extraction import create_feature_extractor

from .names import LAYER_NAMES, RESNET_NAMES

RESNETS = {name: (getattr(models, name), models.get_model_weights(name)) for name in RESNET_NAMES}

# The paper's stage names -> the torchvision node whose output ends that stage.
CUTS = dict(zip(LAYER_NAMES, ["relu", "layer1", "layer2", "layer3", "layer4"]))

UNTRAINED = "untrained"
IMAGENET = "imagenet"


class WeightsUnavailable(RuntimeError):
    """The weights a run asks for cannot be had (offline, missing or broken file)."""


def _check_arch(arch: str) -> None:
    if arch not in RESNETS:
        raise ValueError(f"unknown model {arch!r}; choose one of {sorted(RESNETS)}")


def _check_layers(layers) -> None:
    unknown = [layer for layer in layers if layer not in CUTS]
    if unknown or not layers:
        raise ValueError(f"unknown layer(s) {unknown or layers!r}; choose from {list(CUTS)}")


def imagenet_weights_file(arch: str) -> Path:
    """Where torchvision's weights API keeps the IMAGENET1K_V1 file of `arch` (torch hub cache)."""
    _check_arch(arch)
    url = RESNETS[arch][1].IMAGENET1K_V1.url
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(url).path)


def imagenet_state_dict(arch: str) -> dict:
    """The paper's 'trained' weights (IMAGENET1K_V1) through torchvision's weights API.

    Loaded from the torch hub cache when present, downloaded (hash-checked) otherwise; when
    neither works, the error names the file and the folder to put it in.
    """
    _check_arch(arch)
    weights = RESNETS[arch][1].IMAGENET1K_V1
    try:
        return weights.get_state_dict(progress=False, check_hash=True)
    except (urllib.error.URLError, OSError, RuntimeError, pickle.UnpicklingError, EOFError) as err:
        target = imagenet_weights_file(arch)
        raise WeightsUnavailable(
            f"ImageNet weights for {arch} could not be downloaded, or the file in the torch cache is "
            f"broken ({type(err).__name__}: {err}). Download {weights.url} and put it at {target} "
            f"(set TORCH_HOME to use another cache folder)."
        ) from err


def save_checkpoint(path: str | Path, arch: str, model: nn.Module, **settings) -> None:
    """Write a checkpoint the pipeline can load back with `weights_only=True`."""
    _check_arch(arch)
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    torch.save({"arch": arch, "state_dict": model.state_dict(), "settings": settings}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str | Path, arch: str) -> dict:
    """The state dict of a checkpoint written by `save_checkpoint`, checked against `arch`."""
    path = Path(path)
    if not path.is_file():
        raise WeightsUnavailable(f"checkpoint {path} does not exist")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for truncated or foreign files
        raise WeightsUnavailable(f"checkpoint {path} is unreadable (corrupt or not a torch file): {err}") from err
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("state_dict"), dict):
        raise WeightsUnavailable(f"checkpoint {path} holds no 'state_dict' entry (not written by depthrep)")
    if checkpoint.get("arch") != arch:
        raise WeightsUnavailable(f"checkpoint {path} is for {checkpoint.get('arch')!r}, not {arch!r}")
    return checkpoint["state_dict"]


def load_resnet(arch: str, weights: str | Path = UNTRAINED, seed: int = 0) -> nn.Module:
    """A ResNet in eval mode with frozen parameters.

    weights: "untrained" (PyTorch's default init, drawn from `seed`), "imagenet"
    (torchvision's IMAGENET1K_V1) or the path of a checkpoint written by `save_checkpoint`.
    """
    _check_arch(arch)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = RESNETS[arch][0](weights=None)
    if weights == IMAGENET:
        state = imagenet_state_dict(arch)
    elif weights == UNTRAINED:
        state = None
    else:
        state = load_checkpoint(weights, arch)
    if state is not None:
        try:
            model.load_state_dict(state)
        except RuntimeError as err:
            raise WeightsUnavailable(f"weights {weights} do not fit {arch}: {err}") from err
    return freeze(model)


def weights_source(state: str, checkpoint: str | Path | None = None) -> str | Path:
    """What `load_resnet` takes for a pipeline training state: its name, or its checkpoint file."""
    if state in (UNTRAINED, IMAGENET):
        return state
    if not checkpoint:
        raise WeightsUnavailable(f"training state {state!r} needs a checkpoint file and none was given")
    return checkpoint


def freeze(model: nn.Module) -> nn.Module:
    """Eval mode and no parameter gradients: the model is a fixed function of its input."""
    model.eval()
    model.requires_grad_(False)
    return model


def cut(model: nn.Module, layers: list[str]) -> nn.Module:
    """A module returning {layer: activation} for the paper's `layers` in one forward.

    Built with torchvision's feature extraction, which drops every node after the deepest
    requested cut: a Conv2-only forward never runs layer2..layer4 or the classifier.
    """
    _check_layers(layers)
    return freeze(create_feature_extractor(model, return_nodes={CUTS[layer]: layer for layer in layers}))


class SingleCut(nn.Module):
    """The activation at one cut as a plain tensor (what the inversion engine matches)."""

    def __init__(self, model: nn.Module, layer: str):
        super().__init__()
        self.layer = layer
        self.body = cut(model, [layer])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)[self.layer]


def mlp(
    input_shape: tuple[int, ...],
    widths: list[int],
    relu: bool = False,
    bias: bool = True,
    dtype: torch.dtype = torch.float32,
    seed: int = 0,
) -> nn.Sequential:
    """A fully connected model on a flattened input: one Linear per width, optional ReLU.

    The paper's MLPs have biases and no nonlinearity unless stated; PyTorch's default
    (Kaiming uniform) init is drawn from `seed`.
    """
    if not widths or any(int(w) < 1 for w in widths):
        raise ValueError(f"MLP widths must be a non-empty list of positive integers, got {widths!r}")
    size = 1
    for dim in input_shape:
        size *= int(dim)
    layers: list[nn.Module] = [nn.Flatten()]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for width in widths:
            layers.append(nn.Linear(size, int(width), bias=bias, dtype=dtype))
            if relu:
                layers.append(nn.ReLU())
            size = int(width)
    return freeze(nn.Sequential(*layers))
