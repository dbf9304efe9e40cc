"""The model-similarity job of one training state (Input Generation III, issue 15): from the
settings the rules pass, the parts its figures need (drawn by depthrep.plotting.blog)."""

from __future__ import annotations

import pandas as pd
import torch

from ..engine import OctaveDescent
from ..experiments import model_similarity as similarity
from ..experiments.mlp_sweeps import FigureData
from ..models import vision


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
    model1, model2 = (vision.load(m, weights.get(m, state), seed).to(device) for m in settings["models"])
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
