# Helpers (input functions, settings look-ups) shared by the rule files. The logic lives in
# depthrep.plan; this file only adapts it to Snakemake.
import sys
from pathlib import Path

# The library beside this workflow is importable while the workflow is parsed and in every
# script job (Snakemake hands this sys.path to scripts), also in the conda envs of envs/.
sys.path.insert(0, workflow.basedir)

from depthrep import plan

plan.check(config)

NAME = "[A-Za-z][A-Za-z0-9_]*"


wildcard_constraints:
    run=NAME,
    state=NAME,
    target=NAME,
    model="resnet18|resnet50|resnet152",
    layer="conv[1-5]",
    update_rule="plain|blur",


def target_spec(wildcards):
    return config["targets"][wildcards.target]


def downloaded_image(target):
    spec = config["targets"][target]
    return f"results/downloads/{target}/{Path(spec['member']).name}"


def target_file(wildcards):
    """The image file a target is prepared from: a download, a local file, or none (sample)."""
    spec = target_spec(wildcards)
    if isinstance(spec, dict):
        return downloaded_image(wildcards.target)
    if spec.startswith("sample:"):
        return []
    return spec


def target_source(wildcards, input):
    return input.image if input.image else target_spec(wildcards)


def weights_input(wildcards):
    """Files a model's weights come from: nothing (untrained), the ImageNet record, a checkpoint."""
    if wildcards.state == "imagenet":
        return f"results/weights/{wildcards.model}_imagenet.json"
    return []


def inversion_outputs(jobs):
    return [f"{job.directory}/result.json" for job in jobs]


def figure_inputs(wildcards):
    plan.require_figure(config, wildcards.figure)
    jobs = plan.jobs(config, wildcards.figure)
    return inversion_outputs(jobs) + sorted({job.embeddings for job in jobs})


def figure_files(figure):
    return [f"results/figures/{figure}.png", f"results/figures/{figure}.pdf"]


def input_files():
    """Every input file of this run, for the provenance record: images and weights."""
    files = []
    for target in plan.used_targets(config):
        if isinstance(config["targets"][target], dict):
            files += [f"results/downloads/{target}.zip", downloaded_image(target)]
        files.append(plan.target_path(target))
    files += [
        f"results/weights/{m}_imagenet.json"
        for m in plan.used_models(config, "imagenet")
    ]
    return files


def all_outputs():
    figures = [
        path for name in plan.made_figures(config) for path in figure_files(name)
    ]
    tables = ["results/tables/inversions.csv", "results/tables/trajectories.csv"]
    return figures + tables + ["results/summary.md", "results/provenance.json"]
