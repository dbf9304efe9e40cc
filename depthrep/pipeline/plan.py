"""From the validated config to the jobs each figure needs.

The Snakemake rules ask this module which inversions a figure needs, which figures a preset
can make and why the others are left out; keeping it here makes it testable without Snakemake.

Vocabulary
    target  a named input image ("dalmatian"); its source may be a stand-in in a reduced preset
    state   the training state of a model: untrained, imagenet, or noise (the checkpoint of
            the noise-label model that the pipeline trains, see `noise_model:`), or noise@<e>
            (that model after e epochs, see "beyond the paper" below)
    update  "plain" (eq. 4) or "blur" (eq. 5)
    run     a named block of inversion settings (iterations, learning rates, ...) under `runs:`
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from ..models.architectures import ARCHITECTURES
from ..samples import is_sample
from . import paths

UPDATES = ("plain", "blur")
RESNET_FIGURE_KINDS = ("images", "trajectory")
# The fully connected figures: a kind per experiment and drawing (pipeline.mlp_figures).
MLP_KINDS = ("mlp_widths", "mlp_trajectories", "mlp_depths", "mlp_relu", "mlp_exact")
# Keys of an MLP figure spec that are not arguments of its experiment.
MLP_SPEC_KEYS = ("caption", "enabled", "kind", "run", "target", "image_size")
NOISE = "noise"
STATE_LABELS = {"untrained": "untrained", "imagenet": "ImageNet-trained", NOISE: "noise-trained"}


class PlanError(ValueError):
    """A config that names something it does not define, or asks for what it cannot make."""


@dataclass(frozen=True)
class Inversion:
    """One inverted layer, a figure's panel: every seed and learning-rate candidate of it run in
    one batch. Its files are those of its job (`job_key`, see InversionJob), which it shares with
    the other layers of the same run, model, state, target and update rule."""

    run: str
    model: str
    state: str
    target: str
    layer: str
    update: str

    @property
    def job_key(self) -> tuple[str, str, str, str, str]:
        return (self.run, self.model, self.state, self.target, self.update)

    def _fill(self, pattern: str) -> str:
        return pattern.format(run=self.run, model=self.model, state=self.state, target=self.target, update_rule=self.update)

    @property
    def result(self) -> str:
        return self._fill(paths.INVERSION_RESULT)

    @property
    def trajectory(self) -> str:
        return self._fill(paths.INVERSION_TRAJECTORY)

    @property
    def inputs(self) -> str:
        return self._fill(paths.INVERSION_INPUTS)

    @property
    def target_file(self) -> str:
        return paths.TARGET.format(target=self.target)


@dataclass(frozen=True)
class InversionJob:
    """One `invert` job: the layers the figures ask of one run, model, state, target and update
    rule, in the model's order. One job per such row rather than per layer: a job's start-up
    (interpreter, torch, torchvision, the model) is paid once, and the target is embedded at
    every layer in one forward. A change of a figure's layers reruns the job of each row it
    touches."""

    run: str
    model: str
    state: str
    target: str
    update: str
    layers: tuple[str, ...]

    @property
    def first(self) -> Inversion:
        return Inversion(self.run, self.model, self.state, self.target, self.layers[0], self.update)

    @property
    def result(self) -> str:
        return self.first.result

    @property
    def trajectory(self) -> str:
        return self.first.trajectory

    @property
    def inputs(self) -> str:
        return self.first.inputs


def describe_source(spec: str | dict) -> str:
    """A short human-readable origin of a target image, for captions and the summary."""
    if isinstance(spec, dict):
        return f"{spec['url'].rsplit('/', 1)[-1]}:{spec['member']}"
    return str(spec)


def is_stand_in(spec: str | dict) -> bool:
    """True when a target is a packaged sample photo standing in for the paper's image."""
    return is_sample(spec)


def resnet_figures(config: dict) -> dict[str, dict]:
    """The figure specs of the ResNet inversion figures."""
    return {name: spec for name, spec in config["figures"].items() if spec["kind"] in RESNET_FIGURE_KINDS}


def mlp_figures(config: dict) -> dict[str, dict]:
    """The figure specs of the fully connected figures."""
    return {name: spec for name, spec in config["figures"].items() if spec["kind"] in MLP_KINDS}


def figures_of_kind(config: dict, kind: str) -> dict[str, dict]:
    return {name: spec for name, spec in config["figures"].items() if spec["kind"] == kind}


def unavailable_reason(config: dict, state: str) -> str | None:
    return (config.get("weights_unavailable") or {}).get(state)


def check(config: dict) -> None:
    """Cross-references a JSON schema cannot express; raises PlanError naming the setting."""
    _check_other_figures(config)
    _check_beyond(config)
    check_blog(config)
    for name, spec in resnet_figures(config).items():
        where = f"figures.{name}"
        if spec["run"] not in config["runs"]:
            raise PlanError(f"{where}.run: {spec['run']!r} is not defined under runs: ({sorted(config['runs'])})")
        for target in spec["targets"]:
            if target not in config["targets"]:
                raise PlanError(
                    f"{where}.targets: {target!r} is not a target name defined under targets: "
                    f"({sorted(config['targets'])}); give images under targets: and refer to them by name"
                )
        _check_models(where, spec["models"])
        for model in spec["models"]:
            for layer in spec["layers"]:
                if layer not in ARCHITECTURES[model]["cuts"]:
                    raise PlanError(f"{where}.layers: unknown layer {layer!r} of {model}; choose from {list(ARCHITECTURES[model]['cuts'])}")
            _check_size(
                f"{where}.models", model, config["image_size"], "imagenet" in spec["states"] and not unavailable_reason(config, "imagenet")
            )
        _check_states(config, where, spec["states"], spec["models"])
    for name in config["figures"]:  # last: a caption may name any setting checked above
        caption(config, name)
    _check_target_files(config)


def _check_target_files(config: dict) -> None:
    """A target given as a local file must exist. Checked here, before any job: Snakemake does
    not check the input of a job whose outputs exist, so in a finished run a figure would be
    redrawn from the old image under the new setting."""
    used = used_targets(config) + mlp_targets(config) + image_set_targets(config)
    for name in dict.fromkeys(target_name(t) for t in used):
        spec = config["targets"][name]
        if isinstance(spec, str) and not is_stand_in(spec) and not Path(spec).is_file():
            raise PlanError(
                f"targets.{name}: the image file {spec} does not exist (a target is a checksummed "
                "download, a local image file or sample:<name>)"
            )


def _check_states(config: dict, where: str, states: list[str], models: list[str]) -> None:
    for state in states:
        if state not in known_states(config):
            raise PlanError(f"{where}.states: unknown training state {state!r}; choose from {known_states(config)}")
        arch = config["noise_model"]["arch"] if split_name(state)[0] == NOISE else None
        if arch and any(model != arch for model in models):
            raise PlanError(
                f"{where}: the noise state exists for {arch} only (noise_model.arch), not for "
                f"{sorted(set(models) - {arch})}; ask for those models in other states"
            )


def _check_other_figures(config: dict) -> None:
    """The MLP, kernel and Sec 7 figures: targets, runs and states they name must exist."""
    for name, spec in mlp_figures(config).items():
        if spec["target"] not in config["targets"]:
            raise PlanError(f"figures.{name}.target: {spec['target']!r} is not defined under targets: ({sorted(config['targets'])})")
        if spec["run"] not in config["runs"]:
            raise PlanError(f"figures.{name}.run: {spec['run']!r} is not defined under runs: ({sorted(config['runs'])})")
        seeds = config["runs"][spec["run"]]["seeds"]
        if len(seeds) != 1:
            raise PlanError(
                f"figures.{name}.run: an MLP figure starts from one initial input, but runs.{spec['run']}.seeds has {len(seeds)}"
            )
    for name, spec in figures_of_kind(config, "kernels").items():
        _check_states(config, f"figures.{name}", spec["states"], [kernels_model(config)])
    if figures_of_kind(config, "sec7") and "cifar" not in config:
        raise PlanError("a figure of kind sec7 needs the cifar: settings (datasets, architectures, training)")


def known_states(config: dict) -> list[str]:
    noise = [NOISE, *(f"{NOISE}{AT}{e}" for e in noise_epochs(config))] if config.get("noise_model") else []
    return ["untrained", "imagenet", *noise]


def kernels_model(config: dict) -> str:
    """The ResNet whose Conv1 kernels Fig S5 shows: the architecture of the noise-label model."""
    return (config.get("noise_model") or {}).get("arch", "resnet50")


def panels(config: dict, figure: str) -> list[Inversion]:
    """Every inversion the figure shows, available or not, in display order."""
    spec = config["figures"][figure]
    if spec["kind"] in (ARCHITECTURES_KIND, EPOCHS_KIND):
        return _beyond_panels(config, figure)
    combos = itertools.product(spec["models"], spec["states"], spec["targets"], spec["updates"], spec["layers"])
    return [Inversion(spec["run"], m, s, t, layer, u) for m, s, t, u, layer in combos]


def missing_states(config: dict, figure: str) -> dict[str, str]:
    """{state or dataset: reason} for what this figure needs that the preset cannot provide."""
    spec = config["figures"][figure]
    if spec["kind"] == "sec7":
        unavailable = config["cifar"].get("unavailable") or {}
        return {d: unavailable[d] for d in config["cifar"]["datasets"] if d in unavailable}
    if spec["kind"] in AUTOENCODER_KINDS:
        return autoencoder_missing(config)
    states = spec.get("states", [])
    if spec["kind"] in (EPOCHS_KIND, REPRESENTATIONS_KIND):
        states = [*states, *epoch_states(config)]
    missing = {s: unavailable_reason(config, split_name(s)[0]) for s in states if unavailable_reason(config, split_name(s)[0])}
    if spec["kind"] == REPRESENTATIONS_KIND:
        unavailable = (config.get("cifar") or {}).get("unavailable") or {}
        missing |= {d: unavailable[d] for d in image_set_datasets(config, spec["image_set"]) if d in unavailable}
    return missing


def available(config: dict, figure: str) -> list[str]:
    """The states (or, for sec7, the datasets) of a figure that this preset can provide."""
    missing = missing_states(config, figure)
    spec = config["figures"][figure]
    if spec["kind"] in AUTOENCODER_KINDS:
        return [] if missing else [autoencoder_source(config)]
    wanted = config["cifar"]["datasets"] if spec["kind"] == "sec7" else spec["states"]
    return [name for name in wanted if name not in missing]


def figure_rows(config: dict, figure: str) -> list[str]:
    """The target image file of each row of an image figure (model, state, target, update), in
    the order of `jobs`; none for a trajectory figure, which draws no images."""
    spec = config["figures"][figure]
    if spec["kind"] != "images":
        return []
    layers = len(spec["layers"])
    return [job.target_file for job in jobs(config, figure)[::layers]]


def kernel_panels(config: dict, figure: str) -> list[dict]:
    """Fig S5's panels in order: {label, weights ("untrained" or a checkpoint file), reason}
    with weights None and the reason where the preset cannot have that state."""
    model, missing = kernels_model(config), missing_states(config, figure)
    checkpoints = {NOISE: paths.NOISE_MODEL, "imagenet": paths.IMAGENET_MODEL}
    panels = []
    for state in config["figures"][figure]["states"]:
        weights = checkpoints[state].format(model=model) if state in checkpoints else state
        label = STATE_LABELS.get(state, state)
        panels.append({"label": label, "weights": None if state in missing else weights, "reason": missing.get(state)})
    return panels


def jobs(config: dict, figure: str) -> list[Inversion]:
    """The inversions the figure can have with this preset (panels of unavailable states left out)."""
    missing = missing_states(config, figure)
    return [job for job in panels(config, figure) if job.state not in missing]


def figure_status(config: dict, figure: str) -> str | None:
    """None if the figure can be made (maybe with panels left out), else why it cannot."""
    spec = config["figures"][figure]
    if not spec.get("enabled", True):
        return f"disabled in the config (figures.{figure}.enabled: false)"
    if spec["kind"] in INVERSION_KINDS:
        empty = not jobs(config, figure)
    elif spec["kind"] == REPRESENTATIONS_KIND:
        needs = image_set_datasets(config, spec["image_set"])
        empty = not activation_jobs(config, figure) or any(d in missing_states(config, figure) for d in needs)
    else:
        empty = spec["kind"] not in MLP_KINDS and not available(config, figure)
    if empty:
        what = (
            "data"
            if spec["kind"] in ("sec7", *AUTOENCODER_KINDS)
            else "weights or data"
            if spec["kind"] == REPRESENTATIONS_KIND
            else "weights"
        )
        return "; ".join(f"needs {s} {what}: {why}" for s, why in missing_states(config, figure).items())
    return None


def made_figures(config: dict) -> list[str]:
    return [name for name in config["figures"] if figure_status(config, name) is None]


def require_figure(config: dict, figure: str) -> None:
    """Raise a clear error when a figure is asked for that this preset cannot make."""
    if figure not in config["figures"]:
        raise PlanError(f"unknown figure {figure!r}; this config defines {sorted(config['figures'])}")
    reason = figure_status(config, figure)
    if reason:
        raise PlanError(f"figure {figure} cannot be made with this preset: {reason}")


def all_inversions(config: dict) -> list[Inversion]:
    """Every inversion of every figure the preset makes, each once, in a stable order."""
    seen: dict[Inversion, None] = {}
    for name in made_of_kind(config, *INVERSION_KINDS):
        seen.update(dict.fromkeys(jobs(config, name)))
    return list(seen)


def inversion_jobs(config: dict) -> list[InversionJob]:
    """The `invert` jobs of the preset: all_inversions grouped by run, model, state, target and
    update rule, each job's layers in the order of the model's cuts."""
    rows: dict[tuple, set[str]] = {}
    for inversion in all_inversions(config):
        rows.setdefault(inversion.job_key, set()).add(inversion.layer)
    return [
        InversionJob(run, model, state, target, update, tuple(c for c in ARCHITECTURES[model]["cuts"] if c in layers))
        for (run, model, state, target, update), layers in rows.items()
    ]


def job_layers(config: dict, run: str, model: str, state: str, target: str, update: str) -> list[str]:
    """The layers of one `invert` job (empty for a job no figure of the preset asks for)."""
    for job in inversion_jobs(config):
        if (job.run, job.model, job.state, job.target, job.update) == (run, model, state, target, update):
            return list(job.layers)
    return []


def made_of_kind(config: dict, *kinds: str) -> list[str]:
    return [name for name in made_figures(config) if config["figures"][name]["kind"] in kinds]


def used_targets(config: dict) -> list[str]:
    """Targets prepared as tensors for the ResNet inversions."""
    return sorted({job.target for job in all_inversions(config)})


def mlp_targets(config: dict) -> list[str]:
    """Targets the MLP figures load themselves (at their own, smaller size)."""
    return sorted({config["figures"][name]["target"] for name in made_of_kind(config, *MLP_KINDS)})


def used_models(config: dict, state: str) -> list[str]:
    """The ResNets needed in `state`, by inversions and by the kernel figure."""
    models = {job.model for job in all_inversions(config) if job.state == state}
    models |= {job.model for job in used_activations(config) if job.state == state}
    models |= {kernels_model(config) for name in made_of_kind(config, "kernels") if state in available(config, name)}
    return sorted(models)


def used_datasets(config: dict) -> list[str]:
    """The CIFAR datasets the Sec 7 figures of this preset train on."""
    return sorted({d for name in made_of_kind(config, "sec7") for d in available(config, name)})


# Resources to ask a scheduler for, scaled with the preset, so that a small preset fits a small
# node and the paper's settings get what they need. Memory in MB of host memory; runtime in
# minutes. BASE_MB covers Python, PyTorch and a model the size of a ResNet152.
BASE_MB = 3000


def inversion_resources(config: dict, run: str, layers: int = 1) -> dict[str, int]:
    """Memory grows with the pixels of the batch (seeds x candidates) that the job keeps; runtime
    with iterations x pixels x batch, per layer. Generous for a ResNet152 on one GPU at 299 x 299."""
    settings = config["runs"][run]
    batch = len(settings["seeds"]) * len(settings["lr_candidates"])
    pixels = (config["image_size"] / 299) ** 2
    runtime = 30 + layers * settings["iterations"] * batch * pixels / 100
    return {"mem_mb": int(BASE_MB + 400 * batch * pixels), "runtime": int(runtime)}


def training_resources(config: dict) -> dict[str, int]:
    """The noise-label training: memory grows with the batch's pixels (ResNet50 keeps about 100 MB
    of activations per 224 x 224 image for the backward pass: host memory when it trains on the
    CPU); runtime assumes a modest GPU (about 250 images a second at 224 x 224, training plus
    the evaluation pass), scaled by pixels, generous on purpose."""
    noise = config["noise_model"]
    pixels = (noise["data"]["image_size"] / 224) ** 2
    passes = noise["training"]["epochs"] * noise["data"]["images"] * (2 if noise["training"].get("evaluate_train") else 1)
    return {"mem_mb": int(BASE_MB + 100 * noise["training"]["batch_size"] * pixels), "runtime": int(30 + passes * pixels / 250 / 60)}


def classifier_resources(config: dict) -> dict[str, int]:
    """A Sec 7 classifier: the dataset as float32 (CIFAR: 60,000 images of 3 x 32 x 32) and the
    largest model with Adam's two moments (4 copies of its float32 weights); runtime from the
    epochs at a few thousand images a second, generous on purpose."""
    cifar = config["cifar"]
    images = sum(limit or full for limit, full in zip(cifar["limits"], (50_000, 10_000)))
    weights = max(_classifier_parameters(spec) for spec in cifar["architectures"].values())
    passes = cifar["training"]["epochs"] * images * (2 if cifar["training"].get("evaluate_train") else 1)
    return {"mem_mb": int(BASE_MB + 4 * images * 3072 / 1e6 + 16 * weights / 1e6), "runtime": int(30 + passes / 2000 / 60)}


def _classifier_parameters(spec: dict, shape: tuple[int, int, int] = (3, 32, 32)) -> int:
    """About how many weights a Sec 7 classifier has (the layer sizes of models.classifiers)."""
    if spec["kind"] == "mlp":
        sizes = [shape[0] * shape[1] * shape[2], *spec["widths"], 100]
        return sum(a * b for a, b in zip(sizes, sizes[1:]))
    channels, side = [shape[0], *spec["channels"]], shape[1]
    for _ in spec["channels"]:
        side = side // 2 if spec.get("pool") else side
    return sum(9 * a * b for a, b in zip(channels, channels[1:])) + channels[-1] * side * side * 100


def mlp_resources(config: dict, figure: str) -> dict[str, int]:
    """An MLP figure: its largest model's weights (float64 for the exact inversion), a few copies;
    runtime generous for one CPU core, about 20 ms per iteration, candidate and model (a model of
    n layers counting n times) at 29 x 29."""
    spec = config["figures"][figure]
    run = config["runs"][spec["run"]]
    size = 3 * spec["image_size"] ** 2
    layers = {
        "mlp_widths": lambda: [[w, *spec["later_widths"]] for w in spec["widths"]],
        "mlp_trajectories": lambda: [[w, *spec["later_widths"]] for w in spec["widths"]],
        "mlp_depths": lambda: [[spec["width"]] * depth for depth in spec["depths"]],
        "mlp_relu": lambda: [[size * 2**k for k in range(1, spec["layers"] + 1)]],  # widths grow about 2x a layer
        "mlp_exact": lambda: [[size] * max(spec["layers"], spec["cond_layers"])],
    }[spec["kind"]]()
    weights = max(sum(a * b for a, b in zip([size, *widths], widths)) for widths in layers)
    bytes_per = 8 if spec["kind"] == "mlp_exact" else 4
    iterations = run["iterations"] + spec.get("longer_iterations", 0)
    models = sum(spec["depths"]) if "depths" in spec else len(spec.get("widths", [1, 1]))
    pixels = (spec["image_size"] / 29) ** 2
    return {
        "mem_mb": int(BASE_MB + 4 * weights * bytes_per / 1e6),
        "runtime": int(30 + iterations * len(run["lr_candidates"]) * models * pixels * 0.02 / 60),
    }


def caption(config: dict, figure: str) -> str:
    """A figure's caption with its {placeholders} filled by what the preset runs (the layers,
    widths, sizes ... of this config, not the paper's numbers when they differ)."""
    spec = config["figures"][figure]
    fields = {key: _said(key, value) for key, value in spec.items()}
    if "run" in spec:
        fields["iterations"] = _said("iterations", config["runs"][spec["run"]]["iterations"])
    if "image_size" in spec and spec["kind"] in MLP_KINDS:
        fields["input_size"] = _said("input_size", 3 * spec["image_size"] ** 2)
    if spec["kind"] == ARCHITECTURES_KIND:
        fields["image_size"] = _said("image_size", figure_image_size(config, figure))
    if spec["kind"] in (EPOCHS_KIND, REPRESENTATIONS_KIND):
        fields["epochs"] = _said("epochs", noise_epochs(config))
    fields["arch"] = _said("models", kernels_model(config))
    if spec["kind"] == "sec7":
        fields["datasets"] = _said("datasets", config["cifar"]["datasets"])
    fields.update(blog_caption_fields(config, spec))
    try:
        return spec["caption"].format(**fields)
    except (KeyError, IndexError, ValueError) as err:
        raise PlanError(f"figures.{figure}.caption: cannot fill {err} (a caption names settings in braces: {sorted(fields)})") from err


def _said(key: str, value) -> str:
    """A setting as a caption says it: the paper's names (Conv1, ResNet50, ImageNet-trained),
    lists joined with commas, a single large number with thousands separators."""
    if isinstance(value, list):
        return ", ".join(_said(key, item) for item in value if not isinstance(item, list))
    if key == "models" and isinstance(value, str):
        return DISPLAY_NAMES.get(value, value.replace("resnet", "ResNet"))
    if key == "layers" and isinstance(value, str):
        return value.replace("conv", "Conv")
    if key == "states":
        return STATE_LABELS.get(value, value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000:
        return f"{value:,}"
    return str(value)


def figure_title(config: dict, figure: str) -> str:
    """What a figure says above its panels: its caption, the stand-in images it shows and the
    panels it leaves out (with why). The reduced-preset note is added when drawing."""
    spec = config["figures"][figure]
    text = f"{figure}: {caption(config, figure)}"
    targets = spec.get("targets") or ([spec["target"]] if "target" in spec else [])
    stand_ins = [f"{t} = {describe_source(config['targets'][t])}" for t in targets if is_stand_in(config["targets"][t])]
    if stand_ins:
        text += "\nstand-in images: " + ", ".join(stand_ins)
    missing = missing_states(config, figure)
    if missing:
        text += "\npanels left out: " + "; ".join(f"{state} ({why})" for state, why in missing.items())
    if spec["kind"] in SIMILARITY_KINDS and available(config, figure) == ["untrained"]:
        text += "\nmade with untrained models only: the post's findings are about ImageNet-trained ones"
    return text


def mlp_experiment_settings(spec: dict) -> dict:
    """An MLP figure's own experiment settings (widths, depths, layers, ...)."""
    return {k: v for k, v in spec.items() if k not in MLP_SPEC_KEYS}


def _schedule(value) -> str:
    start, end = (value, value) if isinstance(value, (int, float)) else value
    return f"{start:g}->{end:g}"


def mlp_settings_line(config: dict, figure: str) -> str:
    """What an MLP figure ran, for its title: the image, the descent and the experiment's settings."""
    spec = config["figures"][figure]
    run = config["runs"][spec["run"]]
    size = spec["image_size"]
    own = ", ".join(f"{k} {v}" for k, v in mlp_experiment_settings(spec).items())
    return (
        f"{describe_source(config['targets'][spec['target']])} at 3x{size}x{size}; gradient descent (eq. 4, no blur, "
        f"run {spec['run']}): {run['iterations']} iterations, loss {run['loss_scale']:g} L1, lr {_schedule(run['lr_schedule'])} "
        f"x best of {run['lr_candidates']} ({run['step']} step), shift std {config['shift_std']:g}, seed {config['seed']}"
        + (f"; {own}" if own else "")
    )


# ----------------------------------------------------------------------------- beyond the paper
# Any torchvision architecture (`architectures`), the noise-label model across training
# (`epochs`), and representation similarity and the perturbed-group spectrum
# (`representations`, computed from activation jobs).
#
#   noise@<e>       the noise-label model after e epochs, for e in noise_model.training.keep_epochs
#                   (its checkpoint paths.NOISE_EPOCH); noise@0 is the untrained model and
#                   noise@<last> the final one, which the plan names `untrained` and `noise`, so
#                   their inversions and activations are shared with those states
#   <target>@<size> a target prepared at a size other than the config's image_size (the
#                   architecture figure's own size); the target's file and inversions carry it

ARCHITECTURES_KIND, EPOCHS_KIND, REPRESENTATIONS_KIND = "architectures", "epochs", "representations"
INVERSION_KINDS = (*RESNET_FIGURE_KINDS, ARCHITECTURES_KIND, EPOCHS_KIND)  # figures made of `invert` jobs
AT = "@"
ARCHITECTURE_STATES = ("untrained", "imagenet")  # the states every architecture has
# How captions and figures name the architectures the issue lists (others keep their names).
DISPLAY_NAMES = {
    "resnet18": "ResNet18",
    "resnet50": "ResNet50",
    "resnet152": "ResNet152",
    "vgg16": "VGG16",
    "googlenet": "GoogLeNet",
    "inception_v3": "Inception v3",
    "vit_b_16": "ViT-B/16",
    "vit_l_16": "ViT-L/16",
    "convnext_tiny": "ConvNeXt-T",
}


@dataclass(frozen=True)
class Activations:
    """One activation job: every cut of `model` in `state` on the images of `image_set`."""

    image_set: str
    model: str
    state: str

    @property
    def path(self) -> str:
        return paths.ACTIVATIONS.format(image_set=self.image_set, model=self.model, state=self.state)


def display_name(arch: str) -> str:
    return DISPLAY_NAMES.get(arch, arch)


def noise_arch(config: dict) -> str:
    return config["noise_model"]["arch"]


def keep_epochs(config: dict) -> list[int]:
    """The noise-label model's kept epochs (checkpoint files), as the config lists them."""
    return sorted(set(config["noise_model"]["training"].get("keep_epochs") or []))


def noise_epochs(config: dict) -> list[int]:
    """Every epoch the noise-label model has a state for: 0 (untrained), the kept ones, the last."""
    if not config.get("noise_model"):
        return []
    return sorted({0, *keep_epochs(config), config["noise_model"]["training"]["epochs"]})


def split_name(name: str) -> tuple[str, int | None]:
    """'noise@5' -> ('noise', 5); 'dalmatian@80' -> ('dalmatian', 80); 'noise' -> ('noise', None)."""
    base, at, number = name.partition(AT)
    return (base, int(number)) if at and number.isdigit() else (name, None)


def epoch_state(config: dict, epoch: int) -> str:
    """The state name of the noise-label model after `epoch` epochs (canonical: see above)."""
    if epoch == 0:
        return "untrained"
    return NOISE if epoch == config["noise_model"]["training"]["epochs"] else f"{NOISE}{AT}{epoch}"


def canonical_state(config: dict, state: str) -> str:
    """noise@0 -> untrained, noise@<last> -> noise; every other state as it is."""
    base, epoch = split_name(state)
    return epoch_state(config, epoch) if base == NOISE and epoch is not None and config.get("noise_model") else state


def state_epoch(config: dict, state: str) -> int | None:
    """The training epoch of a state of the noise-label model (untrained: 0), else None."""
    if state == "untrained":
        return 0
    if state == NOISE:
        return config["noise_model"]["training"]["epochs"]
    base, epoch = split_name(state)
    return epoch if base == NOISE else None


def sized_target(config: dict, target: str, size: int) -> str:
    """A target's name at `size` pixels: itself at the config's image_size, else <target>@<size>."""
    return target if size == config["image_size"] else f"{target}{AT}{size}"


def target_size(config: dict, target: str) -> int:
    """The side a (possibly sized) target is prepared at."""
    return split_name(target)[1] or config["image_size"]


def target_name(target: str) -> str:
    """The name under targets: of a (possibly sized) target."""
    return split_name(target)[0]


def figure_image_size(config: dict, figure: str) -> int:
    return config["figures"][figure].get("image_size") or config["image_size"]


def figure_cuts(config: dict, figure: str, model: str) -> list[str]:
    """The cuts of `model` an architecture figure shows: the named cuts at the spec's positions."""
    names = list(ARCHITECTURES[model]["cuts"])
    return [names[i - 1] for i in config["figures"][figure].get("cuts") or range(1, len(names) + 1)]


def epoch_states(config: dict) -> list[str]:
    """The noise-label model's states at every epoch it has (canonical names), in epoch order."""
    return [epoch_state(config, e) for e in noise_epochs(config)]


def _beyond_panels(config: dict, figure: str) -> list[Inversion]:
    spec = config["figures"][figure]
    if spec["kind"] == ARCHITECTURES_KIND:
        target = sized_target(config, spec["target"], figure_image_size(config, figure))
        return [
            Inversion(spec["run"], model, state, target, layer, spec["update"])
            for model in spec["models"]
            for state in spec["states"]
            for layer in figure_cuts(config, figure, model)
        ]
    arch = noise_arch(config)
    return [
        Inversion(spec["run"], arch, state, spec["target"], layer, spec["update"])
        for state in epoch_states(config)
        for layer in spec["layers"]
    ]


def image_set_datasets(config: dict, image_set: str) -> list[str]:
    cifar = config["image_sets"][image_set].get("cifar")
    return [cifar["dataset"]] if cifar else []


def activation_jobs(config: dict, figure: str) -> list[Activations]:
    """The activation files a representations figure reads (available states only), each once:
    noise_model.arch in the figure's states and at every epoch, each of `models` in each
    architecture state the figure lists."""
    spec = config["figures"][figure]
    missing = missing_states(config, figure)
    arch, wanted = noise_arch(config), []
    wanted += [(arch, canonical_state(config, s)) for s in [*spec["states"], *epoch_states(config)]]
    wanted += [(model, s) for s in spec["states"] if s in ARCHITECTURE_STATES for model in spec["models"]]
    jobs = dict.fromkeys(Activations(spec["image_set"], m, s) for m, s in wanted if s not in missing)
    return list(jobs)


def representation_states(config: dict, figure: str) -> dict[str, list[str]]:
    """What a representations figure compares, available states only: `within` (heat maps of
    noise_model.arch per state), `epochs` (its states in epoch order) and `architectures` (the
    states in which every model of `models` is compared)."""
    spec, missing = config["figures"][figure], missing_states(config, figure)
    keep = lambda states: [s for s in dict.fromkeys(canonical_state(config, s) for s in states) if s not in missing]  # noqa: E731
    return {
        "within": keep(spec["states"]),
        "epochs": keep(epoch_states(config)),
        "architectures": keep([s for s in spec["states"] if s in ARCHITECTURE_STATES]),
    }


def used_activations(config: dict) -> list[Activations]:
    seen: dict[Activations, None] = {}
    for name in made_of_kind(config, REPRESENTATIONS_KIND):
        seen.update(dict.fromkeys(activation_jobs(config, name)))
    return list(seen)


def image_set_targets(config: dict) -> list[str]:
    """Targets the activation jobs load themselves (the noisy copies of an image set)."""
    names = {job.image_set for job in used_activations(config)}
    return sorted({config["image_sets"][n]["copies"]["target"] for n in names if config["image_sets"][n].get("copies")})


def activation_resources(config: dict, image_set: str) -> dict[str, int]:
    """Memory: the reduced activations of every cut (exact: the whole layers, float32, for a
    VGG-sized model: about 40 values per input pixel over the five cuts); runtime: forwards
    are quick, the reduction and the Gram matrices dominate; generous on purpose."""
    spec = config["image_sets"][image_set]
    rows = image_set_rows(spec)
    reduce = spec.get("reduce") or {"method": "exact"}
    per_row = 40 * 3 * spec["image_size"] ** 2 if reduce["method"] == "exact" else 5 * reduce["features"]
    return {"mem_mb": int(BASE_MB + rows * per_row * 4 / 1e6 + 8 * rows * rows * 5 / 1e6), "runtime": int(30 + rows / 50)}


def representation_resources(config: dict, figure: str) -> dict[str, int]:
    """The comparisons: one n x n Gram matrix per cut and activation file, the bootstrap's draws
    in chunks; runtime from the number of pairs and draws at n = rows."""
    spec = config["figures"][figure]
    rows = image_set_rows(config["image_sets"][spec["image_set"]])
    files = len(activation_jobs(config, figure))
    pairs = (5 * len(spec["models"])) ** 2 + 25 * files
    return {
        "mem_mb": int(BASE_MB + 8 * rows * rows * (5 * files + 64) / 1e6),
        "runtime": int(30 + pairs * spec["bootstrap"] * (rows / 1000) ** 2 / 2000),
    }


def image_set_rows(spec: dict) -> int:
    """How many images an image set holds (probe images and noisy copies)."""
    copies = spec.get("copies") or {}
    cifar = spec.get("cifar") or {}
    return spec.get("photos", 0) + spec.get("noise", 0) + cifar.get("images", 0) + len(copies.get("sigmas", [])) * copies.get("count", 0)


def _check_size(where: str, model: str, size: int, imagenet: bool) -> None:
    entry = ARCHITECTURES[model]
    if size < entry["min_image_size"]:
        raise PlanError(f"{where}: {model} needs images of at least {entry['min_image_size']}x{entry['min_image_size']} pixels; got {size}")
    if imagenet and entry["imagenet_image_size"] and size != entry["imagenet_image_size"]:
        trained = entry["imagenet_image_size"]
        raise PlanError(
            f"{where}: {model} with ImageNet weights works only at {trained}x{trained} pixels; got {size} "
            "(give the figure that image_size, or leave out the imagenet state)"
        )
    if entry["size_step"] and size % entry["size_step"]:
        raise PlanError(f"{where}: {model} is built for a multiple of {entry['size_step']} pixels only (its patch size); got {size}")


def _check_models(where: str, models: list[str]) -> None:
    for model in models:
        if model not in ARCHITECTURES:
            raise PlanError(f"{where}.models: unknown model {model!r}; any torchvision classification model: {sorted(ARCHITECTURES)}")


def _check_beyond(config: dict) -> None:
    """The architecture, epoch and representation figures, and the image sets they name."""
    for name, spec in config["figures"].items():
        where, kind = f"figures.{name}", spec["kind"]
        if kind not in (ARCHITECTURES_KIND, EPOCHS_KIND, REPRESENTATIONS_KIND):
            continue
        if kind in (EPOCHS_KIND, REPRESENTATIONS_KIND) and not config.get("noise_model"):
            raise PlanError(f"{where}: a figure of kind {kind} needs the noise_model: settings")
        if "run" in spec and spec["run"] not in config["runs"]:
            raise PlanError(f"{where}.run: {spec['run']!r} is not defined under runs: ({sorted(config['runs'])})")
        if "target" in spec and spec["target"] not in config["targets"]:
            raise PlanError(f"{where}.target: {spec['target']!r} is not defined under targets: ({sorted(config['targets'])})")
        if kind == EPOCHS_KIND:
            arch = noise_arch(config)
            for layer in spec["layers"]:
                if layer not in ARCHITECTURES[arch]["cuts"]:
                    raise PlanError(
                        f"{where}.layers: {arch} (noise_model.arch) has no cut {layer!r}; choose from {list(ARCHITECTURES[arch]['cuts'])}"
                    )
            continue
        _check_models(where, spec["models"])
        if kind == ARCHITECTURES_KIND:
            _check_states(config, where, spec["states"], spec["models"])
            size = figure_image_size(config, name)
            for model in spec["models"]:
                _check_size(f"{where}.image_size", model, size, "imagenet" in spec["states"] and not unavailable_reason(config, "imagenet"))
            continue
        if spec["image_set"] not in (config.get("image_sets") or {}):
            raise PlanError(
                f"{where}.image_set: {spec['image_set']!r} is not defined under image_sets: ({sorted(config.get('image_sets') or {})})"
            )
        _check_states(config, where, spec["states"], [noise_arch(config)])
        image_set = config["image_sets"][spec["image_set"]]
        imagenet = "imagenet" in spec["states"] and not unavailable_reason(config, "imagenet")
        for model in dict.fromkeys([*spec["models"], noise_arch(config)]):
            _check_size(f"image_sets.{spec['image_set']}.image_size", model, image_set["image_size"], imagenet)
    for name, image_set in (config.get("image_sets") or {}).items():
        copies = image_set.get("copies")
        if copies and copies["target"] not in config["targets"]:
            raise PlanError(
                f"image_sets.{name}.copies.target: {copies['target']!r} is not defined under targets: ({sorted(config['targets'])})"
            )
        if image_set.get("cifar") and image_set["cifar"]["dataset"] not in ("cifar10", "cifar100"):
            raise PlanError(f"image_sets.{name}.cifar.dataset: choose cifar10 or cifar100")
        if image_set_rows(image_set) - len((copies or {}).get("sigmas", [])) * (copies or {}).get("count", 0) < 3:
            raise PlanError(f"image_sets.{name}: compare layers on at least 3 images (photos + noise + cifar images)")
    for block in ("noise_model", "cifar"):
        training = (config.get(block) or {}).get("training") or {}
        late = [e for e in training.get("keep_epochs") or [] if e > training["epochs"]]
        if late:
            raise PlanError(f"{block}.training.keep_epochs: {late} lie after the last epoch ({training['epochs']})")
    if ((config.get("autoencoder") or {}).get("training") or {}).get("keep_epochs"):
        raise PlanError("autoencoder.training.keep_epochs: no figure uses the autoencoder's kept epochs; remove the setting")


def representation_comparisons(config: dict, figure: str) -> dict[str, list]:
    """What the representation tables compare, as experiments.representations takes it:
    within [[model, state]] (heat maps), states [[model, state]] (the first the reference:
    the untrained model, then every epoch and the figure's other states), architectures
    [[model, state]] (all with all), epochs [[model, state, epoch]] (the spectrum)."""
    spec, arch, states = config["figures"][figure], noise_arch(config), representation_states(config, figure)
    reference = [*states["epochs"], *(s for s in states["within"] if s not in states["epochs"])]
    return {
        "within": [[arch, s] for s in states["within"]],
        "states": [[arch, s] for s in reference],
        "architectures": [[m, s] for s in states["architectures"] for m in spec["models"]],
        "epochs": [[arch, s, state_epoch(config, s)] for s in states["epochs"]],
    }


def epoch_numbers(config: dict) -> dict[str, int]:
    """{state: epoch} of the noise-label model's states (canonical names)."""
    return {epoch_state(config, e): e for e in noise_epochs(config)}


# ---- the blog posts' figures (issue 15) ----------------------------------------------------
# "Autoencoders: learning by copying": one training job, one experiment job and one drawing job
# for all the autoencoder figures of a preset. Input Generation III: one experiment job per
# training state (the parts its figures need), one drawing job for all its figures.
AUTOENCODER_KINDS = ("autoencoder_denoising", "autoencoder_layers", "autoencoder_walk")
SIMILARITY_KINDS = ("class_representations", "mimicry", "model_merging")
# The parts of the similarity job each figure kind needs (mimicry and merging start from
# model 2's class representations, part "classes").
SIMILARITY_PARTS = {"class_representations": ["classes"], "mimicry": ["classes", "mimicry"], "model_merging": ["classes", "merging"]}
PHOTOS = "photos"


def autoencoder_source(config: dict) -> str:
    """The autoencoder's data: "cifar10" (CIFAR-10 at 32 x 32) or "photos" (patches of the
    scikit-image photos). `auto` takes CIFAR-10 when the run can have it: the config has cifar:
    settings and cifar.unavailable does not list cifar10."""
    source = config["autoencoder"]["data"]["source"]
    if source != "auto":
        return source
    cifar = config.get("cifar")
    return "cifar10" if cifar and "cifar10" not in (cifar.get("unavailable") or {}) else PHOTOS


def autoencoder_missing(config: dict) -> dict[str, str]:
    """{cifar10: reason} when the autoencoder must train on CIFAR-10 and the run cannot have it."""
    if config["autoencoder"]["data"]["source"] != "cifar10":
        return {}
    why = ((config.get("cifar") or {}).get("unavailable") or {}).get("cifar10")
    return {"cifar10": why} if why else {}


def autoencoder_image_size(config: dict) -> int:
    return 32 if autoencoder_source(config) == "cifar10" else config["autoencoder"]["data"]["photos"]["size"]


def describe_autoencoder_data(config: dict) -> str:
    """What the autoencoder trains and is evaluated on, for captions and the summary."""
    data = config["autoencoder"]["data"]
    if autoencoder_source(config) == "cifar10":
        train = data["cifar"]["train"]
        return f"CIFAR-10 at 32x32 ({f'the first {train:,}' if train else 'all 50,000'} training images; the first {data['cifar']['held_out']} test images held out)"
    photos = data["photos"]
    return (
        f"{photos['size']}x{photos['size']} patches of the scikit-image photos {', '.join(photos['names'])} (short side resized to "
        f"{photos['side']} px): {photos['train']:,} for training from the left {1 - photos['held_out_fraction']:.0%} of each photo, "
        f"{photos['held_out']} held out from the right {photos['held_out_fraction']:.0%}"
    )


def autoencoder_data_settings(config: dict) -> dict:
    """What the autoencoder's jobs need to make its data (experiments.autoencoder.load_data):
    only the settings of the source in use, so that the other's settings rerun nothing."""
    data, source = config["autoencoder"]["data"], autoencoder_source(config)
    if source == "cifar10":
        return {"source": source, **data["cifar"], "root": config["cifar"]["root"], "verify": config["cifar"]["verify"]}
    return {"source": source, **data["photos"]}


def autoencoder_settings_line(config: dict) -> str:
    """What the autoencoder figures ran, for their titles: data, model and training."""
    settings = config["autoencoder"]
    training = settings["training"]
    return (
        f"data: {describe_autoencoder_data(config)}; hidden widths {settings['widths']}, ReLU, linear output; MSE, Adam lr "
        f"{training['lr']:g}, batch {training['batch_size']}, {training['epochs']} epochs, seed {config['seed']}"
    )


def autoencoder_figures(config: dict) -> list[str]:
    return made_of_kind(config, *AUTOENCODER_KINDS)


def similarity_figures(config: dict) -> list[str]:
    return made_of_kind(config, *SIMILARITY_KINDS)


def similarity_states(config: dict) -> list[str]:
    """The training states the made similarity figures show (one experiment job each)."""
    states = {s for name in similarity_figures(config) for s in available(config, name)}
    return [s for s in known_states(config) if s in states]


def similarity_parts(config: dict) -> list[str]:
    parts = {p for name in similarity_figures(config) for p in SIMILARITY_PARTS[config["figures"][name]["kind"]]}
    return [p for p in ("classes", "mimicry", "merging") if p in parts]


def similarity_targets(config: dict) -> list[str]:
    """The photos the mimicry figure's natural-image version uses (prepared as target tensors)."""
    if "mimicry" not in similarity_parts(config):
        return []
    return list(config["model_similarity"]["natural_targets"])


def check_blog(config: dict) -> None:
    """Cross-references of the blog figures: the blocks they need, states, targets, runs, classes."""
    kinds = {spec["kind"] for spec in config["figures"].values()}
    if kinds & set(AUTOENCODER_KINDS):
        if "autoencoder" not in config:
            raise PlanError("a figure of kind autoencoder_* needs the autoencoder: settings (data, widths, training)")
        size = 3 * autoencoder_image_size(config) ** 2
        narrow = [w for w in config["autoencoder"]["widths"] if w <= size]
        if narrow:
            raise PlanError(
                f"autoencoder.widths: {narrow} not wider than the 3x{autoencoder_image_size(config)}x{autoencoder_image_size(config)} "
                f"= {size} input; the post's autoencoder is overcomplete (every hidden layer wider than its input)"
            )
        if autoencoder_source(config) == "cifar10" and "cifar" not in config:
            raise PlanError("autoencoder.data.source: cifar10 needs the cifar: settings (root, verify)")
    for name, spec in figures_of_kind(config, "autoencoder_layers").items():
        if spec["run"] not in config["runs"]:
            raise PlanError(f"figures.{name}.run: {spec['run']!r} is not defined under runs: ({sorted(config['runs'])})")
        held_out = _autoencoder_held_out(config)
        if spec["image"] >= held_out:
            raise PlanError(f"figures.{name}.image: {spec['image']} is not one of the {held_out} held-out images (counted from 0)")
    for name, spec in figures_of_kind(config, "autoencoder_denoising").items():
        if spec["examples"] > _autoencoder_held_out(config):
            raise PlanError(f"figures.{name}.examples: {spec['examples']} is more than the {_autoencoder_held_out(config)} held-out images")
    similarity = {name: spec for name, spec in config["figures"].items() if spec["kind"] in SIMILARITY_KINDS}
    if similarity and "model_similarity" not in config:
        raise PlanError("a figure of kind class_representations, mimicry or model_merging needs the model_similarity: settings")
    for name, spec in similarity.items():
        _check_states(config, f"figures.{name}", spec["states"], [])
        if any(split_name(state)[0] == NOISE for state in spec["states"]):
            raise PlanError(f"figures.{name}.states: the noise state is a ResNet50 of Sec 5, not a pair of ImageNet classifiers")
    if similarity:
        settings = config["model_similarity"]
        for target in settings["natural_targets"]:
            if target not in config["targets"]:
                raise PlanError(f"model_similarity.natural_targets: {target!r} is not defined under targets: ({sorted(config['targets'])})")
        if settings["merging"]["class"] not in settings["classes"]:
            raise PlanError(
                f"model_similarity.merging.class: {settings['merging']['class']} is not one of model_similarity.classes {settings['classes']} "
                "(merging starts from model 2's representation of it)"
            )
        for kind, loss in settings["losses"].items():
            models = 1 if kind in ("model1", "model2") else 2
            if len(loss["weights"]) != models or len(loss["constants"]) != models:
                raise PlanError(f"model_similarity.losses.{kind}: give {models} weight(s) and {models} constant(s), one per model")


def _autoencoder_held_out(config: dict) -> int:
    data = config["autoencoder"]["data"]
    return data["cifar"]["held_out"] if autoencoder_source(config) == "cifar10" else data["photos"]["held_out"]


def similarity_weights(config: dict, state: str) -> list[str]:
    """The ImageNet checkpoints a similarity job of `state` reads (none untrained)."""
    models = config["model_similarity"]["models"]
    return [paths.IMAGENET_MODEL.format(model=m) for m in models] if state == "imagenet" else []


def blog_caption_fields(config: dict, spec: dict) -> dict[str, str]:
    """Caption placeholders of the blog figures: {widths}, {data}, {input_size}, {epochs} (the
    autoencoder's); {models}, {classes} (the model-similarity settings)."""
    if spec["kind"] in AUTOENCODER_KINDS and "autoencoder" in config:
        side = autoencoder_image_size(config)
        return {
            "widths": _said("widths", config["autoencoder"]["widths"]),
            "data": describe_autoencoder_data(config),
            "input_size": _said("input_size", 3 * side**2),
            "image_size": str(side),
            "epochs": str(config["autoencoder"]["training"]["epochs"]),
        }
    if spec["kind"] in SIMILARITY_KINDS and "model_similarity" in config:
        settings = config["model_similarity"]
        return {
            "models": " and ".join(_said("models", m).replace("googlenet", "GoogLeNet") for m in settings["models"]),
            "classes": _said("classes", settings["classes"]),
        }
    return {}


def autoencoder_resources(config: dict) -> dict[str, int]:
    """Training the autoencoder: its weights with Adam's two moments and gradients (4 copies) and
    the data as uint8; runtime from about 6 x weights operations per image and epoch at a
    modest 2e12 a second (a GPU), generous on purpose."""
    settings = config["autoencoder"]
    size = 3 * autoencoder_image_size(config) ** 2
    sizes = [size, *settings["widths"], size]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    images = 50_000 if autoencoder_source(config) == "cifar10" else settings["data"]["photos"]["train"]
    work = 6 * weights * images * settings["training"]["epochs"]
    return {"mem_mb": int(BASE_MB + 16 * weights / 1e6 + images * size / 1e6), "runtime": int(30 + work / 2e12 / 60)}


def autoencoder_experiment_runtime(config: dict) -> int:
    """The autoencoder figures' job: every layer of two autoencoders inverted (candidates x
    iterations steps each, about 3 x weights operations a step), generous at 1e11 a second."""
    settings = config["autoencoder"]
    size = 3 * autoencoder_image_size(config) ** 2
    sizes = [size, *settings["widths"], size]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    steps = 0
    for name in figures_of_kind(config, "autoencoder_layers"):
        run = config["runs"][config["figures"][name]["run"]]
        steps += 2 * len(sizes) * run["iterations"] * len(run["lr_candidates"])
    return int(30 + 3 * weights * steps / 1e11 / 60)


def similarity_settings_line(config: dict) -> str:
    """What the similarity figures ran, for their titles: models, classes, octaves, losses."""
    settings = config["model_similarity"]
    octaves = settings["octaves"]
    stages = "; ".join(
        f"{o['iterations']} at {o['size']} px"
        + (f" on {o['crop']} px crops" if o.get("crop") not in (None, o["size"]) else "")
        + f", lr {_schedule(o['lr'])}, blur {_schedule(o['blur'])}"
        for o in octaves["octaves"]
    )
    losses = ", ".join(f"{k} {v['scale']:g} x {v['weights']} (C {v['constants']})" for k, v in settings["losses"].items())
    return (
        f"octaves ({octaves['step']} step; a_0 ~ N({octaves['init_mean']:g}, {octaves['init_std']:g})): {stages}; class losses: {losses}; "
        f"mimicry {settings['mimicry_scale']:g} L1; merging: class {settings['merging']['class']}, {settings['merging']['steps']} SGD steps, "
        f"lr {settings['merging']['lr']:g}; seed {config['seed']}"
    )


def similarity_resources(config: dict) -> dict[str, int]:
    """A similarity job: two ImageNet classifiers, a batch of a few images at the largest octave
    size (ResNet50 keeps about 100 MB of activations per 224 x 224 image); runtime from the
    images generated and the merging steps at about 20 problem-steps a second at 224 x 224."""
    settings = config["model_similarity"]
    octaves = settings["octaves"]["octaves"]
    pixels = max(o["size"] for o in octaves) ** 2 / 224**2
    images = 5 * len(settings["classes"]) + len(settings["natural_targets"]) + 2
    steps = images * sum(o["iterations"] for o in octaves) + settings["merging"]["steps"]
    return {"mem_mb": int(BASE_MB + 100 * 2 * len(settings["classes"]) * pixels), "runtime": int(30 + steps * pixels / 20 / 60)}
