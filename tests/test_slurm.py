"""`snakemake --profile slurm` against a real one-node Slurm cluster started on this machine.

tests/slurm/start-slurm.sh installs Debian's slurm-wlm, munge, slurmdbd and MariaDB and starts
them with count-only GPUs. Two figures of the tiny preset (TARGETS, and what they need: the
target image, its embedding, two inversions) then run through the project's slurm/ profile,
and Slurm's own accounting records (sacct) are checked: every job snakemake sent to Slurm is
there once and succeeded, the jobs of the GPU rules asked for one GPU, no other job asked for
any. Every file those jobs made must equal the same file of the local tiny run. Needs root and
apt-get (CI has both); elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from workflow import ROOT, TINY, copy_workflow, snakemake

SCRIPTS = ROOT / "tests" / "slurm"
# Rules whose jobs must ask Slurm for one GPU; every other job must ask for none.
GPU_RULES = {"invert", "train_noise_classifier", "train_cifar_classifier"}
# Fig 4 and Fig 5 (trajectories): the whole chain prepare_target -> embed_target -> invert
# (GPU) -> local figure, two inversions side by side, in three short rounds of Slurm jobs.
TARGETS = ("fig4", "fig5")
SLURM_RULES = {"prepare_target", "embed_target", "invert"}
# Fake GPUs and advertised CPUs/memory (may exceed the real ones): enough that every job of a
# round runs at once (an inversion asks for 4 GB, an embedding for 8 GB).
CLUSTER = {"SLURM_GPUS": "8", "SLURM_NODE_CPUS": "8", "SLURM_NODE_MEM_MB": "64000", "SLURM_SMOKE_TEST": "0"}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("apt-get") is None,
    reason="starting a Slurm cluster needs root and apt-get (CI has both)",
)


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    """A running cluster. start-slurm.sh runs in the background (on a fresh machine it installs
    packages for most of a minute) while the local tiny run (session fixture tiny_run) is made;
    the test must take tiny_run from here, as a test argument pytest would make it first.
    Afterwards the daemons this start started (not ones that were up already) are stopped."""
    logs = tmp_path_factory.mktemp("start-slurm")
    with open(logs / "started", "w") as out, open(logs / "log", "w") as err:
        start = subprocess.Popen(
            ["timeout", "-s", "KILL", "600", "bash", SCRIPTS / "start-slurm.sh"], env={**os.environ, **CLUSTER}, stdout=out, stderr=err
        )
    try:
        request.getfixturevalue("tiny_run")
        assert start.wait() == 0, f"Slurm did not start:\n{(logs / 'log').read_text()[-3000:]}"
        yield
    finally:
        start.wait()
        started = (logs / "started").read_text().split()
        if started:
            stop = subprocess.run(
                ["timeout", "-s", "KILL", "120", "bash", SCRIPTS / "stop-slurm.sh", *started], capture_output=True, text=True
            )
            assert stop.returncode == 0, f"Slurm did not stop cleanly:\n{stop.stderr[-3000:]}"


def point_profile_at_test_cluster(workdir: Path) -> None:
    """What a user edits in slurm/config.yaml: partition and account (of start-slurm.sh).
    Job states are polled sooner than a real cluster needs: here a job takes 15 to 20 s (most
    of it two snakemake start-ups). The plugin polls `init` s after a poll that saw a job end,
    adding 10 s to the wait after each poll that saw none: with 10, at 10, 30, 60 s, so a job
    of up to 30 s (twice this machine's) costs 30 s; with 5 (5, 20, 45 s) it would often be 45."""
    path = workdir / "slurm" / "config.yaml"
    profile = yaml.safe_load(path.read_text())
    profile["default-resources"].update({"slurm_partition": "debug", "slurm_account": "testacct"})
    profile["slurm-init-seconds-before-status-checks"] = 10
    profile["seconds-between-status-checks"] = 10
    path.write_text(yaml.safe_dump(profile))


def slurm_jobs(since: str, workdir: Path) -> list[dict]:
    """This run's jobs as Slurm's accounting recorded them: rule, requested TRES, state, sbatch line."""
    fields = ["JobID", "State", "ExitCode", "ReqTRES", "WorkDir", "SubmitLine"]
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "--starttime", since, f"--format={','.join(fields)}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    jobs = [dict(zip(fields, line.split("|", len(fields) - 1), strict=False)) for line in out.splitlines()]
    jobs = [job for job in jobs if job["WorkDir"] == str(workdir)]
    for job in jobs:
        job["rule"] = re.search(r"--comment rule_(\w+?)(_wildcards_\S*)?\s", job["SubmitLine"] + " ").group(1)
        job["tres"] = dict(item.split("=", 1) for item in job["ReqTRES"].split(","))
    return jobs


def same_result(slurm: Path, local: Path) -> None:
    """result.json of an inversion: equal to the local one but for the GPU Slurm assigned."""
    on_slurm, here = json.loads(slurm.read_text()), json.loads(local.read_text())
    assert on_slurm["provenance"].pop("cuda_visible_devices"), f"{slurm}: the job saw no GPU of Slurm's"
    here["provenance"].pop("cuda_visible_devices")
    assert on_slurm == here, slurm


def test_a_figure_runs_on_slurm_with_gpus_only_for_gpu_rules(cluster, request, tmp_path):
    tiny_run = request.getfixturevalue("tiny_run")  # made by `cluster`, while Slurm started
    workdir = copy_workflow(tmp_path / "slurm-run")
    point_profile_at_test_cluster(workdir)
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 2))
    result = snakemake(workdir, "--profile", "slurm", *TARGETS, *TINY, timeout=900)

    submitted = Counter(re.findall(r"^rule (\w+):$", result.stderr, re.MULTILINE))  # localrules print "localrule"
    assert submitted.keys() == SLURM_RULES, result.stderr[-3000:]
    jobs = slurm_jobs(since, workdir)
    assert Counter(job["rule"] for job in jobs) == submitted, jobs
    assert submitted["invert"] >= 2
    for job in jobs:
        assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), job
        if job["rule"] in GPU_RULES:
            assert job["tres"].get("gres/gpu") == "1" and "--gpus=1" in job["SubmitLine"].split(), job
        else:
            assert "gres/gpu" not in job["tres"] and not re.search(r"--(gpus|gres)\b", job["SubmitLine"]), job

    made = sorted(
        path.relative_to(workdir)
        for part in ["targets", "embeddings", "inversions"]
        for path in (workdir / "results" / part).rglob("*")
        if path.is_file()
    )
    results = [path for path in made if path.name == "result.json"]
    assert len(results) == submitted["invert"] and len(made) > 3 * len(results), made
    for path in made:
        if path.name == "result.json":
            same_result(workdir / path, tiny_run / path)
        else:
            assert (workdir / path).read_bytes() == (tiny_run / path).read_bytes(), path
