"""Helpers every figure uses: image panels, distance captions, titles, PNG + PDF output."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from ..files import atomic_path  # noqa: E402


def title(text: str, reduced: str | None) -> str:
    """A figure title that says when it was made from a reduced preset."""
    text = f"{text}\n[reduced preset: {reduced}]" if reduced else text
    return "\n".join(textwrap.fill(line, 110) for line in text.splitlines())


def show_image(ax, image: torch.Tensor | None, caption: str = "", missing: str = "not computed") -> None:
    """Draw a (3, H, W) image in [0, 1] (clipped for display) with a caption underneath."""
    ax.set_xticks([])
    ax.set_yticks([])
    if image is None:
        ax.text(0.5, 0.5, missing, ha="center", va="center", fontsize=8, wrap=True, transform=ax.transAxes)
    else:
        ax.imshow(image.detach().float().clamp(0, 1).permute(1, 2, 0).cpu().numpy(), interpolation="nearest")
    ax.set_xlabel(caption, fontsize=7)


def distances_caption(sep: str = "\n", **values: float) -> str:
    """'m_g=1.23<sep>m_s=4.56' with NaN shown as 'n/a'."""
    return sep.join(f"{k}={'n/a' if v is None or math.isnan(v) else f'{v:.3g}'}" for k, v in values.items())


def image_grid(rows: int, cols: int, size: float = 2.0, caption_lines: int = 4):
    """A grid of image panels with room for `caption_lines` of text under each and a title."""
    height = rows * (size + 0.14 * caption_lines) + 1.2
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, height), squeeze=False)
    return fig, axes


def save_figure(fig, png: str | Path, pdf: str | Path | None = None) -> None:
    """Write the figure as PNG (and PDF), atomically, and close it."""
    fig.tight_layout()
    for path in [p for p in (png, pdf) if p]:
        kind = Path(path).suffix.lstrip(".")
        # No creation date in PDFs, so a rerun gives byte-identical files.
        metadata = {"CreationDate": None} if kind == "pdf" else None
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=kind, dpi=120, metadata=metadata)
    plt.close(fig)
