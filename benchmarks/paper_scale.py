"""The GPU path at the paper's scale, and how long each kind of job takes there.

    python benchmarks/paper_scale.py [--quick]

Runs on CUDA when there is one (else the CPU, slowly), with the config's settings:
  1. a ResNet inversion job as the pipeline runs it (ResNet50 untrained, Conv5, 299x299, the
     `fixed` run: 500 iterations, 5 learning-rate candidates, blur), twice, to time it and to
     check that deterministic mode gives identical results run to run;
  2. the noise-label training: images per second over a few hundred images at 224x224,
     batch 128, and the time the config's 90 epochs of 10,000 images would take;
  3. Fig 6 at the paper's scale (3x29x29 input, widths 1000..5000, 500 iterations), timed,
     with its m_i per width; and Fig 7's cost per iteration, for its 200,000-iteration runs;
  4. Fig S2's exact inversion (float64) of the 2523-wide square MLP.
Prints one line per measurement; what it prints is what the README reports.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
import yaml

from depthrep.engine import Descent
from depthrep.experiments import noise_labels
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.images import load_image
from depthrep.models.vision import load
from depthrep.pipeline import mlp_figures, runtime
from depthrep.training.fit import TrainSettings, fit

ROOT = Path(__file__).resolve().parents[1]


def timed(function, *args, **kwargs):
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = function(*args, **kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return result, time.perf_counter() - start


def resnet_inversion(config: dict, device: torch.device, iterations: int) -> None:
    descent = Descent.of({**config["runs"]["fixed"], "iterations": iterations})
    image = load_image("sample:chelsea", config["image_size"], config["resize"])
    model = load("resnet50", "untrained", seed=config["seed"]).to(device)
    embedded = embed_target(model, "resnet50", image, config["shift_std"], config["seed"], device)
    results = []
    for attempt in (1, 2):
        (rows, _, inputs), seconds = timed(invert_layer, model, "resnet50", "conv5", embedded, descent, "blur", device, seed=config["seed"])
        results.append(inputs)
        row = rows[0]
        print(
            f"resnet50 conv5 299x299 blur, {iterations} iterations x {len(descent.lr_candidates)} candidates "
            f"(try {attempt}): {seconds:.1f} s; lr {row['lr']}, m_g {row['m_g']:.4g}, m_s {row['m_s']:.4g}, m_i {row['m_i']:.4g}"
        )
    same = all(torch.equal(a, b) for a, b in zip(results[0].values(), results[1].values(), strict=False) if isinstance(a, torch.Tensor))
    print(f"deterministic mode, two runs identical: {same}")


def noise_training(config: dict, device: torch.device, images: int) -> None:
    noise = config["noise_model"]
    data = noise_labels.NoiseSettings(**{**noise["data"], "images": images}, seed=config["seed"])
    settings = TrainSettings(**{**noise["training"], "epochs": 1, "evaluate_train": False}, seed=config["seed"])
    model = noise_labels.untrained_model(noise["arch"], data, settings.seed)
    _, seconds = timed(fit, model, noise_labels.NoiseImages(data), settings, None, device=device, workers=noise["workers"])
    rate = images / seconds
    full = noise["training"]["epochs"] * noise["data"]["images"] * (2 if noise["training"]["evaluate_train"] else 1) / rate
    print(
        f"noise-label {noise['arch']} {data.image_size}x{data.image_size}, batch {settings.batch_size}: {rate:.0f} images/s "
        f"(one epoch of {images}, warm-up included); the config's {noise['training']['epochs']} epochs x "
        f"{noise['data']['images']} images (with the evaluation pass) would take about {full / 60:.0f} min"
    )


def mlp_figure(config: dict, figure: str, device: torch.device, **changes):
    """One MLP figure's experiment at the config's settings (the run's fields changed by `changes`)."""
    spec = config["figures"][figure]
    descent = Descent.of({**config["runs"][spec["run"]], **{k: v for k, v in changes.items() if k in Descent.fields()}})
    spec = {**spec, **{k: v for k, v in changes.items() if k not in Descent.fields()}}
    image = load_image("sample:chelsea", spec["image_size"], "squash")
    return timed(mlp_figures.compute, spec, image, descent, config["seed"], config["shift_std"], device)


def mlp_figures_at_scale(config: dict, device: torch.device, fig7_iterations: int) -> None:
    data, seconds = mlp_figure(config, "fig6", device)
    final = data.table[data.table.iteration == data.table.iterations]
    print(
        f"fig6 (widths {list(final.width)}, 500 iterations): {seconds:.1f} s; "
        "m_i " + ", ".join(f"{w}: {m:.3g}" for w, m in zip(final.width, final.m_i, strict=False))
    )
    data, seconds = mlp_figure(config, "fig7", device, iterations=fig7_iterations, widths=[3000])
    per_iteration = seconds / fig7_iterations
    print(
        f"fig7 width 3000: {per_iteration * 1e3:.2f} ms per iteration; the config's 3 widths x 200,000 iterations "
        f"would take about {3 * 200_000 * per_iteration / 60:.0f} min"
    )
    data, seconds = mlp_figure(config, "figS2", device)
    errors = data.table[data.table.quantity == "recovery_error"].set_index("dtype").value
    print(
        f"figS2 (float64, {config['figures']['figS2']['draws']} draws): {seconds:.1f} s; "
        f"recovery error float64 {errors['float64']:.3g}, float32 {errors['float32']:.3g}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and images (a smoke test of this script)")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    device = runtime.configure(config["deterministic"], None, config["device"])
    print(f"device: {runtime.provenance(device)}")
    resnet_inversion(config, device, 20 if args.quick else config["runs"]["fixed"]["iterations"])
    noise_training(config, device, 64 if args.quick else 1280)
    mlp_figures_at_scale(config, device, 200 if args.quick else 5000)


if __name__ == "__main__":
    main()
