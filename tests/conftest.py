"""Fixtures shared by the workflow tests.

The tiny preset runs once for the whole session (`tiny_run`). Where this machine can start a
real one-node Slurm cluster (root and apt-get, as on CI), that run goes through the project's
slurm/ profile, so that one run both feeds the end-to-end checks and is what
tests/test_slurm.py checks; elsewhere it runs locally and the Slurm test is skipped with the
reason. The cluster starts in the background as soon as the collected tests need the run,
while the unit tests (collected first) run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cluster
import pytest
from workflow import TINY, copy_workflow, snakemake

STATE: dict = {}


def pytest_collection_modifyitems(session, config, items):
    """The tests that use the tiny run go last, so that the cluster starts while the others run."""
    uses_run = [item for item in items if {"tiny", "tiny_run"} & set(getattr(item, "fixturenames", ()))]
    if uses_run and cluster.why_not() is None:
        STATE["cluster"] = cluster.Cluster(Path(config.rootpath) / ".pytest_cache" / "slurm-start")
    items[:] = [item for item in items if item not in uses_run] + uses_run


def pytest_sessionfinish(session, exitstatus):
    if "cluster" in STATE:
        STATE.pop("cluster").stop()


@dataclass
class Run:
    """The session's tiny run: its folder, and when it was sent to Slurm (None: run locally)."""

    path: Path
    slurm_since: str | None


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Run:
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny"))
    if "cluster" in STATE:
        STATE["cluster"].ready()
        cluster.use_profile(workdir)
        since = cluster.now()
        snakemake(workdir, "--profile", "slurm", *TINY, timeout=1500)
        return Run(workdir, since)
    snakemake(workdir, *TINY)
    return Run(workdir, None)


@pytest.fixture(scope="session")
def tiny_run(tiny) -> Path:
    """The finished tiny run's folder. Tests that change it work on a copy (workflow.copy_run)."""
    return tiny.path
