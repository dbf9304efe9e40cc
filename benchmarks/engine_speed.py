"""How much the batched engine gains over solving problems one at a time, over the author's
own loop, and what it costs over a bare forward + backward loop.

    .venv/bin/python benchmarks/engine_speed.py [--problems 8 --steps 20 --size 64 --arch resnet50 --layer conv5 --repeats 3]

Every method does the same work: the given problems (an untrained model cut at --layer, an
image each), --steps steps of eq. 5 (a step, then the 3x3 blur, sigma 2.4 -> 0.4). Prints
problems x steps per second for
  (a) the engine on all problems as one batch (channels-last, as the pipeline runs it),
  (b) the engine on one problem at a time,
  (c) the author's loop (depthrep.engine.reference: his `octave`, one problem at a time, the
      model's parameters requiring gradients, as in his published code),
  (d) a bare PyTorch loop on the batch (forward, L1 loss, input gradient, step, blur),
then the engine's overhead over (d), `author's loop / engine: <(a) / (c)>` and on the last
line `speedup: <(a) / (b)>`. Each time is the fastest of --repeats runs, the methods taking
turns, so that work from other processes on a shared machine inflates no method more than
another.
"""

from __future__ import annotations

import argparse
import copy
import time

import torch

from depthrep import engine
from depthrep.engine import Descent, Linear
from depthrep.engine.blur import gaussian_blur
from depthrep.engine.reference import octave
from depthrep.models.vision import SingleCut, load
from depthrep.pipeline.runtime import pick_device

BLUR = Linear(2.4, 0.4)


def seconds(work, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    work()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def fastest(methods: dict, repeats: int, device) -> dict:
    """The shortest of `repeats` runs of each method, the methods taking turns."""
    times = {name: [] for name in methods}
    for _ in range(repeats):
        for name, work in methods.items():
            times[name].append(seconds(work, device))
    return {name: min(runs) for name, runs in times.items()}


def bare_loop(forward, targets: torch.Tensor, x: torch.Tensor, steps: int) -> None:
    """The same arithmetic without schedules, step normalisation, divergence checks or records."""
    sigma = torch.full((len(x),), 1.0, device=x.device)
    for _ in range(steps):
        x.requires_grad_(True)
        loss = (forward(x) - targets).abs().sum()
        (grad,) = torch.autograd.grad(loss, x)
        x = gaussian_blur((x - 0.01 * grad).detach(), sigma)


def main(argv=None) -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--problems", type=int, default=8)
    options.add_argument("--steps", type=int, default=20)
    options.add_argument("--size", type=int, default=64)
    options.add_argument("--arch", default="resnet50")
    options.add_argument("--layer", default="conv5")
    options.add_argument("--repeats", type=int, default=3, help="time each method this many times, keep the fastest")
    options.add_argument("--device", default="auto")
    args = options.parse_args(argv)
    if min(args.problems, args.steps, args.size, args.repeats) < 1:
        options.error("--problems, --steps, --size and --repeats must be positive")

    device = pick_device(args.device)
    model = load(args.arch, seed=0)
    channels_last = engine.prefers_channels_last(device)  # as the pipeline's inversions
    layout = torch.channels_last if channels_last else torch.contiguous_format
    forward = SingleCut(model, args.arch, args.layer).to(device, memory_format=layout)
    theirs = SingleCut(copy.deepcopy(model).requires_grad_(True), args.arch, args.layer).to(device)  # his model: trainable, as loaded
    shape = (3, args.size, args.size)
    images = torch.rand((args.problems, *shape), generator=torch.Generator().manual_seed(0)).to(device)
    with torch.no_grad():
        targets = forward(images)
    problems = [
        engine.Problem(target=targets[i], lr=Linear(0.03 * (i + 1), 0.0), blur=BLUR, seed=i, reference=images[i].cpu())
        for i in range(args.problems)
    ]
    descent = Descent(iterations=args.steps, trajectory_points=2, step="raw", loss_scale=0.15)
    engine.invert(forward, problems[:2], Descent(iterations=2), shape, channels_last=channels_last)  # warm-up

    x0 = engine.initial_inputs(problems, descent, shape, torch.float32).to(device)
    methods = {
        "engine, one batch": lambda: engine.invert(forward, problems, descent, shape, channels_last=channels_last),
        "engine, one at a time": lambda: [engine.invert(forward, [p], descent, shape, channels_last=channels_last) for p in problems],
        "author's loop": lambda: [
            octave(theirs, targets[i : i + 1], x0[i : i + 1].clone(), args.steps, [0.03 * (i + 1), 0.0], [BLUR.start, BLUR.end])
            for i in range(args.problems)
        ],
        "bare PyTorch loop, one batch": lambda: bare_loop(forward, targets, x0.clone().contiguous(memory_format=layout), args.steps),
    }
    times = fastest(methods, args.repeats, device)
    batched, alone, author, bare = times.values()

    work = args.problems * args.steps
    print(f"{args.arch} cut at {args.layer}, {args.size}x{args.size}, {args.problems} problems x {args.steps} steps (eq. 5) on {device}")
    print(f"fastest of {args.repeats} runs each, {torch.get_num_threads()} threads")
    print(f"{'method':<30}{'seconds':>10}{'problem-steps/s':>18}")
    for name, time_s in times.items():
        print(f"{name:<30}{time_s:>10.2f}{work / time_s:>18.2f}")
    print(f"engine overhead over the bare loop: {100 * (batched / bare - 1):.1f}%")
    print(f"author's loop / engine: {author / batched:.2f}")
    print(f"speedup: {alone / batched:.2f}")


if __name__ == "__main__":
    main()
