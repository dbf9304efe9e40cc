"""Beyond the paper, without torch: the plan of the architecture, training and representations
figures (states noise@<epoch>, targets at another size, shared jobs, activation jobs, what is
left out), the claims the summary states from their tables, and the summary's section."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from workflow import ROOT

from depthrep.models.architectures import ARCHITECTURES
from depthrep.pipeline import claims, paths, plan, summary
from depthrep.pipeline import config as configuration

TINY = configuration.load(ROOT / "presets/tiny.yaml")
CPU = configuration.load(ROOT / "presets/cpu.yaml")
PAPER = configuration.load()


def test_the_noise_models_epochs_are_states_and_the_ends_are_the_untrained_and_final_models():
    assert plan.noise_epochs(TINY) == [0, 3, 6] and plan.noise_epochs(CPU) == [0, 1, 2, 5, 10]
    assert plan.epoch_states(TINY) == ["untrained", "noise@3", "noise"]
    assert [plan.canonical_state(TINY, s) for s in ("noise@0", "noise@3", "noise@6", "imagenet")] == [
        "untrained",
        "noise@3",
        "noise",
        "imagenet",
    ]
    assert [plan.state_epoch(TINY, s) for s in ("untrained", "noise@3", "noise", "imagenet")] == [0, 3, 6, None]
    assert plan.epoch_numbers(TINY) == {"untrained": 0, "noise@3": 3, "noise": 6}
    assert {"noise@0", "noise@3", "noise@6"} <= set(plan.known_states(TINY))


def test_the_training_figure_shares_the_ends_of_training_with_fig10():
    training = set(plan.jobs(TINY, "training"))
    assert {(j.state, j.layer) for j in training} == {("untrained", "conv5"), ("noise@3", "conv5"), ("noise", "conv5")}
    shared = training & set(plan.jobs(TINY, "fig10"))
    assert {j.state for j in shared} == {"untrained", "noise"}
    inversions = plan.all_inversions(TINY)
    assert len(inversions) == len(set(inversions)) and sum(j.state == "noise@3" for j in inversions) == 1


def test_one_invert_job_inverts_every_layer_the_figures_ask_of_its_row():
    jobs = plan.inversion_jobs(TINY)
    assert sum(len(job.layers) for job in jobs) == len(plan.all_inversions(TINY))
    assert len({(j.run, j.model, j.state, j.target, j.update) for j in jobs}) == len(jobs)
    fig2 = next(
        j for j in jobs if (j.run, j.model, j.state, j.update) == ("fixed", "resnet50", "untrained", "blur") and j.target == "dalmatian"
    )
    assert fig2.layers == ("conv1", "conv3", "conv5")  # the model's order, whatever the figures' order
    assert {i.result for i in plan.all_inversions(TINY) if i.job_key == fig2.first.job_key} == {fig2.result}
    assert plan.job_layers(TINY, "fixed", "resnet50", "untrained", "dalmatian", "blur") == ["conv1", "conv3", "conv5"]
    assert plan.job_layers(TINY, "fixed", "resnet50", "untrained", "dalmatian", "nonsense") == []
    one, three = (plan.inversion_resources(PAPER, "long", layers=n)["runtime"] for n in (1, 3))
    assert three > one


def test_an_architecture_figure_at_its_own_size_has_its_own_target_and_shares_nothing():
    jobs = plan.jobs(CPU, "architectures")
    assert {j.target for j in jobs} == {"dalmatian@80"} and jobs[0].target_file == "results/targets/dalmatian@80.pt"
    assert plan.target_size(CPU, "dalmatian@80") == 80 and plan.target_name("dalmatian@80") == "dalmatian"
    assert plan.target_size(CPU, "dalmatian") == 64
    assert len(jobs) == 6 * 3 and not set(jobs) & set(plan.jobs(CPU, "fig2"))  # six models at cuts 1, 3 and 5
    vit = list(ARCHITECTURES["vit_b_16"]["cuts"])
    assert [j.layer for j in jobs if j.model == "vit_b_16"] == [vit[0], vit[2], vit[4]]
    assert "dalmatian@80" in plan.used_targets(CPU)


def test_an_architecture_figure_at_the_configs_size_shares_the_resnet_inversions():
    jobs = plan.jobs(TINY, "architectures")
    assert [(j.model, j.layer) for j in jobs] == [
        ("resnet50", "conv1"),
        ("resnet50", "conv5"),
        ("vit_b_16", "block2"),
        ("vit_b_16", "block12"),
    ]
    assert {(j.model, j.layer) for j in set(jobs) & set(plan.jobs(TINY, "fig2"))} == {("resnet50", "conv1"), ("resnet50", "conv5")}


def test_imagenet_panels_are_left_out_offline_and_planned_online():
    assert plan.missing_states(CPU, "architectures") == {"imagenet": "ImageNet weights cannot be downloaded offline"}
    assert "panels left out: imagenet" in plan.figure_title(CPU, "architectures")
    assert {j.state for j in plan.jobs(PAPER, "architectures")} == {"untrained", "imagenet"}
    online = set(plan.used_models(PAPER, "imagenet"))
    assert {"vgg16", "googlenet", "inception_v3", "vit_b_16", "convnext_tiny"} <= online  # fetched for inversions and activations


def test_activation_jobs_are_one_per_model_state_and_image_set():
    jobs = plan.activation_jobs(TINY, "representations")
    assert [(j.model, j.state) for j in jobs] == [
        ("resnet50", "untrained"),
        ("resnet50", "noise"),
        ("resnet50", "noise@3"),
        ("vit_b_16", "untrained"),
    ]
    assert jobs[0].path == "results/activations/probe/resnet50/untrained.pt"
    compare = plan.representation_comparisons(TINY, "representations")
    assert compare["within"] == [["resnet50", "untrained"], ["resnet50", "noise"]]
    assert compare["states"] == [["resnet50", "untrained"], ["resnet50", "noise@3"], ["resnet50", "noise"]]
    assert compare["architectures"] == [["resnet50", "untrained"], ["vit_b_16", "untrained"]]
    assert compare["epochs"] == [["resnet50", "untrained", 0], ["resnet50", "noise@3", 3], ["resnet50", "noise", 6]]
    paper = plan.representation_comparisons(PAPER, "representations")
    assert ["resnet50", "imagenet"] in paper["states"] and ["vit_b_16", "imagenet"] in paper["architectures"]


def test_a_cifar_image_set_needs_cifar_and_is_left_out_without_it():
    assert plan.image_set_datasets(PAPER, "probe") == ["cifar10"] and plan.figure_status(PAPER, "representations") is None
    offline = copy.deepcopy(PAPER)
    offline["cifar"]["unavailable"] = {"cifar10": "offline"}
    assert plan.figure_status(offline, "representations") == "needs cifar10 weights or data: offline"
    assert "representations" not in plan.made_figures(offline)
    assert plan.image_set_rows(CPU["image_sets"]["probe"]) == 48 + 16 + 3 * 16


def test_captions_name_the_architectures_and_epochs():
    assert plan.caption(CPU, "architectures").startswith("ResNet50, VGG16, GoogLeNet, Inception v3, ViT-B/16, ConvNeXt-T at")
    assert "80x80" in plan.caption(CPU, "architectures") and "epochs 0, 1, 2, 5, 10" in plan.caption(CPU, "training")


def test_the_new_results_are_made_by_their_rules():
    assert paths.producer("results/models/noise_resnet50@5.pt") == "train_noise_classifier"
    assert paths.producer("results/activations/probe/vit_b_16/noise@2.pt") == "activations"
    assert paths.producer("results/tables/representations_similarity.csv") == "representation_tables"
    assert paths.producer("results/tables/architectures_depths.csv") == "architectures_figure"


# ----------------------------------------------------------------------------- claims


def _depths(m_i_vit) -> pd.DataFrame:
    rows = []
    for model, m_i in (("resnet50", [1, 2, 4, 8, 9]), ("vit_b_16", m_i_vit)):
        for k, layer in enumerate(ARCHITECTURES[model]["cuts"]):
            rows.append(
                {
                    "model": model,
                    "state": "untrained",
                    "layer": layer,
                    "relative_depth": ARCHITECTURES[model]["relative_depth"][layer],
                    "m_i": m_i[k],
                    "m_g": 1.0,
                    "m_s": 2.0 if k < 3 else 0.5,
                }
            )
    return pd.DataFrame(rows)


def test_architecture_claims_say_whether_m_i_grows_and_where_m_g_is_below_m_s():
    lines = claims.architecture_claims(_depths([5, 4, 3, 2, 1]), plan.DISPLAY_NAMES)
    assert lines[0] == "m_i grows with depth in 1 of 2 architectures (and states) measured."
    assert lines[1].startswith(
        "ResNet50 (untrained), cuts conv1, conv2, conv3, conv4, conv5: m_i 1 / 2 / 4 / 8 / 9 (grows with depth, rank correlation 1.00)"
    )
    assert "m_g < m_s at 3 of 5 cuts (m_g / m_s 0.5 / 0.5 / 0.5 / 2 / 2)" in lines[1]
    assert "ViT-B/16 (untrained)" in lines[2] and "does not grow with depth, rank correlation -1.00" in lines[2]
    assert "grows with depth in 2 of 2" in claims.architecture_claims(_depths([1, 2, 3, 5, 4]))[0]  # rank correlation 0.9


def test_epoch_claims_compare_the_deep_cuts_first_and_last_epoch():
    rows = [
        {"epoch": e, "layer": layer, "m_g": m_g, "m_s": m_s, "m_i": 1.0}
        for layer, values in (("conv1", [(1, 1), (1, 1)]), ("conv4", [(3, 2), (2, 3)]), ("conv5", [(5, 4), (6, 3)]))
        for e, (m_g, m_s) in zip((0, 10), values, strict=True)
    ]
    lines = claims.epoch_claims(pd.DataFrame(rows))
    assert lines[0] == (
        "From epoch 0 to 10: m_g at conv4 shrank from 3 to 2; m_s at conv4 did not shrink from 2 to 3; "
        "m_g at conv5 did not shrink from 5 to 6; m_s at conv5 shrank from 4 to 3."
    )
    assert lines[1] == "conv1, epochs 0, 10: m_g 1 / 1; m_s 1 / 1; m_i 1 / 1"


def test_spectrum_claims_count_the_groups_whose_first_share_grew():
    rows = [
        {"epoch": e, "layer": layer, "sigma": 0.1, "component": 1, "explained": share}
        for layer, shares in (("conv1", (0.9, 0.8)), ("conv2", (0.5, 0.7)), ("conv3", (0.9, 0.9)))
        for e, share in zip((0, 5), shares, strict=True)
    ]
    lines = claims.spectrum_claims(pd.DataFrame(rows))
    assert lines[0] == "The first component's share grew from epoch 0 to 5 in 1 of 3 (cut, sigma) groups."
    assert lines[1] == "conv1, sigma 0.1: first component's share 0.9 / 0.8 over epochs 0, 5"


def test_the_summary_states_the_claims_of_each_figure_made():
    tables = {
        paths.DEPTH_TABLE.format(figure="architectures"): _depths([1, 2, 3, 4, 5]),
        paths.EPOCH_TABLE.format(figure="training"): pd.DataFrame(
            {"epoch": [0, 6], "layer": "conv5", "m_g": [1.0, 2.0], "m_s": [1.0, 0.5], "m_i": 1.0}
        ),
        paths.SPECTRUM_TABLE.format(figure="representations"): pd.DataFrame(
            {"epoch": [0, 6], "layer": "conv1", "sigma": 0.2, "component": 1, "explained": [0.9, 0.8]}
        ),
        paths.SIMILARITY_TABLE.format(figure="representations"): pd.DataFrame(
            columns=["comparison", "state_a", "state_b", "model_a", "model_b"]
        ),
    }
    text = summary.render(TINY, pd.DataFrame(), tables=tables)
    assert "## architectures: Any architecture: early layers copy the input, deep layers do not" in text
    assert "- m_i grows with depth in 2 of 2 architectures" in text
    assert "- From epoch 0 to 6: m_g at conv5 did not shrink from 1 to 2; m_s at conv5 shrank from 1 to 0.5." in text
    assert "grew from epoch 0 to 6 in 0 of 1 (cut, sigma) groups" in text
    assert text.count("- left out: imagenet (ImageNet weights cannot be downloaded offline)") == 2  # architectures, representations


@pytest.mark.parametrize("figure", ["architectures", "training", "representations"])
def test_the_cpu_and_tiny_presets_make_the_new_figures(figure):
    assert figure in plan.made_figures(CPU) and figure in plan.made_figures(TINY)
