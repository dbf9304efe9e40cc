# Helpers (input functions, settings look-ups) shared by the rule files. The logic lives in
# depthrep.pipeline.plan and the paths in depthrep.pipeline.paths; this file adapts them to
# Snakemake.
import shutil
import sys
from pathlib import Path

# The library beside this workflow is importable while the workflow is parsed and in every
# script job (Snakemake hands this sys.path to scripts), also in the conda envs of envs/.
sys.path.insert(0, workflow.basedir)

from depthrep.pipeline import blog_summary, paths, plan
from depthrep.pipeline.code import digest
from depthrep.pipeline.config import (
    check,
    check_report,
    making_report,
    submits_to_slurm,
)

# The schema (types, ranges, unknown keys) and the plan's cross-references, before anything runs.
check(config)
if making_report(sys.argv):
    check_report(config, paths.PROVENANCE)
if submits_to_slurm(sys.argv) and not shutil.which("sbatch"):
    raise WorkflowError(
        "--profile slurm sends jobs to Slurm with sbatch, which this machine does not have: "
        "run snakemake on the cluster's login node, or leave out --profile slurm to run here"
    )

NAME = "[A-Za-z][A-Za-z0-9_]*"


wildcard_constraints:
    run=NAME,
    state=NAME,
    target=NAME,
    model="resnet18|resnet50|resnet152|googlenet",
    layer="conv[1-5]",
    update_rule="plain|blur",
    dataset="cifar10|cifar100",
    part="classes|mimicry|merging",
    architecture="(mlp|conv)_(standard|inverted)",


def code(script):
    """A digest of a job's script and of the library code it runs: a parameter of every rule,
    so that an edit of that code reruns the jobs it affects (depthrep.pipeline.code)."""
    return digest(Path(workflow.basedir) / "scripts" / script)


def one_of(names):
    """A wildcard constraint matching exactly these names (and nothing when there are none)."""
    return "|".join(names) or "(?!)"


def target_spec(wildcards):
    return config["targets"][wildcards.target]


def image_file(target):
    """The image file of a target: a download, a local file, or none (sample)."""
    spec = config["targets"][target]
    if isinstance(spec, dict):
        return paths.EXTRACTED.format(target=target, member=Path(spec["member"]).name)
    if plan.is_stand_in(spec):
        return []
    return spec


def image_source(target, input):
    """What depthrep.images.load_image takes: the job's image file, or "sample:<name>"."""
    return input.image if input.image else config["targets"][target]


def state_weights(model, state):
    """The checkpoint a model's weights come from: nothing (untrained), the ImageNet weights the
    pipeline fetched and checked, the noise-label model."""
    if state == "imagenet":
        return paths.IMAGENET_MODEL.format(model=model)
    if state == plan.NOISE:
        return paths.NOISE_MODEL.format(model=model)
    return []


def weights_input(wildcards):
    return state_weights(wildcards.model, wildcards.state)


def training_settings(block):
    """TrainSettings fields of a training block, seeded by the config's seed."""
    return {**config[block]["training"], "seed": config["seed"]}


def input_files():
    """Every input file of this run, for the provenance record: images and weights."""
    files = []
    for target in plan.used_targets(config) + plan.mlp_targets(config):
        if isinstance(config["targets"][target], dict):
            files += [paths.DOWNLOAD.format(target=target), image_file(target)]
    files += [paths.TARGET.format(target=t) for t in plan.used_targets(config)]
    files += [
        paths.IMAGENET_MODEL.format(model=m)
        for m in plan.used_models(config, "imagenet")
    ]
    files += [
        paths.NOISE_MODEL.format(model=m) for m in plan.used_models(config, plan.NOISE)
    ]
    files += [paths.CIFAR_RECORD.format(dataset=d) for d in plan.used_datasets(config)]
    # The blog figures: the autoencoder's CIFAR-10 record, the similarity jobs' weights and photos.
    if (
        plan.autoencoder_figures(config)
        and plan.autoencoder_source(config) == "cifar10"
    ):
        files.append(paths.CIFAR_RECORD.format(dataset="cifar10"))
    for state in plan.similarity_states(config):
        files += plan.similarity_weights(config, state)
    files += [paths.TARGET.format(target=t) for t in plan.similarity_targets(config)]
    return sorted(set(files), key=files.index)


def noise_histories():
    return [
        paths.NOISE_HISTORY.format(model=m)
        for m in plan.used_models(config, plan.NOISE)
    ]


def all_outputs():
    figures = [
        path for name in plan.made_figures(config) for path in paths.figure_files(name)
    ]
    tables = [paths.INVERSION_TABLE, paths.TRAJECTORY_TABLE]
    tables += [
        paths.MLP_TABLE.format(figure=f)
        for f in plan.made_of_kind(config, *plan.MLP_KINDS)
    ]
    tables += [
        paths.SEC7_GAPS.format(figure=f) for f in plan.made_of_kind(config, "sec7")
    ]
    # The blog figures' tables and the autoencoder's training history.
    if plan.autoencoder_figures(config):
        tables.append(paths.AUTOENCODER_HISTORY)
        tables += [
            paths.AUTOENCODER_TABLE.format(figure=f)
            for f in plan.autoencoder_figures(config)
        ]
    tables += [
        paths.SIMILARITY_TABLE.format(state=s, part=p)
        for s in plan.similarity_states(config)
        for p in plan.similarity_parts(config)
    ]
    return figures + tables + noise_histories() + [paths.SUMMARY, paths.PROVENANCE]


def mlp_spec(wildcards):
    return config["figures"][wildcards.figure]


def figure_jobs(wildcards):
    plan.require_figure(config, wildcards.figure)
    return plan.jobs(config, wildcards.figure)


def figure_labels(wildcards):
    return {
        "figure": wildcards.figure,
        "kind": config["figures"][wildcards.figure]["kind"],
    }


# The blog figures' rules (rules/blog.smk).
def autoencoder_cifar_record():
    if plan.autoencoder_source(config) == "cifar10":
        return paths.CIFAR_RECORD.format(dataset="cifar10")
    return []


def figure_outputs(figures):
    """The PNG (in the report) and PDF of each of `figures`."""
    files = []
    for name in figures:
        png, pdf = paths.figure_files(name)
        labels = {"figure": name, "kind": config["figures"][name]["kind"]}
        shown = report(
            png, caption="../report/figure.rst", category="Figures", labels=labels
        )
        files += [shown, pdf]
    return files


def figure_specs(figures):
    """Each figure's settings, without its caption (a caption change redraws, it reruns nothing)."""
    return {
        name: {k: v for k, v in config["figures"][name].items() if k != "caption"}
        for name in figures
    }
