"""A real one-node Slurm cluster for the tests: tests/slurm/start-slurm.sh installs Debian's
slurm-wlm, munge, slurmdbd and MariaDB and starts them with count-only GPUs. Needs root and
apt-get (CI has both); DEPTHREP_TEST_SLURM=0 turns it off."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import yaml

SCRIPTS = Path(__file__).resolve().parent / "slurm"
# Fake GPUs and advertised CPUs (may exceed the real ones); the memory is a realistic small
# node's, so that a job asking for more than the preset needs is refused by sbatch.
NODE = {"SLURM_GPUS": "16", "SLURM_NODE_CPUS": "16", "SLURM_NODE_MEM_MB": "8000", "SLURM_SMOKE_TEST": "0"}


def why_not() -> str | None:
    """Why no cluster can be started here, or None when one can."""
    if os.environ.get("DEPTHREP_TEST_SLURM") == "0":
        return "DEPTHREP_TEST_SLURM=0"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "starting a Slurm cluster needs root and apt-get (CI has both)"
    return None


class Cluster:
    """start-slurm.sh running in the background; `ready()` waits for it."""

    def __init__(self, logs: Path):
        logs.mkdir(parents=True, exist_ok=True)
        self.logs = logs
        with open(logs / "started", "w") as out, open(logs / "log", "w") as err:
            command = ["timeout", "-s", "KILL", "600", "bash", str(SCRIPTS / "start-slurm.sh")]
            self.process = subprocess.Popen(command, env={**os.environ, **NODE}, stdout=out, stderr=err)

    def ready(self) -> None:
        if self.process.wait() != 0:
            raise AssertionError(f"Slurm did not start:\n{(self.logs / 'log').read_text()[-3000:]}")

    def stop(self) -> None:
        """Stop the daemons this start started (not ones that were up already)."""
        self.process.wait()
        started = (self.logs / "started").read_text().split()
        if started:
            command = ["timeout", "-s", "KILL", "120", "bash", str(SCRIPTS / "stop-slurm.sh"), *started]
            stop = subprocess.run(command, capture_output=True, text=True)
            assert stop.returncode == 0, f"Slurm did not stop cleanly:\n{stop.stderr[-3000:]}"


def use_profile(workdir: Path) -> None:
    """The project's slurm/ profile as shipped (partition and account: the cluster's defaults),
    polling job states sooner than a real cluster needs: here a job takes 5 to 20 s. The
    plugin polls `init` s after a poll that saw a job end, adding 10 s after each that saw none."""
    path = workdir / "slurm" / "config.yaml"
    profile = yaml.safe_load(path.read_text())
    profile["slurm-init-seconds-before-status-checks"] = 1
    profile["seconds-between-status-checks"] = 1
    path.write_text(yaml.safe_dump(profile))


def now() -> str:
    """A start time for sacct (two seconds early: sacct's clock has a one-second grain)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 2))
