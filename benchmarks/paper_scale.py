"""Each stage of the paper-scale DAG on this device, its speed against the device's peak, and
the projected time of the whole paper-scale run.

    .venv/bin/python benchmarks/paper_scale.py [--quick] [--precision fp32|tf32|bf16] [--peak TFLOPS]

With the paper's config (config.yaml) and the current code, it times
  1. one inversion job of each ResNet at each cut the paper's figures need, as the pipeline
     runs it (layer_inversion.invert_layer: every seed and learning-rate candidate in one
     batch), for a few iterations, and scales each to its run's iterations;
  2. the noise-label training for a fixed number of steps (batch 128 at 224 x 224);
  3. Fig 7 and Fig 8 (the fully connected figures) for a fixed number of iterations;
  4. one Sec 7 epoch of every classifier on data of CIFAR's shape made here;
and prints, for each, its time, the FLOPs it did (counted by torch.utils.flop_counter, which
adds up the multiply-adds of every matrix product and convolution of the forward and the
backward: 2 FLOPs per multiply-add), the achieved TFLOP/s and its fraction of the device's
dense peak for the precision used (a datasheet table for known GPUs; --peak for others; none
for CPUs), then the projected time of the whole paper-scale DAG on this device: every job of
plan.all_inversions at its measured rate, the training, the MLP figures and Sec 7, plus about
5 s of start-up per job. --quick shrinks every stage (for a CPU: minutes, not hours).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import torch
import yaml
from torch.utils.flop_counter import FlopCounterMode

from depthrep import engine
from depthrep.engine import Descent
from depthrep.engine.inversion import lowered_precision
from depthrep.experiments import cifar, mlp_sweeps, noise_labels
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.images import load_image
from depthrep.models import classifiers
from depthrep.models.mlp import mlp
from depthrep.models.vision import SingleCut, load
from depthrep.pipeline import plan, runtime
from depthrep.training.fit import TrainSettings, fit

ROOT = Path(__file__).resolve().parents[1]
# Dense datasheet peaks in TFLOP/s (no sparsity) by device name and precision.
PEAKS = {
    "H200": {"fp32": 67, "tf32": 495, "bf16": 989},
    "H100": {"fp32": 67, "tf32": 495, "bf16": 989},
    "A100": {"fp32": 19.5, "tf32": 156, "bf16": 312},
}
START_UP = 5.0  # seconds a pipeline job spends before it computes (interpreter, torch, the model)


def synchronized(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(on: torch.device, work, *args, **kwargs):
    """(work(*args, **kwargs), seconds), the device synchronised before and after."""
    synchronized(on)
    start = time.perf_counter()
    result = work(*args, **kwargs)
    synchronized(on)
    return result, time.perf_counter() - start


def flops(work, *args) -> int:
    """FLOPs of the matrix products and convolutions `work(*args)` runs (forward and backward)."""
    with FlopCounterMode(display=False) as counter:
        work(*args)
    return counter.get_total_flops()


def peak(device: torch.device, precision: str, given: float | None) -> float | None:
    if given:
        return given * 1e12
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else ""
    return next((table[precision] * 1e12 for key, table in PEAKS.items() if key in name), None)


class Report:
    """Prints a line per stage and keeps the projected seconds of the whole DAG."""

    def __init__(self, device, precision, peak_flops):
        self.device, self.precision, self.peak, self.total = device, precision, peak_flops, 0.0
        print(
            f"device: {runtime.describe(device)}; precision {precision}; peak "
            + (f"{peak_flops / 1e12:.0f} TFLOP/s (dense, datasheet)" if peak_flops else "unknown (give --peak)")
        )
        print(f"{'stage':<58}{'seconds':>9}{'TFLOP/s':>10}{'of peak':>9}{'projected s':>13}")

    def line(self, stage: str, seconds: float, work_flops: float, projected: float) -> None:
        rate = work_flops / seconds / 1e12
        share = f"{100 * work_flops / seconds / self.peak:.1f}%" if self.peak else "n/a"
        self.total += projected
        print(f"{stage:<58}{seconds:>9.2f}{rate:>10.3g}{share:>9}{projected:>13.0f}")


def inversions(config: dict, device, report: Report, iterations: int, size: int) -> None:
    """One job per (model, layer, update rule) of the paper's figures, scaled to every job."""
    jobs = plan.all_inversions(config)
    image = load_image("sample:chelsea", size, config["resize"])
    for model_name in sorted({job.model for job in jobs}):
        model = load(model_name, "untrained", seed=config["seed"]).to(device)
        for layer, update in sorted({(job.layer, job.update) for job in jobs if job.model == model_name}):
            runs = {job.run for job in jobs if (job.model, job.layer, job.update) == (model_name, layer, update)}
            settings = config["runs"][max(runs, key=lambda r: config["runs"][r]["iterations"])]
            descent = Descent.of({**settings, "iterations": iterations, "precision": report.precision})
            embedded = embed_target(model, model_name, image, config["shift_std"], config["seed"], device, layers=[layer])
            invert_layer(model, model_name, layer, embedded, descent.replace(iterations=1), update, device, seed=config["seed"])  # warm-up
            _, seconds = timed(device, invert_layer, model, model_name, layer, embedded, descent, update, device, seed=config["seed"])
            per_problem_step = seconds / (iterations * len(descent.lr_candidates) * len(descent.seeds))
            step_flops = flops(_step, model, model_name, layer, embedded, descent, device)
            batch = len(descent.lr_candidates) * len(descent.seeds)
            projected = sum(
                per_problem_step
                * config["runs"][job.run]["iterations"]
                * len(config["runs"][job.run]["lr_candidates"])
                * len(config["runs"][job.run]["seeds"])
                + START_UP
                for job in jobs
                if (job.model, job.layer, job.update) == (model_name, layer, update)
            )
            report.line(f"invert {model_name} {layer} {update} ({size}px, batch {batch})", seconds, step_flops * iterations, projected)


def _step(model, arch: str, layer: str, embedded, descent: Descent, device) -> None:
    """One step of the batch the job solves (every candidate and seed): forward and backward."""
    layout = torch.channels_last if engine.prefers_channels_last(device) else torch.contiguous_format  # as the pipeline
    forward = SingleCut(model, arch, layer).to(device, memory_format=layout)
    image = embedded["image"]
    count = len(descent.lr_candidates) * len(descent.seeds)
    x = image.expand(count, *image.shape).to(device).contiguous(memory_format=layout).requires_grad_(True)
    target = embedded["embeddings"][layer].to(device)
    with lowered_precision(descent.precision, device):
        loss = (forward(x) - target).abs().sum()
    loss.backward()  # autograd.grad trips the FLOP counter's module hooks on a leaf input


def noise_training(config: dict, device, report: Report, steps: int, size: int) -> None:
    noise = config["noise_model"]
    batch = noise["training"]["batch_size"]
    data = noise_labels.NoiseSettings(**{**noise["data"], "images": steps * batch, "image_size": size}, seed=config["seed"])
    precision = "bf16" if report.precision == "bf16" else "fp32"
    settings = TrainSettings(**{**noise["training"], "epochs": 1, "evaluate_train": False, "precision": precision}, seed=config["seed"])
    model = noise_labels.untrained_model(noise["arch"], data, settings.seed)
    images = noise_labels.NoiseBatches(data, device) if device.type == "cuda" else noise_labels.NoiseImages(data)
    _, seconds = timed(device, fit, model, images, settings, None, device=device, workers=0, channels_last=True)
    x = torch.randn(batch, 3, size, size, device=device).contiguous(memory_format=torch.channels_last)
    step_flops = flops(lambda: model(x).sum().backward())
    per_image = seconds / (steps * batch) * (224 / size) ** 2
    full = noise["training"]["epochs"] * noise["data"]["images"] * (1 + (1 / 3 if noise["training"]["evaluate_train"] else 0))
    report.line(
        f"noise-label {noise['arch']} training ({steps} steps of {batch} at {size}px)", seconds, step_flops * steps, per_image * full
    )


def mlp_figure(config: dict, figure: str, device, report: Report, iterations: int) -> None:
    spec = config["figures"][figure]
    run = config["runs"][spec["run"]]
    image = load_image("sample:chelsea", spec["image_size"], "squash")
    descent = Descent.of({**run, "iterations": iterations, "trajectory_points": 2, "precision": report.precision})
    widths = [[w, *spec["later_widths"]] for w in spec["widths"]] if "widths" in spec else [[spec["width"]] * d for d in spec["depths"]]
    seconds = step_flops = 0.0
    for layer_widths in widths:
        model = mlp(tuple(image.shape), layer_widths, seed=config["seed"]).to(device)
        _, taken = timed(device, mlp_sweeps.invert, model, image, descent, config["shift_std"], config["seed"], device)
        seconds += taken
        x = image.expand(len(descent.lr_candidates), *image.shape).to(device).requires_grad_(True)
        step_flops += flops(lambda m=model, x=x: m(x).abs().sum().backward())
    total = run["iterations"] + spec.get("longer_iterations", 0)
    report.line(
        f"{figure} ({len(widths)} models x {iterations} iterations)",
        seconds,
        step_flops * iterations,
        seconds * total / iterations + START_UP,
    )


def sec7_epoch(config: dict, device, report: Report, images: int) -> None:
    settings_block = config["cifar"]
    settings = TrainSettings(**{**settings_block["training"], "epochs": 1, "evaluate_train": False}, seed=config["seed"])
    pixels = torch.randint(0, 256, (images, 32, 32, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(0, 100, (images,), generator=torch.Generator().manual_seed(1))
    for name, spec in settings_block["architectures"].items():
        model = classifiers.build(spec, cifar.SHAPE, 100, seed=config["seed"])
        data = cifar.CifarImages(pixels, labels, [str(i) for i in range(100)])
        _, seconds = timed(device, fit, model, data.to(device), settings, None, device=device, channels_last=spec["kind"] == "conv")
        x = data.images[: settings.batch_size]
        step_flops = flops(lambda m=model, x=x: m(x).sum().backward())
        steps = math.ceil(images / settings.batch_size)
        per_image = seconds / images
        full = settings_block["training"]["epochs"] * 60_000 * (1 + (1 if settings_block["training"]["evaluate_train"] else 0) / 3)
        report.line(
            f"sec7 {name}, one epoch of {images}",
            seconds,
            step_flops * steps,
            len(settings_block["datasets"]) * (per_image * full + START_UP),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shrink every stage (a CPU run of minutes)")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "tf32", "bf16"])
    parser.add_argument("--peak", type=float, help="the device's dense peak in TFLOP/s for the precision, where the table lacks it")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    device = runtime.configure(config["deterministic"], None, config["device"])
    report = Report(device, args.precision, peak(device, args.precision, args.peak))
    quick = args.quick
    inversions(config, device, report, iterations=3 if quick else 50, size=64 if quick else config["image_size"])
    noise_training(config, device, report, steps=2 if quick else 20, size=64 if quick else config["noise_model"]["data"]["image_size"])
    for figure in ("fig7", "fig8"):
        mlp_figure(config, figure, device, report, iterations=20 if quick else 2000)
    sec7_epoch(config, device, report, images=512 if quick else 50_000)
    print(
        f"projected paper-scale DAG on this device, one job at a time: {report.total / 60:.0f} min"
        + (" (--quick: stages shrunk, projections scaled from them)" if quick else "")
    )


if __name__ == "__main__":
    main()
