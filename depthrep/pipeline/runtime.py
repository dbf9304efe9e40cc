"""What every job that runs a model sets up first: threads, determinism and the device; and the
provenance it records with its results."""

from __future__ import annotations

import os
import platform

import torch

from .. import __version__


def configure(deterministic: bool, threads: int | None = None, device: str = "auto") -> torch.device:
    """Set threads and PyTorch's deterministic mode; return the device to use.

    Deterministic mode makes reruns on the same hardware give identical tables; on GPUs it
    costs some speed (it needs CUBLAS_WORKSPACE_CONFIG, set here). It is strict: an operation
    without a deterministic implementation stops the job (depthrep.pipeline.joblog names it and
    the setting to change) rather than warning and giving results that vary from run to run.
    """
    if threads:
        torch.set_num_threads(int(threads))
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(bool(deterministic))
    torch.backends.cudnn.benchmark = not deterministic
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


def pick_device(name: str = "auto") -> torch.device:
    """Return the device for `name` ("auto", "cpu", "cuda", "cuda:1", ...).

    "auto" takes the first visible GPU (Slurm sets CUDA_VISIBLE_DEVICES) and falls back to
    the CPU, so the same config runs on a laptop and on a cluster node.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} was asked for but CUDA is not available here")
    return device


def describe(device: torch.device) -> str:
    """A human-readable name of the device, recorded with every result."""
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return "cpu"


def environment() -> dict:
    """PyTorch's report of the environment (versions, CUDA, cuDNN, GPUs, CPU, pip and conda
    packages): torch.utils.collect_env, which takes a few seconds, so it runs once per run."""
    from torch.utils import collect_env

    return collect_env.get_env_info()._asdict()
