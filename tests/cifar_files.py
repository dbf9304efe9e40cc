"""Small CIFAR datasets in torchvision's on-disk format, made by the tests."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

# The files torchvision reads: (file, label key, number of images) per dataset, and the meta file.
LAYOUT = {
    "cifar10": (
        "cifar-10-batches-py",
        [(f"data_batch_{i}", "labels", 6) for i in range(1, 6)] + [("test_batch", "labels", 8)],
        ("batches.meta", "label_names", 10),
    ),
    "cifar100": ("cifar-100-python", [("train", "fine_labels", 30), ("test", "fine_labels", 8)], ("meta", "fine_label_names", 100)),
}


def make_cifar(root: Path, name: str, seed: int = 0) -> dict[str, tuple[np.ndarray, list[int]]]:
    """A small dataset in CIFAR's format: pickled dicts, data uint8 (N, 3072) in channel-major order.

    The published files are Python 2 pickles whose str keys torchvision reads as "data",
    "labels" or "fine_labels"; Python 3 str keys read back the same way.
    """
    folder, files, (meta, key, classes) = LAYOUT[name]
    rng = np.random.default_rng(seed)
    (root / folder).mkdir(parents=True)
    written = {}
    for file, label_key, count in files:
        data = rng.integers(0, 256, (count, 3072), dtype=np.uint8)
        labels = rng.integers(0, classes, count).tolist()
        with open(root / folder / file, "wb") as out:
            pickle.dump({"data": data, label_key: labels, "filenames": [f"{i}.png" for i in range(count)]}, out, protocol=2)
        written[file] = (data, labels)
    with open(root / folder / meta, "wb") as out:
        pickle.dump({key: [f"class{i}" for i in range(classes)]}, out, protocol=2)
    return written
