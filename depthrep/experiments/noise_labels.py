"""Sec 5: ResNet50 trained to memorise randomly labelled Gaussian-noise images.

Every image is drawn from its own generator, seeded by (seed, image index): image i is the
same whether it is made alone, in any batch, or in a DataLoader worker, and the dataset
never has to sit in memory (the paper's 10,000 x 3 x 224 x 224 float32 images are 6 GB).
Labels are drawn once, uniformly over the classes, from a generator of their own.

Like the author's code, the model is torchvision's ResNet50 with its 1000 outputs, trained
on labels 0..classes-1; the checkpoint is therefore loadable by models.vision.load.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd
import torch
from torch.utils.data import Dataset

from ..models import UNTRAINED
from ..models.vision import load
from ..models.weights import save_checkpoint
from ..seeds import NOISE_IMAGES, NOISE_LABELS, generator, stream_seed
from ..training.fit import TrainSettings, check_settings, fit, remove_resume_file
from ..training.history import final_train_accuracy

log = logging.getLogger(__name__)

OUTPUTS = 1000  # classes of torchvision's ResNets


@dataclasses.dataclass(frozen=True)
class NoiseSettings:
    """The noise-label dataset. Paper: 10,000 images, N(1/2, 1/3), 100 classes, 224 x 224;
    the author's code draws randn / 4 + 1/2 (std 1/4)."""

    images: int = 10_000
    classes: int = 100
    image_size: int = 224
    mean: float = 0.5
    std: float = 1 / 3
    seed: int = 0

    def __post_init__(self):
        check_settings(
            self,
            "noise data",
            {"images": int, "classes": int, "image_size": int, "mean": float, "std": float, "seed": int},
            positive=("images", "classes", "image_size", "std"),
        )


class NoiseImages(Dataset):
    """(image, label) pairs: image ~ N(mean, std) of shape 3 x size x size (not clipped), label uniform.

    device: where the images are drawn. On the CPU an image comes from its own CPU generator
    (the same whether it is drawn alone, in a batch or in a DataLoader worker). On a GPU whole
    batches are drawn there (`__getitems__`), each image from its own generator on that GPU, so
    no worker process makes and copies the 3 x 224 x 224 images: a GPU's generator gives other
    numbers than the CPU's, so a GPU run trains on other noise images, of the same
    distribution, than a CPU run (each reproducible on its device).
    """

    def __init__(self, settings: NoiseSettings, device: torch.device | str = "cpu"):
        self.settings, self.device = settings, torch.device(device)
        self.labels = torch.randint(settings.classes, (settings.images,), generator=generator(settings.seed, NOISE_LABELS))

    def __len__(self) -> int:
        return self.settings.images

    def image(self, index: int) -> torch.Tensor:
        s = self.settings
        if not 0 <= index < s.images:
            raise IndexError(f"noise image {index} out of range 0..{s.images - 1}")
        draws = torch.Generator(device=self.device).manual_seed(stream_seed(s.seed, NOISE_IMAGES, index))
        return s.mean + s.std * torch.randn(3, s.image_size, s.image_size, generator=draws, device=self.device)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.image(index), int(self.labels[index])

    def batch(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """The images and labels of `indices`, made on the dataset's device."""
        return torch.stack([self.image(i) for i in indices]), self.labels[indices].to(self.device)


class NoiseBatches(NoiseImages):
    """NoiseImages that hand the DataLoader whole batches (training.fit then starts no workers):
    for a GPU, where drawing the images beside the model beats copying them from workers."""

    __getitems__ = NoiseImages.batch


def untrained_model(arch: str, settings: NoiseSettings, seed: int) -> torch.nn.Module:
    """The ResNet to train: PyTorch's default init drawn from `seed`, trainable, in training mode."""
    if settings.classes > OUTPUTS:
        raise ValueError(f"noise data setting classes must be at most {OUTPUTS} (the ResNet's outputs), got {settings.classes}")
    return load(arch, UNTRAINED, seed=seed).requires_grad_(True).train()


def train_noise_model(
    data: NoiseSettings,
    settings: TrainSettings,
    model_path: str | Path,
    checkpoint: str | Path | None = None,
    arch: str = "resnet50",
    device: torch.device | None = None,
    workers: int = 0,
    keep_path=None,
) -> pd.DataFrame:
    """Train the noise-label model, write it with models.save_checkpoint, return the history.

    checkpoint: the resume file (training.fit), removed once the model is written: it holds the
    optimizer's state too (three times the model) and nothing a finished run needs.
    keep_path: epoch -> file, for the epochs of settings.keep_epochs (training.fit).
    """
    model = untrained_model(arch, data, settings.seed)
    identity = {"arch": arch, "data": dataclasses.asdict(data)}
    device = device or torch.device("cpu")
    images = NoiseBatches(data, device) if device.type == "cuda" else NoiseImages(data)
    history = fit(
        model,
        images,
        settings,
        checkpoint,
        device=device,
        workers=workers,
        identity=identity,
        channels_last=True,
        keep_path=keep_path,
        keep_as=arch,
    )
    accuracy = final_train_accuracy(history)
    log.info("noise model: final training accuracy %.4f after %d epochs", accuracy, len(history))
    save_checkpoint(
        model_path, arch, model, data=dataclasses.asdict(data), training=dataclasses.asdict(settings), final_train_accuracy=accuracy
    )
    remove_resume_file(checkpoint)
    return history
