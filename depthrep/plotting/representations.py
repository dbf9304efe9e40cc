"""The representations figure: linear CKA heat maps within a model (per training state) and
across architectures, CKA of each cut with its untrained self across training, and the
perturbed-group spectrum against the epoch (the inner-activations post)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .common import save_figure, title


def _square(pairs: pd.DataFrame, labels: list[str], key_a, key_b) -> pd.DataFrame:
    """A symmetric labels x labels CKA matrix from pair rows (a <= b)."""
    matrix = pd.DataFrame(np.nan, index=labels, columns=labels)
    for row in pairs.itertuples():
        a, b = key_a(row), key_b(row)
        matrix.loc[a, b] = matrix.loc[b, a] = row.cka
    return matrix


def _heat_map(ax, matrix: pd.DataFrame, heading: str, annotate: bool) -> None:
    sns.heatmap(
        matrix, vmin=0, vmax=1, cmap="viridis", square=True, annot=annotate, fmt=".2f", annot_kws={"fontsize": 6}, cbar=False, ax=ax
    )
    ax.set_title(heading, fontsize=9)
    ax.tick_params(labelsize=6)


def draw_representations(
    similarity: pd.DataFrame,
    spectrum: pd.DataFrame,
    history: pd.DataFrame,
    names: dict[str, str],
    caption: str,
    png: str | Path,
    pdf: str | Path,
    reduced: str | None = None,
) -> None:
    within = similarity[similarity.comparison == "within"]
    across = similarity[similarity.comparison == "architectures"]
    states = list(dict.fromkeys(within.state_a))
    arch_states = list(dict.fromkeys(across.state_a))
    sigmas = sorted(spectrum.sigma.unique(), reverse=True)
    top = len(states) + len(arch_states)
    bottom = 2 + len(sigmas)
    columns = max(top + len(arch_states), bottom)  # a cross-architecture map takes two columns
    fig = plt.figure(figsize=(4.2 * columns, 10.5))
    grid = fig.add_gridspec(2, columns, height_ratios=[1.25, 1])

    for c, state in enumerate(states):
        part = within[within.state_a == state]
        layers = list(dict.fromkeys([*part.layer_a, *part.layer_b]))
        matrix = _square(part, layers, lambda r: r.layer_a, lambda r: r.layer_b)
        _heat_map(
            fig.add_subplot(grid[0, c]), matrix, f"{names.get(part.model_a.iloc[0], part.model_a.iloc[0])} {state}: CKA of its cuts", True
        )
    for k, state in enumerate(arch_states):
        part = across[across.state_a == state]
        labels = list(dict.fromkeys([f"{names.get(r.model_a, r.model_a)} {r.layer_a}" for r in part.itertuples()]))
        matrix = _square(
            part,
            labels,
            lambda r: f"{names.get(r.model_a, r.model_a)} {r.layer_a}",
            lambda r: f"{names.get(r.model_b, r.model_b)} {r.layer_b}",
        )
        start = len(states) + 2 * k
        _heat_map(fig.add_subplot(grid[0, start : start + 2]), matrix, f"{state}: CKA across architectures (cuts shallow to deep)", False)

    ax = fig.add_subplot(grid[1, 0])
    states_part = similarity[similarity.comparison == "states"]
    epochs = spectrum.drop_duplicates("state").set_index("state").epoch.to_dict()
    trained = states_part[states_part.state_b.isin(epochs)].assign(epoch=lambda t: t.state_b.map(epochs))
    reference = states_part.state_a.iloc[0] if len(states_part) else ""
    layers = list(dict.fromkeys(states_part.layer_a))
    if len(trained):
        start = trained.drop_duplicates("layer_a").assign(epoch=min(epochs.values()), cka=1.0, cka_low=1.0, cka_high=1.0)
        data = pd.concat([start, trained], ignore_index=True)
        sns.lineplot(data=data, x="epoch", y="cka", hue="layer_a", hue_order=layers, marker="o", ax=ax)
        for layer, colour in zip(layers, sns.color_palette(n_colors=len(layers)), strict=False):
            band = data[data.layer_a == layer].sort_values("epoch")
            ax.fill_between(band.epoch, band.cka_low, band.cka_high, color=colour, alpha=0.15, lw=0)
    others = states_part[~states_part.state_b.isin(epochs)]
    for row in others.itertuples():
        ax.axhline(row.cka, ls=":", lw=0.8, color="grey")
        ax.text(ax.get_xlim()[1] if len(trained) else 0.5, row.cka, f" {row.state_b} {row.layer_a}", fontsize=6, va="center", color="grey")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"CKA of each cut with itself {reference} (95% bootstrap band)", fontsize=9)
    ax.legend(fontsize=7, title="cut", title_fontsize=7)

    first = spectrum[spectrum.component == 1]
    for c, sigma in enumerate(sigmas):
        ax = fig.add_subplot(grid[1, 1 + c])
        sns.lineplot(data=first[first.sigma == sigma], x="epoch", y="explained", hue="layer", hue_order=layers or None, marker="o", ax=ax)
        ax.set_title(f"share of the first direction, copies + N(0, {sigma:g}^2)", fontsize=9)
        ax.set_ylabel("explained variance (first component)")
        ax.legend(fontsize=7)
    ax = fig.add_subplot(grid[1, 1 + len(sigmas)])
    if len(sigmas):
        sigma = sigmas[0]
        part = first[first.sigma == sigma].copy()
        base = part[part.epoch == part.epoch.min()].set_index("layer").singular_value
        part["relative"] = part.singular_value / part.layer.map(base)
        sns.lineplot(data=part, x="epoch", y="relative", hue="layer", hue_order=layers or None, marker="o", ax=ax)
        ax.set_ylabel(f"first singular value / its epoch-{part.epoch.min()} value")
        ax.set_title(f"first singular value (sigma {sigma:g}) and the training loss", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
        twin = ax.twinx()
        twin.plot(history.epoch, history.loss, "k--", lw=0.8, label="training loss")
        twin.set_ylabel("training loss")
        twin.legend(fontsize=7, loc="upper right")
    fig.suptitle(title(caption, reduced), fontsize=9)
    save_figure(fig, png, pdf)
