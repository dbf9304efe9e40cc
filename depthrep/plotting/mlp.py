"""The fully connected figures (Fig 6-9, S2), drawn from what depthrep.experiments.mlp_sweeps and
depthrep.experiments.exact_inversion return (a table and the images under their keys)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.mlp_sweeps import FigureData, final_rows
from .common import distances_caption, image_grid, save_figure, show_image, title


def _finish(fig, caption: str, reduced: str | None, png, pdf) -> None:
    """Title the figure, with room added above the panels for the title's lines, and save it."""
    text = title(caption, reduced)
    fig.set_figheight(fig.get_figheight() + 0.17 * (text.count("\n") + 1))
    fig.suptitle(text, fontsize=9)
    save_figure(fig, png, pdf)


def _references(axes, data: FigureData, final) -> None:
    """The target a and the shifted reference a' in the first two panels of a row."""
    show_image(axes[0], data.images["target"], "target a")
    show_image(axes[1], data.images["shifted"], "shifted a'\n" + distances_caption(**{"||a-a'||": final.shift_distance.iloc[0]}))


def _distances(row) -> str:
    return distances_caption(m_g=row.m_g, m_s=row.m_s, m_i=row.m_i)


def draw_width_images(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """Fig 6: a, a', then a_g for each first-layer width with m_g, m_s, m_i under it."""
    final = final_rows(data.table)
    fig, axes = image_grid(1, 2 + len(final), size=2.2, caption_lines=5)
    _references(axes[0], data, final)
    for ax, row in zip(axes[0, 2:], final.itertuples(), strict=False):
        text = f"width {row.width}, lr {row.lr:g}\n" + _distances(row)
        show_image(ax, data.images[row.width], text, missing="every learning rate diverged")
    _finish(fig, caption, reduced, png, pdf)


def draw_width_trajectories(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """Fig 7: m_i (left) and m_g (right) against iterations, one line per width, log axes; m_s of
    each width dotted."""
    import seaborn as sns  # here: seaborn takes a second to import and the image grids need none

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    table = data.table.assign(x=data.table.iteration + 1, width=data.table.width.map("width {}".format))
    drawn = table.dropna(subset=["m_g"])
    for ax, column, label in ((axes[0], "m_i", "m_i = ||a - a_g||"), (axes[1], "m_g", "m_g = ||O(a_g) - O(a)||")):
        if not drawn.empty:
            sns.lineplot(drawn, x="x", y=column, hue="width", marker="o", markersize=4, ax=ax)
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax.set_xlabel("iteration + 1")
        ax.set_ylabel(label)
    palette = dict(zip(drawn.width.unique(), sns.color_palette(n_colors=drawn.width.nunique())))
    for width, m_s in drawn.groupby("width", sort=False).m_s.first().items():
        axes[1].axhline(m_s, color=palette[width], ls=":", lw=1)
    axes[1].plot([], [], "k:", lw=1, label="m_s of each width")
    for width in sorted(set(table.width) - set(drawn.width)):
        axes[0].plot([], [], " ", label=f"{width}: every learning rate diverged")
    for ax in axes:
        ax.legend(fontsize=8)
    _finish(fig, caption, reduced, png, pdf)


def draw_depth_images(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """Fig 8: one row per iteration budget: a, a', then a_g for each depth."""
    final = final_rows(data.table)
    budgets = sorted(final.iterations.unique())
    depths = sorted(final.layers.unique())
    fig, axes = image_grid(len(budgets), 2 + len(depths), size=2.2, caption_lines=5)
    for r, budget in enumerate(budgets):
        rows = final[final.iterations == budget].set_index("layers")
        _references(axes[r], data, rows)
        axes[r, 0].set_ylabel(f"{budget} iterations", fontsize=9)
        for ax, depth in zip(axes[r, 2:], depths, strict=False):
            row = rows.loc[depth]
            text = f"{depth} layer{'s' if depth > 1 else ''}, lr {row.lr:g}\n" + _distances(row)
            show_image(ax, data.images[(budget, depth)], text, missing="every learning rate diverged")
    _finish(fig, caption, reduced, png, pdf)


def draw_relu_widths(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """Fig 9: widths per layer against the width the measured zero fraction requires, the
    zero fractions, and a_g of the constant and growing ReLU MLPs."""
    import seaborn as sns  # here: seaborn takes a second to import and the image grids need none

    table = data.table
    fig, axes = plt.subplot_mosaic([["widths", "widths", "zeros", "zeros"], ["a", "const", "grow", "."]], figsize=(10, 7.5))
    constant, growing = (table[table.model == name] for name in ("constant", "growing"))
    layers = constant.layer.to_numpy()
    ax = axes["widths"]
    ax.plot(layers, constant.width, "s-", label="constant widths")
    ax.plot(layers, growing.width, "o-", label="growing widths")
    ax.plot(layers, constant.required_width, "k--", label="m (1/(1-p))^n, p measured (constant model)")
    ax.set_yscale("log")
    ax.set_xlabel("layer n")
    ax.set_ylabel("units")
    ax.set_xticks(layers)
    ax.legend(fontsize=7)
    ax = axes["zeros"]
    sns.barplot(table, x="layer", y="zero_fraction", hue="model", ax=ax)
    ax.axhline(0.5, color="grey", ls=":", lw=1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("layer n")
    ax.set_ylabel("fraction p of units zeroed by ReLU")
    ax.legend(fontsize=7)
    show_image(axes["a"], data.images["target"], "target a\n" + distances_caption(**{"||a-a'||": table.shift_distance.iloc[0]}))
    for key, name in (("const", "constant"), ("grow", "growing")):
        row = table[table.model == name].iloc[0]
        widths = " ".join(str(w) for w in table[table.model == name].width)
        show_image(axes[key], data.images[name], f"{name}: {widths}\n" + _distances(row), missing="every learning rate diverged")
    _finish(fig, caption, reduced, png, pdf)


def draw_exact_inversion(data: FigureData, png: str | Path, pdf: str | Path, caption: str, reduced: str | None = None) -> None:
    """Fig S2: the reference inputs, the histogram of ||a - a''|| against ||a - a'||, and the
    condition number of the composed map against depth."""
    table = data.table
    value = {q: rows.set_index("dtype").value for q, rows in table.groupby("quantity")}
    scalar = {q: v.iloc[0] for q, v in value.items()}
    noisy_in = table[table.quantity == "noisy_input_distance"].value.to_numpy()
    noisy_out = table[table.quantity == "noisy_output_distance"].value.to_numpy()
    fig, axes = plt.subplot_mosaic([["a", "shift", "noisy", "f32", "gd"], ["hist", "hist", "hist", "cond", "cond"]], figsize=(12, 7.5))
    show_image(axes["a"], data.images["target"], "target a")
    show_image(
        axes["shift"],
        data.images["shifted"],
        "a' = a + N(0, shift)\n" + distances_caption(**{"||a-a'||": scalar["shift_distance"], "m_s": scalar["m_s"]}),
    )
    show_image(
        axes["noisy"],
        data.images["noisy"],
        "a'' (draw 0, clipped)\n" + distances_caption(**{"||a-a''||": noisy_in[0], "||O(a'')-O(a)||": noisy_out[0]}),
    )
    errors = value["recovery_error"]
    show_image(
        axes["f32"],
        data.images["float32"],
        "exact inverse, float32\n" + distances_caption(**{"error f32": errors["float32"], "error f64": errors["float64"]}),
    )
    show_image(
        axes["gd"],
        data.images["gradient_descent"],
        f"gradient descent, lr {scalar['gd_lr']:g}\n" + distances_caption(m_g=scalar["gd_m_g"], m_i=scalar["gd_m_i"]),
    )
    ax = axes["hist"]
    bins = np.logspace(np.log10(min(noisy_in.min(), scalar["shift_distance"]) / 2), np.log10(noisy_in.max() * 2), 40)
    ax.hist(noisy_in, bins=bins, color="tab:blue", label=f"||a - a''||, {len(noisy_in)} output shifts")
    ax.axvline(scalar["shift_distance"], color="tab:red", ls="--", label="||a - a'||")
    ax.set_xscale("log")
    ax.set_xlabel("input distance (L2)")
    ax.set_ylabel("count")
    ax.set_title(f"median ||a - a''|| / ||a - a'|| = {np.median(noisy_in) / scalar['shift_distance']:.3g}", fontsize=9)
    ax.legend(fontsize=8)
    cond = table[table.quantity == "condition_number"]
    ax = axes["cond"]
    ax.plot(cond.layers, cond.value, "o-")
    ax.set_yscale("log")
    ax.set_xticks(cond.layers)
    ax.set_xlabel("layers composed")
    ax.set_ylabel("condition number of W_n...W_1")
    _finish(fig, caption, reduced, png, pdf)


# The drawing of each MLP figure kind (depthrep.pipeline.mlp_figures has the experiments).
DRAWINGS = {
    "mlp_widths": draw_width_images,
    "mlp_trajectories": draw_width_trajectories,
    "mlp_depths": draw_depth_images,
    "mlp_relu": draw_relu_widths,
    "mlp_exact": draw_exact_inversion,
}
