"""Training shared by the noise-label ResNet (Sec 5), the CIFAR classifiers (Sec 7) and the blog's
autoencoder.

Adam, an objective (cross-entropy for classifiers, CROSS_ENTROPY; mean squared reconstruction
error for the autoencoder, RECONSTRUCTION), a fixed number of epochs. After every epoch the model, the optimizer and
the history so far are written (atomically) to a checkpoint; calling `fit` again with the
same settings resumes from the last finished epoch and ends with the same weights as an
uninterrupted run. That holds because every random draw of an epoch is seeded from (seed,
epoch) alone: its data order (DataLoader's shuffle, drawn from a generator of the DATA_ORDER
stream) and the global RNG a model may use, e.g. for dropout (the EPOCH_RNG stream; see
depthrep.seeds).

`settings.keep_epochs` lists epochs whose weights are kept (`keep_path(epoch)`, written with
models.weights.save_checkpoint, loadable like the final model): epoch 0 is the model before
any training, epoch e the model after e epochs. They change nothing in training; a resumed run
needs the kept checkpoints of the epochs it skips, and starts over when one is missing.

The history has one row per epoch:
    epoch, loss, accuracy          running means over the epoch's batches (training mode),
                                   what training logs usually report
    train_loss, train_accuracy     the whole training set in eval mode after the epoch
                                   (only with evaluate_train; the fair side of a train/test gap)
    test_loss, test_accuracy       the test set in eval mode after the epoch (when one is given)
The accuracy columns exist only for an objective that has one (not for reconstruction).

A dataset may define `__getitems__` (a batch of indices at once, e.g. `Pairs`): the DataLoader
then fetches a whole batch with one indexing of in-memory tensors instead of one call per
example, in the same order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from ..files import Unreadable
from ..models.weights import load_tensors, save_checkpoint, save_tensors
from ..seeds import DATA_ORDER, EPOCH_RNG, generator, stream_seed

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Objective:
    """What training minimises: `batch_loss` (the mean over a batch, the loss that is stepped on),
    `sum_loss` (the sum over a batch's examples of each example's loss, for exact means over a
    data set) and `correct` (how many of a batch's outputs are right; None: no accuracy)."""

    name: str
    batch_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    sum_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    correct: Callable[[torch.Tensor, torch.Tensor], int] | None = None


def _mse_sum(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Sum over examples of each example's mean squared error."""
    return nn.functional.mse_loss(outputs, targets, reduction="sum") / outputs[0].numel()


CROSS_ENTROPY = Objective(
    "cross_entropy",
    nn.functional.cross_entropy,
    lambda logits, labels: nn.functional.cross_entropy(logits, labels, reduction="sum"),
    lambda logits, labels: (logits.argmax(1) == labels).sum().item(),
)
# An autoencoder's (input, input) pairs: the mean squared error of the reconstruction.
RECONSTRUCTION = Objective("mse", nn.functional.mse_loss, _mse_sum)


class Pairs(Dataset):
    """(x, y) examples from in-memory tensors, fetched a batch at a time (`__getitems__`): one
    indexing per batch rather than one Python call and a stack per example. `transform` (e.g.
    uint8 to float) is applied to each fetched batch of x; y None makes each example (x, x), an
    autoencoder's (the transformed input is its own target)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor | None = None, transform: Callable | None = None):
        if y is not None and len(x) != len(y):
            raise ValueError(f"Pairs: {len(x)} inputs but {len(y)} targets")
        self.x, self.y, self.transform = x, y, transform

    def __len__(self) -> int:
        return len(self.x)

    def __getitems__(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.as_tensor(indices, dtype=torch.long)
        x = self.x[index]
        if self.transform:
            x = self.transform(x)
        return x, (x if self.y is None else self.y[index])

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = self.__getitems__([index])
        return x[0], y[0]


CHECKPOINT_KEYS = {"model", "optimizer", "epoch", "history", "settings", "identity"}


@dataclasses.dataclass(frozen=True)
class TrainSettings:
    """What decides the trained weights (log_every only decides how chatty the log is)."""

    epochs: int
    batch_size: int = 128
    lr: float = 1e-4
    seed: int = 0
    # Seeded reshuffle every epoch; False keeps the dataset order (the author's code).
    shuffle: bool = True
    evaluate_train: bool = False
    log_every: int = 20  # batches between progress lines
    # Arithmetic of the forward and backward: "fp32", or "bf16" (autocast; weights, optimizer
    # state and loss stay float32).
    precision: str = "fp32"
    # Epochs whose weights are written as checkpoints (0: before training); no effect on training.
    keep_epochs: tuple[int, ...] = ()

    def __post_init__(self):
        check_settings(
            self,
            "training",
            {"epochs": int, "batch_size": int, "lr": float, "seed": int, "log_every": int},
            positive=("epochs", "batch_size", "lr", "log_every"),
            flags=("shuffle", "evaluate_train"),
        )
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"training setting precision must be fp32 or bf16, got {self.precision!r}")
        keep = self.keep_epochs
        if isinstance(keep, (str, bytes)) or not all(
            isinstance(e, int) and not isinstance(e, bool) and 0 <= e <= self.epochs for e in keep
        ):
            raise ValueError(f"training setting keep_epochs must list epochs from 0 to epochs ({self.epochs}), got {keep!r}")
        object.__setattr__(self, "keep_epochs", tuple(sorted(set(keep))))

    def identity(self) -> dict:
        """The settings a resumed run must share with the checkpoint (not epochs: a run may be extended)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in ("epochs", "log_every", "keep_epochs")}


def check_settings(settings, what: str, numbers: dict[str, type], positive: tuple[str, ...] = (), flags: tuple[str, ...] = ()) -> None:
    """Cast a frozen dataclass's numbers (YAML reads 1e-4 as a string) and check them, naming the bad one."""
    for name, kind in numbers.items():
        value = getattr(settings, name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{what} setting {name} must be a number, got {getattr(settings, name)!r}")
        if kind is int and not float(value).is_integer():
            raise ValueError(f"{what} setting {name} must be an integer, got {value!r}")
        if name in positive and not value > 0:
            raise ValueError(f"{what} setting {name} must be positive, got {value!r}")
        object.__setattr__(settings, name, kind(value))
    for name in flags:
        if not isinstance(getattr(settings, name), bool):
            raise ValueError(f"{what} setting {name} must be true or false, got {getattr(settings, name)!r}")


def epoch_loader(data: Dataset, settings: TrainSettings, epoch: int, device: torch.device, workers: int = 0) -> DataLoader:
    """The batches of one epoch: shuffled (settings.shuffle) or in the dataset's order.

    The DataLoader's generator is seeded from (seed, DATA_ORDER, epoch) and is made afresh for
    each epoch. The DataLoader first draws the worker processes' base seed from it, then its
    sampler draws the permutation; both draws happen whatever the number of workers, so the
    order depends on the seed and the epoch alone (and no draw touches the global RNG).
    """
    return _loader(
        data, settings.batch_size, device, workers, shuffle=settings.shuffle, generator=generator(settings.seed, DATA_ORDER, epoch)
    )


def _loader(data: Dataset, batch_size: int, device: torch.device, workers: int, **order) -> DataLoader:
    """A DataLoader; a dataset that makes whole batches (`__getitems__`: the CIFAR images held as
    one tensor on the device, the noise images drawn on it) hands them over as they are, with
    no worker processes and no per-example copies."""
    if hasattr(data, "__getitems__"):
        return DataLoader(data, batch_size=batch_size, collate_fn=_whole_batch, num_workers=0, **order)
    return DataLoader(data, batch_size=batch_size, num_workers=workers, pin_memory=device.type == "cuda", **order)


def _whole_batch(batch):
    return batch


def _autocast(settings: TrainSettings, device: torch.device):
    return torch.autocast(device.type, dtype=torch.bfloat16) if settings.precision == "bf16" else contextlib.nullcontext()


@torch.no_grad()
def evaluate(
    model: nn.Module,
    data: Dataset,
    settings: TrainSettings,
    device: torch.device,
    workers: int = 0,
    layout=torch.preserve_format,
    objective: Objective = CROSS_ENTROPY,
) -> tuple[float, float]:
    """Mean loss and accuracy (NaN for an objective without one) of `model` on `data`, in eval
    mode (the model's mode is restored)."""
    was_training = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    # A generator of its own for the workers' base seed: the pass draws nothing from the global RNG.
    for x, y in _loader(data, settings.batch_size, device, workers, generator=torch.Generator()):
        x, y = x.to(device, non_blocking=True, memory_format=layout), y.to(device, non_blocking=True)
        with _autocast(settings, device):
            outputs = model(x).float()
        loss_sum += objective.sum_loss(outputs, y).item()
        if objective.correct:
            correct += objective.correct(outputs, y)
    model.train(was_training)
    return loss_sum / len(data), (correct / len(data) if objective.correct else math.nan)


def _train_epoch(model, optimizer, data, settings, epoch, device, workers, layout, objective: Objective) -> dict:
    model.train()
    batches = epoch_loader(data, settings, epoch, device, workers)
    loss_sum, correct, seen = 0.0, 0, 0
    for b, (x, y) in enumerate(batches, start=1):
        x, y = x.to(device, non_blocking=True, memory_format=layout), y.to(device, non_blocking=True)
        with _autocast(settings, device):
            outputs = model(x).float()
        loss = objective.batch_loss(outputs, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(y)
        if objective.correct:
            correct += objective.correct(outputs, y)
        seen += len(y)
        if b % settings.log_every == 0 or b == len(batches):
            accuracy = f" accuracy {correct / seen:.4f}" if objective.correct else ""
            log.info("epoch %d/%d batch %d/%d: loss %.4f%s", epoch, settings.epochs, b, len(batches), loss_sum / seen, accuracy)
    return {"loss": loss_sum / seen, **({"accuracy": correct / seen} if objective.correct else {})}


def _resume(path: Path, model, optimizer, settings: TrainSettings, identity: dict, kept: dict[int, Path]) -> list[dict]:
    """The history of the checkpoint at `path` (its model and optimizer state loaded), or [] to
    start over: when there is none, or when it cannot be resumed (unreadable, not a training
    checkpoint, made with other settings, further than asked, or past a kept epoch whose
    checkpoint is missing). A resume file is a cache of progress, so one that does not fit is
    discarded, with a line in the log, and overwritten."""
    if not path.is_file():
        return []
    why = None
    try:
        state = load_tensors(path)
    except Unreadable as err:
        why = f"it is unreadable ({err})"
    else:
        if not isinstance(state, dict) or not state.keys() >= CHECKPOINT_KEYS:
            why = f"it is not a training checkpoint (it lacks {sorted(CHECKPOINT_KEYS)})"
        else:
            saved = {**state["settings"], **state["identity"]}
            wanted = {**settings.identity(), **identity}
            differ = sorted(k for k in saved.keys() | wanted.keys() if saved.get(k) != wanted.get(k))
            if differ:
                why = (
                    "it was made with other settings ("
                    + ", ".join(f"{k}: {saved.get(k)!r} there, {wanted.get(k)!r} now" for k in differ)
                    + ")"
                )
            elif state["epoch"] > settings.epochs:
                why = f"it has {state['epoch']} epochs, more than the {settings.epochs} asked for"
            elif missing := [e for e, file in kept.items() if e <= state["epoch"] and not Path(file).is_file()]:
                why = f"it is past epochs {missing}, whose kept checkpoints are missing"
    if why:
        log.warning("discarding the training checkpoint %s and starting over: %s", path, why)
        return []
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    log.info("resuming from %s after epoch %d", path, state["epoch"])
    return list(state["history"])


def fit(
    model: nn.Module,
    train: Dataset,
    settings: TrainSettings,
    checkpoint: str | Path | None = None,
    test: Dataset | None = None,
    device: torch.device | None = None,
    workers: int = 0,
    identity: dict | None = None,
    channels_last: bool = False,
    keep_path=None,
    keep_as: str = "",
    objective: Objective = CROSS_ENTROPY,
) -> pd.DataFrame:
    """Train `model` in place on `train` (a dataset of (input, target): (image, label) for the
    default cross-entropy, (image, image) for RECONSTRUCTION); return the per-epoch history.

    checkpoint: file written after every epoch and resumed from when present.
    identity: plain values describing the data and model (dataset settings, architecture);
    a checkpoint made with other values, another objective, or other settings, is discarded
    rather than resumed.
    workers: DataLoader worker processes (they do not change the result).
    channels_last: the model and its image batches in channels-last memory order (faster
    convolutions on CPUs and GPUs; the same arithmetic up to the order of sums).
    keep_path: epoch -> file of the checkpoint kept after that epoch, for settings.keep_epochs
    (required when there are any); keep_as: the architecture name written into them.
    """
    device = device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
    identity = dict(identity or {})
    if objective is not CROSS_ENTROPY:  # the classifiers' resume files predate the setting
        identity["objective"] = objective.name
    layout = torch.channels_last if channels_last else torch.preserve_format
    model.to(device, memory_format=layout).requires_grad_(True)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    path = Path(checkpoint) if checkpoint else None
    if settings.keep_epochs and keep_path is None:
        raise ValueError(f"training keeps epochs {list(settings.keep_epochs)}: give keep_path, where to write them")
    kept = {epoch: Path(keep_path(epoch)) for epoch in settings.keep_epochs}
    history = _resume(path, model, optimizer, settings, identity, kept) if path else []
    if not history and 0 in kept:
        _keep(kept[0], keep_as, model, 0, settings, identity)
    devices = [device] if device.type == "cuda" else []
    for epoch in range(len(history) + 1, settings.epochs + 1):
        start = time.perf_counter()
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(stream_seed(settings.seed, EPOCH_RNG, epoch))
            row = {"epoch": epoch, **_train_epoch(model, optimizer, train, settings, epoch, device, workers, layout, objective)}
        for name, data in (("train", train if settings.evaluate_train else None), ("test", test)):
            if data is not None:
                loss, accuracy = evaluate(model, data, settings, device, workers, layout, objective)
                row[f"{name}_loss"] = loss
                if objective.correct:
                    row[f"{name}_accuracy"] = accuracy
        history.append(row)
        if epoch in kept:
            _keep(kept[epoch], keep_as, model, epoch, settings, identity)
        log.info(
            "epoch %d/%d done in %.1f s: %s",
            epoch,
            settings.epochs,
            time.perf_counter() - start,
            ", ".join(f"{k} {v:.4f}" for k, v in row.items() if k != "epoch"),
        )
        if path:
            save_tensors(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epoch": epoch,
                    "history": history,
                    "settings": settings.identity(),
                    "identity": identity,
                },
                path,
            )
    return pd.DataFrame(history)


def _keep(path: Path, arch: str, model: nn.Module, epoch: int, settings: TrainSettings, identity: dict) -> None:
    save_checkpoint(path, arch, model, epoch=epoch, training=dataclasses.asdict(settings), identity=identity)
    log.info("kept the weights after epoch %d in %s", epoch, path)


def remove_resume_file(checkpoint: str | Path | None) -> None:
    """Remove a finished run's resume file (its results are written): it is the size of the model
    and the optimizer's state, and nothing a finished run needs."""
    if checkpoint and Path(checkpoint).is_file():
        Path(checkpoint).unlink()
        log.info("training finished: removed its resume file %s", checkpoint)
