"""The blog posts' jobs (issue 15), from the settings the rules pass to the experiments:
the autoencoder's data, the autoencoder figures' tables and images, and the model-similarity
parts of one training state. (Drawn by depthrep.plotting.blog.)"""

from __future__ import annotations

import pandas as pd
import torch

from ..engine import Descent, OctaveDescent
from ..experiments import autoencoder as ae
from ..experiments import model_similarity as similarity
from ..experiments.mlp_sweeps import FigureData
from ..models.logits import load_logits_model


def autoencoder_data(data: dict, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(training images, held-out images), uint8, from plan.autoencoder_data_settings."""
    if data["source"] == "cifar10":
        return ae.cifar_images(data["root"], data["train"], data["held_out"], verify=data["verify"])
    photos = {k: v for k, v in data.items() if k != "source"}
    return ae.photo_patches(ae.PhotoPatches(**photos, seed=seed))


def autoencoder_figures(
    specs: dict[str, dict],
    runs: dict[str, dict],
    model_path: str,
    data: dict,
    widths: list[int],
    seed: int,
    shift_std: float,
    device: torch.device | str = "cpu",
) -> dict[str, FigureData]:
    """Every autoencoder figure's table and images: {figure: FigureData}."""
    _, held_out = autoencoder_data(data, seed)
    clean = ae.as_float(held_out)
    shape = tuple(clean.shape[1:])
    trained = ae.load_autoencoder(model_path, shape, widths, seed).to(device)
    untrained = ae.load_autoencoder(None, shape, widths, seed).to(device)
    out = {}
    for name, spec in specs.items():
        if spec["kind"] == "autoencoder_denoising":
            out[name] = ae.denoising(
                {"trained": trained, "untrained": untrained, "identity": None},
                clean,
                spec["sigmas"],
                noise_mean=spec["noise_mean"],
                noise_weight=spec["noise_weight"],
                combine=spec["combine"],
                examples=spec["examples"],
                seed=seed,
                device=device,
            )
        elif spec["kind"] == "autoencoder_layers":
            descent = Descent.of(runs[spec["run"]], where=f"runs.{spec['run']}")
            image = clean[spec["image"]]
            out[name] = ae.layer_inversions({"trained": trained, "untrained": untrained}, image, descent, shift_std, seed, device)
        elif spec["kind"] == "autoencoder_walk":
            out[name] = ae.manifold_walk(
                {"trained": trained, "untrained": untrained},
                shape,
                steps=spec["steps"],
                start_mean=spec["start_mean"],
                start_std=spec["start_std"],
                examples=spec["examples"],
                seed=seed,
                device=device,
            )
        else:
            raise ValueError(f"figure {name}: {spec['kind']!r} is not an autoencoder figure kind")
    return out


def similarity_parts(
    state: str,
    weights: dict[str, str],
    settings: dict,
    parts: list[str],
    photos: dict[str, torch.Tensor],
    seed: int,
    device: torch.device | str = "cpu",
) -> tuple[dict[str, FigureData], dict]:
    """The model-similarity parts ("classes", "mimicry", "merging") of one training state:
    ({part: FigureData}, every image under "<part>/<key>").

    weights: {model: checkpoint} for a trained state (none when untrained)."""
    model1, model2 = (load_logits_model(m, weights.get(m, state), seed).to(device) for m in settings["models"])
    descent = OctaveDescent.of(settings["octaves"], where="model_similarity.octaves")
    losses = {kind: similarity.ClassLoss(**loss) for kind, loss in settings["losses"].items()}
    classes = list(settings["classes"])
    out = {"classes": similarity.class_representations(model1, model2, classes, descent, losses, seed)}
    representations = out["classes"].images
    if "mimicry" in parts:
        sources = {f"class/{c}": representations[f"model2/{c}"] for c in classes}
        mimic = similarity.mimicry(model1, sources, descent, settings["mimicry_scale"], "mimic_class", seed)
        sources_photos = {f"photo/{name}": image for name, image in photos.items()}
        natural = similarity.mimicry(model1, sources_photos, descent, settings["mimicry_scale"], "mimic_photo", seed) if photos else None
        tables = [mimic.table.assign(kind="class")]
        images = {**mimic.images, **{f"source/{k}": v for k, v in sources.items()}}
        if natural is not None:
            tables.append(natural.table.assign(kind="photo"))
            images.update({**natural.images, **{f"source/{k}": v for k, v in sources_photos.items()}})
        out["mimicry"] = FigureData(pd.concat(tables, ignore_index=True), images)
    if "merging" in parts:
        cls = settings["merging"]["class"]
        out["merging"] = similarity.merging(
            model1,
            model2,
            representations[f"model2/{cls}"],
            cls,
            descent,
            losses["model1"],
            steps=settings["merging"]["steps"],
            lr=settings["merging"]["lr"],
            seed=seed,
        )
    images = {f"{part}/{key}": image for part, data in out.items() for key, image in data.images.items()}
    return {part: out[part] for part in parts if part in out}, images
