"""How much the batched engine gains over solving problems one at a time, and what it costs
over a bare forward + backward loop.

    .venv/bin/python benchmarks/engine_speed.py [--problems 8 --steps 20 --size 64 --arch resnet50 --layer conv5]

Prints problems x steps per second for (a) the engine on all problems as one batch, (b) the
engine on one problem at a time, (c) a bare PyTorch loop on the same batch (forward, L1 loss,
input gradient, plain step), then the engine's overhead over (c), and on the last line
`speedup: <(a) / (b)>`.
"""

from __future__ import annotations

import argparse
import time

import torch

from depthrep import engine, models
from depthrep.devices import pick_device
from depthrep.schedules import Linear


def timed(work, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    work()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def bare_loop(forward, targets: torch.Tensor, x: torch.Tensor, steps: int) -> None:
    """The same arithmetic without schedules, step normalisation, divergence checks or records."""
    for _ in range(steps):
        x.requires_grad_(True)
        loss = (forward(x) - targets).abs().sum()
        (grad,) = torch.autograd.grad(loss, x)
        x = (x - 0.01 * grad).detach()


def main(argv=None) -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--problems", type=int, default=8)
    options.add_argument("--steps", type=int, default=20)
    options.add_argument("--size", type=int, default=64)
    options.add_argument("--arch", default="resnet50")
    options.add_argument("--layer", default="conv5")
    options.add_argument("--device", default="auto")
    args = options.parse_args(argv)

    device = pick_device(args.device)
    forward = models.SingleCut(models.load_resnet(args.arch, seed=0), args.layer).to(device)
    shape = (3, args.size, args.size)
    images = torch.rand((args.problems, *shape), generator=torch.Generator().manual_seed(0)).to(device)
    with torch.no_grad():
        targets = forward(images)
    problems = [
        engine.Problem(target=targets[i], lr=Linear(0.03 * (i + 1), 0.0), seed=i, reference=images[i].cpu())
        for i in range(args.problems)
    ]
    settings = engine.Settings(input_shape=shape, iterations=args.steps, record_at=(0, args.steps))
    engine.invert(forward, problems[:2], engine.Settings(input_shape=shape, iterations=2))  # warm-up

    work = args.problems * args.steps
    batched = timed(lambda: engine.invert(forward, problems, settings), device)
    alone = timed(lambda: [engine.invert(forward, [p], settings) for p in problems], device)
    x0 = engine.initial_inputs(problems, settings, torch.float32).to(device)
    bare = timed(lambda: bare_loop(forward, targets, x0.clone(), args.steps), device)

    print(f"{args.arch} cut at {args.layer}, {args.size}x{args.size}, {args.problems} problems x {args.steps} steps on {device}")
    print(f"{'method':<28}{'seconds':>10}{'problem-steps/s':>18}")
    for name, seconds in [("engine, one batch", batched), ("engine, one at a time", alone), ("bare PyTorch loop, one batch", bare)]:
        print(f"{name:<28}{seconds:>10.2f}{work / seconds:>18.2f}")
    print(f"engine overhead over the bare loop: {100 * (batched / bare - 1):.1f}%")
    print(f"speedup: {alone / batched:.2f}")


if __name__ == "__main__":
    main()
