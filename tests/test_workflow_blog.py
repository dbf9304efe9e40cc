"""The blog figures in the workflow (issue 15): what each preset makes or leaves out and why, the
jobs one figure schedules, and the session's tiny run (figures, tables, the summary's claims)."""

from __future__ import annotations

import copy

import pandas as pd
from PIL import Image
from workflow import ROOT, TINY, copy_run, copy_workflow, edit_preset, planned_jobs

from depthrep.pipeline import blog_summary, paths, plan
from depthrep.pipeline import config as configuration

AUTOENCODER_FIGURES = ["ae_denoising", "ae_layers", "ae_walk"]
SIMILARITY_FIGURES = ["ig3_classes", "ig3_mimicry", "ig3_merging"]
TINY_CONFIG = configuration.load(ROOT / "presets/tiny.yaml")


def test_the_autoencoder_takes_cifar10_when_the_run_can_have_it_and_photo_patches_offline():
    assert plan.autoencoder_source(TINY_CONFIG) == "photos"  # the preset says so
    assert "16 held out from the right 25%" in plan.describe_autoencoder_data(TINY_CONFIG)
    online = copy.deepcopy(TINY_CONFIG)
    online["autoencoder"]["data"]["source"] = "auto"
    online["autoencoder"]["widths"] = [4000] * 5
    assert plan.autoencoder_source(online) == "photos"  # auto, and CIFAR-10 offline
    online["cifar"]["unavailable"] = {"cifar100": "not needed"}
    assert plan.autoencoder_source(online) == "cifar10" and plan.autoencoder_image_size(online) == 32
    assert plan.autoencoder_data_settings(online) == {
        "source": "cifar10",
        "train": None,
        "held_out": 256,
        "root": "data/cifar",
        "verify": True,
    }
    insisted = copy.deepcopy(TINY_CONFIG)
    insisted["autoencoder"]["data"]["source"] = "cifar10"
    insisted["autoencoder"]["widths"] = [4000] * 5  # wider than CIFAR's 3072 inputs
    configuration.check(insisted)
    for name in AUTOENCODER_FIGURES:
        assert plan.figure_status(insisted, name) == "needs cifar10 data: CIFAR cannot be downloaded offline"
    lines = "\n".join(blog_summary.render(insisted, {}))
    assert "Left out (cifar10: CIFAR cannot be downloaded offline)" in lines and "Unet autoencoders" in lines


def test_the_similarity_figures_are_made_with_untrained_models_offline_and_say_so():
    assert plan.similarity_states(TINY_CONFIG) == ["untrained"]
    for name in SIMILARITY_FIGURES:
        title = plan.figure_title(TINY_CONFIG, name)
        assert "panels left out: imagenet (ImageNet weights cannot be downloaded offline)" in title
        assert "made with untrained models only" in title
    paper = configuration.load()
    assert plan.similarity_states(paper) == ["imagenet"]
    assert plan.similarity_weights(paper, "imagenet") == ["results/weights/resnet50_imagenet.pt", "results/weights/googlenet_imagenet.pt"]
    offline = copy.deepcopy(paper)
    offline["weights_unavailable"] = {"imagenet": "offline"}
    assert plan.figure_status(offline, "ig3_classes") == "needs imagenet weights: offline"
    assert plan.similarity_states(offline) == []


def test_one_blog_figure_schedules_only_its_familys_jobs(tmp_path):
    workdir = copy_workflow(tmp_path)
    assert planned_jobs(workdir, "ae_walk", *TINY) == {
        "train_autoencoder": 1,
        "autoencoder_experiment": 1,
        "autoencoder_figures": 1,
        "ae_walk": 1,
    }
    assert planned_jobs(workdir, "ig3_merging", *TINY) == {
        "prepare_target": 1,  # the natural-image mimicry's photo
        "similarity_experiment": 1,
        "similarity_figures": 1,
        "ig3_merging": 1,
    }


def test_tiny_run_makes_every_blog_figure_and_its_tables(tiny_run):
    for name in AUTOENCODER_FIGURES + SIMILARITY_FIGURES:
        with Image.open(tiny_run / f"results/figures/{name}.png") as image:
            image.verify()
    results = tiny_run / "results"
    history = pd.read_csv(results / "tables/autoencoder_training.csv")
    assert list(history.epoch) == [1, 2] and history.loss.iloc[-1] < history.loss.iloc[0]
    assert not (results / "models/autoencoder.resume.pt").exists()
    denoising = pd.read_csv(results / "autoencoder/ae_denoising.csv")
    assert set(denoising.model) == {"trained", "untrained", "identity"} and set(denoising.sigma) == {0.0, 0.05, 0.2}
    assert set(denoising.noise) == {"none", "0.5 a + 0.5 N(0.7, s)", "a + N(0, s)"}
    identity = denoising[denoising.model == "identity"]
    assert (identity.output_distance == identity.input_distance).all()
    layers = pd.read_csv(results / "autoencoder/ae_layers.csv")
    final = layers[layers.iteration == layers.iterations]
    assert len(final) == 12 and final[["m_g", "m_s", "m_i"]].notna().all().all()  # 2 models x (5 hidden + output)
    walk = pd.read_csv(results / "autoencoder/ae_walk.csv")
    assert set(walk.step) == set(range(1, 6)) and (walk.distance >= 0).all()
    merging = pd.read_csv(tiny_run / paths.MODEL_SIMILARITY_TABLE.format(state="untrained", part="merging"))
    assert merging.distance.iloc[-1] < merging.distance.iloc[0]
    classes = pd.read_csv(tiny_run / paths.MODEL_SIMILARITY_TABLE.format(state="untrained", part="classes"))
    assert set(classes.kind) == {"model1", "model2", "combined", "difference"}


def test_tiny_run_summary_states_each_claim_with_its_numbers(tiny_run):
    summary = (tiny_run / "results/summary.md").read_text()
    assert "## Blog posts: the claims and this run's numbers" in summary
    for claim in ("Does not memorise", "Denoises without being taught", "Manifold walk", "Layers not invertible in practice"):
        assert f"- {claim} (" in summary, claim
    assert "merging by training" in summary and "no verdict (untrained models)" in summary
    assert "Unet autoencoders (landscapes at 512 px, LSUN churches at 64 px) are left out" in summary
    assert "| ig3_classes | [made](figures/ig3_classes.png); panels left out: imagenet" in summary


def test_a_blog_caption_change_redraws_only_its_family(tiny_run, tmp_path):
    run = copy_run(tiny_run, tmp_path / "run")
    edit_preset(run / "presets/tiny.yaml", lambda p: p["figures"]["ae_walk"].update(caption="changed"))
    assert planned_jobs(run, *TINY) == {"autoencoder_figures": 1, "summary": 1, "provenance": 1, "all": 1}
