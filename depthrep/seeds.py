"""Seeds of the random draws: (the config's seed, a stream, an index...) -> a seed of its own.

Each kind of draw takes its own stream, so that no two kinds share a sequence of numbers and a
draw does not change when another is added or removed. numpy's SeedSequence mixes the parts
into well-separated 63-bit seeds (this module imports no torch).
"""

from __future__ import annotations

import numpy as np

# Streams in use (numbers kept stable: they decide the draws of published results).
DATA_ORDER = 1  # the order of training examples per epoch
EPOCH_RNG = 2  # the global RNG a model may use in an epoch (e.g. dropout)
NOISE_IMAGES = 11  # the noise-label images, one seed per image
NOISE_LABELS = 12  # their labels


def derived_seed(*parts: int) -> int:
    """A well-mixed 63-bit seed from integers: (seed, stream, index) -> seed."""
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1, np.uint64)[0] >> np.uint64(1))
