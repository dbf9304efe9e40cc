"""Sec 7: 'standard' classifiers, whose layers hold fewer nodes with depth, and 'inverted' ones,
whose layers hold more (and so could represent their input exactly in every hidden layer).

An architecture is a plain dict (a config entry):
    {"kind": "mlp", "widths": [...]}                      Linear + ReLU per width, then a linear head
    {"kind": "conv", "channels": [...], "pool": bool}     3x3 conv (padding 1) + ReLU per entry, each
                                                          followed by a 2x2 max pool when pool is true;
                                                          then a linear head on the flattened output

The defaults (ARCHITECTURES) are sized for 3 x 32 x 32 CIFAR images (3072 inputs) and kept
modest, so a few epochs on a subset train on a CPU:
    mlp_standard   widths 1024, 512, 256                nodes shrink, all below the 3072 inputs
    mlp_inverted   widths 3072, 4096, 5120              nodes grow from the input size up
    conv_standard  channels 32, 64, 128, pooled         nodes 8192, 4096, 2048 (the usual CNN shape)
    conv_inverted  channels 8, 16, 32, not pooled       nodes 8192, 16384, 32768
mlp_inverted (43 M parameters) is the costly one: a training step takes about 20 times as
long per image as mlp_standard (3.8 M), and 5 to 7 times as long as either conv net.
No dropout, batch norm or augmentation: nothing but the architecture differs between the two.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..seeds import MODEL_INIT, stream_seed

ARCHITECTURES = {
    "mlp_standard": {"kind": "mlp", "widths": [1024, 512, 256]},
    "mlp_inverted": {"kind": "mlp", "widths": [3072, 4096, 5120]},
    "conv_standard": {"kind": "conv", "channels": [32, 64, 128], "pool": True},
    "conv_inverted": {"kind": "conv", "channels": [8, 16, 32], "pool": False},
}


def _positive_list(spec: dict, key: str) -> list[int]:
    values = spec.get(key)
    if not isinstance(values, (list, tuple)) or not values or any(int(v) < 1 for v in values):
        raise ValueError(f"classifier setting {key} must be a non-empty list of positive integers, got {values!r}")
    return [int(v) for v in values]


def hidden_sizes(spec: dict, input_shape: tuple[int, int, int]) -> list[int]:
    """Nodes (activations per example) of each hidden layer: what shrinks or grows with depth."""
    if spec.get("kind") == "mlp":
        return _positive_list(spec, "widths")
    if spec.get("kind") == "conv":
        if not isinstance(spec.get("pool"), bool):
            raise ValueError(f"classifier setting pool must be true or false, got {spec.get('pool')!r}")
        _, height, width = input_shape
        sizes = []
        for channels in _positive_list(spec, "channels"):
            if spec.get("pool"):
                height, width = height // 2, width // 2
            if height < 1 or width < 1:
                raise ValueError(f"classifier setting channels: too many pooled layers for a {input_shape} input")
            sizes.append(channels * height * width)
        return sizes
    raise ValueError(f"classifier setting kind must be 'mlp' or 'conv', got {spec.get('kind')!r}")


def build(spec: dict, input_shape: tuple[int, int, int], classes: int, seed: int = 0) -> nn.Module:
    """A trainable classifier (training mode), PyTorch's default init drawn from the MODEL_INIT
    stream of the config's `seed` (depthrep.seeds)."""
    sizes = hidden_sizes(spec, input_shape)
    layers: list[nn.Module] = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        if spec["kind"] == "mlp":
            layers.append(nn.Flatten())
            for fan_in, width in zip([math.prod(input_shape)] + sizes, sizes, strict=False):
                layers += [nn.Linear(fan_in, width), nn.ReLU()]
        else:
            channels = _positive_list(spec, "channels")
            for fan_in, out in zip([input_shape[0]] + channels, channels, strict=False):
                layers += [nn.Conv2d(fan_in, out, 3, padding=1), nn.ReLU()]
                layers += [nn.MaxPool2d(2)] if spec["pool"] else []
            layers.append(nn.Flatten())
        layers.append(nn.Linear(sizes[-1], classes))
    return nn.Sequential(*layers).requires_grad_(True).train()
