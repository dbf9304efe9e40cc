"""Sec 7's numbers: the generalisation gap of every classifier from its training history.
No torch here: the gap table is made in the figure job from the histories' CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..training.history import train_accuracy

FAMILIES = {"mlp": "MLP", "conv": "conv net"}
DESIGNS = ("standard", "inverted")
GAP_COLUMNS = ["dataset", "family", "design", "epochs", "train_accuracy", "test_accuracy", "gap"]


def split_architecture(architecture: str) -> tuple[str, str]:
    """'mlp_inverted' -> ('mlp', 'inverted')."""
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
        family, design = split_architecture(architecture)
        rows.append(
            {
                "dataset": dataset,
                "family": family,
                "design": design,
                "epochs": int(last["epoch"]),
                "train_accuracy": train,
                "test_accuracy": float(last["test_accuracy"]),
                "gap": train - float(last["test_accuracy"]),
            }
        )
    return pd.DataFrame(rows, columns=GAP_COLUMNS)
