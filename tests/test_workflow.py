"""The Snakemake workflow: dry runs of every preset, and the tiny preset end to end."""

from __future__ import annotations

import pandas as pd
import pytest
from PIL import Image
from workflow import TINY, copy_workflow, edit_preset, planned_jobs, snakemake


@pytest.mark.parametrize("preset", [[], ["--configfile", "presets/cpu.yaml"], list(TINY)])
def test_dry_run_of_every_preset_plans_the_whole_dag(tmp_path, preset):
    jobs = planned_jobs(copy_workflow(tmp_path), *preset)
    assert jobs["invert"] > 0 and jobs["resnet_figure"] > 0
    assert jobs["inversion_tables"] == 1 and jobs["summary"] == 1


def test_paper_config_downloads_the_paper_images_and_imagenet_weights(tmp_path):
    jobs = planned_jobs(copy_workflow(tmp_path))
    assert jobs["download_target"] >= 1  # the paper's archives, checksummed
    assert jobs["fetch_imagenet_weights"] == 1  # ResNet50's, for Fig 1, S1, S3


def test_a_figure_the_preset_cannot_make_is_refused_with_the_reason(tmp_path):
    result = snakemake(copy_workflow(tmp_path), "--dry-run", "fig1", *TINY, check=False)
    assert result.returncode != 0
    assert "figure fig1 cannot be made with this preset" in result.stdout + result.stderr
    assert "ImageNet weights cannot be downloaded offline" in result.stdout + result.stderr


def test_one_figure_schedules_only_its_own_jobs(tmp_path):
    jobs = planned_jobs(copy_workflow(tmp_path), "fig4", *TINY)
    assert jobs == {"prepare_target": 1, "embed_target": 1, "invert": 1, "resnet_figure": 1, "fig4": 1}


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


def test_changing_one_figure_setting_reruns_only_its_jobs(tiny_run):
    assert planned_jobs(tiny_run, *TINY) == {}
    edit_preset(tiny_run / "presets/tiny.yaml", lambda p: p.setdefault("figures", {}).update({"fig3": {"caption": "changed"}}))
    assert planned_jobs(tiny_run, *TINY) == {"resnet_figure": 1, "summary": 1, "provenance": 1, "all": 1}
    edit_preset(tiny_run / "presets/tiny.yaml", lambda p: p["runs"]["long"].update({"iterations": 61}))
    jobs = planned_jobs(tiny_run, *TINY)
    assert jobs["invert"] == 2  # Fig 4's and Fig 5's inversions, nothing of the fixed run
    assert jobs["resnet_figure"] == 3  # fig4, fig5, and fig3 whose caption changed above


def test_a_second_tiny_run_gives_identical_tables(tiny_run, tmp_path):
    again = copy_workflow(tmp_path / "again")
    snakemake(again, *TINY)
    tables = [
        "inversions.csv",
        "trajectories.csv",
        "fig6.csv",
        "fig7.csv",
        "fig8.csv",
        "fig9.csv",
        "figS2.csv",
        "noise_training_resnet50.csv",
    ]
    for table in tables:
        assert (again / "results/tables" / table).read_bytes() == (tiny_run / "results/tables" / table).read_bytes(), table


def test_report_holds_every_figure_and_table_with_captions(tiny_run):
    snakemake(tiny_run, "--report", "report.html", *TINY)
    html = (tiny_run / "report.html").read_text()
    for name in ["fig2.png", "fig3.png", "fig4.png", "fig5.png", "figS3.png", "inversions.csv", "trajectories.csv", "summary.md"]:
        assert name in html, name
    assert "Untrained ResNet50 Conv2, m_g and m_i against iterations" in html  # fig4's caption
