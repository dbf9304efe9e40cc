"""Representation similarity between layers, and the spectrum of a layer over noisy copies.

Two measures compare what two layers (of one model or two) compute on the same n examples,
without any alignment between their units (the "inner activations" post):

* `linear_cka` -- linear centred kernel alignment (Kornblith et al. 2019);
* `svcca` -- singular vector canonical correlation analysis (Raghu et al. 2017): an SVD keeps
  each layer's main directions, then canonical correlation analysis (`cca`) aligns the two.

Activations are (n examples, ...) tensors or arrays; everything after the first axis is one
example's feature vector. All arithmetic is in float64: the measures sum products over up to
10^5 features after centring, where float32 loses the digits that separate 0.999 from 1 and
breaks the invariances the tests check to 1e-10; at the sizes `reduce` leaves, float64 costs
nothing noticeable.

`reduce` shrinks a large layer (e.g. 64 x 112 x 112 values per example) so a comparison runs in
seconds on a CPU; `bootstrap` gives a percentile interval over examples for either measure.

For the post's experiment, `noisy_copies` makes a group of copies of one image with Gaussian
noise and `perturbed_group_spectrum` gives the singular values of a layer's activations over
that group and the fraction of variance each direction explains.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch
from torch.nn import functional as F

_PROJECTION_BLOCK = 4096  # rows of the random projection drawn at a time (bounds memory)


def _matrix(activations) -> torch.Tensor:
    """(n, features) float64 copy of activations given as a tensor or array of any shape."""
    x = activations if torch.is_tensor(activations) else torch.as_tensor(np.asarray(activations))
    if x.dim() < 2 or x.shape[0] < 2:
        raise ValueError(f"activations must be (examples >= 2, features...), got shape {tuple(x.shape)}")
    return x.detach().reshape(x.shape[0], -1).to(device="cpu", dtype=torch.float64)


def _centred(activations) -> torch.Tensor:
    x = _matrix(activations)
    return x - x.mean(dim=0)


def _pair(x, y) -> tuple[torch.Tensor, torch.Tensor]:
    """Both matrices centred per feature, checked to hold the same examples."""
    x, y = _centred(x), _centred(y)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must hold the same examples; got {x.shape[0]} and {y.shape[0]} rows")
    return x, y


# ----------------------------------------------------------------------------- linear CKA


def linear_cka(x, y) -> float:
    """Linear CKA of two activation matrices over the same examples, in [0, 1].

    With features centred, CKA = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), which equals the
    alignment <K, L> / (||K||_F ||L||_F) of the example Gram matrices K = X X^T, L = Y Y^T. The
    first (feature) form costs n (pq + p^2 + q^2) for p and q features, the second (n x n) form
    n^2 (p + q): the cheaper is used, so wide conv layers over few examples go through the n x n
    form and narrow layers over many examples through the feature form.

    Invariant to orthogonal transforms and isotropic scaling of either side's features, not to
    other invertible maps. NaN when either side is constant over the examples (no variance).
    """
    x, y = _pair(x, y)
    n, p, q = x.shape[0], x.shape[1], y.shape[1]
    if p * q + p * p + q * q <= n * (p + q):
        alignment, norm_x, norm_y = (y.T @ x).square().sum(), torch.linalg.norm(x.T @ x), torch.linalg.norm(y.T @ y)
    else:
        gram_x, gram_y = x @ x.T, y @ y.T
        alignment, norm_x, norm_y = (gram_x * gram_y).sum(), torch.linalg.norm(gram_x), torch.linalg.norm(gram_y)
    if norm_x == 0 or norm_y == 0:
        return float("nan")
    return float(alignment / (norm_x * norm_y))


# ----------------------------------------------------------------------------- SVCCA


class CanonicalCorrelations(NamedTuple):
    mean: float  # the SVCCA similarity: mean canonical correlation
    correlations: torch.Tensor  # every canonical correlation, largest first


def _rank_tolerance(x: torch.Tensor, singular_values: torch.Tensor) -> float:
    """Singular values at or below this are rounding noise (numpy's matrix_rank convention)."""
    return float(singular_values.max()) * max(x.shape) * torch.finfo(torch.float64).eps


def _directions(x: torch.Tensor, keep: float | int) -> tuple[torch.Tensor, torch.Tensor]:
    """Left singular vectors and singular values of centred `x` that `keep` retains.

    keep: a float in (0, 1] keeps the fewest directions explaining that fraction of the variance;
    an int keeps that many. Directions at rounding-noise level are never kept.
    """
    u, s, _ = torch.linalg.svd(x, full_matrices=False)
    rank = int((s > _rank_tolerance(x, s)).sum())
    if isinstance(keep, float):
        if not 0 < keep <= 1:
            raise ValueError(f"keep as a fraction of the variance must be in (0, 1], got {keep}")
        explained = torch.cumsum(s.square(), 0) / s.square().sum()
        count = int((explained < keep - 1e-12).sum()) + 1  # a fraction reached up to rounding counts
    elif isinstance(keep, int) and keep >= 1:
        count = keep
    else:
        raise ValueError(f"keep must be a fraction of the variance (float) or a number of directions (int), got {keep!r}")
    count = min(count, rank)
    return u[:, :count], s[:count]


def svd_reduce(activations, keep: float | int = 0.99) -> torch.Tensor:
    """SVCCA's first step: centred activations projected on their top singular directions.

    Returns the (n, k) coordinates U_k S_k of the examples along the k directions `keep`
    retains (see `_directions`), in float64.
    """
    u, s = _directions(_centred(activations), keep)
    return u * s


def cca(x, y) -> CanonicalCorrelations:
    """Canonical correlations between two activation matrices over the same examples.

    Computed the stable way (Björck and Golub 1973): the canonical correlations are the
    singular values of Q_x^T Q_y, where Q_x and Q_y are orthonormal bases of the centred columns
    -- here the left singular vectors, which whiten the data without inverting a covariance
    matrix. Directions with singular values below max(n, p) * eps * (largest), float64 eps
    ~2.2e-16, are rounding noise and are dropped, so rank-deficient layers stay exact. With as
    many kept directions as examples every correlation is trivially 1: use n >> k.
    """
    x, y = _pair(x, y)
    basis_x, _ = _directions(x, 1.0)
    basis_y, _ = _directions(y, 1.0)
    correlations = torch.linalg.svdvals(basis_x.T @ basis_y).clamp(0.0, 1.0)
    mean = float(correlations.mean()) if len(correlations) else float("nan")
    return CanonicalCorrelations(mean, correlations)


def svcca(x, y, keep: float | int = 0.99) -> CanonicalCorrelations:
    """SVCCA (Raghu et al. 2017): CCA between the top singular directions of each side.

    keep: fraction of variance (float, 0.99 as in the paper) or number of directions (int)
    kept by each side's SVD before the CCA. Returns the mean correlation and all of them.
    """
    x, y = _pair(x, y)  # checks the examples match before the SVDs
    return cca(svd_reduce(x, keep), svd_reduce(y, keep))


# ----------------------------------------------------------------------------- reduction


def reduce(activations, features: int = 2048, method: str = "projection", seed: int = 0) -> torch.Tensor:
    """A large layer's activations shrunk to at most `features` values per example (float64).

    "projection": the flattened activations times a Gaussian random matrix with entries
    N(0, 1/features) drawn from `seed` (Johnson-Lindenstrauss). It keeps every inner product
    between examples up to a relative error ~ 1/sqrt(features), and it commutes with centring,
    so the example Gram matrix, and with it linear CKA (a function of that matrix alone), is kept
    approximately. The matrix depends on `seed`, the layer size and `features` only, so batches
    of examples reduced separately line up. It is drawn in blocks of 4096 rows, so memory stays
    at 4096 * features numbers; drawing it dominates the cost (15 s for 64 examples of a ResNet
    conv1 at 224 pixels, 802816 values, to 1024, on one shared core). Layers already small enough are returned
    as they are. For few examples CKA needs no reduction: it then uses the n x n form.

    "pool": (n, C, H, W) feature maps adaptively average-pooled to the largest g x g grid with
    C * g * g <= features (at least 1 x 1). Cheap, and exact for CKA when the maps are constant
    over each pooling cell; otherwise it discards fine spatial detail and changes CKA.
    """
    if method == "pool":
        x = torch.as_tensor(activations).to(torch.float64)
        if x.dim() != 4:
            raise ValueError(f"pooling needs (n, C, H, W) feature maps, got shape {tuple(x.shape)}")
        channels, height, width = x.shape[1:]
        grid = max(1, min(height, width, math.isqrt(features // channels)))
        return F.adaptive_avg_pool2d(x, grid).reshape(x.shape[0], -1)
    if method != "projection":
        raise ValueError(f"method must be 'projection' or 'pool', got {method!r}")
    x = _matrix(activations)
    if x.shape[1] <= features:
        return x
    generator = torch.Generator().manual_seed(seed)
    reduced = torch.zeros(x.shape[0], features, dtype=torch.float64)
    for start in range(0, x.shape[1], _PROJECTION_BLOCK):
        block = x[:, start : start + _PROJECTION_BLOCK]
        # float32 draws are six times faster than float64 ones and exactly representable in it
        projection = torch.randn(block.shape[1], features, generator=generator, dtype=torch.float32)
        reduced += block @ projection.to(torch.float64)
    return reduced / features**0.5


def gram_coordinates(activations, block: int = 1 << 16) -> torch.Tensor:
    """(n, r) float64 coordinates whose inner products are the examples' inner products.

    With K = X X^T (n x n, accumulated in float64 over blocks of `block` features, so a float32
    layer of any width is never copied whole) and K = V diag(l) V^T, returns V sqrt(l) for the
    r eigenvalues above rounding noise, largest first. Every measure here depends on the
    examples through their inner products only -- linear CKA (a function of the Gram matrix),
    SVCCA (the SVD step keeps the same directions, up to a rotation CCA ignores) and the singular
    values of any group of rows -- so this reduction to at most n values per example is exact
    for all of them, for any subset of the rows.
    """
    x = activations if torch.is_tensor(activations) else torch.as_tensor(np.asarray(activations))
    x = x.detach().reshape(x.shape[0], -1)
    gram = torch.zeros(x.shape[0], x.shape[0], dtype=torch.float64, device=x.device)
    for start in range(0, x.shape[1], block):
        part = x[:, start : start + block].to(torch.float64)
        gram += part @ part.T
    values, vectors = torch.linalg.eigh(gram.cpu())
    values, vectors = values.flip(0), vectors.flip(1)
    tolerance = float(values.max().clamp(min=0)) * x.shape[0] * torch.finfo(torch.float64).eps
    kept = values > tolerance
    return vectors[:, kept] * values[kept].sqrt()


class CountSketch:
    """A count sketch (Charikar et al. 2002; feature hashing, Weinberger et al. 2009): each of a
    layer's p features is added, with a random sign, to one of `features` buckets.

    A random projection with one +-1 per feature: inner products between examples are kept in
    expectation, with a spread ~ ||x|| ||y|| / sqrt(features), and it costs O(p) per example
    with no projection matrix to draw or store (a dense Gaussian projection of a 3-million-value
    VGG16 layer to 8192 values would be 100 GB). Buckets and signs are drawn once from `seed`,
    so batches sketched separately line up. Bucket sums are differences of one cumulative sum
    over the features sorted by bucket (float64): deterministic on every device, unlike
    scatter-adds.
    """

    def __init__(self, size: int, features: int, seed: int):
        generator = torch.Generator().manual_seed(seed)
        buckets = torch.randint(features, (size,), generator=generator)
        self.signs = (torch.randint(2, (size,), generator=generator) * 2 - 1).to(torch.float64)
        self.order = torch.argsort(buckets, stable=True)
        counts = torch.bincount(buckets, minlength=features)
        self.ends = torch.cumsum(counts, 0)  # each bucket's end (exclusive) in the sorted order
        self.starts = self.ends - counts
        self.size, self.features = size, features

    def __call__(self, activations: torch.Tensor) -> torch.Tensor:
        """(n, features) float64 sketches of (n, ...) activations."""
        x = activations.reshape(activations.shape[0], -1)
        if x.shape[1] != self.size:
            raise ValueError(f"this sketch is for {self.size} features, got {x.shape[1]}")
        device, order = x.device, self.order.to(x.device)
        signed = x.to(torch.float64)[:, order] * self.signs.to(device)[order]
        total = torch.cat([signed.new_zeros(x.shape[0], 1), signed.cumsum(1)], dim=1)  # total[:, j]: the first j values
        return total[:, self.ends.to(device)] - total[:, self.starts.to(device)]


def normalised_grams(activations: list, rows: torch.Tensor | None = None) -> torch.Tensor:
    """(k, n * n): each activation matrix's centred Gram matrix over `rows` (default all),
    flattened and scaled to unit Frobenius norm (zero for a constant layer). Linear CKA of two
    of them is their dot product, so `m @ m.T` is the CKA of every pair at once."""
    out = []
    for x in activations:
        x = _matrix(x)
        x = x[rows] if rows is not None else x
        x = x - x.mean(dim=0)
        gram = (x @ x.T).flatten()
        norm = torch.linalg.norm(gram)
        out.append(gram / norm if norm > 0 else torch.full_like(gram, float("nan")))
    return torch.stack(out)


def cka_matrix(activations: list) -> torch.Tensor:
    """Linear CKA between every pair of activation matrices (same examples), k x k."""
    grams = normalised_grams(activations)
    return grams @ grams.T


def bootstrap_cka_matrix(
    activations: list, draws: int, seed: int = 0, level: float = 0.95, chunk: int = 8
) -> tuple[torch.Tensor, torch.Tensor]:
    """Percentile bootstrap intervals (low, high), k x k each, of every pairwise linear CKA.

    Each draw resamples the n examples with replacement -- the same rows for every matrix, so
    a pair keeps its pairing -- from a generator seeded by `seed`, and computes all pairs at
    once (`cka_matrix` of the resampled rows); `chunk` draws are held at a time. As in
    `bootstrap`, undefined draws are left out.
    """
    n = _matrix(activations[0]).shape[0]
    generator = torch.Generator().manual_seed(seed)
    rows = torch.randint(n, (draws, n), generator=generator)
    values = []
    for start in range(0, draws, chunk):
        for r in rows[start : start + chunk]:
            grams = normalised_grams(activations, r)
            values.append(grams @ grams.T)
    stacked = torch.stack(values).numpy()
    tail = (1 - level) / 2
    low, high = np.nanquantile(stacked, [tail, 1 - tail], axis=0)
    return torch.from_numpy(low), torch.from_numpy(high)


# ----------------------------------------------------------------------------- bootstrap


class Interval(NamedTuple):
    estimate: float  # the statistic on all examples
    low: float
    high: float


def bootstrap(
    statistic: Callable[[torch.Tensor, torch.Tensor], float],
    x,
    y,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap interval of `statistic(x, y)` over examples.

    Each draw resamples the n examples with replacement, the same rows of x and y together
    (the pairing is what the statistic measures), from a torch.Generator seeded by `seed`, so
    the interval is reproducible. `statistic` returns a number, e.g. `linear_cka` or
    `lambda x, y: svcca(x, y).mean`. Draws where it is undefined (NaN) are left out.

    A resample repeats rows, so it has fewer distinct examples than the data; a statistic biased
    by small samples is biased further in the draws, and the percentile interval can miss the
    estimate. SVCCA is the case in point: its weaker canonical correlations grow when CCA sees
    fewer distinct examples, and with 8 + 6 kept directions the whole interval lay above the
    estimate up to about 300 examples (1000 were needed to cover it). CKA's intervals covered
    their estimates in the same checks. Read SVCCA intervals as spreads, not as coverage.
    """
    x, y = _matrix(x), _matrix(y)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must hold the same examples; got {x.shape[0]} and {y.shape[0]} rows")
    generator = torch.Generator().manual_seed(seed)
    rows = torch.randint(x.shape[0], (draws, x.shape[0]), generator=generator)
    values = np.array([float(statistic(x[r], y[r])) for r in rows])
    values = values[np.isfinite(values)]
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return Interval(float(statistic(x, y)), float(low), float(high))


# ----------------------------------------------------------------------------- noisy copies


def noisy_copies(image: torch.Tensor, sigma: float, copies: int, seed: int = 0) -> torch.Tensor:
    """(copies, *image.shape): the image plus N(0, sigma^2) noise, drawn from `seed`.

    The noise is drawn on the CPU, so a seed gives the same group on every device. Values are not
    clipped (the post adds the noise as it is).
    """
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn((copies, *image.shape), generator=generator, dtype=image.dtype)
    return image.unsqueeze(0) + sigma * noise.to(image.device)


class GroupSpectrum(NamedTuple):
    singular_values: torch.Tensor  # largest first, min(copies, features) of them
    explained_variance_ratio: torch.Tensor  # s_i^2 / sum s^2; NaN when every s_i is 0


def perturbed_group_spectrum(activations, centre: bool = False) -> GroupSpectrum:
    """Singular values of a layer's activations over a group of noisy copies of one image.

    activations: (copies, ...) -- the layer's output for each copy. By default the group is not
    centred, as in the post: its SVD of the group leaves, for copies without noise, one non-zero
    singular value (sqrt(copies) times the activation's norm) -- the first direction is the
    group's mean activation, the signal, and the others measure what the noise adds. With
    `centre=True` the mean is subtracted first (PCA of the noise alone): identical copies then
    give all-zero singular values.
    """
    x = _centred(activations) if centre else _matrix(activations)
    singular_values = torch.linalg.svdvals(x)
    power = singular_values.square()
    return GroupSpectrum(singular_values, power / power.sum())
