"""The fully connected figures by name (fig6, fig7, fig8, fig9, figS2): a flat settings dict in,
a CSV table and the PNG/PDF figure out. What the pipeline's MLP job runs.

A settings dict mixes three kinds of keys, all optional (defaults: the paper's settings):
  image_size, resize                    how the target image is loaded (29, "squash")
  the fields of mlp_experiments.Descent iterations, loss_scale, lr_candidates, seed, ...
  the figure function's own arguments   e.g. widths and later_widths for fig6
Unknown keys are an error naming them, so a misspelt setting cannot be silently ignored.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Callable

import torch

from .exact_inversion import exact_inversion
from .images import load_image
from .io import write_csv
from .mlp_experiments import Descent, FigureData, depth_sweep, relu_widths, width_sweep
from .plotting import mlp as plots

IMAGE_SETTINGS = {"image_size": 29, "resize": "squash"}  # the author's MLP input: 3x29x29


@dataclass(frozen=True)
class MLPFigure:
    compute: Callable[..., FigureData]
    draw: Callable[..., None]
    caption: str
    defaults: dict  # the paper's settings of this figure where they differ from the functions' defaults


FIGURES = {
    "fig6": MLPFigure(
        width_sweep, plots.draw_width_images,
        "Fig 6: untrained linear MLP [width, *later], first hidden width below and above the input size; "
        "the paper finds a_g closer to a as the width passes the input size, and m_g < m_s for all.",
        {},
    ),
    "fig7": MLPFigure(
        width_sweep, plots.draw_width_trajectories,
        "Fig 7: m_i and m_g against iterations; m_i plateaus for widths below the input size and "
        "decays toward 0 above it, while m_g falls for all.",
        {"widths": [1000, 2000, 3000], "iterations": 200_000, "trajectory_points": 40},
    ),
    "fig8": MLPFigure(
        depth_sweep, plots.draw_depth_images,
        "Fig 8: linear MLPs of growing depth, every layer at least as wide as the input; deeper is "
        "worse at a fixed number of iterations and converges with more.",
        {},
    ),
    "fig9": MLPFigure(
        relu_widths, plots.draw_relu_widths,
        "Fig 9, measured: ReLU zeroes a fraction p of each layer, so a ReLU MLP needs widths "
        "m (1/(1-p))^n to stay invertible; constant against growing widths.",
        {},
    ),
    "figS2": MLPFigure(
        exact_inversion, plots.draw_exact_inversion,
        "Fig S2: exact inversion of a square linear MLP (float64); an output shifted by N(0, noise_std) "
        "inverts to a'' far from a.",
        {"iterations": 220},
    ),
}


def figure_spec(figure: str) -> MLPFigure:
    if figure not in FIGURES:
        raise ValueError(f"unknown MLP figure {figure!r}; choose one of {sorted(FIGURES)}")
    return FIGURES[figure]


def split_settings(figure: str, settings: dict) -> tuple[dict, Descent, dict]:
    """(image settings, Descent, every argument of the figure function) from a flat dict;
    what the dict leaves out takes the figure's paper defaults."""
    spec = figure_spec(figure)
    merged = {**IMAGE_SETTINGS, **spec.defaults, **(settings or {})}
    descent_keys = {f.name for f in fields(Descent)}
    own_keys = set(inspect.signature(spec.compute).parameters) - {"image", "descent", "device"}
    unknown = sorted(set(merged) - descent_keys - own_keys - set(IMAGE_SETTINGS))
    if unknown:
        known = sorted(descent_keys | own_keys | set(IMAGE_SETTINGS))
        raise ValueError(f"unknown setting(s) {unknown} for {figure}; known settings: {known}")
    image = {k: merged[k] for k in IMAGE_SETTINGS}
    descent = Descent(**{k: v for k, v in merged.items() if k in descent_keys})
    parameters = inspect.signature(spec.compute).parameters
    return image, descent, {k: merged.get(k, parameters[k].default) for k in parameters if k in own_keys}


def compute(figure: str, image: torch.Tensor, settings: dict, device: torch.device | str = "cpu") -> FigureData:
    """Run one figure's experiment on an already loaded image (image settings are ignored)."""
    _, descent, own = split_settings(figure, settings)
    return figure_spec(figure).compute(image, descent=descent, device=device, **own)


def caption(figure: str, settings: dict, source: str) -> str:
    """The figure's caption with the settings a reader needs to judge it."""
    image, descent, own = split_settings(figure, settings)
    size = image["image_size"]
    own_text = ", ".join(f"{k} {v}" for k, v in own.items())
    return (
        f"{figure_spec(figure).caption}\n{source} at 3x{size}x{size}; gradient descent (eq. 4, no blur): {descent.iterations} iterations, "
        f"loss {descent.loss_scale:g} L1, lr decaying {descent.lr_schedule[0]:g}->{descent.lr_schedule[1]:g} x best of "
        f"{list(descent.lr_candidates)} ({descent.step} step), shift std {descent.shift_std:g}, seed {descent.seed}; {own_text}"
    )


def make_figure(
    figure: str,
    image_source: str | Path,
    settings: dict,
    table: str | Path,
    png: str | Path,
    pdf: str | Path,
    reduced: str | None = None,
    device: torch.device | str = "cpu",
) -> FigureData:
    """Load the target image, run the figure's experiment, write its CSV table and PNG/PDF.

    image_source: what depthrep.images.load_image takes (a file or "sample:<name>").
    """
    image_settings, _, _ = split_settings(figure, settings)
    image = load_image(image_source, int(image_settings["image_size"]), image_settings["resize"])
    data = compute(figure, image, settings, device)
    write_csv(data.table, table)
    figure_spec(figure).draw(data, png, pdf, caption(figure, settings, str(image_source)), reduced)
    return data
