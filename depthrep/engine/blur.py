"""The 3x3 Gaussian blur of eq. 5, one sigma per image of a batch.

Written here rather than taken from torchvision: torchvision's gaussian_blur takes one sigma
for the whole batch, while every problem of a batch has its own sigma schedule. The kernel
and the reflect padding are torchvision's (tests/test_author_loop.py checks the blur against it).
"""

from __future__ import annotations

import torch


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """3x3 Gaussian blur of each image in x (B, C, H, W) with its own sigma (B,).

    sigma 0 is the identity. Reflect padding, as torchvision's gaussian_blur, keeps the mean
    of a constant image.
    """
    b, c, h, w = x.shape
    offsets = torch.tensor([-1.0, 0.0, 1.0], dtype=x.dtype, device=x.device)
    sigma = sigma.to(x.dtype)[:, None]
    blurs = sigma > 0
    k1 = torch.exp(-(offsets**2) / (2 * torch.where(blurs, sigma, 1.0) ** 2))
    k1 = torch.where(blurs, k1 / k1.sum(dim=1, keepdim=True), (offsets == 0).to(x.dtype))
    k2 = (k1[:, :, None] * k1[:, None, :]).repeat_interleave(c, dim=0)[:, None]
    padded = torch.nn.functional.pad(x.reshape(1, b * c, h, w), (1, 1, 1, 1), mode="reflect")
    return torch.nn.functional.conv2d(padded, k2, groups=b * c).reshape(b, c, h, w)
