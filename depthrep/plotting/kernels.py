"""Fig S5: the first convolution's kernels of one ResNet in several training states, side by side."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid

from .common import save_figure, show_image, title


def kernel_mosaic(kernels: torch.Tensor, columns: int = 8) -> torch.Tensor:
    """One (3, H, W) image of every kernel, each min-max normalised on its own, on a white grid."""
    return make_grid(kernels.float(), nrow=columns, padding=1, normalize=True, scale_each=True, pad_value=1.0)


def not_available(reason: str) -> str:
    return "not available:\n" + textwrap.fill(str(reason), 45)


def draw_kernels(
    panels: dict[str, torch.Tensor | str], caption: str, png: str | Path, pdf: str | Path | None, reduced: str | None = None
) -> None:
    """One kernel grid per training state, side by side; a text panel (the reason) where a state
    cannot be had with this preset."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 5.0), squeeze=False)
    for ax, (label, kernels) in zip(axes[0], panels.items(), strict=False):
        image = kernel_mosaic(kernels) if isinstance(kernels, torch.Tensor) else None
        show_image(ax, image, missing=not_available(kernels))
        ax.set_title(label, fontsize=10)
    fig.suptitle(title(caption, reduced), fontsize=10)
    save_figure(fig, png, pdf)
