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
    if spec["kind"] in AUTOENCODER_KINDS:
        return autoencoder_missing(config)
    states = spec.get("states", [])
    return {s: unavailable_reason(config, s) for s in states if unavailable_reason(config, s)}


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
    if spec["kind"] in RESNET_FIGURE_KINDS:
        empty = not jobs(config, figure)
    else:
        empty = spec["kind"] not in MLP_KINDS and not available(config, figure)
    if empty:
        what = "data" if spec["kind"] in ("sec7", *AUTOENCODER_KINDS) else "weights"
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
    """A Sec 7 classifier: the dataset as uint8 (CIFAR: 60,000 images of 3 x 32 x 32) and the
    largest model with Adam's two moments (4 copies of its float32 weights); runtime from the
    epochs at a few thousand images a second, generous on purpose."""
    cifar = config["cifar"]
    images = sum(limit or full for limit, full in zip(cifar["limits"], (50_000, 10_000)))
    weights = max(_classifier_parameters(spec) for spec in cifar["architectures"].values())
    passes = cifar["training"]["epochs"] * images * (2 if cifar["training"].get("evaluate_train") else 1)
    return {"mem_mb": int(BASE_MB + images * 3072 / 1e6 + 16 * weights / 1e6), "runtime": int(30 + passes / 2000 / 60)}


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
        if NOISE in spec["states"]:
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
