"""Atomic writes: a job killed halfway leaves no file that looks complete."""

from __future__ import annotations

import contextlib
import errno
import json
import os
from pathlib import Path

import pandas as pd
import torch


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(err.errno, f"no space left to write {path} ({err.strerror}); free some space and rerun: "
                          "finished outputs are kept and only unfinished jobs run again") from err
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)


def write_json(data: dict, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def save_tensors(data: dict, path: str | Path) -> None:
    """torch.save of a dict of tensors and plain values, readable with weights_only=True."""
    with atomic_path(path) as tmp:
        torch.save(data, tmp)


def load_tensors(path: str | Path) -> dict:
    return torch.load(path, map_location="cpu", weights_only=True)
