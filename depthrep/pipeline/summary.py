"""results/summary.md: what a run made, with which settings, and what it left out and why."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from ..files import write_text
from ..training.history import final_train_accuracy
from . import blog_summary, claims, paths, plan
from .plan import describe_source


def paper_order(figure: str) -> tuple:
    """fig1 < fig2 < ... < fig10 < figS1 < ... < sec7 (presets may list figures in any order)."""
    match = re.fullmatch(r"fig(S?)(\d+)", figure)
    return (0, match.group(1), int(match.group(2))) if match else (1, figure, 0)


def render(
    config: dict,
    inversions: pd.DataFrame,
    noise_histories: dict[str, pd.DataFrame] | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    blog: dict[str, pd.DataFrame] | None = None,
) -> str:
    """tables: the beyond-the-paper figures' tables by path; blog: the blog figures' tables by
    key (pipeline.blog_summary.files)."""
    lines = [f"# depthrep run summary: preset `{config['preset']}`", ""]
    if config.get("reduced"):
        lines += [f"Reduced preset: {config['reduced']}. Figures say so in their titles.", ""]
    lines += ["## Figures", "", "| figure | status | caption |", "|---|---|---|"]
    for name in sorted(config["figures"], key=paper_order):
        reason = plan.figure_status(config, name)
        if reason:
            status = f"left out: {reason}"
        else:
            partial = plan.missing_states(config, name)
            status = f"[made](figures/{name}.png)"
            if partial:
                status += "; panels left out: " + "; ".join(f"{s} ({why})" for s, why in partial.items())
        lines.append(f"| {name} | {status} | {plan.caption(config, name)} |")
    lines += ["", "## Targets", ""]
    lines += [f"- {name}: {describe_source(spec)}" for name, spec in config["targets"].items()]
    if len(inversions):
        good = (inversions.m_g < inversions.m_s).sum()
        failed = (inversions.status != "ok").sum()
        lines += [
            "",
            "## Inversions",
            "",
            f"{len(inversions)} inversions (tables/inversions.csv); m_g < m_s in {good}; every learning rate diverged in {failed}.",
        ]
    for arch, history in (noise_histories or {}).items():
        last, accuracy = history.iloc[-1], final_train_accuracy(history)
        lines += [
            "",
            "## Noise-label model",
            "",
            f"{arch} trained {int(last['epoch'])} epochs on {config['noise_model']['data']['images']} noise images "
            f"of {config['noise_model']['data']['classes']} random classes: final training accuracy {accuracy:.4f} "
            f"(tables/noise_training_{arch}.csv).",
        ]
    lines += beyond_the_paper(config, tables or {})
    lines += blog_summary.render(config, blog or {})
    lines += ["", "## Settings", "", "```yaml", yaml.safe_dump(config, sort_keys=False).rstrip(), "```", ""]
    return "\n".join(lines)


def beyond_the_paper(config: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    """The blog posts' claims with what this run measured (pipeline.claims), per figure made;
    `tables` holds the figures' tables by path."""
    sections = {
        plan.ARCHITECTURES_KIND: (
            "Any architecture: early layers copy the input, deep layers do not (Input Generation III; Autoencoders: learning by copying)",
            lambda f: claims.architecture_claims(tables[paths.DEPTH_TABLE.format(figure=f)], plan.DISPLAY_NAMES),
        ),
        plan.EPOCHS_KIND: (
            "Training does not lead to more accurate approximations in deep layers (Input Generation III)",
            lambda f: claims.epoch_claims(tables[paths.EPOCH_TABLE.format(figure=f)]),
        ),
        plan.REPRESENTATIONS_KIND: (
            "Representations compared; the first component's share does not grow during training (From Generalization to Inner Activations)",
            lambda f: (
                claims.spectrum_claims(tables[paths.SPECTRUM_TABLE.format(figure=f)])
                + claims.similarity_claims(tables[paths.SIMILARITY_TABLE.format(figure=f)])
            ),
        ),
    }
    lines = []
    for kind, (heading, claimed) in sections.items():
        for figure in plan.made_of_kind(config, kind):
            lines += ["", f"## {figure}: {heading}", ""]
            lines += [f"- {line}" for line in claimed(figure)]
            missing = plan.missing_states(config, figure)
            if missing:
                lines.append("- left out: " + "; ".join(f"{s} ({why})" for s, why in missing.items()))
    return lines


def write(
    config: dict,
    inversions: pd.DataFrame,
    path: str | Path,
    noise_histories: dict[str, pd.DataFrame] | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    blog: dict[str, pd.DataFrame] | None = None,
) -> None:
    write_text(render(config, inversions, noise_histories, tables, blog), path)
