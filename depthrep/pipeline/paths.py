"""Every result path of the pipeline, in one place: the rules use these patterns as their
inputs and outputs (Snakemake wildcards in braces), the library and the tests fill them in.

Wildcards: target, model, state, run, layer, update_rule (plain | blur: `update` is taken by
Snakemake), figure, dataset, architecture, member, epoch, image_set. A state may be noise@<epoch>
(the noise-label model after that epoch) and a target <target>@<size> (prepared at that size);
see depthrep.pipeline.plan. part: a part of the model-similarity experiments (Input Generation III).
"""

from __future__ import annotations

import re

RESULTS = "results"

# Target images: a checksummed download, the image taken out of it, the resized tensor.
DOWNLOAD = "results/downloads/{target}.zip"
EXTRACTED = "results/downloads/{target}/{member}"
TARGET = "results/targets/{target}.pt"
TARGET_PNG = "results/targets/{target}.png"

# Weights: torchvision's ImageNet weights (checked and stored as a checkpoint), the noise-label model.
IMAGENET_MODEL = "results/weights/{model}_imagenet.pt"
NOISE_MODEL = "results/models/noise_{model}.pt"
NOISE_RESUME = "results/models/noise_{model}.resume.pt"  # not an output: kept when a job is killed
NOISE_HISTORY = "results/tables/noise_training_{model}.csv"

# Sec 7: the CIFAR record and one history per classifier.
CIFAR_RECORD = "results/data/{dataset}.json"
CLASSIFIER_HISTORY = "results/classifiers/{dataset}/{architecture}.csv"
CLASSIFIER_RESUME = "results/classifiers/{dataset}/{architecture}.resume.pt"

# Layer inversions: one folder per inversion job, which inverts every layer the figures ask of
# one run, model, state, target and update rule (pipeline.plan.InversionJob).
INVERSION = "results/inversions/{run}/{model}/{state}/{target}/{update_rule}"
INVERSION_RESULT = INVERSION + "/result.json"
INVERSION_TRAJECTORY = INVERSION + "/trajectory.csv"
INVERSION_INPUTS = INVERSION + "/inputs.pt"

# Figures and the tables behind them.
# The blog posts (issue 15): the autoencoder (its training and one table and image file per
# figure), and the model-similarity experiments of each training state.
AUTOENCODER_MODEL = "results/models/autoencoder.pt"
AUTOENCODER_RESUME = "results/models/autoencoder.resume.pt"  # not an output: kept when a job is killed
AUTOENCODER_HISTORY = "results/tables/autoencoder_training.csv"
AUTOENCODER_TABLE = "results/autoencoder/{figure}.csv"
AUTOENCODER_IMAGES = "results/autoencoder/{figure}.pt"
MODEL_SIMILARITY_TABLE = "results/model_similarity/{state}/{part}.csv"
MODEL_SIMILARITY_IMAGES = "results/model_similarity/{state}/images.pt"

FIGURE_PNG = "results/figures/{figure}.png"
FIGURE_PDF = "results/figures/{figure}.pdf"
MLP_TABLE = "results/tables/{figure}.csv"
MLP_IMAGES = "results/mlp/{figure}.pt"
SEC7_GAPS = "results/tables/{figure}_gaps.csv"

# Beyond the paper: kept epochs of the trained classifiers, activations of every cut on an image
# set, and the tables of the architecture, epoch and representation figures.
NOISE_EPOCH = "results/models/noise_{model}@{epoch}.pt"
CLASSIFIER_EPOCH = "results/classifiers/{dataset}/{architecture}@{epoch}.pt"
ACTIVATIONS = "results/activations/{image_set}/{model}/{state}.pt"
DEPTH_TABLE = "results/tables/{figure}_depths.csv"
EPOCH_TABLE = "results/tables/{figure}_epochs.csv"
SIMILARITY_TABLE = "results/tables/{figure}_similarity.csv"
SPECTRUM_TABLE = "results/tables/{figure}_spectrum.csv"
INVERSION_TABLE = "results/tables/inversions.csv"
TRAJECTORY_TABLE = "results/tables/trajectories.csv"
SUMMARY = "results/summary.md"
PROVENANCE = "results/provenance.json"
ENVIRONMENT = "results/environment.json"


def log(rule: str, *wildcards: str) -> str:
    """The log file pattern of a rule's job: results/logs/<rule>/<wildcards joined by _>.log."""
    return f"results/logs/{rule}/{_name(wildcards, rule)}.log"


def benchmark(rule: str, *wildcards: str) -> str:
    """The benchmark (time and memory) pattern of a rule's job, like `log`."""
    return f"results/benchmarks/{rule}/{_name(wildcards, rule)}.tsv"


def _name(wildcards: tuple[str, ...], rule: str) -> str:
    return "_".join(f"{{{w}}}" for w in wildcards) if wildcards else rule


def figure_files(figure: str) -> list[str]:
    return [FIGURE_PNG.format(figure=figure), FIGURE_PDF.format(figure=figure)]


# The rule that makes each kind of result file (what an error about a broken file names).
PRODUCERS = {
    DOWNLOAD: "download_target",
    EXTRACTED: "extract_target",
    TARGET: "prepare_target",
    IMAGENET_MODEL: "fetch_imagenet_weights",
    NOISE_MODEL: "train_noise_classifier",
    NOISE_HISTORY: "train_noise_classifier",
    CIFAR_RECORD: "fetch_cifar",
    CLASSIFIER_HISTORY: "train_cifar_classifier",
    INVERSION_RESULT: "invert",
    INVERSION_TRAJECTORY: "invert",
    INVERSION_INPUTS: "invert",
    MLP_IMAGES: "mlp_experiment",
    NOISE_EPOCH: "train_noise_classifier",
    CLASSIFIER_EPOCH: "train_cifar_classifier",
    ACTIVATIONS: "activations",
    DEPTH_TABLE: "architectures_figure",
    EPOCH_TABLE: "epochs_figure",
    SIMILARITY_TABLE: "representation_tables",
    SPECTRUM_TABLE: "representation_tables",
    AUTOENCODER_MODEL: "train_autoencoder",
    AUTOENCODER_HISTORY: "train_autoencoder",
    AUTOENCODER_TABLE: "autoencoder_experiment",
    AUTOENCODER_IMAGES: "autoencoder_experiment",
    MODEL_SIMILARITY_TABLE: "similarity_experiment",
    MODEL_SIMILARITY_IMAGES: "similarity_experiment",
    INVERSION_TABLE: "inversion_tables",
    TRAJECTORY_TABLE: "inversion_tables",
    MLP_TABLE: "mlp_experiment",  # last: its pattern also matches the tables above
}


def producer(path: str) -> str | None:
    """The rule whose job writes `path` (a path relative to the workflow), or None."""
    for pattern, rule in PRODUCERS.items():
        regex = re.sub(r"\\{(\w+)\\}", r"[^/]+", re.escape(pattern))
        if re.fullmatch(regex, str(path)):
            return rule
    return None
