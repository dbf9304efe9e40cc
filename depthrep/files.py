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
import os
from pathlib import Path


class DiskFull(OSError):
    """No space left for a result: the message names the file."""


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


def write_json(data: dict, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def sha256(path: str | Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
