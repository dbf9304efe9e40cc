"""The benchmark script runs and ends with its speedup line (no timing is asserted)."""

import re
import runpy
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "engine_speed.py"


def test_engine_benchmark_prints_the_speedup_last(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), "--problems", "2", "--steps", "2", "--size", "32", "--arch", "resnet18"])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"speedup: \d+\.\d\d", lines[-1])
    assert any(line.startswith("engine overhead over the bare loop:") for line in lines)
    assert any(re.fullmatch(r"author's loop / engine: \d+\.\d\d", line) for line in lines)
