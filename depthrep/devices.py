"""Where tensors live: CUDA when present, else the CPU."""

import torch


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
