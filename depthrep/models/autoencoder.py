"""The blog's overcomplete autoencoder ("Autoencoders: learning by copying"): fully connected,
every hidden layer wider than the input.

    Flatten -> [Linear -> ReLU] per hidden width -> Linear back to the input size -> Unflatten

The post gives five hidden layers, each with more elements than the input, trained with mean
squared error; it names no activation, output nonlinearity or widths: ReLU hidden layers and a
linear output are this project's choice (the widths are settings). Hidden layer k's output is
taken after its ReLU; "output" is the reconstruction.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..seeds import MODEL_INIT, stream_seed
from . import freeze

OUTPUT = "output"


def autoencoder(input_shape: tuple[int, ...], widths: list[int], seed: int = 0) -> nn.Sequential:
    """A trainable autoencoder of `input_shape` (e.g. (3, 32, 32)); PyTorch's default init drawn
    from the MODEL_INIT stream of the config's `seed` (the trained model starts from the untrained one)."""
    if not widths or any(int(w) < 1 for w in widths):
        raise ValueError(f"autoencoder widths must be a non-empty list of positive integers, got {widths!r}")
    size = math.prod(int(d) for d in input_shape)
    layers: list[nn.Module] = [nn.Flatten()]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        previous = size
        for width in widths:
            layers += [nn.Linear(previous, int(width)), nn.ReLU()]
            previous = int(width)
        layers += [nn.Linear(previous, size), nn.Unflatten(1, tuple(int(d) for d in input_shape))]
    return nn.Sequential(*layers)


def layer_names(model: nn.Sequential) -> list[str]:
    """hidden1 .. hiddenN, then output."""
    hidden = sum(isinstance(m, nn.ReLU) for m in model)
    return [f"hidden{k}" for k in range(1, hidden + 1)] + [OUTPUT]


def cut(model: nn.Sequential, layer: str) -> nn.Sequential:
    """`model` up to `layer` (hidden k: after its ReLU; output: the whole model), sharing its
    modules; the model is frozen (models.freeze) first, so the cut is a fixed function."""
    names = layer_names(model)
    if layer not in names:
        raise ValueError(f"unknown autoencoder layer {layer!r}; choose from {names}")
    end = len(model) if layer == OUTPUT else 1 + 2 * int(layer.removeprefix("hidden"))
    return nn.Sequential(*list(freeze(model))[:end])
