"""What each pipeline job pays before it computes: the CPU seconds a fresh interpreter takes to
import what the job's script imports (followed through depthrep, as depthrep.pipeline.code
does), per rule, the fastest of --repeats tries.

    .venv/bin/python benchmarks/job_startup.py [--repeats 3] [--cpu-preset]

--cpu-preset also multiplies by the number of jobs of each rule in the CPU preset (a dry run
of `make run`'s DAG), to show what start-up costs the whole run.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
from pathlib import Path

from depthrep.pipeline import code

ROOT = Path(__file__).resolve().parents[1]


def rule_scripts() -> dict[str, Path]:
    """{rule: script} of every rule that runs a script."""
    rules = {}
    for path in [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]:
        for match in re.finditer(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", path.read_text(), re.M | re.S):
            script = re.search(r"^\s+script:\s+\"([^\"]+)\"", match.group(2), re.M)
            if script:
                rules[match.group(1)] = (path.parent / script.group(1)).resolve()
    return rules


def import_seconds(script: Path, repeats: int) -> float:
    """CPU seconds (user + system) of a fresh interpreter importing what `script` imports."""
    modules, _ = code.reached(script)
    statement = "; ".join(f"import {name}" for name in sorted(modules)) or "pass"
    best = float("inf")
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def cpu_preset_jobs() -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "2", "--configfile", "presets/cpu.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("Job stats:", 1)[-1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", out, re.M) if m.group(1) != "total"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpu-preset", action="store_true")
    args = parser.parse_args()
    counts = cpu_preset_jobs() if args.cpu_preset else {}
    total = 0.0
    print(f"{'rule':<26}{'start-up CPU s':>15}" + (f"{'jobs':>6}{'CPU s':>8}" if counts else ""))
    for rule, script in sorted(rule_scripts().items()):
        seconds = import_seconds(script, args.repeats)
        line = f"{rule:<26}{seconds:>15.2f}"
        if counts:
            line += f"{counts.get(rule, 0):>6}{seconds * counts.get(rule, 0):>8.1f}"
            total += seconds * counts.get(rule, 0)
        print(line)
    if counts:
        print(f"start-up of the CPU preset's {sum(counts.values()) - counts.get('all', 0)} jobs: {total:.0f} CPU s")


if __name__ == "__main__":
    main()
