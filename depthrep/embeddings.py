"""Target embeddings at every cut, and the shifted reference input a' with its m_s (eq. 7, 8)."""

from __future__ import annotations

import torch
from torch import nn

from . import metrics
from .models import CUTS, cut


@torch.no_grad()
def embed_target(model: nn.Module, image: torch.Tensor, shift_std: float, seed: int, device: torch.device) -> dict:
    """Everything the inversions and figures need to know about one target under one model.

    Returns the image a, the shifted input a' = a + N(0, shift_std), the embedding O(a) at
    each cut, m_s = ||O(a') - O(a)|| per cut and shift_distance = ||a' - a||.
    """
    layers = list(CUTS)
    body = cut(model, layers).to(device)
    shifted = metrics.shifted(image, shift_std, seed)
    both = torch.stack([image, shifted]).to(device)
    outputs = body(both)
    return {
        "image": image,
        "shifted": shifted,
        "embeddings": {layer: outputs[layer][0].cpu() for layer in layers},
        "m_s": {layer: metrics.distance(outputs[layer][1:], outputs[layer][:1]).item() for layer in layers},
        "shift_distance": metrics.distance(shifted[None], image[None]).item(),
    }
