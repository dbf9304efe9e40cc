"""Compare two results folders: did a rerun reproduce an archived run?

    python -m depthrep.pipeline.compare RESULTS_A RESULTS_B [--rtol 1e-5] [--atol 1e-8]

- CSV tables agree when their numeric columns are close (numpy.isclose with rtol and atol:
  the last bits of a float change with the hardware and library versions) and every other
  column is equal. Rows are matched by their key columns, not by position: the leading columns
  that are not floats (model, layer, seed, iteration, ...) and name each row, so a rerun that
  writes the same rows in another order is the same table.
- JSON records (an inversion's result.json) agree the same way, number by number, leaving
  out their "provenance" entries: device, threads and versions say how a result was made,
  not what it is.
- Every other file (figures, tensors, text) must be byte-identical (sha256).
- logs/ and benchmarks/ hold run times and are skipped. provenance.json is not a result
  either: where the two differ (git commit, versions, config hash) it is printed as a note,
  the first place to look when results differ.

Prints each difference and a last line, "identical within tolerance" or "N differences";
exits 0 when the folders agree, 1 when they differ, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import sha256

SKIPPED_FOLDERS = {"logs", "benchmarks"}
PROVENANCE = "provenance.json"
PROVENANCE_KEY = "provenance"  # per-job records inside result.json
NOTED_PROVENANCE = ("git", "preset", "config_sha256", "versions")
EXAMPLES = 3  # differing rows or values shown per column or file


@dataclass
class Difference:
    """One file that differs between the two folders, with what differs in it."""

    path: str
    summary: str = "differs"
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join([f"{self.path}: {self.summary}", *(f"  {d}" for d in self.details)])


def result_files(root: Path) -> dict[str, Path]:
    """{relative path: file} of the results under `root`, without logs/, benchmarks/ and the provenance record."""
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not SKIPPED_FOLDERS & set(relative.parts[:-1]) and path.name != PROVENANCE:
            files[relative.as_posix()] = path
    return files


def compare(a: Path, b: Path, rtol: float = 1e-5, atol: float = 1e-8) -> list[Difference]:
    """Every difference between results folders `a` and `b`; empty when they agree."""
    files_a, files_b = result_files(a), result_files(b)
    differences = []
    for name in sorted(files_a.keys() | files_b.keys()):
        if name not in files_b:
            differences.append(Difference(name, f"only in {a}"))
        elif name not in files_a:
            differences.append(Difference(name, f"only in {b}"))
        else:
            details = compare_file(files_a[name], files_b[name], rtol, atol)
            if details:
                differences.append(Difference(name, details=details))
    return differences


def compare_file(a: Path, b: Path, rtol: float, atol: float) -> list[str]:
    """What differs between two versions of one file (tables and records within tolerance)."""
    if a.stat().st_size == b.stat().st_size and sha256(a) == sha256(b):
        return []
    if a.suffix == ".csv":
        return compare_tables(a, b, rtol, atol)
    if a.suffix == ".json":
        try:
            return compare_data(_without_provenance(_read_json(a)), _without_provenance(_read_json(b)), "", rtol, atol)
        except ValueError as err:
            return [str(err)]
    return [f"sha256 {sha256(a)} vs {sha256(b)}"]


def compare_tables(a: Path, b: Path, rtol: float, atol: float) -> list[str]:
    """Columns only in one table, rows only in one table, and the rows that differ per column."""
    try:
        left, right = pd.read_csv(a), pd.read_csv(b)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        return [f"cannot be read as a table: {err}"]
    details = [
        f"column {c!r} only in {path}" for columns, other, path in ((left, right, a), (right, left, b)) for c in columns if c not in other
    ]
    keys = key_columns(left, right)
    if keys:
        merged = left.merge(right, on=keys, how="outer", suffixes=("", "\0"), indicator=True, sort=True)
        for side, path in (("left_only", a), ("right_only", b)):
            only = merged[merged._merge == side]
            if len(only):
                examples = "; ".join(_label(row, keys) for _, row in only.head(EXAMPLES).iterrows())
                details.append(f"{len(only)} rows only in {path}, e.g. {examples}")
        both = merged[merged._merge == "both"].reset_index(drop=True)
        pairs = [(c, both[c], both[c + "\0"]) for c in left.columns if c in right.columns and c not in keys]
        rows, labels = len(both), [_label(row, keys) for _, row in both.iterrows()]
    else:  # no columns name the rows: compare them in order
        if len(left) != len(right):
            details.append(f"{len(left)} rows vs {len(right)} rows (the first {min(len(left), len(right))} compared)")
        rows = min(len(left), len(right))
        pairs = [(c, left[c].iloc[:rows], right[c].iloc[:rows]) for c in left.columns if c in right.columns]
        labels = [f"row {i + 1}" for i in range(rows)]
    for column, x, y in pairs:
        bad = np.flatnonzero(~_same_values(x, y, rtol, atol))
        if len(bad):
            values = x.tolist(), y.tolist()
            examples = "; ".join(f"{labels[i]}: {values[0][i]!r} vs {values[1][i]!r}" for i in bad[:EXAMPLES])
            details.append(f"column {column!r}: {len(bad)} of {rows} rows differ{_largest_gap(x, y, bad)}, e.g. {examples}")
    return details


def key_columns(left: pd.DataFrame, right: pd.DataFrame) -> list[str]:
    """The columns that name a row: the shortest run of leading non-float columns (model, layer,
    seed, iteration, ...) whose values are unique in both tables; [] when there is none."""
    candidates = [c for c in left.columns if c in right.columns and not (_float(left[c]) or _float(right[c]))]
    for end in range(1, len(candidates) + 1):
        keys = candidates[:end]
        if not (left.duplicated(keys).any() or right.duplicated(keys).any()):
            return keys
    return []


def _label(row: pd.Series, keys: list[str]) -> str:
    return "(" + ", ".join(str(row[k]) for k in keys) + ")"


def _float(column: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(column)


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _same_values(x: pd.Series, y: pd.Series, rtol: float, atol: float) -> np.ndarray:
    if _numeric(x) and _numeric(y):
        return np.isclose(x.to_numpy(float), y.to_numpy(float), rtol=rtol, atol=atol, equal_nan=True)
    return np.array([p == q or (pd.isna(p) and pd.isna(q)) for p, q in zip(x.tolist(), y.tolist(), strict=False)], dtype=bool)


def _largest_gap(x: pd.Series, y: pd.Series, rows: np.ndarray) -> str:
    if not (_numeric(x) and _numeric(y)):
        return ""
    gap = np.abs(x.to_numpy(float)[rows] - y.to_numpy(float)[rows])
    return f" (largest difference {np.nanmax(gap):.3g})" if np.isfinite(gap).any() else ""


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot be read as JSON: {err}") from err


def _without_provenance(data):
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k != PROVENANCE_KEY}
    return data


def compare_data(a, b, where: str, rtol: float, atol: float) -> list[str]:
    """Differences between two JSON values: numbers within tolerance, everything else equal."""
    label = where or "top level"
    if isinstance(a, dict) and isinstance(b, dict):
        details = [
            f"{where}{k}: only in the {side}" for keys, other, side in ((a, b, "first"), (b, a, "second")) for k in keys if k not in other
        ]
        for key in [k for k in a if k in b]:
            details += compare_data(a[key], b[key], f"{where}{key}.", rtol, atol)
        return details
    if isinstance(a, list) and isinstance(b, list):
        details = [f"{label.rstrip('.')}: {len(a)} items vs {len(b)}"] if len(a) != len(b) else []
        for i, (p, q) in enumerate(zip(a, b, strict=False)):
            details += compare_data(p, q, f"{where}{i}.", rtol, atol)
        return details
    if _is_number(a) and _is_number(b):
        same = math.isclose(a, b, rel_tol=0, abs_tol=atol + rtol * abs(b)) or (math.isnan(a) and math.isnan(b))
    else:
        same = a == b
    return [] if same else [f"{label.rstrip('.')}: {a!r} vs {b!r}"]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def provenance_notes(a: Path, b: Path) -> list[str]:
    """How the two runs were made differently (commit, preset, config, versions), from provenance.json."""
    records = [a / PROVENANCE, b / PROVENANCE]
    if not all(path.is_file() for path in records):
        missing = [str(path) for path in records if not path.is_file()]
        return [f"no provenance record: {', '.join(missing)}"]
    try:
        first, second = (_read_json(path) for path in records)
    except ValueError as err:
        return [f"provenance record unreadable: {err}"]
    notes = []
    for key in NOTED_PROVENANCE:
        notes += compare_data(first.get(key), second.get(key), f"{key}.", rtol=0, atol=0)
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m depthrep.pipeline.compare",
        description="Compare two results folders: tables within a tolerance, other files by sha256.",
    )
    parser.add_argument("results_a", type=Path, help="a results folder (for example an archived one)")
    parser.add_argument("results_b", type=Path, help="the results folder to compare it with")
    parser.add_argument("--rtol", type=float, default=1e-5, help="relative tolerance of numbers in tables (default 1e-5)")
    parser.add_argument("--atol", type=float, default=1e-8, help="absolute tolerance of numbers in tables (default 1e-8)")
    args = parser.parse_args(argv)
    for folder in (args.results_a, args.results_b):
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder")
    if not (args.rtol >= 0 and args.atol >= 0):
        parser.error(f"--rtol and --atol must be non-negative, got {args.rtol} and {args.atol}")

    print(f"comparing {args.results_a} with {args.results_b} (numbers within rtol={args.rtol:g}, atol={args.atol:g})")
    for note in provenance_notes(args.results_a, args.results_b):
        print(f"note: {note}")
    differences = compare(args.results_a, args.results_b, args.rtol, args.atol)
    for difference in differences:
        print(difference)
    count = len(differences)
    print("identical within tolerance" if not count else f"{count} difference{'s' if count > 1 else ''}")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
