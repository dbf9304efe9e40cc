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
    dataset="cifar10|cifar100",
    architecture="(mlp|conv)_(standard|inverted)",


def one_of(names):
    """A wildcard constraint matching exactly these names (and nothing when there are none)."""
    return "|".join(names) or "(?!)"


def target_spec(wildcards):
    return config["targets"][wildcards.target]


def downloaded_image(target):
    spec = config["targets"][target]
    return f"results/downloads/{target}/{Path(spec['member']).name}"


def image_file(target):
    """The image file of a target: a download, a local file, or none (sample)."""
    spec = config["targets"][target]
    if isinstance(spec, dict):
        return downloaded_image(target)
    if spec.startswith("sample:"):
        return []
    return spec


def target_file(wildcards):
    return image_file(wildcards.target)


def image_source(target, input):
    """What depthrep.images.load_image takes: the job's image file, or "sample:<name>"."""
    return input.image if input.image else config["targets"][target]


def target_source(wildcards, input):
    return image_source(wildcards.target, input)


def state_weights(model, state):
    """Files a model's weights come from: nothing (untrained), the ImageNet record, the
    noise-label checkpoint."""
    if state == "imagenet":
        return f"results/weights/{model}_imagenet.json"
    if state == plan.NOISE:
        return plan.noise_model_path(model)
    return []


def weights_input(wildcards):
    return state_weights(wildcards.model, wildcards.state)


def mlp_image(wildcards):
    """The image file an MLP figure loads (none for a sample photo)."""
    return image_file(config["figures"][wildcards.figure]["target"])


def mlp_image_source(wildcards, input):
    return image_source(config["figures"][wildcards.figure]["target"], input)


def mlp_settings(wildcards):
    """A MLP figure's settings, with the config's seed and (unless set there) shift_std."""
    settings = config["figures"][wildcards.figure]["settings"]
    return {"shift_std": config["shift_std"], **settings, "seed": config["seed"]}


def kernel_weights(wildcards):
    model = plan.kernels_model(config)
    files = (state_weights(model, state) for state in plan.available(config, wildcards.figure))
    return [f for f in files if f]  # untrained needs none


def kernel_sources(wildcards):
    """{panel label: weights} for Fig S5: "imagenet", a checkpoint file, or None (unavailable)."""
    model, available = plan.kernels_model(config), plan.available(config, wildcards.figure)
    sources = {}
    for state in config["figures"][wildcards.figure]["states"]:
        weights = state_weights(model, state) if state == plan.NOISE else state
        sources[plan.STATE_LABELS.get(state, state)] = weights if state in available else None
    return sources


def kernel_reasons(wildcards):
    missing = plan.missing_states(config, wildcards.figure)
    return {plan.STATE_LABELS.get(s, s): why for s, why in missing.items()}


def classifier_histories(wildcards):
    datasets = plan.available(config, wildcards.figure)
    return [
        f"results/classifiers/{dataset}/{architecture}.csv"
        for dataset in datasets
        for architecture in config["cifar"]["architectures"]
    ]


def training_settings(block):
    """TrainSettings fields of a training block, seeded by the config's seed."""
    return {**config[block]["training"], "seed": config["seed"]}


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
    for target in plan.mlp_targets(config):
        if isinstance(config["targets"][target], dict):
            files += [f"results/downloads/{target}.zip", downloaded_image(target)]
    files += [
        f"results/weights/{m}_imagenet.json"
        for m in plan.used_models(config, "imagenet")
    ]
    files += [plan.noise_model_path(m) for m in plan.used_models(config, plan.NOISE)]
    files += [f"results/data/{d}.json" for d in plan.used_datasets(config)]
    return sorted(set(files), key=files.index)


def all_outputs():
    figures = [
        path for name in plan.made_figures(config) for path in figure_files(name)
    ]
    tables = ["results/tables/inversions.csv", "results/tables/trajectories.csv"]
    tables += [f"results/tables/{name}.csv" for name in plan.made_of_kind(config, "mlp")]
    tables += [f"results/tables/{name}_gaps.csv" for name in plan.made_of_kind(config, "sec7")]
    tables += [plan.noise_history_path(m) for m in plan.used_models(config, plan.NOISE)]
    return figures + tables + ["results/summary.md", "results/provenance.json"]
