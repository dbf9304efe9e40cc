"""Bad input and faults (issue 7): each gets a clear message naming the setting or file, a
non-zero exit (or, for diverging inversions, a report instead of an error), and finished
outputs are left in place.

Library errors are tested on the library; config errors on a scratch copy of the workflow
with the tiny preset, as dry runs where that shows the error (fast). Only the faults that
happen inside jobs run real jobs, each building at most one figure of the tiny preset.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest
import torch
from workflow import copy_run, copy_workflow, edit_preset, planned_jobs, snakemake

from depthrep import engine, files
from depthrep.engine import Descent, Linear
from depthrep.images import ImageError, load_image, save_image
from depthrep.models import vision, weights
from depthrep.models.weights import load_tensors

TINY = ("--configfile", "presets/tiny.yaml")
# Inversion jobs (one per run, model, state, target and update rule): Fig 4's (conv2, with Fig
# 5's conv5) and Fig 2's (conv1, conv3 and conv5, shared with Fig 3 and the architecture figure).
FIG4_INVERSION = "results/inversions/long/resnet50/untrained/dalmatian/plain"
FIG2_INVERSION = "results/inversions/fixed/resnet50/untrained/dalmatian/blur"


# --- checkpoints (loaded with weights_only=True only) -----------------------------------


@pytest.fixture
def resnet18_checkpoint(tmp_path) -> Path:
    path = tmp_path / "resnet18.pt"
    weights.save_checkpoint(path, "resnet18", vision.load("resnet18"))
    return path


def test_a_truncated_checkpoint_is_named_as_unreadable(resnet18_checkpoint):
    data = resnet18_checkpoint.read_bytes()
    resnet18_checkpoint.write_bytes(data[: len(data) // 2])
    with pytest.raises(weights.WeightsUnavailable, match=rf"checkpoint {resnet18_checkpoint} is unreadable"):
        vision.load("resnet18", resnet18_checkpoint)


def test_a_file_that_is_not_a_checkpoint_is_named_as_unreadable(tmp_path):
    path = tmp_path / "weights.pt"
    path.write_text("these are not weights\n")
    with pytest.raises(weights.WeightsUnavailable, match=rf"checkpoint {path} is unreadable"):
        vision.load("resnet18", path)


def test_a_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(weights.WeightsUnavailable, match=rf"checkpoint {tmp_path / 'gone.pt'} does not exist"):
        vision.load("resnet18", tmp_path / "gone.pt")


def test_a_checkpoint_of_another_architecture_is_refused(resnet18_checkpoint):
    with pytest.raises(weights.WeightsUnavailable, match=r"is for 'resnet18', not 'resnet50'"):
        vision.load("resnet50", resnet18_checkpoint)


def test_a_checkpoint_whose_weights_do_not_fit_its_architecture_is_refused(tmp_path):
    path = tmp_path / "mislabelled.pt"
    torch.save({"arch": "resnet50", "state_dict": vision.load("resnet18").state_dict()}, path)
    with pytest.raises(weights.WeightsUnavailable, match=rf"weights {path} do not fit resnet50"):
        vision.load("resnet50", path)


@pytest.mark.parametrize("content", [torch.zeros(3), {"arch": "resnet18", "state_dict": [1, 2]}], ids=["tensor", "no-dict"])
def test_a_checkpoint_without_a_state_dict_is_refused(tmp_path, content):
    path = tmp_path / "other.pt"
    torch.save(content, path)
    with pytest.raises(weights.WeightsUnavailable, match=rf"checkpoint {path} holds no 'state_dict'"):
        vision.load("resnet18", path)


class Payload:
    """A pickled object that would create a folder if unpickled without weights_only."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_a_checkpoint_holding_code_is_refused_without_running_it(tmp_path):
    path, marker = tmp_path / "evil.pt", tmp_path / "code-ran"
    torch.save({"arch": "resnet18", "state_dict": Payload(marker)}, path)
    with pytest.raises(weights.WeightsUnavailable, match=rf"checkpoint {path} is unreadable"):
        vision.load("resnet18", path)
    assert not marker.exists()


# --- ImageNet weights offline -------------------------------------------------------------


@pytest.fixture
def offline(tmp_path, monkeypatch) -> Path:
    """An empty torch cache under tmp_path and no network for torch.hub downloads."""

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError(f"offline: {url}")

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    return tmp_path / "torch"


def test_imagenet_weights_missing_offline_say_what_to_download_and_where(offline):
    expected = weights.imagenet_weights_file("resnet18")
    assert expected.is_relative_to(offline)
    with pytest.raises(weights.WeightsUnavailable) as error:
        vision.load("resnet18", "imagenet")
    message = str(error.value)
    assert "ImageNet weights for resnet18" in message and "offline" in message
    assert f"Download {weights.imagenet_weights('resnet18').url} and put it at {expected}" in message
    assert "TORCH_HOME" in message


def test_a_broken_imagenet_weights_file_in_the_cache_is_named(offline):
    cached = weights.imagenet_weights_file("resnet18")
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half a download")
    with pytest.raises(
        weights.WeightsUnavailable, match=rf"{cached} has sha256 [0-9a-f]{{64}}, but torchvision publishes .* put it at {cached}"
    ):
        vision.load("resnet18", "imagenet")


# --- target images --------------------------------------------------------------------------


def a_png(path: Path) -> Path:
    save_image(torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(0)), path)
    return path


def test_a_missing_image_is_named(tmp_path):
    with pytest.raises(ImageError, match=rf"target image {tmp_path / 'dog.jpg'} does not exist"):
        load_image(tmp_path / "dog.jpg", 16)


def test_a_truncated_image_is_named(tmp_path):
    path = a_png(tmp_path / "dog.png")
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ImageError, match=rf"target image {path} is not a readable image: image file is truncated"):
        load_image(path, 16)


def test_a_file_that_is_not_an_image_is_named(tmp_path):
    path = tmp_path / "dog.jpg"
    path.write_text("a dog, in words\n")
    with pytest.raises(ImageError, match=rf"target image {path} is not a readable image"):
        load_image(path, 16)


# --- inversions whose every learning rate diverges ------------------------------------------


def test_an_inversion_whose_every_learning_rate_diverges_is_reported_not_raised(caplog):
    descent = Descent(iterations=4, step="raw", lr_candidates=(1e39, 1e40))
    problems = [engine.Problem(target=torch.zeros(3 * 8 * 8), lr=Linear(1.0, 1.0), seed=seed) for seed in (0, 1)]
    with caplog.at_level(logging.WARNING, logger="depthrep.engine"):
        outcomes = engine.sweep(lambda x: x.flatten(1), problems, descent, (3, 8, 8))  # inf in float32
    assert [o.all_diverged for o in outcomes] == [True, True]
    for outcome in outcomes:
        assert outcome.input is None and math.isnan(outcome.lr)  # no candidate chosen
        assert outcome.candidates.lr.tolist() == [1e39, 1e40] and outcome.candidates.diverged.all()
    assert "every learning-rate candidate failed ([1e+39, 1e+40])" in caplog.text


def test_a_job_whose_every_learning_rate_diverges_finishes_and_says_so(tiny_run, tmp_path):
    workdir = copy_run(tiny_run, tmp_path / "w")
    edit_preset(workdir / "presets/tiny.yaml", lambda p: p["runs"]["long"].update(lr_candidates=[1e39]))
    snakemake(workdir, "fig4", *TINY)  # raises, with snakemake's output, if the pipeline stopped
    text = (workdir / FIG4_INVERSION / "result.json").read_text()
    rows = json.loads(text)["rows"]
    assert [row["layer"] for row in rows] == ["conv2", "conv5"]
    for row in rows:
        assert row["status"] == "all candidates diverged" and row["diverged_lrs"] == "1e+39"
        assert row["m_g"] is None  # not a number: null, which every JSON reader takes
    assert "NaN" not in text
    assert load_tensors(workdir / FIG4_INVERSION / "inputs.pt")["a_g"] == {"conv2": {}, "conv5": {}}
    assert (workdir / "results/figures/fig4.png").stat().st_size > 0


# --- config errors (dry runs of the tiny preset) ----------------------------------------------


def refused(tmp_path: Path, change, *targets: str) -> str:
    """What snakemake says about the tiny preset changed by `change`; it must refuse to run."""
    workdir = copy_workflow(tmp_path / "w")
    edit_preset(workdir / "presets/tiny.yaml", change)
    result = snakemake(workdir, "--dry-run", *targets, *TINY, check=False)
    assert result.returncode != 0, result.stdout[-2000:]
    assert not (workdir / "results").exists()
    return result.stdout + result.stderr


def test_a_figure_no_config_defines_is_named(tmp_path):
    assert "No rule to produce fig11" in refused(tmp_path, lambda p: None, "fig11")


def test_a_target_file_that_does_not_exist_is_named_before_anything_runs(tmp_path):
    output = refused(tmp_path, lambda p: p["targets"].update(dalmatian=str(tmp_path / "photos/dog.jpg")), "fig2")
    assert f"targets.dalmatian: the image file {tmp_path / 'photos/dog.jpg'} does not exist" in output


def test_a_finished_run_whose_target_file_goes_missing_refuses_to_redraw_from_the_old_image(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    before = finished_files(run)
    edit_preset(run / "presets/tiny.yaml", lambda p: p["targets"].update(dalmatian=str(tmp_path / "photos/dog.jpg")))
    result = snakemake(run, "fig2", *TINY, check=False)
    assert result.returncode != 0 and "targets.dalmatian: the image file" in result.stdout + result.stderr
    assert finished_files(run) == before  # fig2 not redrawn from the old target


# --- faults inside jobs (real jobs, one target or figure of the tiny preset) -------------------


def test_a_target_file_that_is_not_an_image_stops_its_job_naming_the_file(tmp_path):
    notes = tmp_path / "dog.txt"
    notes.write_text("a dog, in words\n")
    workdir = copy_workflow(tmp_path / "w")
    edit_preset(workdir / "presets/tiny.yaml", lambda p: p["targets"].update(dalmatian=str(notes)))
    result = snakemake(workdir, "results/targets/dalmatian.pt", *TINY, check=False)
    message = f"target image {notes} is not a readable image"
    assert result.returncode != 0
    assert message in result.stderr
    assert message in (workdir / "results/logs/prepare_target/dalmatian.log").read_text()  # where snakemake points
    assert not list((workdir / "results").rglob("dalmatian.p*"))  # nothing that looks finished, no .partial


def finished_files(workdir: Path) -> dict[str, int]:
    """{path: modification time} of the results under workdir (logs and benchmarks left out)."""
    files = (p.relative_to(workdir) for p in (workdir / "results").rglob("*") if p.is_file())
    return {p.as_posix(): (workdir / p).stat().st_mtime_ns for p in files if not {"logs", "benchmarks"} & set(p.parts)}


def assert_kept(workdir: Path, finished: dict[str, int], new: set[str] = frozenset()) -> None:
    """The finished results are still there, untouched, and nothing but `new` was added."""
    now = finished_files(workdir)
    assert set(now) == set(finished) | new, sorted(set(now) ^ set(finished))
    assert {p: now[p] for p in finished} == finished


def test_a_results_folder_that_cannot_be_written_stops_the_run_naming_it_and_keeps_finished_outputs(tmp_path):
    """A file where a results folder should be: writing there fails even for root, for whom
    a read-only folder is writable (see the next test)."""
    workdir = copy_workflow(tmp_path / "w")
    snakemake(workdir, "results/targets/dalmatian.pt", *TINY)
    finished = finished_files(workdir)
    (workdir / "results/inversions").write_text("in the way\n")
    result = snakemake(workdir, "fig4", *TINY, check=False)
    assert result.returncode != 0
    assert "Not a directory: 'results/inversions/" in result.stdout + result.stderr
    assert_kept(workdir, finished, new={"results/inversions"})


def test_a_full_disk_names_the_file_and_leaves_nothing_that_looks_written(tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    target = tmp_path / "results/tables/inversions.csv"
    with pytest.raises(OSError, match=f"no space left to write {target} .*finished outputs are kept"), files.atomic_path(target) as tmp:
        tmp.write_text("half a table")
        with open("/dev/full", "w") as full:
            full.write("the rest")
            full.flush()
    assert list(target.parent.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the test above covers root")
def test_a_read_only_results_folder_stops_the_run_naming_it_and_keeps_finished_outputs(tmp_path):
    workdir = copy_workflow(tmp_path / "w")
    snakemake(workdir, "results/targets/dalmatian.pt", *TINY)
    finished = finished_files(workdir)
    (workdir / "results").chmod(0o555)
    try:
        result = snakemake(workdir, "fig4", *TINY, check=False)
    finally:
        (workdir / "results").chmod(0o755)
    assert result.returncode != 0
    assert "Permission denied" in result.stdout + result.stderr and "results/" in result.stdout + result.stderr
    assert_kept(workdir, finished)


def test_a_run_killed_halfway_continues_without_redoing_finished_jobs(tmp_path):
    workdir = copy_workflow(tmp_path / "w")
    preset = workdir / "presets/tiny.yaml"
    edit_preset(preset, lambda p: p["runs"]["long"].update(iterations=100_000))  # an inversion still running when killed
    command = [sys.executable, "-m", "snakemake", "--cores", "2", "fig4", *TINY]
    run = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    log = workdir / "results/logs/invert/long_resnet50_untrained_dalmatian_plain.log"
    try:
        deadline = time.monotonic() + 300
        while not (log.is_file() and "iteration" in log.read_text()):
            assert run.poll() is None and time.monotonic() < deadline, "the inversion never started"
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # snakemake and its job, as a power cut or scancel would
        run.wait()
    assert not (workdir / FIG4_INVERSION / "result.json").exists()
    finished = finished_files(workdir)
    assert set(finished) == {"results/targets/dalmatian.pt", "results/targets/dalmatian.png"}

    # A kill leaves Snakemake's lock behind: the rerun says how to remove it.
    locked = snakemake(workdir, "fig4", *TINY, check=False)
    assert locked.returncode != 0 and "--unlock" in locked.stderr
    snakemake(workdir, "--unlock", *TINY)
    # The killed inversion is incomplete and rerun (the profile sets rerun-incomplete); nothing else is.
    assert planned_jobs(workdir, "fig4", *TINY) == {"invert": 1, "resnet_figure": 1, "fig4": 1}

    edit_preset(preset, lambda p: p["runs"]["long"].update(iterations=60))
    snakemake(workdir, "fig4", *TINY)
    assert_kept(
        workdir,
        finished,
        new={f"{FIG4_INVERSION}/{name}" for name in ("result.json", "trajectory.csv", "inputs.pt")}
        | {"results/figures/fig4.png", "results/figures/fig4.pdf"},
    )


# --- broken records of finished jobs ------------------------------------------------------------


def test_a_truncated_result_record_is_unreadable_naming_the_file(tmp_path):
    """The same path as the tensor file below, for result.json (records.read), in-process."""
    from depthrep.pipeline import records

    path = tmp_path / "result.json"
    path.write_text('{"key": {"run": "fixed", "model": "res')
    with pytest.raises(files.Unreadable, match=f"{path} is not readable JSON"):
        records.read(path)
    path.write_text('{"key": {}, "rows": []}')
    with pytest.raises(files.Unreadable, match=f"{path} is not an inversion record"):
        records.read(path)


def test_a_broken_record_is_named_with_its_rule_and_the_next_run_redoes_that_job(tiny_run, tmp_path):
    workdir = copy_run(tiny_run, tmp_path / "w")
    record = f"{FIG2_INVERSION}/inputs.pt"
    (workdir / record).write_bytes((workdir / record).read_bytes()[:100])  # truncated
    finished = finished_files(workdir)
    failed = snakemake(workdir, "fig2", *TINY, "--forcerun", "resnet_figure", check=False)
    assert failed.returncode != 0
    log = (workdir / "results/logs/resnet_figure/fig2.log").read_text()
    assert f"{record} " in log and "made by rule invert" in log and "Run snakemake again" in log
    assert not (workdir / record).exists() and (workdir / f"{record}.corrupt").exists()  # moved aside, not lost
    jobs = planned_jobs(workdir, "fig2", *TINY)
    assert jobs == {"invert": 1, "resnet_figure": 1, "fig2": 1}  # that job and what reads it, nothing else
    snakemake(workdir, "fig2", *TINY)
    kept = {p: t for p, t in finished.items() if not p.startswith(FIG2_INVERSION) and "figures/fig2" not in p}
    assert {p: finished_files(workdir)[p] for p in kept} == kept  # every other finished result untouched


def test_a_broken_noise_model_stops_fig_s5_instead_of_a_panel_saying_not_available(tiny_run, tmp_path):
    workdir = copy_run(tiny_run, tmp_path / "w")
    model = workdir / "results/models/noise_resnet50.pt"
    model.write_bytes(model.read_bytes()[:1000])
    failed = snakemake(workdir, "figS5", *TINY, "--forcerun", "kernels_figure", check=False)
    assert failed.returncode != 0 and not (workdir / "results/figures/figS5.png").exists()
    log = (workdir / "results/logs/kernels_figure/figS5.log").read_text()
    assert "checkpoint results/models/noise_resnet50.pt is unreadable" in log and "made by rule train_noise_classifier" in log


def test_a_full_disk_is_named_for_every_writer_torch_save_included(tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does: each writer's temporary
    file is made a link to it."""
    import pandas as pd

    from depthrep.plotting.common import save_figure

    writers = {
        "table.csv": lambda path: files.write_csv(pd.DataFrame({"m_g": [1.0]}), path),
        "record.json": lambda path: files.write_json({"m_g": 1.0}, path),
        "summary.md": lambda path: files.write_text("# summary", path),
        "inputs.pt": lambda path: weights.save_tensors({"a_g": torch.zeros(3, 8, 8)}, path),
        "figure.png": lambda path: save_figure(__import__("matplotlib.pyplot").pyplot.figure(), path),
    }
    for name, write in writers.items():
        target = tmp_path / name
        (tmp_path / f".{name}.partial").symlink_to("/dev/full")
        with pytest.raises(files.DiskFull, match=f"no space left to write {target} .*finished outputs are kept"):
            write(target)
        assert not target.exists() and not (tmp_path / f".{name}.partial").exists(), name
