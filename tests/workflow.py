"""Helpers for tests that run the Snakemake workflow in a scratch copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = ("--configfile", "presets/tiny.yaml")
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "results", ".snakemake", "__pycache__", ".pytest_cache", "*.egg-info")


def copy_workflow(dest: Path) -> Path:
    """Copy the repository without results or environments to `dest`, so tests never touch
    the user's results."""
    shutil.copytree(ROOT, dest, ignore=NOT_COPIED, dirs_exist_ok=True)
    return dest


def copy_run(run: Path, dest: Path) -> Path:
    """A copy of a finished run (results and Snakemake's records, times kept), for a test that
    changes settings or files without touching the session's run."""
    shutil.copytree(run, dest, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    return dest


def snakemake(workdir: Path, *args: str, check: bool = True, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run snakemake in `workdir` with the test interpreter; targets must come before --configfile.
    env: environment variables to set for it (on top of this process's)."""
    command = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    environment = {**os.environ, **(env or {})}
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=environment)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """{rule: count} of what a dry run would execute."""
    result = snakemake(workdir, "--dry-run", *args)
    counts = {}
    table = result.stdout.split("Job stats:", 1)
    if len(table) == 1:
        return counts
    for line in table[1].splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s+(\d+)$", line.strip())
        if match and match.group(1) != "total":
            counts[match.group(1)] = int(match.group(2))
    return counts


def edit_preset(path: Path, change) -> None:
    """Load a preset YAML, apply `change(dict)`, write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
