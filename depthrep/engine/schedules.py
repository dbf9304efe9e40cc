"""Values that change linearly over the iterations of an inversion (learning rate, blur sigma)."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Linear:
    """A value moving linearly from `start` (first iteration) toward `end`, by the author's formula.

    The paper decays the learning rate "linearly from some constant c to 0"; the author's
    code interpolates the blur sigma from 2.4 to 0.4. start == end is a constant.

    Iteration i of N takes start * (N - i) / N + end * i / N, i = 0 .. N - 1: the expression
    of the author's `octave` (resnet_representations.py, the gradient step and the blur of its
    loop), which stops one step short of `end` (the last value is start + (end - start) (N - 1) / N).
    A schedule that reached `end` at the last iteration would part from the author's iterates
    at the second one (tests/test_author_loop.py).
    """

    start: float
    end: float

    @classmethod
    def of(cls, value: float | tuple | list | dict | Linear) -> Linear:
        """A schedule from a number (constant), a [start, end] pair or {start:, end:}."""
        if isinstance(value, Linear):
            return value
        if isinstance(value, dict):
            return cls(float(value["start"]), float(value["end"]))
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ValueError(f"a schedule is a number or a [start, end] pair, got {value!r}")
            return cls(float(value[0]), float(value[1]))
        return cls(float(value), float(value))

    def scaled(self, factor: float) -> Linear:
        return Linear(self.start * factor, self.end * factor)

    def values(self, iterations: int) -> torch.Tensor:
        """The value at each of `iterations` steps, float64 on the CPU.

        Computed in Python floats with the author's expression, operation for operation, so
        the values are his to the last bit.
        """
        n, start, end = int(iterations), self.start, self.end
        return torch.tensor([start * (n - i) / n + end * i / n for i in range(n)], dtype=torch.float64)


def log_spaced(iterations: int, points: int) -> list[int]:
    """About `points` iterations from 0 to `iterations`, evenly spaced on a log axis.

    0 and the last iteration are always included, so a trajectory has its start and end.
    """
    if points < 2 or iterations < 1:
        return sorted({0, iterations})
    grid = torch.logspace(0, torch.log10(torch.tensor(float(iterations))).item(), points - 1)
    return sorted({0, iterations, *(int(round(x)) for x in grid.tolist())})
