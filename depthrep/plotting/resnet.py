"""The ResNet figures (Fig 1-5, S1, S3): image grids per layer and distance-against-iteration plots."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from .. import plan
from ..io import load_tensors, read_json
from ..targets import describe_source, is_stand_in
from .common import distances_caption, image_grid, save_figure, show_image, title

UPDATE_NAMES = {"plain": "eq. 4", "blur": "eq. 5 (blur)"}


def _row_label(model: str, state: str, target: str, update: str) -> str:
    return f"{model}\n{state}\n{target}\n{UPDATE_NAMES[update]}"


def _figure_title(config: dict, figure: str) -> str:
    """Caption, stand-in images and panels left out (with why), and the reduced-preset note."""
    spec = config["figures"][figure]
    text = f"{figure}: {spec['caption']}"
    stand_ins = [f"{t} = {describe_source(config['targets'][t])}" for t in spec["targets"] if is_stand_in(config["targets"][t])]
    if stand_ins:
        text += "\nstand-in images: " + ", ".join(stand_ins)
    missing = plan.missing_states(config, figure)
    if missing:
        text += "\npanels left out: " + "; ".join(f"{state} ({why})" for state, why in missing.items())
    return title(text, config.get("reduced"))


def draw(config: dict, figure: str, png: str | Path, pdf: str | Path) -> None:
    """Draw a ResNet figure from the pipeline's result files (paths from depthrep.plan)."""
    kind = config["figures"][figure]["kind"]
    (draw_images if kind == "images" else draw_trajectories)(config, figure, png, pdf)


def draw_images(config: dict, figure: str, png: str | Path, pdf: str | Path) -> None:
    """One row per model x state x target x update: a, a', then a_g per layer with distances."""
    spec = config["figures"][figure]
    missing = plan.missing_states(config, figure)
    states = [s for s in spec["states"] if s not in missing]
    combos = list(itertools.product(spec["models"], states, spec["targets"], spec["updates"]))
    fig, axes = image_grid(len(combos), 2 + len(spec["layers"]), size=2.2)
    for r, (model, state, target, update) in enumerate(combos):
        axes[r, 0].set_ylabel(_row_label(model, state, target, update), fontsize=7)
        embedded = load_tensors(plan.embeddings_path(model, state, target))
        show_image(axes[r, 0], embedded["image"], "target a")
        show_image(axes[r, 1], embedded["shifted"], "shifted a'\n" + distances_caption(**{"||a-a'||": embedded["shift_distance"]}))
        for c, layer in enumerate(spec["layers"], start=2):
            job = plan.Inversion(spec["run"], model, state, target, layer, update)
            row = read_json(Path(job.directory) / "result.json")["rows"][0]
            image = load_tensors(Path(job.directory) / "a_g.pt").get(row["seed"])
            caption = f"a_g, {layer}\n" + distances_caption(m_g=row["m_g"], m_s=row["m_s"], m_i=row["m_i"])
            show_image(axes[r, c], image, caption, missing="every learning rate diverged")
    fig.suptitle(_figure_title(config, figure), fontsize=9)
    save_figure(fig, png, pdf)


def draw_trajectories(config: dict, figure: str, png: str | Path, pdf: str | Path) -> None:
    """m_g and m_i against iterations, one panel per inversion, log axes (iteration 0 at the left edge)."""
    import matplotlib.pyplot as plt

    jobs = plan.jobs(config, figure)
    fig, axes = plt.subplots(1, len(jobs), figsize=(max(8, 5 * len(jobs)), 5), squeeze=False)
    for ax, job in zip(axes[0], jobs):
        trajectory = pd.read_csv(Path(job.directory) / "trajectory.csv")
        row = read_json(Path(job.directory) / "result.json")["rows"][0]
        first = trajectory[trajectory.seed == row["seed"]]
        ax.set_title(f"{job.model} {job.state} {job.layer}, {UPDATE_NAMES[job.update]}, lr {row['lr']:g}", fontsize=8)
        if first.empty:  # no trajectory to draw on log axes
            ax.text(0.5, 0.5, "every learning rate diverged", ha="center", va="center", transform=ax.transAxes)
            continue
        x = first.iteration + 1
        ax.plot(x, first.m_g, "o-", ms=3, label="m_g = ||O(a_g) - O(a)||")
        ax.plot(x, first.m_i, "s-", ms=3, label="m_i = ||a_g - a||")
        ax.axhline(row["m_s"], color="grey", ls="--", lw=1, label="m_s = ||O(a') - O(a)||")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration + 1")
        ax.set_ylabel("L2 distance")
        ax.legend(fontsize=7)
    fig.suptitle(_figure_title(config, figure), fontsize=9)
    save_figure(fig, png, pdf)
