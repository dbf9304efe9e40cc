"""Input Generation III: the class losses against the author's code, the two models' objective,
mimicry by output vector, merging by SGD, GoogLeNet's weights; every part end to end with
untrained models at a small size."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from depthrep.engine import OctaveDescent
from depthrep.experiments import model_similarity as similarity
from depthrep.models import vision, weights

AUTHORS = {  # the post's code: loss = f(out_resnet[c], out_googlenet[c])
    "combined": (similarity.ClassLoss(0.5, [1, 1], [200, 400]), lambda o1, o2: 0.5 * ((200 - o1) + (400 - o2))),
    "difference": (similarity.ClassLoss(2.0, [1, -1], [200, 400]), lambda o1, o2: 2 * ((200 - o1) - (400 - o2))),
}


def linear_models(outputs=1000, seed=0):
    torch.manual_seed(seed)
    return [nn.Sequential(nn.Flatten(), nn.Linear(3 * 4 * 4, outputs)).double() for _ in range(2)]


@pytest.mark.parametrize("kind", AUTHORS)
def test_the_class_loss_is_the_authors_and_its_gradient_the_posts(kind):
    loss, theirs = AUTHORS[kind]
    models = linear_models()
    x = torch.rand(2, 3, 4, 4, dtype=torch.float64, requires_grad=True)
    targets = torch.stack([loss.target(5), loss.target(7)]).double()
    ours = similarity.class_objective(models, loss.constants)(x, targets)
    out1, out2 = (m(x) for m in models)
    expected = torch.stack([theirs(out1[0, 5], out2[0, 5]), theirs(out1[1, 7], out2[1, 7])])
    assert torch.allclose(ours, expected)
    (grad,) = torch.autograd.grad(ours.sum(), x)
    w1, w2 = (m[1].weight for m in models)
    sign = 1 if kind == "combined" else -1
    # the constants C leave the gradient alone: d and e act only through the weights
    assert torch.allclose(grad[0].flatten(), -loss.scale * (w1[5] + sign * w2[5]))


def test_a_class_loss_needs_a_weight_and_a_constant_per_model():
    with pytest.raises(ValueError, match="one weight and one constant per model"):
        similarity.ClassLoss(1.0, [1, 1], [200])


TINY = OctaveDescent.of(
    {
        "octaves": [
            {"iterations": 3, "lr": [0.05, 0.03], "blur": [1.0, 0.5], "size": 16},
            {"iterations": 2, "lr": 0.02, "blur": 0.5, "size": 20, "crop": 16},
        ],
        "step": "normalised",
    }
)
ONE = OctaveDescent.of({"octaves": [{"iterations": 5, "lr": 0.05, "blur": [1.0, 0.5], "size": 16}], "step": "normalised"})
LOSSES = {
    "model1": similarity.ClassLoss(1.0, [1], [200]),
    "model2": similarity.ClassLoss(1.0, [1], [400]),
    **{kind: loss for kind, (loss, _) in AUTHORS.items()},
}


@pytest.fixture(scope="module")
def pair():
    return vision.load("resnet18", seed=0), vision.load("googlenet", seed=0)


def test_class_representations_of_every_kind_and_class(pair):
    model1, model2 = pair
    data = similarity.class_representations(model1, model2, [0, 11], TINY, LOSSES, seed=0)
    assert set(data.images) == {f"{k}/{c}" for k in similarity.KINDS for c in (0, 11)}
    assert data.images["combined/0"].shape == (3, 20, 20)  # the last octave's size
    assert list(data.table.columns) == ["kind", "class", "loss", "logit1", "logit2", "rank1", "rank2"]
    again = similarity.class_representations(model1, model2, [11], TINY, LOSSES, seed=0)
    # a class's image does not depend on the others (to float32 rounding: the batch differs)
    assert torch.allclose(again.images["difference/11"], data.images["difference/11"], rtol=0, atol=1e-4)


def test_a_class_representation_raises_the_class_logit(pair):
    model1, model2 = pair
    data = similarity.class_representations(model1, model2, [0, 11], ONE, LOSSES, seed=0)
    table = data.table.set_index(["kind", "class"])
    with torch.no_grad():
        before = model1(torch.full((1, 3, 16, 16), 0.7))[0]  # about a_0
    for cls in (0, 11):
        assert table.loc[("model1", cls), "logit1"] > 1.5 * before[cls].item() > 0


def test_mimicry_moves_the_output_towards_the_target_vector(pair):
    model1, _ = pair
    photo = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(3))
    data = similarity.mimicry(model1, {"photo": photo}, ONE, scale=0.05, seed=0)
    row = data.table.iloc[0]
    assert row.distance < 0.7 * row.distance_start and not row.diverged
    assert data.images["photo"].shape == (3, 16, 16)


def test_merging_trains_a_copy_of_model_1_towards_model_2(pair):
    model1, model2 = pair
    before = [p.clone() for p in model1.parameters()]
    source = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(4))
    data = similarity.merging(model1, model2, source, 0, TINY, LOSSES["model1"], steps=4, lr=1e-3, seed=0)
    table = data.table
    assert list(table.step) == [0, 1, 2, 3, 4] and table.distance.iloc[-1] < table.distance.iloc[0]
    assert table.ratio.iloc[0] == pytest.approx(table.distance.iloc[0] / table.distance.iloc[-1])
    with torch.no_grad():
        assert table.distance.iloc[0] == pytest.approx(((model1(source[None]) - model2(source[None])) ** 2).sum().item(), rel=1e-5)
    assert all(torch.equal(a, b) for a, b in zip(before, model1.parameters(), strict=True))  # model 1 itself untouched
    assert set(data.images) == {"source", "before", "after"} and not torch.equal(data.images["before"], data.images["after"])


def test_googlenet_is_seeded_and_its_imagenet_checkpoint_converts_the_input(tmp_path):
    first, again = vision.load("googlenet", seed=0), vision.load("googlenet", seed=0)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters(), strict=True))
    assert not first.transform_input and first.aux1 is None and not first.training
    import torchvision

    # an ImageNet checkpoint as scripts/fetch_imagenet_weights.py writes it
    trained = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True, transform_input=True)
    weights.save_checkpoint(
        tmp_path / "g.pt", "googlenet", trained, weights="imagenet", constructor=vision.constructor_arguments("googlenet", imagenet=True)
    )
    loaded = vision.load("googlenet", tmp_path / "g.pt")
    assert loaded.transform_input  # trained weights take torchvision's ImageNet input conversion
    assert torch.equal(loaded.fc.weight, trained.fc.weight)
    assert vision.imagenet_categories()[11] == "goldfinch"
