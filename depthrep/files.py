"""Plain files every layer writes and reads: atomic writes, CSV, JSON, checksums. No torch here,
so that the bookkeeping jobs (tables, summary, provenance, compare) start in a second.

A write goes to a temporary name beside its destination and is renamed only when complete:
a job killed halfway leaves no file that looks finished.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
from pathlib import Path


class DiskFull(OSError):
    """No space left for a result: the message names the file."""


class Unreadable(ValueError):
    """A result file that exists but cannot be read: corrupt, truncated, or not what it should be.

    `path` names the file; a pipeline job that meets one moves it aside so that the next run
    makes it anew (depthrep.pipeline.joblog).
    """

    def __init__(self, path: str | Path, message: str):
        super().__init__(message)
        self.path = Path(path)


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
            raise DiskFull(
                errno.ENOSPC,
                f"no space left to write {path} ({err.strerror or err}); free some space and rerun: "
                "finished outputs are kept and only unfinished jobs run again",
            ) from err
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_text(text: str, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_csv(table, path: str | Path) -> None:
    """A pandas table as CSV, without its index."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)


def write_json(data: dict, path: str | Path, sort_keys: bool = True) -> None:
    """JSON with NaN and infinities written as null: `NaN` is not JSON, and other readers refuse it."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(finite(data), indent=2, sort_keys=sort_keys, default=str, allow_nan=False) + "\n")


def finite(data):
    """`data` with every NaN or infinite float replaced by None (recursively)."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(value) for value in data]
    return data


def read_json(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise Unreadable(path, f"{path} is not readable JSON (corrupt or truncated: {err})") from err


def sha256(path: str | Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
