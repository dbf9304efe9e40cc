"""The log of a pipeline job: progress messages and the error that ends it go to the job's log
file, where Snakemake points the user. No torch here: the bookkeeping jobs use it too."""

from __future__ import annotations

import logging
import sys


def log_to(path: str | None) -> None:
    """Send the library's progress messages to a job's log file (stderr when there is none)."""
    handlers = [logging.FileHandler(path, mode="w") if path else logging.StreamHandler(sys.stderr)]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", handlers=handlers, force=True)
    if path:
        sys.excepthook = _log_failure


def _log_failure(kind, error, trace) -> None:
    """The error that ends a job goes into its log as well: Snakemake points the user there."""
    logging.getLogger("depthrep").critical("job failed: %s", error, exc_info=(kind, error, trace))
    sys.__excepthook__(kind, error, trace)
