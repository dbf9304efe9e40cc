"""Training: the noise-label dataset, the shared training loop (resume included), the noise
model's checkpoint and Fig S5."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from depthrep import seeds
from depthrep.experiments import noise_labels as noise_data
from depthrep.experiments.noise_labels import NoiseImages, NoiseSettings
from depthrep.models import vision, weights
from depthrep.models.weights import load_tensors
from depthrep.plotting import kernels as plots
from depthrep.training import fit as training
from depthrep.training.fit import TrainSettings

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = NoiseSettings(images=24, classes=3, image_size=8, seed=0)
SMALL_DATA = NoiseImages(SMALL)
CPU = torch.device("cpu")


def test_noise_images_are_fixed_by_their_seed():
    a, b, other = NoiseImages(SMALL), NoiseImages(SMALL), NoiseImages(dataclasses.replace(SMALL, seed=1))
    assert torch.equal(a.labels, b.labels) and all(torch.equal(a.image(i), b.image(i)) for i in range(len(a)))
    assert not torch.equal(a.labels, other.labels)
    assert not any(torch.equal(a.image(i), other.image(i)) for i in range(len(a)))
    assert not torch.equal(a.image(0), a.image(1))


def test_an_image_is_the_same_alone_and_in_any_batch():
    data = NoiseImages(SMALL)
    alone = torch.stack([data.image(i) for i in range(len(data))])
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(3)).tolist()
    batches = [order[:5], order[5:16], order[16:]]  # batch edges fall anywhere
    for batch, (x, y) in zip(batches, DataLoader(data, batch_sampler=batches), strict=False):
        assert torch.equal(x, alone[batch])
        assert torch.equal(y, data.labels[batch])


def test_noise_statistics_and_label_range():
    settings = NoiseSettings(images=300, classes=5, image_size=16, mean=0.5, std=0.25, seed=0)
    data = NoiseImages(settings)
    pixels = torch.stack([data.image(i) for i in range(50)])
    assert pixels.shape == (50, 3, 16, 16)
    assert abs(pixels.mean().item() - 0.5) < 0.01 and abs(pixels.std().item() - 0.25) < 0.01
    assert set(data.labels.tolist()) == set(range(5))
    with pytest.raises(IndexError):
        data.image(300)


class Indices(Dataset):
    """(index, index): the order a loader visits the examples in."""

    def __len__(self):
        return 10

    def __getitem__(self, index):
        return index, index


def epoch_order(settings: TrainSettings, epoch: int, workers: int = 0) -> list[list[int]]:
    return [y.tolist() for _, y in training.epoch_loader(Indices(), settings, epoch, CPU, workers)]


def test_each_epoch_has_its_own_seeded_order():
    settings = TrainSettings(epochs=2, batch_size=4, seed=0)
    first = epoch_order(settings, 1)
    assert first == epoch_order(settings, 1)
    assert [len(b) for b in first] == [4, 4, 2] and sorted(sum(first, [])) == list(range(10))
    assert first != epoch_order(settings, 2)
    assert first != epoch_order(dataclasses.replace(settings, seed=1), 1)
    assert epoch_order(dataclasses.replace(settings, shuffle=False), 1) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    # DataLoader's own shuffle, its generator seeded from (seed, DATA_ORDER, epoch): the worker
    # base seed is drawn first, then the permutation.
    expected = torch.Generator().manual_seed(seeds.stream_seed(0, seeds.DATA_ORDER, 1))
    torch.empty((), dtype=torch.int64).random_(generator=expected)
    assert sum(first, []) == torch.randperm(10, generator=expected).tolist()


def test_the_order_does_not_depend_on_the_workers_or_on_the_global_rng():
    settings = TrainSettings(epochs=1, batch_size=4, seed=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        alone = epoch_order(settings, 1)
        state = torch.get_rng_state()
        torch.manual_seed(1)
        assert epoch_order(settings, 1, workers=2) == alone
        torch.set_rng_state(state)
        epoch_order(settings, 1)
        assert torch.equal(torch.get_rng_state(), state)  # the loader drew nothing from the global RNG


def tiny_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 3))


def test_training_lowers_the_loss_and_reports_each_epoch():
    settings = TrainSettings(epochs=12, batch_size=8, lr=1e-2, evaluate_train=True)
    data = NoiseImages(SMALL)
    history = training.fit(tiny_model(), data, settings, test=NoiseImages(dataclasses.replace(SMALL, seed=9)), device=CPU)
    assert list(history.epoch) == list(range(1, 13))
    assert set(history.columns) == {"epoch", "loss", "accuracy", "train_loss", "train_accuracy", "test_loss", "test_accuracy"}
    assert history.train_loss.iloc[-1] < 0.5 * history.train_loss.iloc[0]
    assert history.train_accuracy.iloc[-1] > 0.75  # 24 random labels of 3 classes memorised (chance: 1/3)


def test_worker_processes_do_not_change_the_result():
    alone, spread = tiny_model(), tiny_model()
    settings = TrainSettings(epochs=2, batch_size=8)
    history = training.fit(alone, SMALL_DATA, settings, device=CPU, workers=0)
    assert training.fit(spread, SMALL_DATA, settings, device=CPU, workers=2).equals(history)
    assert all(torch.equal(a, b) for a, b in zip(alone.parameters(), spread.parameters(), strict=False))


class Crashing(NoiseImages):
    """A dataset that fails at its `fail_at`-th access: a job killed in the middle of an epoch."""

    def __init__(self, settings, fail_at):
        super().__init__(settings)
        self.calls, self.fail_at = 0, fail_at

    def __getitem__(self, index):
        self.calls += 1
        if self.calls == self.fail_at:
            raise KeyboardInterrupt("killed")
        return super().__getitem__(index)


def test_a_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    settings = TrainSettings(epochs=3, batch_size=8, lr=1e-2)
    whole = tiny_model()
    expected = training.fit(whole, NoiseImages(SMALL), settings, tmp_path / "whole.pt", device=CPU)

    path = tmp_path / "resumed.pt"
    with pytest.raises(KeyboardInterrupt):  # dies in epoch 2, after epoch 1 was saved
        training.fit(tiny_model(), Crashing(SMALL, fail_at=len(SMALL_DATA) + 10), settings, path, device=CPU)
    assert load_tensors(path)["epoch"] == 1 and not list(tmp_path.glob(".*partial"))
    resumed = tiny_model(seed=5)  # a new process: its fresh weights must be replaced by the checkpoint's
    history = training.fit(resumed, NoiseImages(SMALL), settings, path, device=CPU)

    assert history.equals(expected)
    for name, tensor in whole.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name


def test_a_finished_run_is_not_trained_again_and_can_be_extended(tmp_path):
    path = tmp_path / "run.pt"
    two = tiny_model()
    first = training.fit(two, SMALL_DATA, TrainSettings(epochs=2, batch_size=8), path, device=CPU)
    again = tiny_model(seed=7)
    assert training.fit(again, SMALL_DATA, TrainSettings(epochs=2, batch_size=8), path, device=CPU).equals(first)
    assert torch.equal(again[1].weight, two[1].weight)
    longer = training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=3, batch_size=8), path, device=CPU)
    assert list(longer.epoch) == [1, 2, 3] and longer.iloc[:2].equals(first)


@pytest.mark.parametrize(
    "spoil, why",
    [
        (
            lambda path: training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=1, batch_size=8, lr=1e-3), path, device=CPU),
            "it was made with other settings (lr: 0.001 there, 0.0001 now)",
        ),
        (
            lambda path: training.fit(
                tiny_model(), SMALL_DATA, TrainSettings(epochs=1, batch_size=8), path, device=CPU, identity={"data": 2}
            ),
            "it was made with other settings (data: 2 there, None now)",
        ),
        (
            lambda path: training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=3, batch_size=8), path, device=CPU),
            "it has 3 epochs, more than the 2 asked for",
        ),
        (lambda path: path.write_bytes(b"not a checkpoint"), "it is unreadable"),
        (lambda path: torch.save({"arch": "resnet50", "state_dict": {}}, path), "it is not a training checkpoint"),
    ],
    ids=["other lr", "other data", "more epochs", "unreadable", "a model checkpoint"],
)
def test_a_checkpoint_that_cannot_be_resumed_is_discarded_with_a_line_in_the_log(tmp_path, caplog, spoil, why):
    path = tmp_path / "run.pt"
    spoil(path)
    with caplog.at_level("WARNING"):
        history = training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=2, batch_size=8), path, device=CPU)
    assert f"discarding the training checkpoint {path} and starting over: {why}" in caplog.text
    fresh = training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=2, batch_size=8), device=CPU)
    assert history.equals(fresh) and load_tensors(path)["epoch"] == 2  # trained from scratch, the file overwritten


def _state(path):
    return load_tensors(path)["state_dict"]


def test_kept_epochs_are_the_weights_after_those_epochs(tmp_path):
    """Epoch 0 is the model before training; epoch e equals a run of e epochs; nothing else changes."""
    settings = TrainSettings(epochs=3, batch_size=8, lr=1e-2, keep_epochs=[2, 0])
    assert settings.keep_epochs == (0, 2) and settings.identity() == dataclasses.replace(settings, keep_epochs=()).identity()
    start, model = tiny_model(), tiny_model()
    history = training.fit(model, SMALL_DATA, settings, device=CPU, keep_path=lambda e: tmp_path / f"m@{e}.pt", keep_as="tiny")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m@0.pt", "m@2.pt"]
    assert all(torch.equal(a, b) for a, b in zip(_state(tmp_path / "m@0.pt").values(), start.state_dict().values(), strict=True))
    two = tiny_model()
    training.fit(two, SMALL_DATA, dataclasses.replace(settings, epochs=2, keep_epochs=()), device=CPU)
    assert all(torch.equal(a, b) for a, b in zip(_state(tmp_path / "m@2.pt").values(), two.state_dict().values(), strict=True))
    assert weights.load_checkpoint(tmp_path / "m@2.pt", "tiny").keys() == two.state_dict().keys()
    plain = tiny_model()
    assert training.fit(plain, SMALL_DATA, dataclasses.replace(settings, keep_epochs=()), device=CPU).equals(history)
    assert all(torch.equal(a, b) for a, b in zip(plain.parameters(), model.parameters(), strict=True))


def test_a_resumed_run_missing_a_kept_checkpoint_starts_over(tmp_path, caplog):
    settings = TrainSettings(epochs=3, batch_size=8, lr=1e-2, keep_epochs=[1])
    kept, resume = (lambda e: tmp_path / f"m@{e}.pt"), tmp_path / "resume.pt"
    with pytest.raises(KeyboardInterrupt):  # dies in epoch 3, after epochs 1 and 2 were saved
        training.fit(tiny_model(), Crashing(SMALL, fail_at=2 * len(SMALL_DATA) + 5), settings, resume, device=CPU, keep_path=kept)
    (tmp_path / "m@1.pt").unlink()
    with caplog.at_level("WARNING"):
        training.fit(tiny_model(), SMALL_DATA, settings, resume, device=CPU, keep_path=kept)
    assert "it is past epochs [1], whose kept checkpoints are missing" in caplog.text and (tmp_path / "m@1.pt").is_file()


def test_kept_epochs_are_checked():
    with pytest.raises(ValueError, match=r"keep_epochs must list epochs from 0 to epochs \(3\), got \[4\]"):
        TrainSettings(epochs=3, keep_epochs=[4])
    with pytest.raises(ValueError, match="give keep_path"):
        training.fit(tiny_model(), SMALL_DATA, TrainSettings(epochs=1, keep_epochs=[1]), device=CPU)


def test_settings_read_from_yaml_are_cast_and_bad_ones_named():
    assert TrainSettings(epochs="3", lr="1e-4").lr == 1e-4  # YAML reads 1e-4 as a string
    assert NoiseSettings(images=10.0).images == 10 and isinstance(NoiseSettings(images=10.0).images, int)
    with pytest.raises(ValueError, match="training setting batch_size must be positive"):
        TrainSettings(epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="training setting epochs must be an integer, got 2.5"):
        TrainSettings(epochs=2.5)
    with pytest.raises(ValueError, match="training setting shuffle must be true or false"):
        TrainSettings(epochs=1, shuffle="no")
    with pytest.raises(ValueError, match="noise data setting std must be a number, got 'wide'"):
        NoiseSettings(std="wide")


def test_the_noise_model_checkpoint_loads_with_vision_load(tmp_path):
    """The final model and the kept epochs load like any model; epoch 0 is the untrained model
    and the last kept epoch the final one (the plan shares their inversions with those states)."""
    data = NoiseSettings(images=4, classes=3, image_size=32, std=0.25)
    settings = TrainSettings(epochs=1, batch_size=4, keep_epochs=[0, 1])
    kept = lambda epoch: tmp_path / f"noise@{epoch}.pt"  # noqa: E731
    history = noise_data.train_noise_model(data, settings, tmp_path / "noise.pt", tmp_path / "resume.pt", device=CPU, keep_path=kept)
    untrained = vision.load("resnet50", "untrained", seed=settings.seed)
    loaded = vision.load("resnet50", tmp_path / "noise.pt")
    assert not torch.equal(loaded.conv1.weight, untrained.conv1.weight)
    for epoch, same in ((0, untrained), (1, loaded)):
        model = vision.load("resnet50", kept(epoch))
        assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), same.state_dict().values(), strict=True)), epoch
    assert not (tmp_path / "resume.pt").exists()  # removed once the model is written
    saved = torch.load(tmp_path / "noise.pt", weights_only=True)["settings"]
    assert saved["data"]["std"] == 0.25 and saved["training"]["epochs"] == 1
    assert saved["final_train_accuracy"] == history.accuracy.iloc[-1]


def test_more_classes_than_the_resnet_outputs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="classes must be at most 1000"):
        noise_data.train_noise_model(NoiseSettings(images=2, classes=1001), TrainSettings(epochs=1), tmp_path / "m.pt")


def test_kernel_mosaic_normalises_each_kernel():
    kernels = torch.stack([torch.full((3, 7, 7), 5.0), torch.arange(147.0).reshape(3, 7, 7) - 100])
    mosaic = plots.kernel_mosaic(kernels, columns=8)
    assert mosaic.shape == (3, 9, 17)  # one row of two kernels, 1-pixel white gaps
    second = mosaic[:, 1:8, 9:16]
    assert second.min() == 0 and second.max() == 1
    assert torch.equal(mosaic[:, 1:8, 1:8], torch.zeros(3, 7, 7))  # a constant kernel has no range


def test_fig_s5_draws_kernels_and_unavailable_panels(tmp_path):
    model_path = tmp_path / "noise.pt"
    weights.save_checkpoint(model_path, "resnet50", vision.load("resnet50", "untrained", seed=1))
    kernels = vision.conv1_kernels("resnet50", model_path)
    assert kernels.shape == (64, 3, 7, 7)
    with pytest.raises(weights.WeightsUnavailable, match=f"checkpoint {tmp_path / 'absent.pt'} does not exist"):
        vision.conv1_kernels("resnet50", tmp_path / "absent.pt")  # a missing model is an error, not a blank panel
    panels = {"ImageNet-trained": "offline", "noise-trained": kernels}
    plots.draw_kernels(panels, "Fig S5: kernels", tmp_path / "s5.png", tmp_path / "s5.pdf", reduced="tiny")
    assert (tmp_path / "s5.png").read_bytes().startswith(PNG_MAGIC)
    assert (tmp_path / "s5.pdf").read_bytes().startswith(b"%PDF")


def test_batches_drawn_whole_equal_the_images_drawn_one_by_one_and_train_the_same():
    """NoiseBatches (what a GPU run trains on: whole batches drawn beside the model) give, on the
    CPU, the images of NoiseImages; training on either gives the same history and weights."""
    from depthrep.experiments.noise_labels import NoiseBatches

    batched = NoiseBatches(SMALL)
    x, y = batched.batch([5, 0, 17])
    assert torch.equal(x, torch.stack([SMALL_DATA.image(i) for i in (5, 0, 17)])) and torch.equal(y, SMALL_DATA.labels[[5, 0, 17]])
    settings = TrainSettings(epochs=2, batch_size=8)
    one, two = tiny_model(), tiny_model()
    assert training.fit(one, SMALL_DATA, settings, device=CPU).equals(training.fit(two, batched, settings, device=CPU))
    assert all(torch.equal(a, b) for a, b in zip(one.parameters(), two.parameters(), strict=True))


def test_channels_last_and_bf16_training_run_and_stay_close_to_the_plain_run():
    conv = lambda: nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))  # noqa: E731
    settings = TrainSettings(epochs=2, batch_size=8, lr=1e-2)
    torch.manual_seed(0)
    plain = training.fit(conv(), SMALL_DATA, settings, device=CPU)
    torch.manual_seed(0)
    last = training.fit(conv(), SMALL_DATA, settings, device=CPU, channels_last=True)
    assert last.loss.tolist() == pytest.approx(plain.loss.tolist(), rel=1e-4)  # the same arithmetic, summed in another order
    torch.manual_seed(0)
    low = training.fit(conv(), SMALL_DATA, dataclasses.replace(settings, precision="bf16"), device=CPU)
    assert low.loss.tolist() == pytest.approx(plain.loss.tolist(), rel=0.05) and not low.loss.equals(plain.loss)
    with pytest.raises(ValueError, match="precision must be fp32 or bf16"):
        TrainSettings(epochs=1, precision="fp16")
