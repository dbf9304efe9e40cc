"""The Sec 7 figure: standard (nodes shrink with depth) vs inverted (nodes grow) classifiers."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from ..experiments.sec7_gaps import FAMILIES, split_architecture
from ..training.history import train_accuracy
from .common import save_figure, show_image, title
from .kernels import not_available

COLOURS = {"standard": "C0", "inverted": "C1"}


def tidy(histories: pd.DataFrame) -> pd.DataFrame:
    """One row per run, epoch and split (train, test): the accuracy and the gap, for seaborn."""
    rows = []
    for (dataset, architecture), run in histories.groupby(["dataset", "architecture"], sort=False):
        family, design = split_architecture(architecture)
        run = run.sort_values("epoch")
        train, test = train_accuracy(run).to_numpy(), run.test_accuracy.to_numpy()
        for split, accuracy in (("train", train), ("test", test)):
            rows.append(
                pd.DataFrame(
                    {
                        "dataset": dataset,
                        "family": FAMILIES[family],
                        "design": design,
                        "split": split,
                        "epoch": run.epoch.to_numpy(),
                        "accuracy": accuracy,
                        "gap": train - test,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def draw_sec7(
    histories: pd.DataFrame,
    gaps: pd.DataFrame,
    unavailable: dict[str, str],
    datasets: list[str],
    caption: str,
    png: str | Path,
    pdf: str | Path | None,
    reduced: str | None = None,
) -> None:
    """Per dataset, train (solid) and test (dashed) accuracy of the MLPs and of the conv nets, and
    the gap train - test of all four; the table of final gaps underneath."""
    data = tidy(histories)
    table_height = 0.3 * (len(gaps) + 1) + 0.2
    fig = plt.figure(figsize=(14, 3.6 * len(datasets) + table_height + 1.2))
    grid = fig.add_gridspec(len(datasets) + 1, 3, height_ratios=[3.6] * len(datasets) + [table_height])
    for r, dataset in enumerate(datasets):
        axes = [fig.add_subplot(grid[r, c]) for c in range(3)]
        for ax, name in zip(axes, [*FAMILIES.values(), "generalisation gap (train - test accuracy)"], strict=False):
            ax.set_title(f"{dataset}: {name}", fontsize=9)
        runs = data[data.dataset == dataset] if len(data) else data
        if dataset in unavailable or runs.empty:
            for ax in axes:
                show_image(ax, None, missing=not_available(unavailable.get(dataset, "no training runs")))
            continue
        for ax, family in zip(axes, FAMILIES.values(), strict=False):
            sns.lineplot(
                runs[runs.family == family],
                x="epoch",
                y="accuracy",
                hue="design",
                style="split",
                palette=COLOURS,
                style_order=["train", "test"],
                ax=ax,
            )
            ax.set_ylim(-0.02, 1.02)
        sns.lineplot(runs[runs.split == "train"], x="epoch", y="gap", hue="design", style="family", palette=COLOURS, ax=axes[2])
        axes[2].axhline(0, color="grey", lw=0.8)
        for ax in axes:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend(fontsize=7)
    table = fig.add_subplot(grid[-1, :])
    table.axis("off")
    if len(gaps):
        shown = gaps.assign(**{c: gaps[c].map("{:.3f}".format) for c in ("train_accuracy", "test_accuracy", "gap")})
        table.table(cellText=shown.values, colLabels=list(shown.columns), loc="center", cellLoc="center")
    fig.suptitle(title(caption + "\nsolid: train, dashed: test accuracy", reduced), fontsize=10)
    save_figure(fig, png, pdf)
