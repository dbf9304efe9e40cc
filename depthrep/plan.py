"""From the validated config to the jobs each figure needs.

The Snakemake rules ask this module which inversions a figure needs, which figures a preset
can make and why the others are left out; keeping it here makes it testable without Snakemake.

Vocabulary
    target  a named input image ("dalmatian"); its source may be a stand-in in a reduced preset
    state   the training state of a model: untrained, imagenet, or a trained checkpoint (noise)
    update  "plain" (eq. 4) or "blur" (eq. 5)
    run     a named block of inversion settings (iterations, learning rates, ...) under `runs:`
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .models import CUTS, RESNETS

UPDATES = ("plain", "blur")
RESNET_FIGURE_KINDS = ("images", "trajectory")


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

    @property
    def directory(self) -> str:
        return f"results/inversions/{self.run}/{self.model}/{self.state}/{self.target}/{self.layer}_{self.update}"

    @property
    def embeddings(self) -> str:
        return embeddings_path(self.model, self.state, self.target)


def embeddings_path(model: str, state: str, target: str) -> str:
    return f"results/embeddings/{model}/{state}/{target}.pt"


def target_path(target: str) -> str:
    return f"results/targets/{target}.pt"


def resnet_figures(config: dict) -> dict[str, dict]:
    """The figure specs of the ResNet inversion figures (those with a `run`)."""
    return {name: spec for name, spec in config["figures"].items() if "run" in spec}


def unavailable_reason(config: dict, state: str) -> str | None:
    return (config.get("weights_unavailable") or {}).get(state)


def check(config: dict) -> None:
    """Cross-references a JSON schema cannot express; raises PlanError naming the setting."""
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
            if model not in RESNETS:
                raise PlanError(f"{where}.models: unknown model {model!r}; choose from {sorted(RESNETS)}")
        for layer in spec["layers"]:
            if layer not in CUTS:
                raise PlanError(f"{where}.layers: unknown layer {layer!r}; choose from {list(CUTS)}")
        for state in spec["states"]:
            if state not in known_states(config):
                raise PlanError(f"{where}.states: unknown training state {state!r}; choose from {known_states(config)}")


def known_states(config: dict) -> list[str]:
    return ["untrained", "imagenet", *sorted(config.get("checkpoints") or {})]


def panels(config: dict, figure: str) -> list[Inversion]:
    """Every inversion the figure shows, available or not, in display order."""
    spec = config["figures"][figure]
    combos = itertools.product(spec["models"], spec["states"], spec["targets"], spec["updates"], spec["layers"])
    return [Inversion(spec["run"], m, s, t, layer, u) for m, s, t, u, layer in combos]


def missing_states(config: dict, figure: str) -> dict[str, str]:
    """{state: reason} for the states this figure needs that the preset cannot provide."""
    states = config["figures"][figure].get("states", [])
    return {s: unavailable_reason(config, s) for s in states if unavailable_reason(config, s)}


def jobs(config: dict, figure: str) -> list[Inversion]:
    """The inversions the figure can have with this preset (panels of unavailable states left out)."""
    missing = missing_states(config, figure)
    return [job for job in panels(config, figure) if job.state not in missing]


def figure_status(config: dict, figure: str) -> str | None:
    """None if the figure can be made (maybe with panels left out), else why it cannot."""
    spec = config["figures"][figure]
    if not spec.get("enabled", True):
        return "disabled in the config (figures.%s.enabled: false)" % figure
    if "run" in spec and not jobs(config, figure):
        return "; ".join(f"needs {s} weights: {why}" for s, why in missing_states(config, figure).items())
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


def used_targets(config: dict) -> list[str]:
    return sorted({job.target for job in all_inversions(config)})


def used_models(config: dict, state: str) -> list[str]:
    return sorted({job.model for job in all_inversions(config) if job.state == state})


def inversion_resources(config: dict, run: str) -> dict[str, int]:
    """Host memory (MB) and runtime (minutes) to ask a scheduler for, scaled with the preset.

    Memory grows with the pixels of the batch (seeds x candidates) that the job keeps
    alongside the model; runtime with iterations x pixels x batch. The constants are
    generous for a ResNet152 on one GPU at the paper's 299x299 and cover the CPU presets.
    """
    settings = config["runs"][run]
    batch = len(settings["seeds"]) * len(settings["lr_candidates"])
    work = settings["iterations"] * batch * (config["image_size"] / 299) ** 2
    return {"mem_mb": int(4000 + 400 * batch * (config["image_size"] / 299) ** 2), "runtime": int(30 + work / 100)}
