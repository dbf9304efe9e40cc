"""The log of a pipeline job: progress messages, and the error that ends it, go to the job's
log file, where Snakemake points the user. No torch here: the bookkeeping jobs use it too.

Two errors get more than their message:
- a result file the job cannot read (files.Unreadable: corrupt or truncated) is moved aside to
  `<file>.corrupt` and named with the rule that makes it, so that the next run makes it anew
  and reruns only what depends on it, instead of failing the same way forever;
- an operation without a deterministic implementation, under `deterministic: true`, is named
  with the setting to change.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

from ..files import Unreadable
from . import paths

log = logging.getLogger("depthrep")


def log_to(path: str | None) -> None:
    """Send the library's progress messages to a job's log file (stderr when there is none)."""
    handlers = [logging.FileHandler(path, mode="w") if path else logging.StreamHandler(sys.stderr)]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", handlers=handlers, force=True)
    if path:
        sys.excepthook = _log_failure


def explain(error: BaseException) -> str:
    """The message of the error that ends a job, with what the user can do about it."""
    if isinstance(error, Unreadable):
        return f"{error} {quarantine(error.path)}"
    if isinstance(error, RuntimeError) and "does not have a deterministic implementation" in str(error):
        return (
            f"{error}\nThis operation has no deterministic implementation on this device, and the config asks for "
            "deterministic: true. Set deterministic: false in the config (or a preset) to run it, at the cost of "
            "results that may differ in the last digits from run to run."
        )
    return str(error)


def quarantine(path: Path) -> str:
    """Move a broken result file aside so that the next run makes it anew; say so."""
    rule = paths.producer(os.path.relpath(path)) or "the rule that makes it"
    aside = path.with_name(path.name + ".corrupt")
    with contextlib.suppress(FileNotFoundError):  # another job that read it moved it first
        os.replace(path, aside)
    return (
        f"It was made by rule {rule}; it has been moved to {aside}. Run snakemake again: it remakes that file "
        "and reruns what depends on it, keeping every other finished result."
    )


def _log_failure(kind, error, trace) -> None:
    """The error that ends a job goes into its log as well: Snakemake points the user there."""
    message = explain(error)
    log.critical("job failed: %s", message, exc_info=(kind, error, trace))
    sys.__excepthook__(kind, error, trace)
    if message != str(error):
        print(message, file=sys.stderr)
