"""The record of one inversion job, written and read here only, and the tables made from them.

An inversion job (rule `invert`) leaves three files in its folder (pipeline.paths.INVERSION):
    result.json     {"key": {run, model, state, target, layer, update},
                     "rows": one per seed: iterations, lr, m_g, m_s, m_i, shift_distance, status, diverged_lrs,
                     "settings": the run's descent settings,
                     "provenance": device, versions, seed (depthrep.pipeline.runtime.provenance)}
    trajectory.csv  iteration, loss, m_g, m_i, seed: each seed's chosen candidate at log-spaced iterations
    inputs.pt       {"a_g": {seed: a_g}, "shifted": a'} (tensors, models.weights.save_tensors)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ..files import Unreadable, read_json, write_csv, write_json

KEYS = ["model", "state", "target", "layer", "update", "run"]
NUMBERS = ["lr", "m_g", "m_s", "m_i", "shift_distance"]  # null in JSON where not a number (NaN)
INVERSION_COLUMNS = KEYS + ["iterations", "lr", "seed", "m_g", "m_s", "m_i", "shift_distance", "status", "diverged_lrs", "device"]
TRAJECTORY_COLUMNS = KEYS + ["seed", "iteration", "m_g", "m_i", "loss"]


@dataclass
class InversionRecord:
    """What result.json holds."""

    key: dict
    rows: list[dict]
    settings: dict
    provenance: dict

    @property
    def first(self) -> dict:
        """The row of the first seed: the one the figures show."""
        return self.rows[0]


def write(record: InversionRecord, result: str | Path, trajectory: pd.DataFrame, trajectory_path: str | Path) -> None:
    write_csv(trajectory, trajectory_path)
    write_json(asdict(record), result)


def read(path: str | Path) -> InversionRecord:
    """The record at `path`; Unreadable when it is not one (corrupt, truncated, foreign)."""
    data = read_json(path)
    try:
        rows = [{**row, **{k: math.nan if row[k] is None else row[k] for k in NUMBERS}} for row in data["rows"]]
        record = InversionRecord(data["key"], rows, data["settings"], data["provenance"])
        missing = sorted(set(KEYS) - set(record.key))
    except (KeyError, TypeError) as err:
        raise Unreadable(path, f"{path} is not an inversion record (it lacks {err})") from err
    if missing or not rows:
        raise Unreadable(path, f"{path} is not an inversion record (key lacks {missing} or no rows)")
    return record


def trajectory_path(result: str | Path) -> Path:
    return Path(result).with_name("trajectory.csv")


def inversion_table(result_files: list[str | Path]) -> pd.DataFrame:
    """One row per inversion and seed, from every job's result.json."""
    rows = []
    for path in result_files:
        record = read(path)
        rows += [{**record.key, **row, "device": record.provenance["device"]} for row in record.rows]
    return pd.DataFrame(rows, columns=INVERSION_COLUMNS)


def trajectory_table(result_files: list[str | Path]) -> pd.DataFrame:
    """Every job's trajectory.csv, keyed like the inversion table."""
    parts = [pd.read_csv(trajectory_path(path)).assign(**read(path).key) for path in result_files]
    if not parts:
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[TRAJECTORY_COLUMNS]
