"""Fig S5 (Conv1 kernels of two ResNet50s) and the Sec 7 figure (standard vs inverted classifiers)."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch
from matplotlib.ticker import MaxNLocator

from .. import models
from ..training import train_accuracy
from .common import save_figure, show_image, title

log = logging.getLogger(__name__)

DESIGNS = {"standard": "C0", "inverted": "C1"}
FAMILIES = {"mlp": "MLP", "conv": "conv net"}


def conv1_kernels(arch: str, weights: str | Path) -> torch.Tensor | str:
    """The first convolution's weights (64 x 3 x 7 x 7 for ResNets), or why they cannot be had."""
    try:
        return models.load_resnet(arch, weights).conv1.weight.detach().cpu()
    except models.WeightsUnavailable as err:
        log.warning("Conv1 kernels of %s (%s) not available: %s", arch, weights, err)
        return str(err)


def kernel_panels(arch: str, sources: dict[str, str | Path | None], reasons: dict[str, str]) -> dict[str, torch.Tensor | str]:
    """Fig S5's panels: label -> Conv1 kernels of the model at `source`, or the reason it has none
    (from `reasons` where the source is None, else from the failed load)."""
    return {label: reasons.get(label, "no weights given") if source is None else conv1_kernels(arch, source) for label, source in sources.items()}


def kernel_mosaic(kernels: torch.Tensor, columns: int = 8, gap: int = 1) -> torch.Tensor:
    """One (3, H, W) image of every kernel, each min-max normalised on its own, on a white grid."""
    count, channels, height, width = kernels.shape
    rows = -(-count // columns)
    mosaic = torch.ones(channels, rows * (height + gap) + gap, columns * (width + gap) + gap)
    for k, kernel in enumerate(kernels.float()):
        low, high = kernel.min(), kernel.max()
        scaled = (kernel - low) / (high - low) if high > low else torch.zeros_like(kernel)
        top, left = gap + (k // columns) * (height + gap), gap + (k % columns) * (width + gap)
        mosaic[:, top : top + height, left : left + width] = scaled
    return mosaic


def draw_kernels(panels: dict[str, torch.Tensor | str], png: str | Path, pdf: str | Path | None, reduced: str | None = None) -> None:
    """Fig S5: one 8 x 8 kernel grid per model, side by side; a text panel where the model is unavailable."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 5.0), squeeze=False)
    for ax, (label, kernels) in zip(axes[0], panels.items()):
        image = kernel_mosaic(kernels) if isinstance(kernels, torch.Tensor) else None
        show_image(ax, image, missing=_not_available_text(kernels))
        ax.set_title(label, fontsize=10)
    fig.suptitle(title("Fig S5: ResNet50 Conv1 kernels (64 x 3 x 7 x 7, each min-max normalised)", reduced), fontsize=10)
    save_figure(fig, png, pdf)


def _split(architecture: str) -> tuple[str, str]:
    family, _, design = architecture.partition("_")
    if family not in FAMILIES or design not in DESIGNS:
        raise ValueError(f"architecture {architecture!r} is not <mlp|conv>_<standard|inverted>")
    return family, design


def read_histories(paths: list[str | Path]) -> pd.DataFrame:
    """Classifier histories (CSV files of cifar.train_classifier) in one table; empty when there are none."""
    frames = [pd.read_csv(path) for path in paths]
    if not frames:
        return pd.DataFrame(columns=["dataset", "architecture", "epoch", "accuracy", "test_accuracy"])
    return pd.concat(frames, ignore_index=True)


def final_gaps(histories: pd.DataFrame) -> pd.DataFrame:
    """Last epoch of every run: train and test accuracy and their difference (the generalisation gap)."""
    rows = []
    for (dataset, architecture), run in histories.groupby(["dataset", "architecture"], sort=False):
        run = run.sort_values("epoch")
        last = run.iloc[-1]
        train = float(train_accuracy(run).iloc[-1])
        family, design = _split(architecture)
        rows.append({"dataset": dataset, "family": family, "design": design, "epochs": int(last["epoch"]),
                     "train_accuracy": train, "test_accuracy": float(last["test_accuracy"]),
                     "gap": train - float(last["test_accuracy"])})
    return pd.DataFrame(rows, columns=["dataset", "family", "design", "epochs", "train_accuracy", "test_accuracy", "gap"])


def _not_available_text(reason) -> str:
    return "not available:\n" + textwrap.fill(str(reason), 45)


def draw_sec7(histories: pd.DataFrame, unavailable: dict[str, str], datasets: list[str], png: str | Path, pdf: str | Path | None,
              reduced: str | None = None) -> None:
    """Sec 7: per dataset, train (solid) and test (dashed) accuracy of the MLPs and of the conv nets,
    and the gap train - test of all four; a table of the final gaps underneath."""
    gaps = final_gaps(histories)
    table_height = 0.3 * (len(gaps) + 1) + 0.2
    fig = plt.figure(figsize=(14, 3.6 * len(datasets) + table_height + 1.2))
    grid = fig.add_gridspec(len(datasets) + 1, 3, height_ratios=[3.6] * len(datasets) + [table_height])
    for r, dataset in enumerate(datasets):
        axes = [fig.add_subplot(grid[r, c]) for c in range(3)]
        runs = histories[histories.dataset == dataset]
        names = [*FAMILIES.values(), "generalisation gap (train - test accuracy)"]
        for ax, name in zip(axes, names):
            ax.set_title(f"{dataset}: {name}", fontsize=9)
        if dataset in unavailable or runs.empty:
            for ax in axes:
                show_image(ax, None, missing=_not_available_text(unavailable.get(dataset, "no training runs")))
            continue
        for architecture, run in runs.groupby("architecture", sort=False):
            family, design = _split(architecture)
            run = run.sort_values("epoch")
            ax = axes[list(FAMILIES).index(family)]
            ax.plot(run.epoch, train_accuracy(run), "-", color=DESIGNS[design], label=f"{design} train")
            ax.plot(run.epoch, run.test_accuracy, "--", color=DESIGNS[design], label=f"{design} test")
            axes[2].plot(run.epoch, train_accuracy(run) - run.test_accuracy, "-" if family == "mlp" else ":",
                         color=DESIGNS[design], label=f"{FAMILIES[family]} {design}")
        for ax in axes:
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend(fontsize=7)
        for ax in axes[:2]:
            ax.set_ylim(-0.02, 1.02)
            ax.set_ylabel("accuracy")
        axes[2].axhline(0, color="grey", lw=0.8)
    table = fig.add_subplot(grid[-1, :])
    table.axis("off")
    if len(gaps):
        shown = gaps.assign(**{c: gaps[c].map("{:.3f}".format) for c in ("train_accuracy", "test_accuracy", "gap")})
        table.table(cellText=shown.values, colLabels=list(shown.columns), loc="center", cellLoc="center")
    text = "Sec 7: standard (nodes shrink with depth) vs inverted (nodes grow) classifiers\nsolid: train, dashed: test accuracy"
    fig.suptitle(title(text, reduced), fontsize=10)
    save_figure(fig, png, pdf)
