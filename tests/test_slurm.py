"""`snakemake --profile slurm` against a real one-node Slurm cluster started on this machine.

tests/slurm/start-slurm.sh installs Debian's slurm-wlm, munge, slurmdbd and MariaDB and starts
them with two count-only GPUs; the tiny preset then runs through the project's slurm/ profile,
and Slurm's own accounting records (sacct) are checked: every job of a GPU rule asked for a GPU,
no other job did, and all succeeded. The tables must equal those of a local run. Needs root
and apt-get (CI has both); elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from workflow import ROOT, TINY, copy_workflow, snakemake

SCRIPTS = ROOT / "tests" / "slurm"
GPU_RULES = {"invert"}
CLUSTER = {"SLURM_NODE_CPUS": "8", "SLURM_NODE_MEM_MB": "64000", "SLURM_SMOKE_TEST": "0"}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("apt-get") is None,
    reason="starting a Slurm cluster needs root and apt-get (CI has both)",
)


@pytest.fixture(scope="module")
def cluster():
    env = {**os.environ, **CLUSTER}
    started = subprocess.run(["timeout", "-s", "KILL", "600", "bash", SCRIPTS / "start-slurm.sh"], env=env, capture_output=True, text=True)
    try:
        assert started.returncode == 0, f"Slurm did not start:\n{started.stderr[-3000:]}"
        yield
    finally:
        subprocess.run(["timeout", "-s", "KILL", "120", "bash", SCRIPTS / "stop-slurm.sh"], capture_output=True)


def point_profile_at_test_cluster(workdir: Path) -> None:
    """What a user edits in slurm/config.yaml: partition and account (of start-slurm.sh)."""
    path = workdir / "slurm" / "config.yaml"
    profile = yaml.safe_load(path.read_text())
    profile["default-resources"].update({"slurm_partition": "debug", "slurm_account": "testacct"})
    profile["slurm-init-seconds-before-status-checks"] = 5  # the test's jobs are short
    path.write_text(yaml.safe_dump(profile))


def slurm_jobs(since: str, workdir: Path) -> list[dict]:
    """This run's jobs from Slurm's accounting: rule, requested TRES, state, sbatch line."""
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "--starttime", since, "--format=JobID,ReqTRES,State,WorkDir,SubmitLine"],
        capture_output=True, text=True, check=True,
    ).stdout
    jobs = []
    for line in out.splitlines():
        job_id, tres, state, cwd, submit = line.split("|", 4)
        if cwd != str(workdir):
            continue
        rule = re.search(r"--comment rule_(\w+?)(_wildcards_\S*)?\s", submit + " ").group(1)
        jobs.append({"id": job_id, "rule": rule, "tres": tres, "state": state, "submit": submit})
    return jobs


def test_the_tiny_preset_runs_on_slurm_with_gpus_only_for_gpu_rules(cluster, tiny_run, tmp_path):
    workdir = copy_workflow(tmp_path / "slurm-run")
    point_profile_at_test_cluster(workdir)
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 5))
    snakemake(workdir, "--profile", "slurm", *TINY, timeout=1200)

    jobs = slurm_jobs(since, workdir)
    assert {job["rule"] for job in jobs} >= {"prepare_target", "embed_target", "invert"}
    for job in jobs:
        assert job["state"] == "COMPLETED", job
        asks_gpu = "gres/gpu=1" in job["tres"] and "--gpus=1" in job["submit"]
        assert asks_gpu == (job["rule"] in GPU_RULES), job
    for table in ["inversions.csv", "trajectories.csv"]:
        assert (workdir / "results/tables" / table).read_bytes() == (tiny_run / "results/tables" / table).read_bytes(), table
