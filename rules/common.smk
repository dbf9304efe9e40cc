# Helpers (input functions, settings look-ups) shared by the rule files. The logic lives in
# depthrep.pipeline.plan and the paths in depthrep.pipeline.paths; this file adapts them to
# Snakemake.
import shutil
import sys
from pathlib import Path

# The library beside this workflow is importable while the workflow is parsed and in every
# script job (Snakemake hands this sys.path to scripts), also in the conda envs of envs/.
sys.path.insert(0, workflow.basedir)

from depthrep.models.architectures import ARCHITECTURES
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
SIZED = f"{NAME}(@[0-9]+)?"  # noise@<epoch>, <target>@<size>
# Every architecture and cut name of depthrep.models.architectures (longest first); a state may be
# noise@<epoch>, a target <target>@<size> (depthrep.pipeline.plan).
ARCHS = "|".join(sorted(ARCHITECTURES, key=len, reverse=True))
CUT_NAMES = "|".join(
    sorted(
        {c for a in ARCHITECTURES.values() for c in a["cuts"]}, key=len, reverse=True
    )
)


wildcard_constraints:
    run=NAME,
    state=SIZED,
    target=SIZED,
    model=ARCHS,
    layer=CUT_NAMES,
    update_rule="plain|blur",
    image_set=NAME,
    epoch="[0-9]+",
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
    return config["targets"][plan.target_name(wildcards.target)]


def image_file(target):
    """The image file of a target: a download, a local file, or none (sample)."""
    spec = config["targets"][plan.target_name(target)]
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
    pipeline fetched and checked, the noise-label model (after an epoch: noise@<epoch>).
    """
    if state == "imagenet":
        return paths.IMAGENET_MODEL.format(model=model)
    if state == plan.NOISE:
        return paths.NOISE_MODEL.format(model=model)
    base, epoch = plan.split_name(state)
    if base == plan.NOISE and epoch is not None:
        return paths.NOISE_EPOCH.format(model=model, epoch=epoch)
    return []


def weights_input(wildcards):
    return state_weights(wildcards.model, wildcards.state)


def invert_layers(wildcards):
    """The layers an `invert` job inverts: those the preset's figures ask of its row."""
    w = wildcards
    layers = plan.job_layers(config, w.run, w.model, w.state, w.target, w.update_rule)
    if not layers:
        raise plan.PlanError(
            f"no figure of this preset inverts {w.model} ({w.state}) for {w.target} with run {w.run} "
            f"and update {w.update_rule}: ask for a figure (snakemake <figure>) instead"
        )
    return layers


def training_settings(block):
    """TrainSettings fields of a training block, seeded by the config's seed."""
    return {**config[block]["training"], "seed": config["seed"]}


def kept_epochs(block, pattern, **wildcards):
    """The checkpoints a training job keeps (its training.keep_epochs), other wildcards left in."""
    return [
        pattern.format(**wildcards, epoch=e)
        for e in sorted(set(config[block]["training"].get("keep_epochs") or []))
    ]


def input_files():
    """Every input file of this run, for the provenance record: images and weights."""
    files = []
    used = plan.used_targets(config) + plan.mlp_targets(config)
    used += plan.image_set_targets(config)
    for target in dict.fromkeys(plan.target_name(t) for t in used):
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
    states = {
        job.state for job in plan.all_inversions(config) + plan.used_activations(config)
    }
    files += [
        state_weights(plan.noise_arch(config), s)
        for s in sorted(states)
        if plan.split_name(s)[1] is not None
    ]
    files += [
        paths.CIFAR_RECORD.format(dataset=d)
        for job in plan.used_activations(config)
        for d in plan.image_set_datasets(config, job.image_set)
    ]
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
    tables += beyond_tables()
    # The blog figures' tables and the autoencoder's training history.
    if plan.autoencoder_figures(config):
        tables.append(paths.AUTOENCODER_HISTORY)
        tables += [
            paths.AUTOENCODER_TABLE.format(figure=f)
            for f in plan.autoencoder_figures(config)
        ]
    tables += [
        paths.MODEL_SIMILARITY_TABLE.format(state=s, part=p)
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


def beyond_tables():
    """The tables of the architecture, epoch and representation figures this preset makes."""
    kinds = {
        plan.ARCHITECTURES_KIND: [paths.DEPTH_TABLE],
        plan.EPOCHS_KIND: [paths.EPOCH_TABLE],
        plan.REPRESENTATIONS_KIND: [paths.SIMILARITY_TABLE, paths.SPECTRUM_TABLE],
    }
    return [
        pattern.format(figure=f)
        for kind, patterns in kinds.items()
        for f in plan.made_of_kind(config, kind)
        for pattern in patterns
    ]


def copies_image(image_set):
    """The image file of an image set's noisy copies' target (none for a sample photo)."""
    copies = config["image_sets"][image_set].get("copies")
    return image_file(copies["target"]) if copies else []


def copies_source(image_set, input):
    copies = config["image_sets"][image_set].get("copies")
    return image_source(copies["target"], input) if copies else None


def representation_jobs(wildcards):
    plan.require_figure(config, wildcards.figure)
    return plan.activation_jobs(config, wildcards.figure)


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
