"""From the validated config to the jobs each figure needs.

The Snakemake rules ask this module which inversions a figure needs, which figures a preset
can make and why the others are left out; keeping it here makes it testable without Snakemake.

Vocabulary
    target  a named input image ("dalmatian"); its source may be a stand-in in a reduced preset
    state   the training state of a model: untrained, imagenet, or noise (the checkpoint of
            the noise-label model that the pipeline trains, see `noise_model:`)
    update  "plain" (eq. 4) or "blur" (eq. 5)
    run     a named block of inversion settings (iterations, learning rates, ...) under `runs:`
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..models import LAYER_NAMES, RESNET_NAMES
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
    """One inversion job: all seeds and learning-rate candidates of it run in one batch."""

    run: str
    model: str
    state: str
    target: str
    layer: str
    update: str

    def _fill(self, pattern: str) -> str:
        return pattern.format(
            run=self.run, model=self.model, state=self.state, target=self.target, layer=self.layer, update_rule=self.update
        )

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
        for model in spec["models"]:
            if model not in RESNET_NAMES:
                raise PlanError(f"{where}.models: unknown model {model!r}; choose from {sorted(RESNET_NAMES)}")
        for layer in spec["layers"]:
            if layer not in LAYER_NAMES:
                raise PlanError(f"{where}.layers: unknown layer {layer!r}; choose from {list(LAYER_NAMES)}")
        _check_states(config, where, spec["states"], spec["models"])
    for name in config["figures"]:  # last: a caption may name any setting checked above
        caption(config, name)


def _check_states(config: dict, where: str, states: list[str], models: list[str]) -> None:
    for state in states:
        if state not in known_states(config):
            raise PlanError(f"{where}.states: unknown training state {state!r}; choose from {known_states(config)}")
        arch = config["noise_model"]["arch"] if state == NOISE else None
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
    return ["untrained", "imagenet", *([NOISE] if config.get("noise_model") else [])]


def kernels_model(config: dict) -> str:
    """The ResNet whose Conv1 kernels Fig S5 shows: the architecture of the noise-label model."""
    return (config.get("noise_model") or {}).get("arch", "resnet50")


def panels(config: dict, figure: str) -> list[Inversion]:
    """Every inversion the figure shows, available or not, in display order."""
    spec = config["figures"][figure]
    combos = itertools.product(spec["models"], spec["states"], spec["targets"], spec["updates"], spec["layers"])
    return [Inversion(spec["run"], m, s, t, layer, u) for m, s, t, u, layer in combos]


def missing_states(config: dict, figure: str) -> dict[str, str]:
    """{state or dataset: reason} for what this figure needs that the preset cannot provide."""
    spec = config["figures"][figure]
    if spec["kind"] == "sec7":
        unavailable = config["cifar"].get("unavailable") or {}
        return {d: unavailable[d] for d in config["cifar"]["datasets"] if d in unavailable}
    states = spec.get("states", [])
    return {s: unavailable_reason(config, s) for s in states if unavailable_reason(config, s)}


def available(config: dict, figure: str) -> list[str]:
    """The states (or, for sec7, the datasets) of a figure that this preset can provide."""
    missing = missing_states(config, figure)
    spec = config["figures"][figure]
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
    if spec["kind"] in RESNET_FIGURE_KINDS:
        empty = not jobs(config, figure)
    else:
        empty = spec["kind"] not in MLP_KINDS and not available(config, figure)
    if empty:
        what = "data" if spec["kind"] == "sec7" else "weights"
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
    for name in made_figures(config):
        if name in resnet_figures(config):
            seen.update(dict.fromkeys(jobs(config, name)))
    return list(seen)


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
    models |= {kernels_model(config) for name in made_of_kind(config, "kernels") if state in available(config, name)}
    return sorted(models)


def used_datasets(config: dict) -> list[str]:
    """The CIFAR datasets the Sec 7 figures of this preset train on."""
    return sorted({d for name in made_of_kind(config, "sec7") for d in available(config, name)})


# Resources to ask a scheduler for, scaled with the preset, so that a small preset fits a small
# node and the paper's settings get what they need. Memory in MB of host memory; runtime in
# minutes. BASE_MB covers Python, PyTorch and a model the size of a ResNet152.
BASE_MB = 3000


def inversion_resources(config: dict, run: str) -> dict[str, int]:
    """Memory grows with the pixels of the batch (seeds x candidates) that the job keeps; runtime
    with iterations x pixels x batch. Generous for a ResNet152 on one GPU at 299 x 299."""
    settings = config["runs"][run]
    batch = len(settings["seeds"]) * len(settings["lr_candidates"])
    pixels = (config["image_size"] / 299) ** 2
    return {"mem_mb": int(BASE_MB + 400 * batch * pixels), "runtime": int(30 + settings["iterations"] * batch * pixels / 100)}


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
    if "image_size" in spec:
        fields["input_size"] = _said("input_size", 3 * spec["image_size"] ** 2)
    fields["arch"] = _said("models", kernels_model(config))
    if spec["kind"] == "sec7":
        fields["datasets"] = _said("datasets", config["cifar"]["datasets"])
    try:
        return spec["caption"].format(**fields)
    except (KeyError, IndexError, ValueError) as err:
        raise PlanError(f"figures.{figure}.caption: cannot fill {err} (a caption names settings in braces: {sorted(fields)})") from err


def _said(key: str, value) -> str:
    """A setting as a caption says it: the paper's names (Conv1, ResNet50, ImageNet-trained),
    lists joined with commas, a single large number with thousands separators."""
    if isinstance(value, list):
        return ", ".join(_said(key, item) for item in value if not isinstance(item, list))
    if key in ("layers", "models") and isinstance(value, str):
        return value.replace("conv", "Conv").replace("resnet", "ResNet")
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
