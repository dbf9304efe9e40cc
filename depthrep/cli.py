"""Command line: invert one layer of a vision model for one image and print the paper's distances.

depthrep invert --model resnet50 --layer conv3 --image sample:chelsea --size 64
depthrep invert --model vit_b_16 --layer block5 --size 64   (any torchvision classification model;
                                                             `python -m depthrep.models.vision table` lists the cuts)
"""

from __future__ import annotations

import argparse
import logging
import math
import sys

from . import engine, images, seeds
from .engine import Descent, Linear
from .experiments.layer_inversion import embed_target
from .models.architectures import ARCHITECTURES
from .models.vision import SingleCut, load
from .models.weights import WeightsUnavailable
from .pipeline import runtime

log = logging.getLogger("depthrep.cli")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="depthrep", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    invert = commands.add_parser("invert", help="invert one layer for one image")
    invert.add_argument(
        "--model", default="resnet50", choices=sorted(ARCHITECTURES), metavar="MODEL", help="a torchvision classification model"
    )
    invert.add_argument("--weights", default="untrained", help="untrained, imagenet or a checkpoint path")
    invert.add_argument("--layer", default="conv3", help="one of the model's five named cuts (ResNets: conv1..conv5)")
    invert.add_argument("--image", default="sample:chelsea", help="an image file or sample:<name>")
    invert.add_argument("--size", type=int, default=64, help="side of the square the image is resized to")
    invert.add_argument("--iterations", type=int, default=200)
    invert.add_argument("--lr", type=float, nargs="+", default=[0.1, 0.03, 0.01], help="learning-rate candidates (decaying to 0)")
    invert.add_argument("--blur", type=float, nargs=2, metavar=("START", "END"), help="eq. 5 blur sigma schedule; eq. 4 if omitted")
    invert.add_argument("--loss-scale", type=float, default=Descent.loss_scale)
    invert.add_argument("--step", choices=["normalised", "raw"], default=Descent.step, help="see depthrep.engine.inversion")
    invert.add_argument("--shift-std", type=float, default=0.05, help="std of the shift a' = a + N(0, std)")
    invert.add_argument(
        "--seed",
        type=int,
        default=0,
        help="a config's seed: the model init, a_0 and the shift a' each from its own stream (as the pipeline's run seed 0)",
    )
    invert.add_argument("--device", default="auto")
    invert.add_argument("--progress", type=int, default=6, help="about this many progress lines (log-spaced iterations)")
    invert.add_argument("--out", help="write a_g as a PNG here")
    return top


def invert(args: argparse.Namespace) -> dict:
    """The chosen learning rate and the paper's distances; a_g written to args.out."""
    device = runtime.configure(deterministic=True, device=args.device)
    layers = list(ARCHITECTURES[args.model]["cuts"])
    if args.layer not in layers:
        raise ValueError(f"--layer {args.layer}: {args.model} has the cuts {layers}")
    image = images.load_image(args.image, args.size)
    model = load(args.model, args.weights, seed=args.seed, image_size=args.size).to(device)
    embedded = embed_target(model, args.model, image, args.shift_std, args.seed, device, layers=[args.layer])
    descent = Descent(
        iterations=args.iterations,
        loss_scale=args.loss_scale,
        step=args.step,
        lr_candidates=args.lr,
        seeds=(0,),  # the run seed s; a_0 is drawn from (seed, INITIAL_INPUT, s)
        trajectory_points=args.progress,  # the engine logs progress at the recorded iterations
    )
    blur = Linear(*args.blur) if args.blur else None
    problem = engine.Problem(
        target=embedded["embeddings"][args.layer].to(device),
        lr=descent.lr_schedule,
        blur=blur,
        seed=seeds.stream_seed(args.seed, seeds.INITIAL_INPUT, descent.seeds[0]),
        reference=image,
    )
    log.info(
        "inverting %s of %s (%s weights) for %s at %dx%d on %s: %d iterations, learning rates %s, %s",
        args.layer,
        args.model,
        args.weights,
        args.image,
        args.size,
        args.size,
        device,
        args.iterations,
        args.lr,
        f"blur {args.blur[0]:g} -> {args.blur[1]:g}" if blur else "no blur",
    )
    best = engine.sweep(SingleCut(model, args.model, args.layer), [problem], descent, tuple(image.shape))[0]
    finals = ", ".join(f"{row.lr:g}: {row.m_g:.4g}" for row in best.candidates.itertuples())
    log.info("final m_g per learning rate: %s; kept %g", finals, best.lr)
    if args.out and best.input is not None:
        images.save_image(best.input, args.out)
        log.info("wrote a_g to %s", args.out)
    return {
        "lr": best.lr,
        "m_g": best.m_g,
        "m_s": embedded["m_s"][args.layer],
        "m_i": best.m_i,
        "shift_distance": embedded["shift_distance"],
    }


def main(argv: list[str] | None = None) -> int:
    """Exit status 0, 1 when every learning rate diverged, 2 for bad input (named on stderr)."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        result = invert(args)
    except (images.ImageError, WeightsUnavailable, ValueError) as err:
        print(f"depthrep {args.command}: error: {err}", file=sys.stderr)
        return 2
    print("  ".join(f"{name}={value:.4g}" for name, value in result.items()))
    return 1 if math.isnan(result["lr"]) else 0  # lr NaN: every candidate diverged


if __name__ == "__main__":
    raise SystemExit(main())
