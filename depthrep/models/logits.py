"""ImageNet classifiers' logits, for the blog's class representations and model similarity
(Input Generation III): the paper's ResNets and GoogLeNet.

Models are returned frozen (models.freeze), fed images in [0, 1] as the author's code feeds
them (no normalisation; torchvision's ImageNet GoogLeNet converts its input itself,
transform_input, as the author's torch.hub model did).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torchvision import models

from ..seeds import MODEL_INIT, stream_seed
from . import LOGIT_MODELS, RESNET_NAMES, UNTRAINED, freeze
from .resnet import load_resnet
from .weights import WeightsUnavailable, state_dict


def load_logits_model(arch: str, weights: str | Path = UNTRAINED, seed: int = 0) -> nn.Module:
    """A frozen classifier returning logits. weights: "untrained" (PyTorch's default init from
    the MODEL_INIT stream of `seed`), "imagenet" (torchvision's IMAGENET1K_V1) or a checkpoint."""
    if arch in RESNET_NAMES:
        return load_resnet(arch, weights, seed)
    if arch == "googlenet":
        return load_googlenet(weights, seed)
    raise ValueError(f"unknown model {arch!r}; choose one of {list(LOGIT_MODELS)}")


def load_googlenet(weights: str | Path = UNTRAINED, seed: int = 0) -> nn.Module:
    """torchvision's GoogLeNet built here directly (no auxiliary classifiers: they act only in
    training mode). With trained weights it converts its input as torchvision's ImageNet
    GoogLeNet does (transform_input); untrained, it takes the input as it is."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        model = models.googlenet(weights=None, aux_logits=False, init_weights=True, transform_input=weights != UNTRAINED)
    state = state_dict("googlenet", weights)
    if state is not None:
        state = {k: v for k, v in state.items() if not k.startswith(("aux1.", "aux2."))}  # torchvision's file holds them
        try:
            model.load_state_dict(state)
        except RuntimeError as err:
            raise WeightsUnavailable(f"weights {weights} do not fit googlenet: {err}") from err
    return freeze(model)


def imagenet_categories() -> list[str]:
    """The 1000 ImageNet class names, in logit order (torchvision's weights metadata; no download)."""
    return list(models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"])
