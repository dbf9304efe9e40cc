"""The paper's distances (eq. 6, 7, 8, 10), each an L2 norm over the whole tensor.

    m_g = ||O(a_g) - O(a)||      how well the generated input matches the target embedding
    m_s = ||O(a') - O(a)||       the same for a slightly shifted input a' = a + N(0, sigma)
    m_i = ||a_g - a||            how far the generated input is from the target input
    shift_distance = ||a' - a||

An inversion counts as 'good' when m_g < m_s. Functions taking a batch return one value per
problem (norm over every dimension but the first).
"""

from __future__ import annotations

import torch


def metric_dtype(dtype: torch.dtype) -> torch.dtype:
    """Metrics are reported in float32, or float64 for float64 models, whatever ran the loop."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L2 norm of x - y over all elements of each problem (dim 0 is the batch)."""
    dtype = metric_dtype(x.dtype)
    diff = x.to(dtype) - y.to(dtype)
    return torch.linalg.vector_norm(diff.reshape(diff.shape[0], -1), dim=1)


def shifted(image: torch.Tensor, std: float, seed: int) -> torch.Tensor:
    """The reference input a' = a + N(0, std) of eq. 7, drawn from `seed` on the CPU."""
    generator = torch.Generator().manual_seed(int(seed))
    noise = torch.randn(image.shape, generator=generator, dtype=image.dtype)
    return image + std * noise.to(image.device)
