"""Vision models cut at five layers: the cut table for every torchvision classification model
(checked on meta-device models, which cost no memory or initialisation), real forwards of small
untrained models, image sizes and ImageNet weights offline."""

from __future__ import annotations

import itertools
import urllib.error
from types import SimpleNamespace

import pandas as pd
import pytest
import torch
import torchvision

from depthrep.files import sha256
from depthrep.models import vision, weights
from depthrep.models.architectures import ARCHITECTURES
from depthrep.seeds import MODEL_INIT, stream_seed

ALL = vision.names()
PAPER_RESNET = {"conv1": "relu", "conv2": "layer1", "conv3": "layer2", "conv4": "layer3", "conv5": "layer4"}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Forwards here are tiny: one thread avoids oversubscribing shared cores (ten times faster there)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _spatial(arch: str, shape: torch.Size) -> tuple[int, int]:
    """Height and width of an activation: Swin keeps channels last, the others first."""
    return tuple(shape[1:3]) if arch.startswith("swin") else tuple(shape[-2:])


# ----------------------------------------------------------------------------- every registry model


def test_the_registry_is_torchvisions_classification_models():
    assert len(ALL) == 80
    assert {"resnet50", "vgg16", "googlenet", "inception_v3", "vit_h_14", "regnet_y_128gf", "maxvit_t"} <= set(ALL)
    assert set(vision.CUTS) == set(ALL)  # every current model has a hand-written entry


@pytest.mark.parametrize("arch", ALL)
def test_five_cuts_at_increasing_depth_on_existing_nodes(arch):
    nodes = vision.graph_nodes(arch)
    for table in (vision.cuts(arch), vision.default_cuts(arch)):
        assert len(table) == 5
        positions = [vision._node_index(nodes, node) for node in table.values()]  # raises if absent
        assert positions == sorted(set(positions)), table
        assert positions[0] > 0 and positions[-1] < len(nodes) - 1  # neither the input nor the logits
    depths = [vision.relative_depth(arch, layer) for layer in vision.cuts(arch)]
    assert all(0 < a < b <= 1 for a, b in itertools.pairwise(depths))


# Output height of each cut for a 224-pixel input (299 for Inception v3): each hand-written cut
# ends a stage, so it sits at a stride the table's docstring promises.
STRIDES = {
    "resnet": [112, 56, 28, 14, 7],
    "wide_resnet": [112, 56, 28, 14, 7],
    "resnext": [112, 56, 28, 14, 7],
    "efficientnet": [112, 56, 28, 14, 7],
    "mobilenet": [112, 56, 28, 14, 7],
    "mnasnet": [112, 56, 28, 14, 7],
    "densenet": [112, 56, 28, 14, 7],
    "googlenet": [112, 56, 28, 14, 7],
    "regnet": [112, 56, 28, 14, 7],
    "maxvit": [112, 56, 28, 14, 7],
    "vgg": [224, 112, 56, 28, 14],
    "alexnet": [55, 27, 13, 13, 13],
    "convnext": [56, 56, 28, 14, 7],
    "swin": [56, 56, 28, 14, 7],
    "shufflenet": [112, 28, 14, 7, 7],
    "squeezenet1_0": [109, 54, 27, 13, 13],
    "squeezenet1_1": [111, 55, 27, 13, 13],
    "inception_v3": [147, 71, 35, 17, 8],
}


# The smallest model of each family with its own stem and downsampling.
FAMILY_HEADS = [
    "resnet18",
    "wide_resnet50_2",
    "resnext50_32x4d",
    "efficientnet_b0",
    "efficientnet_v2_s",
    "efficientnet_v2_m",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "mobilenet_v3_large",
    "mnasnet0_5",
    "densenet121",
    "googlenet",
    "regnet_x_400mf",
    "regnet_y_400mf",
    "maxvit_t",
    "vgg11",
    "vgg11_bn",
    "vgg19_bn",
    "alexnet",
    "convnext_tiny",
    "swin_t",
    "swin_v2_t",
    "shufflenet_v2_x0_5",
    "squeezenet1_0",
    "squeezenet1_1",
    "inception_v3",
]


def test_every_model_has_a_measured_minimum_image_size():
    assert set(vision.MIN_IMAGE_SIZE) == set(ALL)


# Checked on the smallest model of each family (and every ViT: patch sizes differ); the others
# share their family's stem and downsampling, and checking all 80 costs 13 s of meta forwards.
@pytest.mark.parametrize("arch", FAMILY_HEADS + ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"])
def test_minimum_image_size_is_the_smallest_that_reaches_the_deepest_cut(arch):
    smallest = vision.MIN_IMAGE_SIZE[arch]
    assert vision._reaches_deepest_cut(arch, smallest)
    assert smallest == 1 or not vision._reaches_deepest_cut(arch, smallest - 1)


@pytest.mark.parametrize("arch", FAMILY_HEADS)
def test_hand_written_cuts_end_stages_at_the_documented_strides(arch):
    family = next(family for family in STRIDES if arch.startswith(family))
    shapes = vision.cut_shapes(arch, 299 if arch == "inception_v3" else 224)
    assert [_spatial(arch, shapes[layer])[0] for layer in vision.CUTS[arch]] == STRIDES[family]


def test_the_torch_free_table_is_what_this_module_computes():
    """depthrep.models.architectures (generated; the workflow checks configs against it) equals
    CUTS, the relative depths and the size rules, for every registry model."""
    assert vision.static_table() == ARCHITECTURES
    assert {arch: entry["cuts"] for arch, entry in ARCHITECTURES.items()} == vision.CUTS
    assert ARCHITECTURES["vit_b_16"]["size_step"] == 16 and ARCHITECTURES["vit_b_16"]["imagenet_image_size"] == 224
    assert ARCHITECTURES["maxvit_t"]["size_step"] is None and ARCHITECTURES["resnet50"]["size_step"] == 1


def test_resnet_cuts_are_the_papers():
    for arch in ALL:
        if "resnet" in arch or "resnext" in arch:
            assert vision.CUTS[arch] == PAPER_RESNET, arch


def test_vit_cuts_are_five_blocks_spread_over_the_encoder():
    assert list(vision.CUTS["vit_b_16"]) == ["block2", "block5", "block7", "block10", "block12"]
    assert vision.CUTS["vit_b_16"]["block12"] == "encoder.layers.encoder_layer_11"
    assert list(vision.CUTS["vit_l_16"]) == ["block5", "block10", "block14", "block19", "block24"]
    assert list(vision.CUTS["vit_h_14"]) == ["block6", "block13", "block19", "block26", "block32"]


def test_default_rule_finds_the_stages_of_well_known_trunks():
    assert list(vision.default_cuts("resnet18").values()) == ["maxpool", "layer1", "layer2", "layer3", "layer4"]
    for arch in ("regnet_x_400mf", "maxvit_t"):
        assert list(vision.default_cuts(arch).values()) == list(vision.CUTS[arch].values())
    assert next(iter(vision.default_cuts("vit_b_16"))) == "stage1"


def test_describe_cuts_is_one_row_per_cut():
    table = vision.describe_cuts(["resnet18", "vit_b_16"])
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["architecture", "cut", "node", "relative_depth", "min_image_size", "hand_written"]
    assert len(table) == 10
    resnet = table[table.architecture == "resnet18"]
    assert list(resnet.cut) == list(PAPER_RESNET) and list(resnet.node) == list(PAPER_RESNET.values())
    assert resnet.relative_depth.is_monotonic_increasing and resnet.relative_depth.between(0, 1).all()
    assert set(table[table.architecture == "vit_b_16"].min_image_size) == {16}


# ----------------------------------------------------------------------------- real forwards

SMALL = [  # (model, image size): small untrained forwards on the CPU
    ("resnet18", 32),
    ("vgg11", 32),
    ("googlenet", 32),
    ("inception_v3", 75),
    ("vit_b_16", 32),
    ("convnext_tiny", 32),
    ("efficientnet_b0", 32),
    ("mobilenet_v3_small", 32),
]


@pytest.mark.parametrize("arch, size", SMALL)
def test_cuts_of_a_real_model_have_the_predicted_shapes_and_pass_gradients(arch, size):
    model = vision.load(arch, image_size=size, seed=0)
    assert not model.training and not any(p.requires_grad for p in model.parameters())
    layers = list(vision.cuts(arch))
    x = torch.rand(2, 3, size, size)
    with torch.no_grad():
        out = vision.cut(model, arch, layers)(x)
    predicted = vision.cut_shapes(arch, size)
    assert list(out) == layers
    for layer in layers:
        assert out[layer].shape == (2, *predicted[layer][1:]), layer
        assert torch.isfinite(out[layer]).all(), layer
    x.requires_grad_(True)
    vision.SingleCut(model, arch, layers[-1])(x).square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_resnet18_cut_shapes_at_32_pixels():
    model = vision.load("resnet18", image_size=32)
    with torch.no_grad():
        out = vision.cut(model, "resnet18", list(PAPER_RESNET))(torch.rand(1, 3, 32, 32))
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "conv1": (1, 64, 16, 16),
        "conv2": (1, 64, 8, 8),
        "conv3": (1, 128, 4, 4),
        "conv4": (1, 256, 2, 2),
        "conv5": (1, 512, 1, 1),
    }


def test_a_shallow_cut_never_runs_later_stages():
    body = vision.cut(vision.meta_model("resnet18"), "resnet18", ["conv2"])
    assert not any(name.startswith(("layer2", "layer3", "layer4", "fc")) for name, _ in body.named_modules())


def test_a_cut_at_an_early_vit_block_runs_no_later_block():
    """ViT blocks assert on their input; FX keeps asserts, which once kept all twelve blocks alive."""
    body = vision.cut(vision.load("vit_b_16", image_size=32), "vit_b_16", ["block2"])
    called = []
    for name, module in body.named_modules():
        if name.startswith("encoder.layers.encoder_layer_"):
            module.register_forward_pre_hook(lambda m, i, name=name: called.append(name.split(".")[2]))
    with torch.no_grad():
        body(torch.rand(1, 3, 32, 32))
    assert set(called) == {"encoder_layer_0", "encoder_layer_1"}
    with pytest.raises(Exception, match="Wrong image height"):  # the input checks before the cut stay
        body(torch.rand(1, 3, 48, 32))


def test_untrained_models_of_every_family_draw_from_the_model_init_stream():
    """The draw models.resnet always made for the paper's figures, for every architecture."""
    for arch in ("resnet50", "vgg11", "googlenet"):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(stream_seed(3, MODEL_INIT))
            expected = torchvision.models.get_model(arch, weights=None, **vision.constructor_arguments(arch))
        loaded = vision.load(arch, seed=3)
        assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(), expected.state_dict().values(), strict=True)), arch


def test_untrained_weights_come_from_the_seed_and_leave_the_global_generator_alone():
    state = torch.get_rng_state()
    first, again, other = (vision.load("resnet18", seed=s).conv1.weight for s in (0, 0, 1))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert torch.equal(torch.get_rng_state(), state)


# ----------------------------------------------------------------------------- errors


def test_unknown_model_and_cut_names_are_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="resnet19"):
        vision.load("resnet19")
    with pytest.raises(ValueError, match=r"conv6.*conv1', 'conv2', 'conv3', 'conv4', 'conv5"):
        vision.cut(vision.meta_model("resnet18"), "resnet18", ["conv6"])


def test_a_size_below_the_minimum_names_the_model_and_the_size():
    with pytest.raises(ValueError, match="inception_v3 needs images of at least 75x75 pixels; got 74"):
        vision.load("inception_v3", image_size=74)


def test_vit_is_built_for_a_multiple_of_its_patch_size_only():
    assert vision.load("vit_b_32", image_size=64).image_size == 64
    with pytest.raises(ValueError, match="vit_b_32 cannot be built for 48x48"):
        vision.load("vit_b_32", image_size=48)


def test_imagenet_vit_at_another_size_is_refused_before_any_download(monkeypatch):
    monkeypatch.setattr(vision, "imagenet_state_dict", lambda arch: pytest.fail("no weights needed"))
    with pytest.raises(ValueError, match=r"vit_b_16 with ImageNet weights .* only at 224x224 pixels.*got 64"):
        vision.load("vit_b_16", weights="imagenet", image_size=64)


def test_untraceable_model_is_named_in_the_error():
    class Branching(torch.nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(vision.NotTraceable, match="resnet18"):
        vision.cut(Branching(), "resnet18", ["conv1"])


# ----------------------------------------------------------------------------- ImageNet weights


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty torch hub cache, and no network: a download fails as it would offline."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def offline(url, *args, **kwargs):
        raise urllib.error.URLError("offline (test)")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)
    return tmp_path


def test_weights_offline_raise_weights_unavailable_naming_the_file(torch_home):
    file = torch_home / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    assert weights.imagenet_weights_file("resnet18") == file
    with pytest.raises(vision.WeightsUnavailable) as caught:
        vision.load("resnet18", weights="imagenet")
    message = str(caught.value)
    assert "resnet18" in message and str(file) in message
    assert "https://download.pytorch.org/models/resnet18-f37072fd.pth" in message


def test_weights_are_v1_where_torchvision_has_them():
    assert vision.imagenet_weights("resnet50").name == "IMAGENET1K_V1"  # DEFAULT is V2
    assert vision.imagenet_weights("vit_h_14").name == "IMAGENET1K_SWAG_E2E_V1"  # no V1
    assert vision.imagenet_image_size("vit_h_14") == 518
    assert all(len(weights.published_hash(arch)) >= 8 for arch in ["vgg16", "googlenet", "inception_v3", "vit_b_16", "convnext_tiny"])


def _googlenet_file(torch_home, monkeypatch):
    """Stand-in ImageNet weights of GoogLeNet in the cache, under a name carrying their sha256
    prefix as torchvision's files do; like torchvision's own file they hold the auxiliary
    classifiers (which the loader drops) and expect transform_input."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(7)
        reference = torchvision.models.googlenet(aux_logits=True, init_weights=False)
    staged = torch_home / "staged.pth"
    torch.save(reference.state_dict(), staged)
    digest = sha256(staged)
    monkeypatch.setattr(weights, "imagenet_weights", lambda arch: SimpleNamespace(url=f"https://example.org/{arch}-{digest[:8]}.pth"))
    file = weights.imagenet_weights_file("googlenet")
    file.parent.mkdir(parents=True)
    staged.rename(file)
    return reference


def test_a_cached_weights_file_is_hash_checked_and_loaded(torch_home, monkeypatch):
    reference = _googlenet_file(torch_home, monkeypatch)
    model = vision.load("googlenet", weights="imagenet", image_size=32)
    assert model.transform_input and model.aux1 is None
    assert torch.equal(model.conv1.conv.weight, reference.conv1.conv.weight)


def test_the_stored_imagenet_checkpoint_builds_the_model_as_its_weights_need(torch_home, monkeypatch, tmp_path):
    """What the fetch_imagenet_weights job stores: the weights and the constructor arguments
    they need (GoogLeNet's transform_input), so an inversion job loading that file gets the
    same model as loading the weights directly."""
    _googlenet_file(torch_home, monkeypatch)
    direct = vision.load("googlenet", weights="imagenet")
    path = tmp_path / "googlenet_imagenet.pt"
    weights.save_checkpoint(
        path, "googlenet", direct, weights="imagenet", constructor=vision.constructor_arguments("googlenet", imagenet=True)
    )
    stored = vision.load("googlenet", path, image_size=32)
    assert stored.transform_input and not vision.load("googlenet", seed=0).transform_input
    x = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(stored(x), direct(x))


def test_a_checkpoint_built_for_another_vit_size_is_refused(tmp_path):
    path = tmp_path / "vit.pt"
    model = vision.load("vit_b_32", image_size=64)
    weights.save_checkpoint(path, "vit_b_32", model, constructor=vision.constructor_arguments("vit_b_32", 64))
    assert vision.load("vit_b_32", path, image_size=64).image_size == 64
    with pytest.raises(ValueError, match="vit_b_32 from .* is built for another image size.*got 96"):
        vision.load("vit_b_32", path, image_size=96)


def test_a_broken_cached_file_raises_weights_unavailable(torch_home):
    file = weights.imagenet_weights_file("resnet18")
    file.parent.mkdir(parents=True)
    file.write_bytes(b"not a torch file")
    with pytest.raises(vision.WeightsUnavailable, match="resnet18"):
        vision.load("resnet18", weights="imagenet")
