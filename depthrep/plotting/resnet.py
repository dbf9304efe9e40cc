"""The ResNet figures (Fig 1-5, 10, S1, S3, S4): image grids per layer and distance-against-
iteration plots, drawn from the inversion jobs' records (paths handed over by the figure job)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..models.weights import load_tensors
from ..pipeline import records
from .common import distances_caption, image_grid, save_figure, show_image, title

UPDATE_NAMES = {"plain": "eq. 4", "blur": "eq. 5 (blur)"}


def draw_images(
    targets: list[str | Path],
    results: list[str | Path],
    inputs: list[str | Path],
    layers: list[str],
    caption: str,
    png: str | Path,
    pdf: str | Path,
    reduced: str | None = None,
) -> None:
    """One row per target file (a row is a model, state, target and update rule: one inversion
    job): a, a', then a_g per layer with m_g, m_s, m_i under it. results, inputs and layers: the
    panels (a job's files and the layer shown) row by row, the layers of a row in order.
    """
    columns = len(results) // len(targets)
    fig, axes = image_grid(len(targets), 2 + columns, size=2.2)
    for r, target in enumerate(targets):
        first = records.read(results[r * columns], layers[r * columns])
        key = first.key
        axes[r, 0].set_ylabel(f"{key['model']}\n{key['state']}\n{key['target']}\n{UPDATE_NAMES[key['update']]}", fontsize=7)
        show_image(axes[r, 0], load_tensors(target)["image"], "target a")
        tensors = load_tensors(inputs[r * columns])  # the row's job: a' and a_g of its layers
        show_image(axes[r, 1], tensors["shifted"], "shifted a'\n" + distances_caption(**{"||a-a'||": first.first["shift_distance"]}))
        for c in range(columns):
            layer = layers[r * columns + c]
            row = records.read(results[r * columns + c], layer).first
            image = tensors["a_g"][layer].get(row["seed"])
            text = f"a_g, {layer}\n" + distances_caption(m_g=row["m_g"], m_s=row["m_s"], m_i=row["m_i"])
            show_image(axes[r, 2 + c], image, text, missing="every learning rate diverged")
    fig.suptitle(title(caption, reduced), fontsize=9)
    save_figure(fig, png, pdf)


def draw_trajectories(
    results: list[str | Path], layers: list[str], caption: str, png: str | Path, pdf: str | Path, reduced: str | None = None
) -> None:
    """m_g and m_i against iterations, one panel per inversion (a job's record and a layer), log
    axes (iteration 0 drawn at 1)."""
    import matplotlib.pyplot as plt
    import seaborn as sns  # here: seaborn takes a second to import and the image grids need none

    fig, axes = plt.subplots(1, len(results), figsize=(max(8, 5 * len(results)), 5), squeeze=False)
    for ax, result, layer in zip(axes[0], results, layers, strict=True):
        record = records.read(result, layer)
        key, row = record.key, record.first
        trajectory = pd.read_csv(records.trajectory_path(result))
        first = trajectory[(trajectory.layer == layer) & (trajectory.seed == row["seed"])]
        ax.set_title(f"{key['model']} {key['state']} {key['layer']}, {UPDATE_NAMES[key['update']]}, lr {row['lr']:g}", fontsize=8)
        if first.empty:  # no trajectory to draw on log axes
            ax.text(0.5, 0.5, "every learning rate diverged", ha="center", va="center", transform=ax.transAxes)
            continue
        tidy = first.assign(x=first.iteration + 1).melt(id_vars="x", value_vars=["m_g", "m_i"], var_name="distance")
        tidy["distance"] = tidy.distance.map({"m_g": "m_g = ||O(a_g) - O(a)||", "m_i": "m_i = ||a_g - a||"})
        sns.lineplot(tidy, x="x", y="value", hue="distance", style="distance", markers=["o", "s"], dashes=False, ax=ax)
        ax.axhline(row["m_s"], color="grey", ls="--", lw=1, label="m_s = ||O(a') - O(a)||")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration + 1")
        ax.set_ylabel("L2 distance")
        ax.legend(fontsize=7)
    fig.suptitle(title(caption, reduced), fontsize=9)
    save_figure(fig, png, pdf)
