"""What every pipeline job sets up first: logging, threads, determinism, and its provenance."""

from __future__ import annotations

import logging
import os
import platform
import sys

import torch

from . import __version__
from .devices import describe, pick_device


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


def configure(deterministic: bool, threads: int | None = None, device: str = "auto") -> torch.device:
    """Set threads and PyTorch's deterministic mode; return the device to use.

    Deterministic mode makes reruns on the same hardware give identical tables; on GPUs it
    costs some speed (it needs CUBLAS_WORKSPACE_CONFIG, set here).
    """
    if threads:
        torch.set_num_threads(int(threads))
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False
    return pick_device(device)


def provenance(device: torch.device, **extra) -> dict:
    """Versions, device and settings recorded next to every result."""
    import numpy
    import torchvision

    record = {
        "depthrep": __version__,
        "python": platform.python_version(),
        "torch": str(torch.__version__),
        "torchvision": str(torchvision.__version__),
        "numpy": numpy.__version__,
        "device": describe(device),
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "threads": torch.get_num_threads(),
    }
    record.update(extra)
    return record
