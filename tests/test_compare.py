"""python -m depthrep.pipeline.compare: tables within a tolerance, other files by checksum, what differs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from depthrep.pipeline.compare import main
from depthrep.plotting.common import save_figure

RESULT = "inversions/fixed/resnet50/untrained/dalmatian/blur/result.json"


def make_results(root: Path) -> Path:
    """A small results folder shaped like the pipeline's."""
    (root / "tables").mkdir(parents=True)
    pd.DataFrame(
        {
            "model": ["resnet50", "resnet50", "resnet18"],
            "layer": ["conv1", "conv5", "conv2"],
            "m_g": [1.25, 20.5, 3.0],
            "m_i": [2.0, float("nan"), 4.0],
            "status": ["ok", "ok", "ok"],
        }
    ).to_csv(root / "tables/inversions.csv", index=False)
    (root / "figures").mkdir()
    (root / "figures/fig2.png").write_bytes(b"\x89PNG pixels")
    (root / RESULT).parent.mkdir(parents=True)
    write_json(root / RESULT, {"rows": [{"lr": 0.1, "m_g": 1.25}], "provenance": {"device": "cpu", "threads": 2}})
    write_json(root / "provenance.json", {"git": {"commit": "abc", "dirty": False}, "versions": {"torch": "2.14.1"}})
    for folder in ["logs", "benchmarks"]:
        (root / folder / "invert").mkdir(parents=True)
        (root / folder / "invert/job.txt").write_text(f"{folder} of run {root.name}\n")
    return root


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data))


def edit_table(root: Path, change) -> None:
    """Replace the inversions table of `root` by `change(table)`."""
    path = root / "tables/inversions.csv"
    change(pd.read_csv(path)).to_csv(path, index=False)


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    write_json(path, data)


@pytest.fixture
def folders(tmp_path):
    """Two results folders that agree; logs/ and benchmarks/ differ between them as they do between runs."""
    return make_results(tmp_path / "a"), make_results(tmp_path / "b")


def run(capsys, *args) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out.splitlines()


def test_folders_that_agree_are_identical_and_logs_and_benchmarks_are_ignored(folders, capsys):
    code, lines = run(capsys, *folders)
    assert code == 0
    assert lines[-1] == "identical within tolerance"
    assert not any("differs" in line or "only in" in line for line in lines)


def test_numbers_within_the_tolerance_agree(folders, capsys):
    edit_table(folders[1], lambda t: t.assign(m_g=t.m_g * (1 + 1e-7)))
    assert run(capsys, *folders)[0] == 0


def test_a_number_beyond_the_tolerance_is_reported_with_its_column_and_row(folders, capsys):
    edit_table(folders[1], lambda t: t.assign(m_g=[1.25, 20.6, 3.0]))
    code, lines = run(capsys, *folders)
    assert code == 1
    assert "tables/inversions.csv: differs" in lines
    [detail] = [line for line in lines if "column 'm_g'" in line]
    assert "1 of 3 rows differ" in detail and "(resnet50, conv5): 20.5 vs 20.6" in detail
    assert lines[-1] == "1 difference"


def test_the_stated_tolerance_is_used(folders, capsys):
    edit_table(folders[1], lambda t: t.assign(m_g=t.m_g * 1.001))
    assert run(capsys, *folders)[0] == 1
    assert run(capsys, *folders, "--rtol", "1e-2")[0] == 0
    assert run(capsys, *folders, "--rtol", "0", "--atol", "0.1")[0] == 0  # largest change: 0.0205


def test_text_columns_must_match_exactly(folders, capsys):
    edit_table(folders[1], lambda t: t.assign(status=["ok", "all candidates diverged", "ok"]))
    code, lines = run(capsys, *folders)
    assert code == 1
    assert any("column 'status': 1 of 3 rows differ" in line and "'ok' vs 'all candidates diverged'" in line for line in lines)


def test_missing_columns_and_rows_are_reported(folders, capsys):
    edit_table(folders[1], lambda t: t.drop(columns="m_i", index=2).assign(lr=0.1))
    code, lines = run(capsys, *folders)
    assert code == 1
    assert any("column 'm_i' only in" in line and str(folders[0]) in line for line in lines)
    assert any("column 'lr' only in" in line and str(folders[1]) in line for line in lines)
    assert any(f"1 rows only in {folders[0] / 'tables/inversions.csv'}, e.g. (resnet18, conv2)" in line for line in lines)
    assert lines[-1] == "1 difference"  # one file, three details


def test_rows_are_matched_by_their_keys_not_their_order(folders, capsys):
    edit_table(folders[1], lambda t: t.iloc[::-1])  # the same rows, written in another order
    assert run(capsys, *folders)[0] == 0
    edit_table(folders[1], lambda t: t.assign(m_g=t.m_g.where(t.layer != "conv2", 3.5)))
    code, lines = run(capsys, *folders)
    assert code == 1 and any("(resnet18, conv2): 3.0 vs 3.5" in line for line in lines)


def test_a_table_whose_rows_no_column_names_is_compared_in_order(tmp_path, capsys):
    a, b = (make_results(tmp_path / name) for name in "ab")
    for root, values in ((a, [1.0, 2.0]), (b, [2.0, 1.0])):
        pd.DataFrame({"m_g": values}).to_csv(root / "tables/inversions.csv", index=False)
    code, lines = run(capsys, a, b)
    assert code == 1 and any("column 'm_g': 2 of 2 rows differ" in line and "row 1: 1.0 vs 2.0" in line for line in lines)


def test_figures_are_compared_by_checksum_and_files_in_one_folder_only_are_listed(folders, capsys):
    a, b = folders
    (b / "figures/fig2.png").write_bytes(b"\x89PNG pixelz")
    (a / "figures/fig3.pdf").write_bytes(b"%PDF")
    (b / "tables/extra.csv").write_text("x\n1\n")
    code, lines = run(capsys, a, b)
    assert code == 1
    assert "figures/fig2.png: differs" in lines
    assert any(line.strip().startswith("sha256 ") for line in lines)
    assert f"figures/fig3.pdf: only in {a}" in lines
    assert f"tables/extra.csv: only in {b}" in lines
    assert lines[-1] == "3 differences"


def test_result_records_compare_their_values_and_not_how_they_were_made(folders, capsys):
    a, b = folders
    edit_json(b / RESULT, lambda d: d["provenance"].update(device="cuda:0 (NVIDIA H100)", threads=1))
    assert run(capsys, a, b)[0] == 0
    edit_json(b / RESULT, lambda d: d["rows"][0].update(lr=0.03))
    code, lines = run(capsys, a, b)
    assert code == 1
    assert f"{RESULT}: differs" in lines and "  rows.0.lr: 0.1 vs 0.03" in lines


def test_the_provenance_record_is_a_note_not_a_difference(folders, capsys):
    edit_json(folders[1] / "provenance.json", lambda d: d["versions"].update(torch="2.15.0"))
    code, lines = run(capsys, *folders)
    assert code == 0
    assert "note: versions.torch: '2.14.1' vs '2.15.0'" in lines


def test_an_unreadable_table_is_a_difference_not_a_crash(folders, capsys):
    (folders[1] / "tables/inversions.csv").write_bytes(b'"unterminated\n\xff\xfe')
    code, lines = run(capsys, *folders)
    assert code == 1
    assert any("cannot be read as a table" in line for line in lines)


def test_a_folder_that_does_not_exist_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([str(make_results(tmp_path / "a")), str(tmp_path / "nowhere")])
    assert stop.value.code == 2
    assert f"{tmp_path / 'nowhere'} is not a folder" in capsys.readouterr().err


def test_runs_as_a_module(folders):
    a, b = folders
    shutil.rmtree(b / "figures")
    result = subprocess.run([sys.executable, "-m", "depthrep.pipeline.compare", str(a), str(b)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 difference"


def test_a_figure_drawn_twice_at_different_times_is_byte_identical(tmp_path, monkeypatch):
    """Figures are compared by checksum, so their files must not carry the time they were made."""
    for name, epoch in [("first", "0"), ("second", "100000")]:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)  # matplotlib's clock for PDF dates
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        ax.set_title("m_g")
        save_figure(fig, tmp_path / f"{name}.png", tmp_path / f"{name}.pdf")
    for suffix in [".png", ".pdf"]:
        assert (tmp_path / f"first{suffix}").read_bytes() == (tmp_path / f"second{suffix}").read_bytes(), suffix
