"""The inversion figures beyond the paper: any torchvision architecture at its named cuts (a_g
per cut, m_i and m_g / m_s against relative depth) and the noise-label model across its
training (a_g per epoch, m_g, m_s and m_i against the epoch)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..models.weights import load_tensors
from ..pipeline import records
from .common import distances_caption, save_figure, show_image, title


def _a_g(results: list[str | Path], inputs: list[str | Path], layers: list[str]) -> dict[tuple, object]:
    """{(model, state, layer): a_g of the first seed, or None where every candidate diverged},
    for the panels (a job's record and tensors, and a layer)."""
    found, tensors = {}, {}
    for result, path, layer in zip(results, inputs, layers, strict=True):
        record = records.read(result, layer)
        key = record.key
        if path not in tensors:
            tensors[path] = load_tensors(path)["a_g"]
        found[(key["model"], key["state"], layer)] = tensors[path][layer].get(record.first["seed"])
    return found


def _image_row(axes, table: pd.DataFrame, images: dict, label: str, target) -> None:
    show_image(axes[0], target, "target a")
    axes[0].set_ylabel(label, fontsize=8)
    for ax, row in zip(axes[1:], table.itertuples(), strict=False):
        caption = f"a_g, {row.layer}\n" + distances_caption(m_g=row.m_g, m_s=row.m_s, m_i=row.m_i)
        show_image(ax, images.get((row.model, row.state, row.layer)), caption, missing="every learning rate diverged")
    for ax in axes[1 + len(table) :]:
        ax.axis("off")


def draw_architectures(
    target: str | Path,
    depths: pd.DataFrame,
    results: list[str | Path],
    inputs: list[str | Path],
    layers: list[str],
    names: dict[str, str],
    caption: str,
    png: str | Path,
    pdf: str | Path,
    reduced: str | None = None,
) -> None:
    """A row of a_g per model and state (cuts shallow to deep, with m_g, m_s, m_i), and below
    them m_i and m_g / m_s against relative depth, a line per model (dashes per state).
    results, inputs, layers: the panels (a job's files and the layer shown)."""
    images, image = _a_g(results, inputs, layers), load_tensors(target)["image"]
    groups = list(depths.groupby(["model", "state"], sort=False))
    columns = 1 + max(len(part) for _, part in groups)
    fig = plt.figure(figsize=(2.1 * max(columns, 6), 2.6 * len(groups) + 4.6))
    grid = fig.add_gridspec(len(groups) + 1, columns, height_ratios=[2.6] * len(groups) + [4.2])
    for r, ((model, state), part) in enumerate(groups):
        axes = [fig.add_subplot(grid[r, c]) for c in range(columns)]
        _image_row(axes, part.sort_values("position"), images, f"{names.get(model, model)}\n{state}", image)
    data = depths.assign(architecture=[names.get(m, m) for m in depths.model], ratio=depths.m_g / depths.m_s)
    half = max(1, columns // 2)
    for c, (column, label) in enumerate((("m_i", "m_i = ||a_g - a||"), ("ratio", "m_g / m_s"))):
        ax = fig.add_subplot(grid[-1, c * half : (c + 1) * half] if c == 0 else grid[-1, half:])
        sns.lineplot(data=data, x="relative_depth", y=column, hue="architecture", style="state", marker="o", ax=ax, sort=True)
        ax.set_xlabel("relative depth of the cut (graph node index / logits)")
        ax.set_ylabel(label)
        if column == "ratio":
            ax.set_yscale("log")
            ax.axhline(1, color="grey", lw=0.8, ls=":")
            ax.text(0.01, 1, " m_g = m_s", color="grey", fontsize=7, va="bottom", transform=ax.get_yaxis_transform())
        ax.legend(fontsize=7)
    fig.suptitle(title(caption, reduced), fontsize=9)
    save_figure(fig, png, pdf)


def draw_epochs(
    target: str | Path,
    epochs: pd.DataFrame,
    results: list[str | Path],
    inputs: list[str | Path],
    layers: list[str],
    history: pd.DataFrame,
    caption: str,
    png: str | Path,
    pdf: str | Path,
    reduced: str | None = None,
) -> None:
    """A row of a_g per epoch (cuts shallow to deep), and m_g, m_s and m_i against the epoch (a
    line per cut), with the training loss and accuracy of the noise-label model."""
    images, image = _a_g(results, inputs, layers), load_tensors(target)["image"]
    cuts = list(dict.fromkeys(epochs.layer))  # the cuts drawn, shallow to deep
    rows = list(epochs.groupby("epoch", sort=True))
    columns = max(1 + len(cuts), 4)
    fig = plt.figure(figsize=(2.1 * max(columns, 6), 2.6 * len(rows) + 4.4))
    grid = fig.add_gridspec(len(rows) + 1, 4, height_ratios=[2.6] * len(rows) + [4.0])
    inner = [grid[r, :].subgridspec(1, columns) for r in range(len(rows))]
    for r, (epoch, part) in enumerate(rows):
        axes = [fig.add_subplot(inner[r][0, c]) for c in range(columns)]
        part = part.set_index("layer").loc[cuts].reset_index()
        _image_row(axes, part, images, f"epoch {epoch}\n{part.state.iloc[0]}", image)
    for c, metric in enumerate(("m_g", "m_s", "m_i")):
        ax = fig.add_subplot(grid[-1, c])
        sns.lineplot(data=epochs, x="epoch", y=metric, hue="layer", hue_order=cuts, marker="o", ax=ax)
        ax.set_yscale("log")
        ax.set_title(metric, fontsize=9)
        ax.legend(fontsize=7)
    ax = fig.add_subplot(grid[-1, 3])
    ax.plot(history.epoch, history.loss, "o-", color="C3", label="training loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if "train_accuracy" in history:
        twin = ax.twinx()
        twin.plot(history.epoch, history.train_accuracy, "s--", color="C2", label="training accuracy")
        twin.set_ylabel("accuracy")
        twin.legend(fontsize=7, loc="center right")
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title("noise-label training", fontsize=9)
    fig.suptitle(title(caption, reduced), fontsize=9)
    save_figure(fig, png, pdf)
