"""The record of one inversion job, written and read here only, and the tables made from them.

An inversion job (rule `invert`) inverts the layers of one run, model, state, target and update
rule, and leaves three files in its folder (pipeline.paths.INVERSION):
    result.json     {"key": {run, model, state, target, update},
                     "rows": one per layer and seed: layer, seed, iterations, lr, m_g, m_s, m_i,
                             shift_distance, status, diverged_lrs,
                     "settings": the run's descent settings,
                     "provenance": device, versions, seed (depthrep.pipeline.runtime.provenance)}
    trajectory.csv  layer, seed, iteration, loss, m_g, m_i: each seed's chosen candidate at
                    log-spaced iterations
    inputs.pt       {"a_g": {layer: {seed: a_g}}, "shifted": a'} (tensors, models.weights.save_tensors)
`read(path, layer)` gives one layer's part of a record, as a figure panel needs it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ..files import Unreadable, read_json, write_csv, write_json

KEYS = ["model", "state", "target", "layer", "update", "run"]
JOB_KEYS = [k for k in KEYS if k != "layer"]  # a record's key: the layer is in each row
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
        """The row of the first seed: the one the figures show (of one layer: see `read`)."""
        return self.rows[0]


def write(record: InversionRecord, result: str | Path, trajectory: pd.DataFrame, trajectory_path: str | Path) -> None:
    write_csv(trajectory, trajectory_path)
    write_json(asdict(record), result)


def read(path: str | Path, layer: str | None = None) -> InversionRecord:
    """The record at `path`, or with `layer` that layer's part of it (the layer in its key, its
    rows only); Unreadable when it is not a record (corrupt, truncated, foreign) or lacks the layer."""
    data = read_json(path)
    try:
        rows = [{**row, **{k: math.nan if row[k] is None else row[k] for k in NUMBERS}} for row in data["rows"]]
        record = InversionRecord(data["key"], rows, data["settings"], data["provenance"])
        fields = set.intersection(*(set(row) for row in rows)) if rows else set()
        missing = sorted(set(JOB_KEYS) - set(record.key)) + sorted({"layer", "seed"} - fields)
    except (KeyError, TypeError) as err:
        raise Unreadable(path, f"{path} is not an inversion record (it lacks {err})") from err
    if missing or not rows:
        raise Unreadable(path, f"{path} is not an inversion record (it lacks {missing} or has no rows)")
    if layer is None:
        return record
    rows = [row for row in record.rows if row["layer"] == layer]
    if not rows:
        raise Unreadable(path, f"{path} holds no inversion of layer {layer} (it has {sorted({r['layer'] for r in record.rows})})")
    return InversionRecord({**record.key, "layer": layer}, rows, record.settings, record.provenance)


def trajectory_path(result: str | Path) -> Path:
    return Path(result).with_name("trajectory.csv")


def inversion_table(result_files: list[str | Path], layers: list[str] | None = None) -> pd.DataFrame:
    """One row per inversion and seed, from every job's result.json (each file once). With
    `layers` (one per file: a figure's panels), only that layer of each file, in panel order."""
    panels = dict.fromkeys(zip(map(str, result_files), layers or [None] * len(result_files), strict=True))
    rows = []
    for path, layer in panels:
        record = read(path, layer)
        rows += [{**record.key, **row, "device": record.provenance["device"]} for row in record.rows]
    return pd.DataFrame(rows, columns=INVERSION_COLUMNS)


def trajectory_table(result_files: list[str | Path]) -> pd.DataFrame:
    """Every job's trajectory.csv (which has the layer), keyed like the inversion table."""
    parts = [pd.read_csv(trajectory_path(path)).assign(**read(path).key) for path in result_files]
    if not parts:
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[TRAJECTORY_COLUMNS]
