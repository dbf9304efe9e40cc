"""results/provenance.json: what produced every result, so a rerun years later can be checked.

It records the project's git commit (and whether the tree had uncommitted changes), the
config as it was given (key order kept, so that writing it back to a file and rerunning gives
the same parameters) with its hash, the version of every installed package, the environment
report of the jobs' PyTorch (torch.utils.collect_env, results/environment.json), the devices
and seeds the jobs used, and the sha256 of every input file and every output.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from ..files import read_json, sha256, write_json
from . import records


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
    """Python's version and that of every distribution installed where the record is written."""
    installed = {dist.metadata["Name"].lower(): dist.version for dist in metadata.distributions()}
    return {"python": platform.python_version(), **dict(sorted(installed.items()))}


def job_records(result_files: list[str | Path]) -> list[dict]:
    """Device, seeds and library versions each inversion job recorded in its result.json."""
    return [{"job": record.key, "provenance": record.provenance} for record in map(records.read, result_files)]


def manifest(
    config: dict,
    root: str | Path,
    inputs: list[str | Path],
    outputs: list[str | Path],
    result_files: list[str | Path],
    environment: str | Path,
) -> dict:
    return {
        "git": git_state(root),
        "preset": config.get("preset"),
        "config_sha256": config_hash(config),
        "config": config,
        "versions": versions(),
        "environment": read_json(environment),
        "seed": config.get("seed"),
        "deterministic": config.get("deterministic"),
        "inputs": {str(p): sha256(p) for p in inputs},
        "outputs": {str(p): sha256(p) for p in outputs},
        "jobs": job_records(result_files),
    }


def write(path: str | Path, **kwargs) -> None:
    write_json(manifest(**kwargs), path, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    """`python -m depthrep.pipeline.provenance config results/provenance.json`: the recorded
    config as YAML, keys in their recorded order, ready for --configfile."""
    import argparse
    import sys

    import yaml

    parser = argparse.ArgumentParser(prog="python -m depthrep.pipeline.provenance", description=main.__doc__)
    parser.add_argument("what", choices=["config"])
    parser.add_argument("record", type=Path, help="a provenance.json")
    args = parser.parse_args(argv)
    if not args.record.is_file():
        parser.error(f"{args.record} does not exist")
    sys.stdout.write(yaml.safe_dump(read_json(args.record)["config"], sort_keys=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
