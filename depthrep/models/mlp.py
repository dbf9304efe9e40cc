"""Fully connected models on a flattened image (section 4)."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..seeds import MODEL_INIT, stream_seed
from . import freeze


def mlp(
    input_shape: tuple[int, ...],
    widths: list[int],
    relu: bool = False,
    bias: bool = True,
    dtype: torch.dtype = torch.float32,
    seed: int = 0,
) -> nn.Sequential:
    """A frozen fully connected model: Flatten, then one Linear per width, optional ReLU.

    The paper's MLPs have biases and no nonlinearity unless stated; PyTorch's default
    (Kaiming uniform) init is drawn from the MODEL_INIT stream of the config's `seed`
    (depthrep.seeds): models of one seed share their first numbers, so a model's first
    layers are the same whatever layers follow.
    """
    if not widths or any(int(w) < 1 for w in widths):
        raise ValueError(f"MLP widths must be a non-empty list of positive integers, got {widths!r}")
    size = math.prod(int(d) for d in input_shape)
    layers: list[nn.Module] = [nn.Flatten()]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        for width in widths:
            layers.append(nn.Linear(size, int(width), bias=bias, dtype=dtype))
            if relu:
                layers.append(nn.ReLU())
            size = int(width)
    return freeze(nn.Sequential(*layers))
