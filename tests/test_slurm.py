"""`snakemake --profile slurm` against a real one-node Slurm cluster started on this machine
(tests/cluster.py): the whole tiny preset, every rule, through the project's slurm/ profile.

The session's tiny run (conftest.py) is made that way wherever a cluster can be started, and
this test checks it against Slurm's own accounting (sacct): every job snakemake sent is there
once and completed, the jobs of the GPU rules asked for one GPU and no other job asked for
any, every rule that is not local ran on Slurm, and no job asked for more memory than the
small test node has (sbatch would have refused it). That the files these jobs made equal a
local run's is checked by tests/test_workflow.py, which remakes a sample of them locally.
"""

from __future__ import annotations

import re
from collections import Counter

import cluster
import pytest
import yaml
from workflow import ROOT

# The rules that ask for a GPU, as the workflow profile says.
PROFILE = yaml.safe_load((ROOT / "profiles/default/config.yaml").read_text())
GPU_RULES = {rule for rule, resources in PROFILE["set-resources"].items() if resources.get("gpu")}
# The tiny preset's rules that Slurm runs, and those that run on the submitting host (localrule: True).
SUBMITTED_RULES = {
    "invert",
    "train_noise_classifier",
    "mlp_experiment",
    "activations",
    "representation_tables",
    "train_autoencoder",
    "autoencoder_experiment",
    "similarity_experiment",
}
LOCAL_RULES = {
    "prepare_target",
    "resnet_figure",
    "mlp_figure",
    "kernels_figure",
    "architectures_figure",
    "epochs_figure",
    "representations_figure",
    "autoencoder_figures",
    "similarity_figures",
    "inversion_tables",
    "summary",
    "environment",
    "provenance",
}


def slurm_jobs(since: str, workdir) -> list[dict]:
    """This run's jobs as Slurm's accounting recorded them: rule, requested TRES, state, sbatch line."""
    import subprocess

    fields = ["JobID", "State", "ExitCode", "ReqTRES", "WorkDir", "SubmitLine"]
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "--starttime", since, f"--format={','.join(fields)}"], capture_output=True, text=True, check=True
    ).stdout
    jobs = [dict(zip(fields, line.split("|", len(fields) - 1))) for line in out.splitlines()]
    jobs = [job for job in jobs if job["WorkDir"] == str(workdir)]
    for job in jobs:
        job["rule"] = re.search(r"--comment rule_(\w+?)(_wildcards_\S*)?\s", job["SubmitLine"] + " ").group(1)
        job["tres"] = dict(item.split("=", 1) for item in job["ReqTRES"].split(","))
    return jobs


def test_the_tiny_preset_runs_on_slurm_with_gpus_only_for_gpu_rules(tiny):
    if tiny.slurm_since is None:
        pytest.skip(cluster.why_not())
    log = min((tiny.path / ".snakemake/log").glob("*.snakemake.log")).read_text()  # the run, before any report
    submitted = Counter(re.findall(r"^rule (\w+):$", log, re.MULTILINE))  # local rules print "localrule"
    ran_locally = set(re.findall(r"^localrule (\w+):$", log, re.MULTILINE))
    assert submitted.keys() == SUBMITTED_RULES, submitted
    assert ran_locally == LOCAL_RULES | {"all"}, ran_locally
    jobs = slurm_jobs(tiny.slurm_since, tiny.path)
    assert Counter(job["rule"] for job in jobs) == submitted, jobs
    for job in jobs:
        assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), job
        assert int(job["tres"]["mem"].rstrip("M")) <= int(cluster.NODE["SLURM_NODE_MEM_MB"]), job
        if job["rule"] in GPU_RULES:
            assert job["tres"].get("gres/gpu") == "1" and "--gpus=1" in job["SubmitLine"].split(), job
        else:
            assert "gres/gpu" not in job["tres"] and not re.search(r"--(gpus|gres)\b", job["SubmitLine"]), job
    result = next((tiny.path / "results/inversions").rglob("result.json")).read_text()
    assert '"cuda_visible_devices": "' in result  # the job saw the GPU Slurm assigned it
