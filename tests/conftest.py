"""Fixtures shared by the workflow tests."""

import pytest
from workflow import TINY, copy_workflow, snakemake


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The tiny preset run once on this machine, shared by every end-to-end check."""
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny"))
    snakemake(workdir, *TINY)
    return workdir
