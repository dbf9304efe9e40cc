"""torchvision ResNets cut at the paper's Conv1..Conv5.

Layer names follow He et al. (2016), as the paper does, not torchvision's:

    conv1 = stem: conv1 -> bn1 -> relu (ends *before* the 3x3 max pool, which He et al.
            list at the start of conv2_x)
    conv2 = maxpool + layer1    conv3 = layer2    conv4 = layer3    conv5 = layer4

Each cut is the output of the whole stage. Models are returned frozen (see models.freeze).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torchvision import models
from torchvision.models.feature_extraction import create_feature_extractor

from ..seeds import MODEL_INIT, stream_seed
from . import LAYER_NAMES, RESNET_NAMES, UNTRAINED, freeze
from .weights import WeightsUnavailable, state_dict

# The paper's stage names -> the torchvision node whose output ends that stage.
CUTS = dict(zip(LAYER_NAMES, ["relu", "layer1", "layer2", "layer3", "layer4"], strict=False))


def _check_arch(arch: str) -> None:
    if arch not in RESNET_NAMES:
        raise ValueError(f"unknown model {arch!r}; choose one of {sorted(RESNET_NAMES)}")


def _check_layers(layers) -> None:
    unknown = [layer for layer in layers if layer not in CUTS]
    if unknown or not layers:
        raise ValueError(f"unknown layer(s) {unknown or layers!r}; choose from {list(CUTS)}")


def load_resnet(arch: str, weights: str | Path = UNTRAINED, seed: int = 0) -> nn.Module:
    """A frozen ResNet.

    weights: "untrained" (PyTorch's default init, drawn from the MODEL_INIT stream of the
    config's `seed`, see depthrep.seeds), "imagenet"
    (torchvision's IMAGENET1K_V1) or the path of a checkpoint written by weights.save_checkpoint.
    """
    _check_arch(arch)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        model = getattr(models, arch)(weights=None)
    state = state_dict(arch, weights)
    if state is not None:
        try:
            model.load_state_dict(state)
        except RuntimeError as err:
            raise WeightsUnavailable(f"weights {weights} do not fit {arch}: {err}") from err
    return freeze(model)


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


def conv1_kernels(arch: str, weights: str | Path) -> torch.Tensor:
    """The first convolution's weights (64 x 3 x 7 x 7 for ResNets): Fig S5's kernels."""
    return load_resnet(arch, weights).conv1.weight.detach().cpu()
