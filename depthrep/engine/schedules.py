"""Values that change linearly over the iterations of an inversion (learning rate, blur sigma)."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Linear:
    """A value moving linearly from `start` (first iteration) to `end` (last iteration).

    The paper decays the learning rate "linearly from some constant c to 0"; the author's
    code interpolates the blur sigma from 2.4 to 0.4. start == end is a constant.
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
        """The value at each of `iterations` steps, float64 on the CPU."""
        if iterations == 1:
            return torch.tensor([self.start], dtype=torch.float64)
        return torch.linspace(self.start, self.end, iterations, dtype=torch.float64)


def log_spaced(iterations: int, points: int) -> list[int]:
    """About `points` iterations from 0 to `iterations`, evenly spaced on a log axis.

    0 and the last iteration are always included, so a trajectory has its start and end.
    """
    if points < 2 or iterations < 1:
        return sorted({0, iterations})
    grid = torch.logspace(0, torch.log10(torch.tensor(float(iterations))).item(), points - 1)
    return sorted({0, iterations, *(int(round(x)) for x in grid.tolist())})
