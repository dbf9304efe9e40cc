"""The blog's autoencoder ("Autoencoders: learning by copying"): its data (photo patches), the
training loop with the reconstruction objective, and what is measured on it (denoising, layer
inversions, manifold walk)."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
from cifar_files import make_cifar
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from depthrep import seeds
from depthrep.engine import Descent
from depthrep.experiments import autoencoder, denoising
from depthrep.models import autoencoder as ae_model
from depthrep.models.weights import load_tensors
from depthrep.training import fit as training
from depthrep.training.fit import Pairs, TrainSettings

CPU = torch.device("cpu")
PATCHES = autoencoder.PhotoPatches(side=48, size=8, train=64, held_out=12, seed=0)


@pytest.fixture(scope="module")
def patches():
    return autoencoder.photo_patches(PATCHES)


def test_photo_patches_are_a_fixed_set_and_held_out_ones_come_from_the_held_out_strip(patches):
    train, held_out = patches
    assert train.shape == (64, 3, 8, 8) and held_out.shape == (12, 3, 8, 8) and train.dtype == torch.uint8
    again = autoencoder.photo_patches(PATCHES)
    assert torch.equal(again[0], train) and torch.equal(again[1], held_out)
    other = autoencoder.photo_patches(autoencoder.PhotoPatches(side=48, size=8, train=64, held_out=12, seed=1))
    assert not torch.equal(other[0], train)
    places = autoencoder.patch_places(PATCHES)
    assert places.groupby("photo").size().to_dict() == {"astronaut": 19, "chelsea": 19, "coffee": 19, "rocket": 19}
    train_places, held_places = places[places.part == "train"], places[places.part == "held_out"]
    assert (train_places.left + 8 <= train_places.split).all()  # no training pixel in the held-out strip
    assert (held_places.left >= held_places.split).all() and (held_places.left + 8 <= held_places.width).all()
    assert (places.height == 48).all()  # the short side resized to `side`


def test_bad_patch_settings_are_named():
    with pytest.raises(ValueError, match="unknown photo"):
        autoencoder.PhotoPatches(names=["moon"])
    with pytest.raises(ValueError, match="held-out strip of photo astronaut is 2 x 16 pixels, smaller than a 8 x 8 patch"):
        autoencoder.photo_patches(
            autoencoder.PhotoPatches(names=["astronaut"], side=16, size=8, train=1, held_out=1, held_out_fraction=0.1)
        )


def test_pairs_fetch_a_batch_at_once_in_the_loaders_order():
    x = torch.arange(20.0).view(10, 2)
    settings = TrainSettings(epochs=1, batch_size=4, seed=3)
    ours = [b for b, _ in training.epoch_loader(Pairs(x), settings, 1, CPU)]
    plain = [b for b, _ in training.epoch_loader(TensorDataset(x, x), settings, 1, CPU)]
    assert len(ours) == 3 and all(torch.equal(a, b) for a, b in zip(ours, plain, strict=True))
    scaled = Pairs(x.to(torch.uint8), transform=lambda t: t.float() / 255)
    a, b = next(iter(DataLoader(scaled, batch_size=3, collate_fn=lambda batch: batch)))
    assert a.dtype == torch.float32 and torch.equal(a, b) and torch.equal(a, x[:3] / 255)  # an autoencoder's (x, x)
    labelled = Pairs(x, torch.arange(10))
    assert torch.equal(labelled.__getitems__([4, 1])[1], torch.tensor([4, 1])) and labelled[2][1].item() == 2


def test_the_autoencoder_trains_resumably_and_its_checkpoint_loads(tmp_path, patches, caplog):
    train, held_out = patches
    widths = [256, 256, 256, 256, 256]
    settings = TrainSettings(epochs=3, batch_size=16, lr=1e-3)
    model_path, resume = tmp_path / "ae.pt", tmp_path / "ae.resume.pt"
    history = autoencoder.train_autoencoder(train, held_out, widths, settings, model_path, resume, device=CPU)
    assert list(history.columns) == ["epoch", "loss", "test_loss"]  # no accuracy for reconstruction
    assert history.loss.iloc[-1] < history.loss.iloc[0] and not resume.exists()
    trained = autoencoder.load_autoencoder(model_path, (3, 8, 8), widths, seed=0)
    untrained = autoencoder.load_autoencoder(None, (3, 8, 8), widths, seed=0)
    clean = autoencoder.as_float(held_out)
    with torch.no_grad():
        error = [((m(clean) - clean) ** 2).mean().item() for m in (trained, untrained)]
    assert error[0] < error[1]
    assert error[0] == pytest.approx(history.test_loss.iloc[-1], rel=1e-4)  # test_loss: the held-out MSE
    saved = load_tensors(model_path)["settings"]
    assert saved["widths"] == widths and saved["input_shape"] == [3, 8, 8]
    # a classifier's resume file is not resumed by the reconstruction objective
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(192, 3))
    labels = torch.zeros(len(train), dtype=torch.long)
    training.fit(
        classifier, Pairs(train, labels, transform=autoencoder.as_float), TrainSettings(epochs=1, batch_size=16), resume, device=CPU
    )
    with caplog.at_level("WARNING"):
        autoencoder.train_autoencoder(train, held_out, widths, TrainSettings(epochs=1, batch_size=16), model_path, resume, device=CPU)
    assert "objective: None there, 'mse' now" in caplog.text


def test_cut_ends_after_each_hidden_layer():
    model = ae_model.autoencoder((3, 4, 4), [60, 70, 80], seed=0)
    assert ae_model.layer_names(model) == ["hidden1", "hidden2", "hidden3", "output"]
    x = torch.rand(2, 3, 4, 4)
    assert ae_model.cut(model, "hidden2")(x).shape == (2, 70)
    assert (ae_model.cut(model, "hidden2")(x) >= 0).all()  # after the ReLU
    assert torch.equal(ae_model.cut(model, "output")(x), model(x))
    with pytest.raises(ValueError, match="widths must be a non-empty list"):
        ae_model.autoencoder((3, 4, 4), [])


class Oracle(nn.Module):
    """A perfect denoiser for the test: it returns the clean images whatever it is given."""

    def __init__(self, clean):
        super().__init__()
        self.clean = clean
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return self.clean[: len(x)] * self.scale


def test_denoising_measures_both_distances_with_the_identity_as_control():
    clean = torch.rand(6, 3, 4, 4, generator=torch.Generator().manual_seed(0))
    noises = [{"combine": "mix", "mean": 0.7, "weight": 0.5}, {"combine": "add", "mean": 0.0}]
    data = denoising.denoising({"oracle": Oracle(clean), "identity": None}, clean, [0.2, 0.05], noises, examples=2)
    table = data.table.set_index(["noise", "model", "sigma"])
    assert set(data.table.noise) == {"none", "0.5 a + 0.5 N(0.7, s)", "a + N(0, s)"}
    identity, oracle = table.xs("identity", level="model"), table.xs("oracle", level="model")
    assert (identity.output_distance == identity.input_distance).all() and (identity.closer == 0).all() and (identity.change == 0).all()
    assert (oracle.change == oracle.input_distance).all()  # it changes a~ back into a
    assert (oracle.output_distance == 0).all() and (oracle[oracle.index.get_level_values("noise") != "none"].closer == 1).all()
    added = identity.loc["a + N(0, s)"]
    assert added.loc[0.2, "input_distance"] > added.loc[0.05, "input_distance"] > 0 == identity.loc[("none", 0.0), "input_distance"]
    z = torch.randn(clean.shape, generator=seeds.generator(0, seeds.CORRUPTION))
    assert torch.allclose(data.images["noisy/0/0.2"], (0.5 * clean + 0.5 * (0.7 + 0.2 * z))[:2])
    assert torch.allclose(data.images["noisy/1/0.05"], (clean + 0.05 * z)[:2])
    assert torch.allclose(denoising.corrupt(clean, 0.2, 0.0, 0.5, z, "add"), clean + 0.2 * z)
    with pytest.raises(ValueError, match="combine must be one of"):
        denoising.corrupt(clean, 0.2, 0.0, 0.5, z, "blend")


def test_the_manifold_walk_iterates_the_model_and_measures_each_step():
    class Halve(nn.Module):
        def forward(self, x):
            return 0.5 * x

    data = denoising.manifold_walk({"halve": Halve()}, (3, 4, 4), steps=4, start_mean=0.7, start_std=0.2, examples=3, seed=0)
    walk = data.images["halve"]
    assert walk.shape == (3, 5, 3, 4, 4) and torch.allclose(walk[:, 4], walk[:, 0] / 16)
    distances = data.table.pivot(index="example", columns="step", values="distance")
    assert list(distances.columns) == [1, 2, 3, 4]
    assert torch.allclose(torch.tensor(distances[2].to_numpy()), torch.tensor(distances[1].to_numpy()) / 2)


def test_every_layer_of_both_autoencoders_is_inverted():
    image = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(0))
    models = {name: ae_model.autoencoder((3, 4, 4), [60, 60], seed=s) for name, s in (("trained", 1), ("untrained", 0))}
    descent = Descent(iterations=30, loss_scale=0.35, lr_candidates=(0.03, 0.01), trajectory_points=4)
    data = denoising.layer_inversions(models, image, descent, shift_std=0.05, seed=0)
    final = data.table[data.table.iteration == data.table.iterations]
    assert list(zip(final.model, final.layer)) == [(m, layer) for m in models for layer in ("hidden1", "hidden2", "output")]
    assert final[["m_g", "m_s", "m_i"]].notna().all().all() and set(final.lr) <= {0.03, 0.01}
    assert data.images["trained/hidden1"].shape == (3, 4, 4) and torch.equal(data.images["target"], image)
    assert isinstance(data.table, pd.DataFrame)


def test_with_cifar10_it_trains_on_the_training_split_and_holds_out_the_first_test_images(tmp_path):
    written = make_cifar(tmp_path, "cifar10")
    data = {"source": "cifar10", "train": None, "held_out": 5, "root": str(tmp_path), "verify": False}
    train, held_out = autoencoder.load_data(data, seed=0)
    assert train.shape == (30, 3, 32, 32) and held_out.shape == (5, 3, 32, 32) and train.dtype == torch.uint8
    first_test = torch.from_numpy(written["test_batch"][0][0]).view(3, 32, 32)  # CIFAR stores channel-major rows
    assert torch.equal(held_out[0], first_test)
    limited, _ = autoencoder.load_data({**data, "train": 7}, seed=0)
    assert torch.equal(limited, train[:7])
