"""Seeds of the random draws: every draw takes stream_seed(the config's seed, its STREAM, *index).

Each kind of draw has its own stream, so that no two kinds share a sequence of numbers (the
initial input a_0 and the shift a' - a were once the same draw) and a draw does not change
when another is added, removed or resized. numpy's SeedSequence mixes the parts into
well-separated 63-bit seeds. This module imports no torch at module level (`generator`
imports it when called).

    stream          number  draws                                               index
    DATA_ORDER        1     the order of training examples in an epoch          epoch
    EPOCH_RNG         2     the global RNG a model may use in an epoch           epoch
                            (e.g. dropout)
    NOISE_IMAGES     11     Sec 5's noise-label images                          image
    NOISE_LABELS     12     their labels                                        -
    MODEL_INIT       21     PyTorch's default init of an untrained model:       -
                            ResNets, MLPs, Sec 7 classifiers
    INITIAL_INPUT    22     an inversion's a_0 ~ N(init_mean, init_std)         the run's seed s
    SHIFT            23     the shift a' - a ~ N(0, shift_std) of eq. 7         -
    OUTPUT_NOISE     24     Fig S2's N(0, noise_std) draws added to O(a)        -
    PHOTO_CROPS      25     an image set's random crops of the sample photos    image
    NOISY_COPIES     26     an image set's N(0, sigma) copies of its target     sigma's position
    SKETCH           27     the count sketch of a layer's activations           cut's position
    BOOTSTRAP        28     the images each bootstrap draw resamples            -
    PATCHES          31     the autoencoder's photo patches (where they are     -
                            cut)
    CORRUPTION       32     the noise that corrupts held-out images (a~)        -
    WALK_START       33     the manifold walk's starting noise                  -
    JITTER           34     an octave run's crop offsets (jitter)               problem

Who derives what: the engine is "seed in, draw out" (Problem.seed seeds that problem's a_0,
metrics.shifted takes the seed of its shift). The experiments and the CLI take the config's
seed and derive: each problem's seed from (seed, INITIAL_INPUT, s) for every s of the run's
`seeds:` (records keep s itself), the shift's from (seed, SHIFT), Fig S2's noise from (seed,
OUTPUT_NOISE); the blog experiments their patches, corruption and walk from (seed, PATCHES |
CORRUPTION | WALK_START) and each octave problem's crop offsets from (seed, JITTER, problem);
models.vision.load, models.mlp.mlp, models.classifiers.build and models.autoencoder seed
PyTorch's init from (seed, MODEL_INIT); training seeds data order and the epoch's RNG from
(seed, DATA_ORDER | EPOCH_RNG, epoch). A model is therefore the same for every figure that
asks for its architecture under one config seed (the untrained ResNet50 is the noise model's
starting point), while a_0, a' and the model never share numbers.

A stream always takes the same number of indices (`stream_seed` checks it): SeedSequence
pads a short entropy list with zeros, so (seed, STREAM) and (seed, STREAM, 0) would give the
same seed. The stream numbers are kept stable: they decide the draws of published results.
"""

from __future__ import annotations

import numpy as np

DATA_ORDER = 1
EPOCH_RNG = 2
NOISE_IMAGES = 11
NOISE_LABELS = 12
MODEL_INIT = 21
INITIAL_INPUT = 22
SHIFT = 23
OUTPUT_NOISE = 24
PHOTO_CROPS = 25
NOISY_COPIES = 26
SKETCH = 27
BOOTSTRAP = 28
# The blog posts (depthrep.experiments.autoencoder, depthrep.experiments.model_similarity).
PATCHES = 31
CORRUPTION = 32
WALK_START = 33
JITTER = 34

# stream -> the names of its indices (their number is checked).
INDICES = {
    DATA_ORDER: ("epoch",),
    EPOCH_RNG: ("epoch",),
    NOISE_IMAGES: ("image",),
    NOISE_LABELS: (),
    MODEL_INIT: (),
    INITIAL_INPUT: ("run seed",),
    SHIFT: (),
    OUTPUT_NOISE: (),
    PHOTO_CROPS: ("image",),
    NOISY_COPIES: ("sigma",),
    SKETCH: ("cut",),
    BOOTSTRAP: (),
    PATCHES: (),
    CORRUPTION: (),
    WALK_START: (),
    JITTER: ("problem",),
}


def derived_seed(*parts: int) -> int:
    """A well-mixed 63-bit seed from non-negative integers: (seed, stream, index) -> seed."""
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1, np.uint64)[0] >> np.uint64(1))


def stream_seed(seed: int, stream: int, *index: int) -> int:
    """The seed of one draw: the config's `seed`, the draw's `stream`, and the stream's indices."""
    if stream not in INDICES:
        raise ValueError(f"unknown seed stream {stream!r}; known: {sorted(INDICES)}")
    if len(index) != len(INDICES[stream]):
        raise ValueError(f"seed stream {stream} takes {len(INDICES[stream])} index(es) {INDICES[stream]}, got {index!r}")
    parts = (seed, stream, *index)
    if any(isinstance(p, bool) or int(p) != p or p < 0 for p in parts):
        raise ValueError(f"seeds and indices must be non-negative integers, got {parts!r}")
    return derived_seed(*parts)


def generator(seed: int, stream: int, *index: int):
    """A CPU torch.Generator seeded with stream_seed(seed, stream, *index)."""
    import torch

    return torch.Generator().manual_seed(stream_seed(seed, stream, *index))
