"""The pipeline's tables: one row per inversion, and the trajectories, from each job's files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .io import read_json

KEYS = ["model", "state", "target", "layer", "update", "run"]
INVERSION_COLUMNS = KEYS + ["iterations", "lr", "seed", "m_g", "m_s", "m_i", "shift_distance", "status", "diverged_lrs", "device"]


def inversion_table(result_files: list[str | Path]) -> pd.DataFrame:
    """Concatenate the result.json of every inversion job into one row per inversion and seed."""
    rows = []
    for path in result_files:
        record = read_json(path)
        for row in record["rows"]:
            rows.append({**record["key"], **row, "device": record["provenance"]["device"]})
    return pd.DataFrame(rows, columns=INVERSION_COLUMNS)


def trajectory_table(result_files: list[str | Path]) -> pd.DataFrame:
    """Concatenate the trajectory.csv beside each result.json, keyed like the inversion table."""
    parts = []
    for path in result_files:
        record = read_json(path)
        part = pd.read_csv(Path(path).with_name("trajectory.csv"))
        parts.append(part.assign(**record["key"]))
    columns = KEYS + ["seed", "iteration", "m_g", "m_i", "loss"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
