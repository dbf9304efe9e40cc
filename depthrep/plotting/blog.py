"""The blog posts' figures (issue 15): the autoencoder's denoising, layer inversions and manifold
walk, and Input Generation III's class representations, mimicry and merging. Each function takes
loaded tables and images (what depthrep.pipeline.autoencoder_jobs and similarity_jobs computed) and writes PNG and PDF."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import ticker

from ..experiments.mlp_sweeps import FigureData, final_rows
from ..models.vision import imagenet_categories
from .common import distances_caption, save_figure, show_image, title

MODEL_COLOURS = {"trained": "tab:blue", "untrained": "tab:orange", "identity": "tab:grey"}


def _finish(fig, caption: str, reduced: str | None, png, pdf) -> None:
    text = title(caption, reduced)
    fig.set_figheight(fig.get_figheight() + 0.17 * (text.count("\n") + 1))
    fig.suptitle(text, fontsize=8)
    save_figure(fig, png, pdf)


def _images_over_plot(rows: int, cols: int, panel: float, plot_rows: int = 2):
    """A figure with a grid of rows x cols image panels over a plot spanning the width (one
    GridSpec, so that tight_layout places the title and captions): (figure, axes, plot axes)."""
    fig = plt.figure(figsize=(max(8.0, panel * cols), panel * 1.25 * (rows + plot_rows)))
    grid = fig.add_gridspec(rows + plot_rows, cols)
    axes = np.array([[fig.add_subplot(grid[r, c]) for c in range(cols)] for r in range(rows)])
    return fig, axes, fig.add_subplot(grid[rows:, :])


# ---- "Autoencoders: learning by copying" ----------------------------------------------------


def draw_denoising(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """For each example: a, then for each noise series at its largest and smallest sigma the
    corrupted a~ and the trained autoencoder's O(a~); one plot per series of the mean distances
    against sigma: ||O(a~) - a|| of the trained and untrained autoencoders and ||a~ - a|| (the
    identity), the trained one's clean reconstruction error dotted."""
    table = data.table
    noisy = table[table.noise != "none"]
    series = list(noisy.noise.unique())
    sigmas = sorted(noisy.sigma.unique())
    shown = sorted({sigmas[-1], sigmas[0]}, reverse=True)
    examples = len(data.images["clean"])
    cols = max(1 + 2 * len(shown) * len(series), 2 * len(series))
    fig = plt.figure(figsize=(max(9.0, 1.3 * cols), 1.6 * examples + 4.0))
    grid = fig.add_gridspec(examples + 3, cols)
    clean_error = table[(table.noise == "none") & (table.model == "trained")].output_distance
    for e in range(examples):
        clean = data.images["clean"][e]
        show_image(fig.add_subplot(grid[e, 0]), clean, "a" if e == examples - 1 else "")
        c = 1
        for k, label in enumerate(series):
            for sigma in shown:
                noisy_image, out = data.images[f"noisy/{k}/{sigma:g}"][e], data.images[f"trained/{k}/{sigma:g}"][e]
                show_image(fig.add_subplot(grid[e, c]), noisy_image, f"{label.replace('s)', f'{sigma:g})')}\n{_norm(noisy_image - clean)}")
                show_image(fig.add_subplot(grid[e, c + 1]), out, f"O(a~)\n{_norm(out - clean)}")
                c += 2
    width = cols // len(series)
    for k, label in enumerate(series):
        ax = fig.add_subplot(grid[examples:, k * width : (k + 1) * width])
        rows = noisy[noisy.noise == label]
        for model in rows.model.unique():
            line = rows[rows.model == model].sort_values("sigma")
            name = "||a~ - a|| (identity)" if model == "identity" else f"||O(a~) - a||, {model}"
            ax.errorbar(
                line.sigma,
                line.output_distance,
                yerr=line.output_distance_std / np.sqrt(line.images),  # the standard error of the mean
                marker="o",
                capsize=3,
                color=MODEL_COLOURS.get(model),
                label=name,
            )
        if len(clean_error):
            ax.axhline(clean_error.iloc[0], color=MODEL_COLOURS["trained"], ls=":", lw=1, label="||O(a) - a||, trained, clean a")
        trained = rows[rows.model == "trained"].sort_values("sigma")
        closer = ", ".join(f"{r.sigma:g}: {r.closer:.0%}" for r in trained.itertuples())
        ax.set_title(f"a~ = {label}\ntrained output closer than a~ (s: images): {closer}", fontsize=8)
        ax.set_xscale("log")
        ax.set_xticks(sigmas)
        _plain_log(ax, y=False)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("noise sigma s")
        ax.set_ylabel(f"mean L2 distance to a ({int(table.images.iloc[0])} held-out images; bars: standard error)", fontsize=8)
        ax.legend(fontsize=7)
    _finish(fig, caption, reduced, png, pdf)


def _plain_log(ax, x: bool = True, y: bool = True) -> None:
    """Log axes labelled with plain numbers (0.05, 2, 30) rather than powers of ten, the major
    ticks only."""
    for axis in [a for a, chosen in ((ax.xaxis, x), (ax.yaxis, y)) if chosen]:
        axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(ticker.NullFormatter())


def _norm(difference) -> str:
    return f"L2 {float(difference.flatten().norm()):.3g}"


def draw_layers(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """One row per autoencoder (trained, untrained): a, a', then a_g of every layer with m_g,
    m_s, m_i under it (the paper's figure for the autoencoder's layers)."""
    final = final_rows(data.table)
    models = list(final.model.unique())
    layers = list(final.layer.unique())
    fig, axes = plt.subplots(len(models), 2 + len(layers), figsize=(2.1 * (2 + len(layers)), 2.9 * len(models) + 0.6), squeeze=False)
    shift = final.shift_distance.iloc[0]
    for r, model in enumerate(models):
        show_image(axes[r, 0], data.images["target"], "held-out a")
        show_image(axes[r, 1], data.images["shifted"], "a'\n" + distances_caption(**{"||a-a'||": shift}))
        axes[r, 0].set_ylabel(f"{model}\nautoencoder", fontsize=8)
        rows = final[final.model == model].set_index("layer")
        for c, layer in enumerate(layers):
            row = rows.loc[layer]
            text = f"{layer}, lr {row.lr:g}\n" + distances_caption(m_g=row.m_g, m_s=row.m_s, m_i=row.m_i)
            show_image(axes[r, 2 + c], data.images[f"{model}/{layer}"], text, missing="every learning rate diverged")
    _finish(fig, caption, reduced, png, pdf)


def walk_steps(steps: int, shown: int = 8) -> list[int]:
    """About `shown` steps 0 .. steps, log-spaced (0, 1, 2, 3, 5, ...), the last included."""
    grid = np.unique(np.round(np.geomspace(1, steps, shown - 1)).astype(int))
    return [0, *grid.tolist()]


def draw_walk(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """The trained autoencoder's iterates from noise for each example (and the untrained one's
    for the first), at log-spaced steps; the distance between successive iterates against step."""
    table = data.table
    steps = int(table.step.max())
    shown = walk_steps(steps)
    trained = data.images["trained"]
    rows = [("trained", e) for e in range(len(trained))] + ([("untrained", 0)] if "untrained" in data.images else [])
    fig, axes, ax = _images_over_plot(len(rows), len(shown), panel=1.3, plot_rows=max(2, len(rows) // 2 + 1))
    for r, (model, e) in enumerate(rows):
        axes[r, 0].set_ylabel(f"{model} {e}", fontsize=7)
        for c, k in enumerate(shown):
            show_image(axes[r, c], data.images[model][e, k], f"a_{k}" if r == len(rows) - 1 else "")
    for model, rows_ in table.groupby("model", sort=False):
        for _, example in rows_.groupby("example"):
            ax.plot(example.step, example.distance, color=MODEL_COLOURS.get(model), alpha=0.25, lw=0.8)
        mean = rows_.groupby("step").distance.mean()
        ax.plot(
            mean.index,
            mean.to_numpy(),
            "o-",
            color=MODEL_COLOURS.get(model),
            ms=3,
            label=f"{model}: mean over {rows_.example.nunique()} walks",
        )
    ax.set_yscale("log")
    ax.set_xlabel("step k")
    ax.set_ylabel("||a_k - a_(k-1)||")
    ax.legend(fontsize=7)
    _finish(fig, caption, reduced, png, pdf)


AUTOENCODER_DRAWINGS = {
    "autoencoder_denoising": draw_denoising,
    "autoencoder_layers": draw_layers,
    "autoencoder_walk": draw_walk,
}


# ---- Input Generation III -----------------------------------------------------------------


def _class_name(cls: int) -> str:
    return f"{imagenet_categories()[int(cls)]} ({int(cls)})"


KIND_NAMES = {"model1": "model 1 alone", "model2": "model 2 alone", "combined": "combined g'", "difference": "difference g''"}


def draw_class_representations(
    tables: dict[str, pd.DataFrame], images: dict[str, dict], models: list[str], png, pdf, caption: str, reduced: str | None = None
) -> None:
    """Per state (a block of columns): for each class a row of model 1 alone, model 2 alone,
    combined and difference, with each model's logit of the class (and its rank) under it."""
    states = list(tables)
    kinds = list(KIND_NAMES)
    classes = list(tables[states[0]]["class"].unique())
    fig, axes = plt.subplots(
        len(classes), len(kinds) * len(states), figsize=(2.3 * len(kinds) * len(states), 2.7 * len(classes) + 0.8), squeeze=False
    )
    names = [m.replace("googlenet", "GoogLeNet").replace("resnet", "ResNet") for m in models]
    for s, state in enumerate(states):
        table = tables[state].set_index(["kind", "class"])
        for r, cls in enumerate(classes):
            for k, kind in enumerate(kinds):
                ax = axes[r, s * len(kinds) + k]
                row = table.loc[(kind, cls)]
                text = (
                    f"{KIND_NAMES[kind]}\n{names[0]} {row.logit1:.3g} (#{int(row.rank1)})\n{names[1]} {row.logit2:.3g} (#{int(row.rank2)})"
                )
                show_image(ax, images[state][f"classes/{kind}/{cls}"], text)
                if k == 0:
                    ax.set_ylabel(f"{state}\n{_class_name(cls)}", fontsize=8)
    _finish(fig, caption, reduced, png, pdf)


def draw_mimicry(
    tables: dict[str, pd.DataFrame], images: dict[str, dict], models: list[str], png, pdf, caption: str, reduced: str | None = None
) -> None:
    """Per state and source (model 2's class representation, or a photo): the source a_theta2,
    model 1's own representation of the class (classes only), and model 1's input generated
    towards y^ = O(a_theta2, theta_1), with ||O(a) - y^|| at a_0 and at the end."""
    states = list(tables)
    rows = [(state, row) for state in states for row in tables[state].itertuples()]
    fig, axes = plt.subplots(len(rows), 3, figsize=(7.2, 2.6 * len(rows) + 0.8), squeeze=False)
    names = [m.replace("googlenet", "GoogLeNet").replace("resnet", "ResNet") for m in models]
    for r, (state, row) in enumerate(rows):
        kind, key = row.source.split("/", 1)
        label = _class_name(int(key)) if kind == "class" else key
        axes[r, 0].set_ylabel(f"{state}\n{label}", fontsize=8)
        source_caption = f"{names[1]}'s representation" if kind == "class" else "the photo"
        show_image(axes[r, 0], images[state][f"mimicry/source/{row.source}"], f"a_theta2: {source_caption}")
        own = images[state].get(f"classes/model1/{key}") if kind == "class" else None
        show_image(axes[r, 1], own, f"{names[0]}'s own representation" if own is not None else "", missing="(a photo: no class)")
        text = f"{names[0]} towards y^\n||O(a)-y^||: {row.distance_start:.3g} -> {row.distance:.3g}"
        show_image(axes[r, 2], images[state][f"mimicry/{row.source}"], text)
    _finish(fig, caption, reduced, png, pdf)


def draw_merging(
    tables: dict[str, pd.DataFrame], images: dict[str, dict], models: list[str], png, pdf, caption: str, reduced: str | None = None
) -> None:
    """Per state: the sum-of-squares distance between the models' outputs against SGD step, and
    model 2's representation, model 1's before and model 1's after training."""
    states = list(tables)
    fig, axes = plt.subplots(
        len(states), 4, figsize=(11, 3.2 * len(states) + 0.8), squeeze=False, gridspec_kw={"width_ratios": [2, 1, 1, 1]}
    )
    names = [m.replace("googlenet", "GoogLeNet").replace("resnet", "ResNet") for m in models]
    for r, state in enumerate(states):
        table = tables[state]
        first = table.iloc[0]
        ax = axes[r, 0]
        ax.plot(table.step, table.distance, "-")
        ax.set_yscale("log")
        _plain_log(ax, x=False)
        ax.set_xlabel("SGD step")
        ax.set_ylabel(f"{state}\nsum (O(a,theta_1) - O(a,theta_2))^2", fontsize=8)
        ratio = "inf" if math.isinf(first.ratio) else f"{first.ratio:.3g}"
        ax.set_title(f"{first.before:.3g} -> {first.after:.3g}: {ratio} times smaller", fontsize=8)
        cls = _class_name(int(first["class"]))
        show_image(axes[r, 1], images[state]["merging/source"], f"{names[1]}'s {cls}\n(a, the training input)")
        show_image(axes[r, 2], images[state]["merging/before"], f"{names[0]}'s {cls}\nbefore training")
        show_image(axes[r, 3], images[state]["merging/after"], f"{names[0]}'s {cls}\nafter training")
    _finish(fig, caption, reduced, png, pdf)


SIMILARITY_DRAWINGS = {
    "class_representations": ("classes", draw_class_representations),
    "mimicry": ("mimicry", draw_mimicry),
    "model_merging": ("merging", draw_merging),
}
