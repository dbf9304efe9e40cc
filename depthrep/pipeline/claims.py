"""The blog posts' claims, measured: the tables of the architecture and epoch figures (made from
the inversion records) and the sentences the run summary states from them and from the
representation tables. No torch here (the summary is bookkeeping).

Claims checked (the posts' words in quotes):
    architectures    "early layers copy the input, deep layers do not", in every architecture
                     (Input Generation III: ResNet, GoogLeNet, Inception v3; Autoencoders:
                     learning by copying: ViT-L/16 "mirrors" ResNet50): does m_i grow with
                     depth, and does m_g < m_s hold (the representation is matched more closely
                     than a barely visible shift of the input moves it)
    epochs           "training does not lead to more accurate approximations in deep layers":
                     do m_g or m_s shrink in the deep cuts from the untrained start to the end
    spectrum         "the first component ... captures less of the variance" during training in
                     convolutional layers (From Generalization to Inner Activations)
    similarity       what linear CKA says about the same comparisons (no claim of the posts)

"m_i grows with depth" is said when the rank correlation of m_i with the cut's depth is at
least 0.8 and m_i at the deepest cut exceeds m_i at the shallowest; the numbers are given
either way.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..models.architectures import ARCHITECTURES
from . import records

DEPTH_COLUMNS = ["model", "state", "target", "layer", "update", "run", "position", "relative_depth", "m_g", "m_s", "m_i", "lr", "status"]
EPOCH_COLUMNS = ["model", "state", "epoch", "target", "layer", "update", "run", "m_g", "m_s", "m_i", "lr", "status"]
GROWS = 0.8  # rank correlation of m_i with depth from which "m_i grows with depth" is said
DEEP = 2  # the deepest cuts whose m_g and m_s the epoch claim follows


def _first_seed(results: list[str | Path], layers: list[str]) -> pd.DataFrame:
    table = records.inversion_table(results, layers)
    return table.drop_duplicates(subset=records.KEYS, keep="first").reset_index(drop=True)


def depth_table(results: list[str | Path], layers: list[str]) -> pd.DataFrame:
    """One row per inversion (its first seed) of an architecture figure (its panels: a job's
    record and a layer), with the cut's position among the model's five (1 = shallowest) and
    its relative depth."""
    table = _first_seed(results, layers)
    table["position"] = [list(ARCHITECTURES[m]["cuts"]).index(layer) + 1 for m, layer in zip(table.model, table.layer, strict=True)]
    table["relative_depth"] = [ARCHITECTURES[m]["relative_depth"][layer] for m, layer in zip(table.model, table.layer, strict=True)]
    return table[DEPTH_COLUMNS]


def epoch_table(results: list[str | Path], layers: list[str], epochs: dict[str, int]) -> pd.DataFrame:
    """One row per inversion of the epoch figure (its panels), with the training epoch of its state."""
    table = _first_seed(results, layers)
    table["epoch"] = [epochs[state] for state in table.state]
    return table[EPOCH_COLUMNS].sort_values(["epoch", "layer"], kind="stable").reset_index(drop=True)


def _rank_correlation(x, y) -> float:
    x, y = pd.Series(list(x)).rank(), pd.Series(list(y)).rank()
    return float(np.corrcoef(x, y)[0, 1]) if len(x) > 1 and x.std() > 0 and y.std() > 0 else math.nan


def _numbers(values) -> str:
    return " / ".join(f"{v:.3g}" for v in values)


def architecture_claims(depths: pd.DataFrame, display: dict[str, str] | None = None) -> list[str]:
    """Per model and state: m_i per cut (shallow to deep) and whether it grows; at how many cuts
    m_g < m_s, with m_g / m_s per cut."""
    display = display or {}
    lines = []
    grows_count, total = 0, 0
    for (model, state), part in depths.groupby(["model", "state"], sort=False):
        part = part.sort_values("relative_depth")
        rho = _rank_correlation(part.relative_depth, part.m_i)
        grows = len(part) > 1 and rho >= GROWS and part.m_i.iloc[-1] > part.m_i.iloc[0]
        grows_count, total = grows_count + grows, total + 1
        good = int((part.m_g < part.m_s).sum())
        lines.append(
            f"{display.get(model, model)} ({state}), cuts {', '.join(part.layer)}: m_i {_numbers(part.m_i)} "
            f"({'grows' if grows else 'does not grow'} with depth, rank correlation {rho:.2f}); m_g < m_s at {good} of {len(part)} cuts "
            f"(m_g / m_s {_numbers(part.m_g / part.m_s)})"
        )
    if total:
        lines.insert(0, f"m_i grows with depth in {grows_count} of {total} architectures (and states) measured.")
    return lines


def epoch_claims(epochs: pd.DataFrame, deep: int = DEEP) -> list[str]:
    """Per cut: m_g, m_s and m_i at each epoch; for the `deep` deepest cuts whether training
    (first to last epoch) shrank m_g and m_s."""
    if epochs.empty:
        return []
    order = list(dict.fromkeys(epochs.sort_values("layer").layer))
    first, last = epochs.epoch.min(), epochs.epoch.max()
    lines = []
    for layer in order:
        part = epochs[epochs.layer == layer].sort_values("epoch")
        lines.append(
            f"{layer}, epochs {', '.join(str(e) for e in part.epoch)}: m_g {_numbers(part.m_g)}; m_s {_numbers(part.m_s)}; m_i {_numbers(part.m_i)}"
        )
    verdicts = []
    for layer in order[-deep:]:
        part = epochs[epochs.layer == layer].set_index("epoch")
        for metric in ("m_g", "m_s"):
            before, after = part.at[first, metric], part.at[last, metric]
            verdicts.append(f"{metric} at {layer} {'shrank' if after < before else 'did not shrink'} from {before:.3g} to {after:.3g}")
    lines.insert(0, f"From epoch {first} to {last}: " + "; ".join(verdicts) + ".")
    return lines


def spectrum_claims(spectrum: pd.DataFrame) -> list[str]:
    """The first direction's share of variance over each group of noisy copies, first epoch
    against last, per cut and sigma; how often it grew."""
    if spectrum.empty:
        return []
    first = spectrum[spectrum.component == 1]
    start, end = first.epoch.min(), first.epoch.max()
    lines, grew, total = [], 0, 0
    for (layer, sigma), part in first.groupby(["layer", "sigma"], sort=False):
        part = part.sort_values("epoch")
        before, after = part.explained.iloc[0], part.explained.iloc[-1]
        grew, total = grew + (after > before), total + 1
        lines.append(
            f"{layer}, sigma {sigma:g}: first component's share {_numbers(part.explained)} over epochs {', '.join(str(e) for e in part.epoch)}"
        )
    lines.insert(0, f"The first component's share grew from epoch {start} to {end} in {grew} of {total} (cut, sigma) groups.")
    return lines


def similarity_claims(similarity: pd.DataFrame) -> list[str]:
    """CKA between neighbouring cuts within each state, each cut against the reference state,
    and the most similar cut of each other architecture for each cut of the first."""
    lines = []
    within = similarity[similarity.comparison == "within"]
    for state, part in within.groupby("state_a", sort=False):
        layers = list(dict.fromkeys(part.layer_a))
        neighbours = [part[(part.layer_a == a) & (part.layer_b == b)].cka.iloc[0] for a, b in zip(layers, layers[1:])]
        lines.append(
            f"{part.model_a.iloc[0]} {state}: CKA of neighbouring cuts {_numbers(neighbours)}; first vs last cut {part[(part.layer_a == layers[0]) & (part.layer_b == layers[-1])].cka.iloc[0]:.3g}"
        )
    states = similarity[similarity.comparison == "states"]
    for state, part in states.groupby("state_b", sort=False):
        interval = ", ".join(f"{row.layer_a} {row.cka:.3g} [{row.cka_low:.3g}, {row.cka_high:.3g}]" for row in part.itertuples())
        lines.append(f"{part.model_a.iloc[0]} {state} against {part.state_a.iloc[0]}, same cut (95% bootstrap interval): {interval}")
    across = similarity[(similarity.comparison == "architectures") & (similarity.model_a != similarity.model_b)]
    if not across.empty:
        reference = across.model_a.iloc[0]
        for (state, model), part in across[across.model_a == reference].groupby(["state_a", "model_b"], sort=False):
            best = part.loc[part.groupby("layer_a").cka.idxmax()]
            pairs = ", ".join(f"{row.layer_a}~{row.layer_b} {row.cka:.2f}" for row in best.itertuples())
            lines.append(f"{state} {reference} against {model}, most similar cut: {pairs}")
    return lines
