"""How far reduced precision moves the paper's distances, against the seed-to-seed spread.

    .venv/bin/python benchmarks/precision.py [--size 64 --iterations 200 --seeds 4 --layers conv2 conv5]

Inverts an untrained ResNet50 for the sample photo at each layer with the pipeline's code path
(layer_inversion.invert_layer: the `fixed` run's schedule, step and learning-rate candidates,
blur), once per precision (fp32, bf16, and tf32 on a CUDA device), every seed of the run in one
batch. Prints per layer and precision the mean and the seed-to-seed standard deviation of m_g
and m_i, and for each reduced precision the mean absolute change from fp32 per seed, as a
fraction of fp32's value and as a multiple of the seed-to-seed spread: a reduced precision is
harmless where its change is small against that spread. The README's choice of the default
precision quotes what this printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from depthrep.engine import Descent
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.images import load_image
from depthrep.models.vision import load
from depthrep.pipeline import runtime

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--size", type=int, default=64)
    options.add_argument("--iterations", type=int, default=200)
    options.add_argument("--seeds", type=int, default=4)
    options.add_argument("--layers", nargs="+", default=["conv2", "conv5"])
    options.add_argument("--device", default="auto")
    args = options.parse_args(argv)
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    device = runtime.configure(deterministic=True, device=args.device)
    precisions = ["fp32", "bf16"] + (["tf32"] if device.type == "cuda" else [])
    model = load("resnet50", "untrained", seed=config["seed"]).to(device)
    image = load_image("sample:chelsea", args.size, config["resize"])
    base = {**config["runs"]["fixed"], "iterations": args.iterations, "seeds": list(range(args.seeds))}
    print(
        f"untrained ResNet50, sample:chelsea at {args.size}x{args.size}, {args.iterations} iterations, "
        f"{len(base['lr_candidates'])} learning rates x {args.seeds} seeds, blur, on {runtime.describe(device)}"
    )
    print(
        f"{'layer':<6}{'precision':<10}{'m_g mean':>10}{'m_g sd':>9}{'m_i mean':>10}{'m_i sd':>9}"
        f"{'|dm_g|':>10}{'/sd':>7}{'|dm_i|':>10}{'/sd':>7}{'seconds':>9}"
    )
    for layer in args.layers:
        embedded = embed_target(model, "resnet50", image, config["shift_std"], config["seed"], device, layers=[layer])
        rows = {}
        for precision in precisions:
            start = time.perf_counter()
            found, _, _ = invert_layer(
                model, layer, embedded, Descent.of({**base, "precision": precision}), "blur", device, seed=config["seed"]
            )
            rows[precision] = (found, time.perf_counter() - start)
        reference = rows["fp32"][0]
        for precision, (found, seconds) in rows.items():
            line = f"{layer:<6}{precision:<10}"
            for metric in ("m_g", "m_i"):
                values = [row[metric] for row in found]
                line += f"{statistics.mean(values):>10.4g}{statistics.stdev(values):>9.3g}"
            for metric in ("m_g", "m_i"):
                change = statistics.mean(abs(a[metric] - b[metric]) for a, b in zip(found, reference))
                spread = statistics.stdev(row[metric] for row in reference)
                line += f"{change:>10.3g}{change / spread:>7.2f}"
            print(line + f"{seconds:>9.1f}")


if __name__ == "__main__":
    main()
