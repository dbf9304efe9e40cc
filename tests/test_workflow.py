"""The Snakemake workflow: dry runs of every preset, the tiny preset end to end (the session's
run, conftest.py), what a change of a setting or of the code reruns, determinism and the
archive's "rerun from a record" procedure, the report."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import yaml
from PIL import Image
from workflow import TINY, copy_run, copy_workflow, edit_preset, planned_jobs, snakemake


@pytest.mark.parametrize("preset", [[], ["--configfile", "presets/cpu.yaml"]], ids=["paper", "cpu"])
def test_dry_run_of_a_preset_plans_the_whole_dag(tmp_path, preset):
    jobs = planned_jobs(copy_workflow(tmp_path), *preset)
    assert jobs["invert"] > 0 and jobs["resnet_figure"] > 0 and jobs["mlp_experiment"] == 5
    assert jobs["inversion_tables"] == 1 and jobs["summary"] == 1 and jobs["provenance"] == 1
    if not preset:
        assert jobs["download_target"] >= 1  # the paper's archives, checksummed
        # ResNet50's for Fig 1, S1, S3; the five other architectures' for the figures beyond the paper
        # (GoogLeNet's also for the blog's model similarity)
        assert jobs["fetch_imagenet_weights"] == 6
        assert jobs["activations"] > 0 and jobs["fetch_cifar"] >= 1  # the image set's CIFAR test images
        assert jobs["train_autoencoder"] == 1 and jobs["similarity_experiment"] == 1  # the blog figures (issue 15)


def test_a_figure_the_preset_cannot_make_is_refused_with_the_reason(tmp_path):
    result = snakemake(copy_workflow(tmp_path), "--dry-run", "fig1", *TINY, check=False)
    assert result.returncode != 0
    assert (
        "figure fig1 cannot be made with this preset: needs imagenet weights: ImageNet weights cannot be downloaded offline"
        in result.stdout + result.stderr
    )


def test_a_config_error_stops_the_dry_run_naming_the_setting(tmp_path):
    """The wiring of tests/test_config.py's in-process checks: the error reaches the user."""
    workdir = copy_workflow(tmp_path)
    edit_preset(workdir / "presets/tiny.yaml", lambda p: p["figures"]["fig6"].update(widht=[10]))
    result = snakemake(workdir, "--dry-run", *TINY, check=False)
    assert result.returncode != 0 and "figures.fig6.widht: unknown setting" in result.stdout + result.stderr
    assert not (workdir / "results").exists()


def test_one_figure_schedules_only_its_own_jobs(tmp_path):
    jobs = planned_jobs(copy_workflow(tmp_path), "fig4", *TINY)
    assert jobs == {"prepare_target": 1, "invert": 1, "resnet_figure": 1, "fig4": 1}


def test_tiny_run_makes_tables_with_the_paper_columns(tiny_run):
    table = pd.read_csv(tiny_run / "results/tables/inversions.csv")
    for column in ["model", "state", "layer", "target", "update", "iterations", "lr", "seed", "m_g", "m_s", "m_i", "shift_distance"]:
        assert column in table.columns
    assert (table.status == "ok").all()
    assert table[["m_g", "m_s", "m_i", "shift_distance"]].notna().all().all()
    trajectories = pd.read_csv(tiny_run / "results/tables/trajectories.csv")
    assert {"model", "state", "layer", "target", "update", "iteration", "m_g", "m_i"} <= set(trajectories.columns)


def test_tiny_run_values_are_plausible(tiny_run):
    table = pd.read_csv(tiny_run / "results/tables/inversions.csv")
    resnet50 = table[(table.model == "resnet50") & (table.run == "fixed") & (table.state == "untrained") & (table.target == "dalmatian")]
    for update, rows in resnet50.groupby("update"):
        rows = rows.set_index("layer")
        assert rows.loc["conv1", "m_g"] < rows.loc["conv1", "m_s"], update  # early cuts reproduce the input
        assert rows.loc["conv1", "m_i"] < rows.loc["conv5", "m_i"], update  # deep cuts do not


def test_tiny_run_figures_are_valid_images_and_the_summary_lists_what_was_left_out(tiny_run):
    for name in ["fig2", "fig3", "fig4", "fig5", "figS3"]:
        with Image.open(tiny_run / f"results/figures/{name}.png") as image:
            image.verify()
        assert (tiny_run / f"results/figures/{name}.pdf").stat().st_size > 0
    summary = (tiny_run / "results/summary.md").read_text()
    assert "| fig1 | left out: needs imagenet weights" in summary
    assert "panels left out: imagenet" in summary
    # captions say what the preset ran, not the paper's numbers: tiny MLPs take 3x8x8 = 192 inputs
    assert "3x8x8 = 192 input" in summary and "2523" not in summary


def test_a_finished_run_plans_nothing_and_a_caption_change_redraws_only_that_figure(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    assert planned_jobs(run, *TINY) == {}
    for figure in ("fig3", "fig6", "figS5"):  # a ResNet, an MLP and the kernels figure
        edit_preset(run / "presets/tiny.yaml", lambda p, f=figure: p["figures"].setdefault(f, {}).update(caption=f"changed {f}"))
    jobs = planned_jobs(run, *TINY)
    assert jobs == {"resnet_figure": 1, "mlp_figure": 1, "kernels_figure": 1, "summary": 1, "provenance": 1, "all": 1}


def test_a_run_setting_reruns_only_the_inversions_of_that_run(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    edit_preset(run / "presets/tiny.yaml", lambda p: p["runs"]["long"].update(iterations=61))
    jobs = planned_jobs(run, *TINY)
    assert jobs["invert"] == 1  # the job of Fig 4's and Fig 5's inversions (conv2, conv5), nothing of the fixed run
    assert jobs["resnet_figure"] == 2 and "mlp_experiment" not in jobs and "train_noise_classifier" not in jobs


def test_an_edit_of_the_library_reruns_what_its_code_decides(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    engine = run / "depthrep/engine/inversion.py"
    engine.write_text(engine.read_text() + "\n# an edit of the engine\n")
    jobs = planned_jobs(run, *TINY)
    assert jobs["invert"] == 9 and jobs["mlp_experiment"] == 5  # every job that runs the engine (the tiny preset's 9 inversion jobs)
    assert "prepare_target" not in jobs and "train_noise_classifier" not in jobs and "activations" not in jobs  # they do not
    engine.write_text(engine.read_text().replace("\n# an edit of the engine\n", ""))
    assert planned_jobs(run, *TINY) == {}  # the edit undone: nothing to do
    drawing = run / "depthrep/plotting/resnet.py"
    drawing.write_text(drawing.read_text() + "\n# an edit of the ResNet figures\n")
    assert planned_jobs(run, *TINY) == {"resnet_figure": 7, "summary": 1, "provenance": 1, "all": 1}


def recorded_config(run, dest):
    """The README's "rerun from a record": the config recorded in provenance.json, as a file."""
    out = subprocess.run(
        [sys.executable, "-m", "depthrep.pipeline.provenance", "config", "results/provenance.json"],
        cwd=run,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dest.write_text(out)
    return dest


def test_rerunning_from_the_record_remakes_identical_results(tiny_run, tmp_path):
    """A sample of jobs of every kind that computes (a target, inversions, the noise model, an
    MLP experiment, the tables) is remade locally, from the config recorded in provenance.json,
    in a copy of the session's run (made on Slurm where a cluster could be started): the
    compare tool finds every result identical, byte for byte in the tables. Only the removed
    files are asked for, so only their jobs run (not the figures that read them)."""
    run = copy_run(tiny_run, tmp_path / "run")
    record = recorded_config(run, tmp_path / "recorded.yaml")
    assert yaml.safe_load(record.read_text())["preset"] == "tiny"
    assert planned_jobs(run, "--configfile", str(record)) == {}  # the same parameters, key order and all
    remade = [
        "results/targets/tesla_coil.pt",
        "results/models/noise_resnet50.pt",
        "results/tables/noise_training_resnet50.csv",
        "results/inversions/fixed/resnet50/noise/tesla_coil/plain/result.json",
        "results/inversions/long/resnet50/untrained/dalmatian/plain/result.json",
        "results/tables/fig9.csv",
        "results/tables/inversions.csv",
    ]
    archived = copy_run(run / "results", tmp_path / "archived")
    for path in remade:
        (run / path).unlink()
    snakemake(run, *remade, "--configfile", str(record))
    for path in remade:
        assert (run / path).exists(), path
    compare = subprocess.run(
        [sys.executable, "-m", "depthrep.pipeline.compare", str(archived), str(run / "results")], capture_output=True, text=True
    )
    assert compare.returncode == 0 and compare.stdout.splitlines()[-1] == "identical within tolerance", compare.stdout[-3000:]
    for table in sorted((archived / "tables").glob("*.csv")):
        assert (run / "results/tables" / table.name).read_bytes() == table.read_bytes(), table.name


def test_report_holds_every_figure_and_table_and_refuses_another_config(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    snakemake(run, "--report", "report.html", *TINY)
    html = (run / "report.html").read_text()
    for name in ["fig2.png", "fig3.png", "fig4.png", "fig5.png", "figS3.png", "inversions.csv", "trajectories.csv", "summary.md"]:
        assert name in html, name
    assert "Untrained ResNet50 Conv2, m_g and m_i against 60 iterations" in html  # fig4's caption, as the preset ran it
    refused = snakemake(run, "--report", "other.html", "--configfile", "presets/cpu.yaml", check=False)
    assert refused.returncode != 0 and "made with preset 'tiny'" in refused.stdout + refused.stderr and not (run / "other.html").exists()
