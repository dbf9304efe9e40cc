"""Seed streams: every draw takes stream_seed(the config's seed, its stream, *index), and the
streams draw unrelated numbers. (Their use by the experiments: test_layer_inversion.py,
test_mlp_experiments.py, test_models.py, test_cifar.py, test_training.py, test_cli.py.)"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
import torch

from depthrep import seeds

NAMES = (
    "DATA_ORDER",
    "EPOCH_RNG",
    "NOISE_IMAGES",
    "NOISE_LABELS",
    "MODEL_INIT",
    "INITIAL_INPUT",
    "SHIFT",
    "OUTPUT_NOISE",
    "PHOTO_CROPS",
    "NOISY_COPIES",
    "SKETCH",
    "BOOTSTRAP",
    "PATCHES",
    "CORRUPTION",
    "WALK_START",
    "JITTER",
)
STREAMS = {name: getattr(seeds, name) for name in NAMES}


def corr(x: torch.Tensor, y: torch.Tensor) -> float:
    return torch.corrcoef(torch.stack([x.flatten().double(), y.flatten().double()]))[0, 1].item()


def test_every_stream_has_its_own_number_and_the_published_ones_are_kept():
    assert (seeds.DATA_ORDER, seeds.EPOCH_RNG, seeds.NOISE_IMAGES, seeds.NOISE_LABELS) == (1, 2, 11, 12)
    assert len(set(STREAMS.values())) == len(STREAMS)
    assert set(seeds.INDICES) == set(STREAMS.values())


def test_no_two_draws_share_a_seed_and_none_is_the_plain_config_seed():
    drawn = []
    for config_seed, stream in itertools.product(range(3), STREAMS.values()):
        indices = [()] if not seeds.INDICES[stream] else [(i,) for i in range(3)]
        drawn += [seeds.stream_seed(config_seed, stream, *index) for index in indices]
    assert len(set(drawn)) == len(drawn)
    assert not set(drawn) & set(range(10))  # a_0, a' and the models were all seeded with the config's seed itself


def test_the_streams_draw_uncorrelated_numbers():
    shape = (3, 64, 64)
    draws = {
        name: torch.randn(shape, generator=seeds.generator(0, stream, *([0] * len(seeds.INDICES[stream]))))
        for name, stream in STREAMS.items()
    }
    draws["config seed itself"] = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    for (a, x), (b, y) in itertools.combinations(draws.items(), 2):
        assert abs(corr(x, y)) < 0.05, (a, b)  # 12,288 pairs: the spread of corr is 0.009


def test_a_stream_takes_its_own_number_of_indices():
    # The reason: SeedSequence pads short entropy with zeros, so these two would be one seed.
    assert seeds.derived_seed(0, seeds.SHIFT) == seeds.derived_seed(0, seeds.SHIFT, 0)
    with pytest.raises(ValueError, match=r"takes 1 index"):
        seeds.stream_seed(0, seeds.INITIAL_INPUT)
    with pytest.raises(ValueError, match=r"takes 0 index"):
        seeds.stream_seed(0, seeds.SHIFT, 0)
    with pytest.raises(ValueError, match="unknown seed stream 99"):
        seeds.stream_seed(0, 99)
    with pytest.raises(ValueError, match="non-negative integers"):
        seeds.stream_seed(-1, seeds.SHIFT)
    assert seeds.stream_seed(4, seeds.INITIAL_INPUT, 2) == seeds.derived_seed(4, seeds.INITIAL_INPUT, 2)
    assert seeds.generator(4, seeds.SHIFT).initial_seed() == seeds.stream_seed(4, seeds.SHIFT)


def test_the_seeds_module_imports_no_torch():
    code = "import sys, depthrep.seeds; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
