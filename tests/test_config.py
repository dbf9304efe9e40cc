"""Config errors, checked in-process as the workflow checks them while Snakemake parses it
(depthrep.pipeline.config.check on config.yaml with a preset merged over it): each names the
setting by its path. tests/test_workflow.py runs one through `snakemake -n` for the wiring."""

from __future__ import annotations

import copy

import pytest
from workflow import ROOT

from depthrep.pipeline import config as configuration
from depthrep.pipeline.plan import PlanError

TINY = configuration.load(ROOT / "presets/tiny.yaml")


def refused(change) -> str:
    config = copy.deepcopy(TINY)
    change(config)
    with pytest.raises(PlanError) as error:
        configuration.check(config)
    return str(error.value)


def figure(name, **settings):
    return lambda config: config["figures"][name].update(settings)


def test_the_presets_pass():
    for preset in ([], ["presets/cpu.yaml"], ["presets/tiny.yaml"]):
        configuration.check(configuration.load(*(ROOT / p for p in preset)))


CONFIG_ERRORS = {
    "wrong type": (lambda c: c.update(image_size="big"), "image_size: 'big' is not of type 'integer'"),
    "out of range": (lambda c: c.update(image_size=-3), "image_size: -3 is less than the minimum of 8"),
    "no iterations": (lambda c: c["runs"]["fixed"].update(iterations=0), "runs.fixed.iterations: 0 is less than the minimum of 1"),
    "unknown model": (
        figure("fig2", models=["resnet19"]),
        "figures.fig2.models: unknown model 'resnet19'; any torchvision classification model: ['alexnet', 'convnext_base'",
    ),
    "unknown layer": (
        figure("fig2", layers=["conv6"]),
        "figures.fig2.layers: unknown layer 'conv6' of resnet50; choose from ['conv1', 'conv2', 'conv3', 'conv4', 'conv5']",
    ),
    "a cut of another model": (
        figure("fig2", models=["vit_b_16"], layers=["conv1"]),
        "figures.fig2.layers: unknown layer 'conv1' of vit_b_16; choose from ['block2', 'block5', 'block7', 'block10', 'block12']",
    ),
    "unknown training state": (
        figure("fig2", states=["trained"]),
        "figures.fig2.states: unknown training state 'trained'; choose from ['untrained', 'imagenet', 'noise', 'noise@0', 'noise@3', 'noise@6']",
    ),
    "an epoch that is not kept": (
        figure("representations", states=["noise@4"]),
        "figures.representations.states: unknown training state 'noise@4'; choose from",
    ),
    "kept epoch after the last": (
        lambda c: c["noise_model"]["training"].update(keep_epochs=[3, 9]),
        "noise_model.training.keep_epochs: [9] lie after the last epoch (6)",
    ),
    "a Sec 7 kept epoch after the last": (
        lambda c: c["cifar"]["training"].update(keep_epochs=[99]),
        "cifar.training.keep_epochs: [99] lie after the last epoch",
    ),
    "kept autoencoder epochs no figure uses": (
        lambda c: c["autoencoder"]["training"].update(keep_epochs=[1]),
        "autoencoder.training.keep_epochs: no figure uses the autoencoder's kept epochs",
    ),
    "architecture below its minimum size": (
        figure("architectures", models=["inception_v3"], image_size=64),
        "figures.architectures.image_size: inception_v3 needs images of at least 75x75 pixels; got 64",
    ),
    "ViT at a size its patches do not divide": (
        figure("architectures", image_size=40),
        "figures.architectures.image_size: vit_b_16 is built for a multiple of 16 pixels only (its patch size); got 40",
    ),
    "ImageNet ViT at another size": (
        lambda c: c.update(weights_unavailable={}) or c["figures"]["architectures"].update(image_size=64),
        "figures.architectures.image_size: vit_b_16 with ImageNet weights works only at 224x224 pixels; got 64",
    ),
    "image set too small for an architecture": (
        lambda c: c["image_sets"]["probe"].update(image_size=16) or c["figures"]["representations"].update(models=["inception_v3"]),
        "image_sets.probe.image_size: inception_v3 needs images of at least 75x75 pixels; got 16",
    ),
    "undefined image set": (
        figure("representations", image_set="faces"),
        "figures.representations.image_set: 'faces' is not defined under image_sets:",
    ),
    "noisy copies of an undefined target": (
        lambda c: c["image_sets"]["probe"]["copies"].update(target="dog"),
        "image_sets.probe.copies.target: 'dog' is not defined under targets:",
    ),
    "cut position out of range": (figure("architectures", cuts=[0]), "figures.architectures.cuts.0: 0 is less than the minimum of 1"),
    "epoch figure cut of another model": (
        figure("training", layers=["block2"]),
        "figures.training.layers: resnet50 (noise_model.arch) has no cut 'block2'",
    ),
    "undefined run": (figure("fig2", run="longer"), "figures.fig2.run: 'longer' is not defined under runs:"),
    "unknown target name": (figure("fig2", targets=["dog"]), "figures.fig2.targets: 'dog' is not a target name defined under targets:"),
    "image path for a target name": (
        figure("fig2", targets=["../photos/dog.jpg"]),
        "figures.fig2.targets: '../photos/dog.jpg' is not a target name defined under targets: (['dalmatian', 'tesla_coil']); give images under targets:",
    ),
    "unknown figure kind": (figure("fig6", kind="mlp"), "figures.fig6.kind: 'mlp' is not one of ['images', 'trajectory', 'mlp_widths'"),
    "noise state of another model": (
        figure("fig3", states=["noise"]),
        "figures.fig3: the noise state exists for resnet50 only (noise_model.arch), not for ['resnet18']",
    ),
    "unknown mlp target": (figure("fig6", target="dog"), "figures.fig6.target: 'dog' is not defined under targets:"),
    "mlp run of several seeds": (
        lambda c: c["runs"]["mlp"].update(seeds=[0, 1]),
        "figures.fig6.run: an MLP figure starts from one initial input, but runs.mlp.seeds has 2",
    ),
    "too many classes": (
        lambda c: c["noise_model"]["data"].update(classes=5000),
        "noise_model.data.classes: 5000 is greater than the maximum of 1000",
    ),
    "unknown dataset": (lambda c: c["cifar"].update(datasets=["mnist"]), "cifar.datasets.0: 'mnist' is not one of ['cifar10', 'cifar100']"),
    "top-level typo": (lambda c: c.update(image_sise=64), "image_sise: unknown setting; the settings here are"),
    "run typo": (lambda c: c["runs"]["fixed"].update(iteration=3), "runs.fixed.iteration: unknown setting"),
    "training typo": (lambda c: c["noise_model"]["training"].update(epoch=3), "noise_model.training.epoch: unknown setting"),
    "infinite learning rate": (
        lambda c: c["runs"]["fixed"].update(lr_candidates=[0.1, float("inf")]),
        "runs.fixed.lr_candidates.1: inf is not a finite number",
    ),
    "NaN shift": (lambda c: c.update(shift_std=float("nan")), "shift_std: nan is not a finite number"),
    # the blog figures (issue 15)
    "autoencoder not overcomplete": (
        lambda c: c["autoencoder"].update(widths=[100, 300]),
        "autoencoder.widths: [100] not wider than the 3x8x8 = 192 input",
    ),
    "unknown photo": (
        lambda c: c["autoencoder"]["data"]["photos"].update(names=["moon"]),
        "autoencoder.data.photos.names.0: 'moon' is not one of ['astronaut', 'chelsea', 'coffee', 'rocket']",
    ),
    "inverted image not held out": (figure("ae_layers", image=99), "figures.ae_layers.image: 99 is not one of the 16 held-out images"),
    "merging class not generated": (
        lambda c: c["model_similarity"]["merging"].update({"class": 5}),
        "model_similarity.merging.class: 5 is not one of model_similarity.classes [0]",
    ),
    "unknown natural target": (
        lambda c: c["model_similarity"].update(natural_targets=["dog"]),
        "model_similarity.natural_targets: 'dog' is not defined under targets:",
    ),
    "noise state for the model pair": (
        figure("ig3_classes", states=["noise"]),
        "figures.ig3_classes.states: the noise state is a ResNet50",
    ),
    "octave typo": (
        lambda c: c["model_similarity"]["octaves"]["octaves"][0].update(iteration=3),
        "model_similarity.octaves.octaves.0.iteration: unknown setting",
    ),
    "one loss weight for two models": (
        lambda c: c["model_similarity"]["losses"]["combined"].update(weights=[1]),
        "model_similarity.losses.combined: give 2 weight(s) and 2 constant(s), one per model",
    ),
}


@pytest.mark.parametrize("case", CONFIG_ERRORS)
def test_a_config_error_is_refused_naming_the_setting(case):
    change, expected = CONFIG_ERRORS[case]
    assert expected in refused(change)


# A typo in a setting of each figure kind: the kind's own settings are checked by the schema,
# so the error comes while the workflow is parsed, not hours into a cluster run.
KIND_TYPOS = {
    "images": "fig2",
    "trajectory": "fig4",
    "mlp_widths": "fig6",
    "mlp_trajectories": "fig7",
    "mlp_depths": "fig8",
    "mlp_relu": "fig9",
    "mlp_exact": "figS2",
    "kernels": "figS5",
    "sec7": "sec7",
    "architectures": "architectures",
    "epochs": "training",
    "representations": "representations",
    "autoencoder_denoising": "ae_denoising",
    "autoencoder_layers": "ae_layers",
    "autoencoder_walk": "ae_walk",
    "class_representations": "ig3_classes",
    "mimicry": "ig3_mimicry",
    "model_merging": "ig3_merging",
}


@pytest.mark.parametrize("kind", KIND_TYPOS)
def test_a_typo_in_a_setting_of_any_figure_kind_names_its_path(kind):
    name = KIND_TYPOS[kind]
    assert TINY["figures"][name]["kind"] == kind
    message = refused(figure(name, captoin="x"))
    assert message.startswith(f"figures.{name}.captoin: unknown setting; the settings here are [")
    assert "'caption'" in message
