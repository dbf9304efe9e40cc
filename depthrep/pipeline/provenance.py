"""results/provenance.json: what produced every result, so a rerun years later can be checked.

It records the project's git commit (and whether the tree had uncommitted changes), the
config with its hash, package versions, the devices and seeds the jobs used, and the sha256
of every input file and every output.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from ..files import sha256, write_json
from . import records

PACKAGES = [
    "depthrep",
    "torch",
    "torchvision",
    "snakemake",
    "snakemake-executor-plugin-slurm",
    "numpy",
    "pandas",
    "matplotlib",
    "seaborn",
    "scikit-image",
    "pillow",
]


def git_state(root: str | Path) -> dict:
    """The commit of the project at `root` and whether its tree differs from it."""

    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def job_records(result_files: list[str | Path]) -> list[dict]:
    """Device, seeds and library versions each inversion job recorded in its result.json."""
    return [{"job": record.key, "provenance": record.provenance} for record in map(records.read, result_files)]


def manifest(config: dict, root: str | Path, inputs: list[str | Path], outputs: list[str | Path], result_files: list[str | Path]) -> dict:
    return {
        "git": git_state(root),
        "preset": config.get("preset"),
        "config_sha256": config_hash(config),
        "config": config,
        "versions": versions(),
        "seed": config.get("seed"),
        "deterministic": config.get("deterministic"),
        "inputs": {str(p): sha256(p) for p in inputs},
        "outputs": {str(p): sha256(p) for p in outputs},
        "jobs": job_records(result_files),
    }


def write(path: str | Path, **kwargs) -> None:
    write_json(manifest(**kwargs), path)
