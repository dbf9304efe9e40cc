"""Any torchvision classification model, cut at five named layers of increasing depth.

The paper (Badger 2022) inverts ResNet representations at Conv1..Conv5; this module gives the
same five-cut view of every classification model in torchvision's registry (`names()`), so
that a metric can be drawn against depth for many architectures.

Cuts
----
`CUTS` is one table {architecture: {cut name: torchvision graph node}}. A node is a name from
`torchvision.models.feature_extraction.get_graph_node_names`, or a module's name, which stands
for the last operation inside that module (torchvision's own rule). The hand-written entries
follow one principle where the architecture allows it: *a cut is the end of a stage, the last
activation at one spatial resolution, before the next downsampling*. For a network with the
usual five resolutions (output strides 2, 4, 8, 16, 32) that gives the paper's ResNet cuts:

    ResNet, Wide ResNet, ResNeXt   conv1 = stem relu (before the max pool, which He et al. count
                                   in conv2_x), conv2..conv5 = layer1..layer4
    VGG                            conv1..conv5 = the ReLU that ends each of the five conv
                                   stages, i.e. just before each max pool (so each cut keeps
                                   its stage's resolution, as ResNet's do)
    AlexNet                        conv1..conv5 = the ReLU after each of its five convolutions
                                   (it has only three resolutions)
    GoogLeNet                      conv1, conv3, inception3b, inception4e, inception5b
                                   (the last module before each max pool, and the last one)
    Inception v3                   conv2d_2b, conv2d_4a, mixed_5d, mixed_6e, mixed_7c (same rule)
    EfficientNet (v1, v2),         stage1..stage5 = the last block at output stride 2, 4, 8, 16,
    MobileNet v2/v3, MNASNet       32; stage5 is the final 1x1 convolution before pooling
    DenseNet                       conv0 (stem relu, before the max pool), denseblock1..4
    ShuffleNet v2                  conv1, stage2, stage3, stage4, conv5 (the paper's names)
    SqueezeNet 1.0 / 1.1           conv1, the fire module before each max pool (fire4, fire8 /
                                   fire3, fire5), fire9 and conv10 (the class-map convolution)
    ConvNeXt, Swin (v1, v2),       stem, stage1..stage4 (their papers' four stages after a
    RegNet, MaxViT                 stride-4 or stride-2 stem); Swin's outputs are channels-last
                                   (N, H, W, C)
    ViT                            five encoder blocks spread evenly over the depth: block k for
                                   k = round(i * L / 5), i = 1..5, with L blocks, counted from 1
                                   (vit_b: block2, block5, block7, block10, block12; vit_l:
                                   5, 10, 14, 19, 24; vit_h: 6, 13, 19, 26, 32). Outputs are
                                   (N, 1 + patches, D) token sequences.

An architecture without an entry (a model added to torchvision later) gets `default_cuts`:
the trunk is the model's children, without the classifier head (the trailing ones made only of
pooling, flatten, dropout, normalisation, activations and Linear layers); while it has fewer
than five modules its largest is replaced by its own children (so `features` becomes
features.0, features.1, ...; ViT's `encoder` becomes its blocks). Cut i, named stage i
(i = 1..5), is the last trunk module that ends within the first i/5 of the trunk's depth
(counted in graph nodes), moved on where it would repeat the previous cut or leave too few
modules for the next ones. For ResNets this gives maxpool, layer1..layer4; for RegNets and
MaxViT exactly the hand-written stem and four stages.

Depth
-----
`relative_depth` is the index of a cut's node among the model's graph nodes (evaluation mode,
input = 0) divided by the index of the last node (the logits = 1).

Building
--------
Graph work (nodes, depths, minimum sizes) uses models whose parameters live on the `meta`
device: no memory, no initialisation, so vit_h_14 or regnet_y_128gf cost a fraction of a
second. `with torch.device("meta")` alone cannot build RegNets (their constructor computes the
stage widths with torch and calls `.tolist()`, which a meta tensor cannot answer), so only
`torch.empty` -- what every parameter starts from -- is sent to the meta device, and the few
small tensors built otherwise are moved afterwards. FX tracing is symbolic, so
`get_graph_node_names` and `create_feature_extractor` work on such models, and a forward pass
on meta tensors checks every shape without computing anything.

Every registry classification model of torchvision 0.29 traces; none needs special handling.
A model that does not (data-dependent control flow) raises `NotTraceable` naming it.

`load` returns a real, frozen model: "untrained" is PyTorch's default initialisation drawn
from the MODEL_INIT stream of the config's seed (the draw the ResNet figures have always
used, so their numbers are unchanged); "imagenet" loads the
weights of models.weights.imagenet_weights (IMAGENET1K_V1 where it exists -- the paper's
trained ResNets, and for every architecture the original training recipe -- else DEFAULT),
checked against the hash torchvision publishes and unpickled with `weights_only=True`; a
checkpoint path loads a file written by weights.save_checkpoint (the noise-label model, the
ImageNet weights the pipeline stores), built with the constructor arguments it records.

A cut drops every `torch._assert` that checks only what the cut does not compute (see `cut`):
FX keeps such asserts, and each ViT block asserts on its input, so a cut at ViT's second
block otherwise ran all twelve.

The static table
----------------
depthrep.models.architectures holds CUTS, the relative depths and the size rules as plain
data, so that the workflow checks a config without importing torch; `python -m
depthrep.models.vision generate` rewrites it, and a test checks it equals this module.
`python -m depthrep.models.vision table [ARCH ...]` prints the cut table (`describe_cuts`).

Image sizes
-----------
`MIN_IMAGE_SIZE` is the smallest square input whose forward reaches the deepest cut, measured
by `measure_min_image_size` (a meta forward up to the deepest cut at sizes 1, 2, 3, ...) and
checked by the tests on one model per family. Convolutional trunks take every size from their
minimum on (checked once for the 40 sizes above each minimum). ViT and MaxViT fix their input
size at construction: untrained ones are built for the requested size (ViT: a multiple of the
patch size; MaxViT: every stage's input divisible by its partition size 7, i.e. 221-224,
445-448, 669-672, ...); with ImageNet weights only the weights' own size works.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import torch
import torchvision
from torch import nn
from torch.overrides import TorchFunctionMode
from torchvision.models.feature_extraction import (
    create_feature_extractor,
    get_graph_node_names,
)

from ..seeds import MODEL_INIT, stream_seed
from . import IMAGENET, UNTRAINED, freeze
from .weights import WeightsUnavailable, imagenet_state_dict, imagenet_weights, read_checkpoint

DEFAULT_IMAGE_SIZE = 224
# Keys of the auxiliary classifiers in GoogLeNet's and Inception v3's ImageNet files (never built).
_AUX_KEYS = ("aux1.", "aux2.", "AuxLogits.")


class NotTraceable(RuntimeError):
    """torch.fx cannot trace the model, so it cannot be cut at graph nodes."""


def names() -> list[str]:
    """Every classification model in torchvision's registry."""
    return torchvision.models.list_models(module=torchvision.models)


# ----------------------------------------------------------------------------- the cut table

_RESNET = {"conv1": "relu", "conv2": "layer1", "conv3": "layer2", "conv4": "layer3", "conv5": "layer4"}
_RESNETS = [
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "wide_resnet50_2",
    "wide_resnet101_2",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
]

# Index of the ReLU just before each of the five max pools in `features`.
_VGG_STAGE_ENDS = {
    "vgg11": [1, 4, 9, 14, 19],
    "vgg11_bn": [2, 6, 13, 20, 27],
    "vgg13": [3, 8, 13, 18, 23],
    "vgg13_bn": [5, 12, 19, 26, 33],
    "vgg16": [3, 8, 15, 22, 29],
    "vgg16_bn": [5, 12, 22, 32, 42],
    "vgg19": [3, 8, 17, 26, 35],
    "vgg19_bn": [5, 12, 25, 38, 51],
}

# Index in `features` of the last block at output stride 2, 4, 8, 16, 32.
_FEATURES_STAGE_ENDS = {
    **{f"efficientnet_b{k}": [1, 2, 3, 5, 8] for k in range(8)},
    "efficientnet_v2_s": [1, 2, 3, 5, 7],
    "efficientnet_v2_m": [1, 2, 3, 5, 8],
    "efficientnet_v2_l": [1, 2, 3, 5, 8],
    "mobilenet_v2": [1, 3, 6, 13, 18],
    "mobilenet_v3_small": [0, 1, 3, 8, 12],
    "mobilenet_v3_large": [1, 3, 6, 12, 16],
}

_FOUR_STAGES = ["stem", "stage1", "stage2", "stage3", "stage4"]
_STEM_AND_FOUR_STAGES = {
    "convnext": ["features.0", "features.1", "features.3", "features.5", "features.7"],
    "swin": ["features.0", "features.1", "features.3", "features.5", "features.7"],
    "regnet": ["stem", "trunk_output.block1", "trunk_output.block2", "trunk_output.block3", "trunk_output.block4"],
    "maxvit": ["stem", "blocks.0", "blocks.1", "blocks.2", "blocks.3"],
}

_VIT_BLOCKS = {"vit_b_16": 12, "vit_b_32": 12, "vit_l_16": 24, "vit_l_32": 24, "vit_h_14": 32}


def _vit_cuts(blocks: int) -> dict[str, str]:
    """Five encoder blocks spread evenly over `blocks` (counted from 1 in the cut names)."""
    chosen = [round(i * blocks / 5) for i in range(1, 6)]
    return {f"block{k}": f"encoder.layers.encoder_layer_{k - 1}" for k in chosen}


def _family(arch: str) -> str:
    return next(family for family in _STEM_AND_FOUR_STAGES if arch.startswith(family))


def _cut_table() -> dict[str, dict[str, str]]:
    table = {arch: dict(_RESNET) for arch in _RESNETS}
    for arch, ends in _VGG_STAGE_ENDS.items():
        table[arch] = {f"conv{i + 1}": f"features.{end}" for i, end in enumerate(ends)}
    for arch, ends in _FEATURES_STAGE_ENDS.items():
        table[arch] = {f"stage{i + 1}": f"features.{end}" for i, end in enumerate(ends)}
    for arch in ["mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]:
        table[arch] = {f"stage{i + 1}": f"layers.{end}" for i, end in enumerate([7, 8, 9, 11, 16])}
    for arch in names():
        if arch.startswith(tuple(_STEM_AND_FOUR_STAGES)):
            table[arch] = dict(zip(_FOUR_STAGES, _STEM_AND_FOUR_STAGES[_family(arch)]))
    for arch, blocks in _VIT_BLOCKS.items():
        table[arch] = _vit_cuts(blocks)
    for arch in ["densenet121", "densenet161", "densenet169", "densenet201"]:
        table[arch] = {"conv0": "features.relu0", **{f"denseblock{k}": f"features.denseblock{k}" for k in range(1, 5)}}
    for arch in ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]:
        table[arch] = {name: name for name in ["conv1", "stage2", "stage3", "stage4", "conv5"]}
    table["alexnet"] = {f"conv{i + 1}": f"features.{end}" for i, end in enumerate([1, 4, 7, 9, 11])}
    table["squeezenet1_0"] = {
        "conv1": "features.1",
        "fire4": "features.5",
        "fire8": "features.10",
        "fire9": "features.12",
        "conv10": "classifier.2",
    }
    table["squeezenet1_1"] = {
        "conv1": "features.1",
        "fire3": "features.4",
        "fire5": "features.7",
        "fire9": "features.12",
        "conv10": "classifier.2",
    }
    table["googlenet"] = {name: name for name in ["conv1", "conv3", "inception3b", "inception4e", "inception5b"]}
    table["inception_v3"] = {
        "conv2d_2b": "Conv2d_2b_3x3",
        "conv2d_4a": "Conv2d_4a_3x3",
        "mixed_5d": "Mixed_5d",
        "mixed_6e": "Mixed_6e",
        "mixed_7c": "Mixed_7c",
    }
    return table


CUTS: dict[str, dict[str, str]] = _cut_table()

# Smallest square input (pixels) whose forward reaches the deepest cut; measured with
# `measure_min_image_size` on untrained models; tests/test_vision_models.py re-measures one
# model per family.
MIN_IMAGE_SIZE: dict[str, int] = {
    "alexnet": 31,
    "convnext_base": 32,
    "convnext_large": 32,
    "convnext_small": 32,
    "convnext_tiny": 32,
    "densenet121": 29,
    "densenet161": 29,
    "densenet169": 29,
    "densenet201": 29,
    "efficientnet_b0": 1,
    "efficientnet_b1": 1,
    "efficientnet_b2": 1,
    "efficientnet_b3": 1,
    "efficientnet_b4": 1,
    "efficientnet_b5": 1,
    "efficientnet_b6": 1,
    "efficientnet_b7": 1,
    "efficientnet_v2_l": 1,
    "efficientnet_v2_m": 1,
    "efficientnet_v2_s": 1,
    "googlenet": 15,
    "inception_v3": 75,
    "maxvit_t": 221,
    "mnasnet0_5": 1,
    "mnasnet0_75": 1,
    "mnasnet1_0": 1,
    "mnasnet1_3": 1,
    "mobilenet_v2": 1,
    "mobilenet_v3_large": 1,
    "mobilenet_v3_small": 1,
    "regnet_x_16gf": 1,
    "regnet_x_1_6gf": 1,
    "regnet_x_32gf": 1,
    "regnet_x_3_2gf": 1,
    "regnet_x_400mf": 1,
    "regnet_x_800mf": 1,
    "regnet_x_8gf": 1,
    "regnet_y_128gf": 1,
    "regnet_y_16gf": 1,
    "regnet_y_1_6gf": 1,
    "regnet_y_32gf": 1,
    "regnet_y_3_2gf": 1,
    "regnet_y_400mf": 1,
    "regnet_y_800mf": 1,
    "regnet_y_8gf": 1,
    "resnet101": 1,
    "resnet152": 1,
    "resnet18": 1,
    "resnet34": 1,
    "resnet50": 1,
    "resnext101_32x8d": 1,
    "resnext101_64x4d": 1,
    "resnext50_32x4d": 1,
    "shufflenet_v2_x0_5": 1,
    "shufflenet_v2_x1_0": 1,
    "shufflenet_v2_x1_5": 1,
    "shufflenet_v2_x2_0": 1,
    "squeezenet1_0": 21,
    "squeezenet1_1": 17,
    "swin_b": 4,
    "swin_s": 4,
    "swin_t": 4,
    "swin_v2_b": 4,
    "swin_v2_s": 4,
    "swin_v2_t": 4,
    "vgg11": 16,
    "vgg11_bn": 16,
    "vgg13": 16,
    "vgg13_bn": 16,
    "vgg16": 16,
    "vgg16_bn": 16,
    "vgg19": 16,
    "vgg19_bn": 16,
    "vit_b_16": 16,
    "vit_b_32": 32,
    "vit_h_14": 14,
    "vit_l_16": 16,
    "vit_l_32": 32,
    "wide_resnet101_2": 1,
    "wide_resnet50_2": 1,
}


# ----------------------------------------------------------------------------- constructing


def _check_arch(arch: str) -> None:
    if arch not in names():
        raise ValueError(f"unknown model {arch!r}: not a torchvision classification model (see names())")


def _size_argument(arch: str, image_size: int) -> dict:
    """Constructor arguments of models whose input size is fixed when they are built."""
    if arch.startswith("vit_"):
        return {"image_size": image_size}
    if arch.startswith("maxvit"):
        return {"input_size": (image_size, image_size)}
    return {}


def _fixed_size(arch: str) -> bool:
    return bool(_size_argument(arch, DEFAULT_IMAGE_SIZE))


def _constructor_arguments(arch: str, image_size: int, imagenet: bool) -> dict:
    """What torchvision's builder is given, beyond `weights=None`.

    GoogLeNet and Inception v3 are built without their auxiliary classifiers (used only in
    training) and with `init_weights=True` (torchvision's documented initialisation, which it
    warns will change). Their ImageNet weights, ported from TensorFlow, expect
    `transform_input=True`, as torchvision's own builder sets.
    """
    arguments = _size_argument(arch, image_size)
    if arch in ("googlenet", "inception_v3"):
        arguments.update(aux_logits=False, init_weights=not imagenet, transform_input=imagenet)
    return arguments


class _EmptyOnMeta(TorchFunctionMode):
    """Sends `torch.empty` without a device to the meta device (see the module docstring).

    Random initialisation of a meta tensor is skipped: there are no values to fill, and PyTorch
    runs a meta `normal_` through a slow Python decomposition (half the time of building all
    80 models).
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func is torch.empty and kwargs.get("device") is None:
            kwargs["device"] = "meta"
        if func in (torch.Tensor.normal_, torch.Tensor.uniform_) and args[0].is_meta:
            return args[0]
        return func(*args, **kwargs)


def _construct(arch: str, image_size: int, imagenet: bool = False) -> nn.Module:
    """torchvision's builder without weights; a size it rejects becomes a ValueError naming both."""
    return _build(arch, _constructor_arguments(arch, image_size, imagenet))


def _build(arch: str, arguments: dict) -> nn.Module:
    try:
        return torchvision.models.get_model(arch, weights=None, **arguments)
    except (AssertionError, ValueError) as err:
        raise ValueError(f"torchvision cannot build {arch} with {arguments}: {err}") from err


@functools.cache
def meta_model(arch: str, image_size: int = DEFAULT_IMAGE_SIZE) -> nn.Module:
    """`arch` in eval mode with every tensor on the meta device: free to build, no values.

    Shared between calls (cached): do not modify it.
    """
    _check_arch(arch)
    with _EmptyOnMeta():
        model = _construct(arch, image_size)
    return freeze(model.to("meta"))


# ----------------------------------------------------------------------------- graph and cuts


@functools.cache
def graph_nodes(arch: str) -> tuple[str, ...]:
    """The graph node names of `arch` in evaluation mode, in execution order (input first)."""
    model = meta_model(arch)
    try:
        _, nodes = get_graph_node_names(model, suppress_diff_warning=True)
    except torch.fx.proxy.TraceError as err:
        raise NotTraceable(f"torch.fx cannot trace {arch}, so it cannot be cut at graph nodes: {err}") from err
    return tuple(nodes)


def _node_index(nodes: tuple[str, ...], node: str) -> int:
    """Position of `node`; a module's name stands for the last node inside it (torchvision's rule)."""
    inside = [i for i, name in enumerate(nodes) if name == node or name.startswith(node + ".")]
    if not inside:
        raise ValueError(f"graph node {node!r} does not exist")
    return inside[-1]


def cuts(arch: str) -> dict[str, str]:
    """{cut name: graph node} of `arch`: the hand-written `CUTS` entry, else `default_cuts`."""
    _check_arch(arch)
    return dict(CUTS[arch]) if arch in CUTS else default_cuts(arch)


_HEAD_LEAVES = (
    nn.Linear,
    nn.Dropout,
    nn.Flatten,
    nn.Identity,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool2d,
    nn.LayerNorm,
    nn.modules.batchnorm._NormBase,
    nn.ReLU,
    nn.GELU,
    nn.SiLU,
    nn.Hardswish,
    nn.Tanh,
    torchvision.ops.misc.Permute,
)


def _is_head(module: nn.Module | None) -> bool:
    """Whether a trunk part is classifier-like: no convolution, attention or other feature layer.

    Looks at the modules that compute something themselves: those without children, and those
    holding their own parameters (attention keeps its input projection outside its children).
    """
    if module is None:  # a bare function node (flatten, mean, getitem)
        return True
    computing = [m for m in module.modules() if not list(m.children()) or list(m.parameters(recurse=False))]
    return all(isinstance(m, _HEAD_LEAVES) for m in computing)


def _children(nodes: tuple[str, ...], parent: str) -> list[tuple[str, int, int]]:
    """The parts one level below `parent` ("" = the root): (name, first index, last index)."""
    parts: dict[str, list[int]] = {}
    depth = parent.count(".") + 1 if parent else 0
    for i, node in enumerate(nodes):
        if parent and not node.startswith(parent + "."):
            continue
        name = ".".join(node.split(".")[: depth + 1])
        parts.setdefault(name, []).append(i)
    return [(name, idx[0], idx[-1]) for name, idx in parts.items()]


def _trunk(arch: str) -> list[tuple[str, int]]:
    """The modules that make up the model's trunk, as (name, index of their last node).

    Starts from the model's children and splits the largest into its own children while there
    are fewer than five (e.g. `features`, or `encoder` then `encoder.layers`).
    """
    nodes, modules = graph_nodes(arch), dict(meta_model(arch).named_modules())
    parts = _children(nodes, "")
    while True:
        body = list(parts)
        while body and _is_head(modules.get(body[-1][0])):
            body.pop()
        candidates = [part for part in body if part[0] in modules]
        largest = max(candidates, key=lambda part: part[2] - part[1])
        below = _children(nodes, largest[0])
        if len(candidates) >= 5 or len(below) < 2:
            return [(name, last) for name, _, last in candidates]
        at = parts.index(largest)
        parts[at : at + 1] = below


def default_cuts(arch: str) -> dict[str, str]:
    """Five trunk modules spread over the depth, named stage1..stage5 (rule: module docstring)."""
    trunk = _trunk(arch)
    if len(trunk) < 5:
        raise ValueError(f"cannot derive five cuts for {arch}: its trunk has only {len(trunk)} modules")
    ends = [last for _, last in trunk]
    picked: list[int] = []
    for i in range(1, 6):
        first = picked[-1] + 1 if picked else 0
        within = [k for k in range(first, len(trunk)) if ends[k] <= ends[-1] * i / 5]
        picked.append(min(within[-1] if within else first, len(trunk) - (6 - i)))
    return {f"stage{i + 1}": trunk[k][0] for i, k in enumerate(picked)}


def _check_layers(arch: str, layers) -> dict[str, str]:
    table = cuts(arch)
    unknown = [layer for layer in layers if layer not in table]
    if unknown or not layers:
        raise ValueError(f"unknown cut(s) {unknown or list(layers)!r} for {arch}; choose from {list(table)}")
    return table


def relative_depth(arch: str, layer: str) -> float:
    """Position of the cut's node among the graph nodes: (0, 1], 1 = the logits."""
    nodes = graph_nodes(arch)
    return _node_index(nodes, _check_layers(arch, [layer])[layer]) / (len(nodes) - 1)


def cut(model: nn.Module, arch: str, layers) -> nn.Module:
    """A module returning {layer: activation} for `layers` of `arch` in one forward.

    Built with torchvision's feature extraction, which drops every node after the deepest
    requested cut: a forward to an early cut never runs the later stages or the classifier.
    FX keeps `torch._assert` calls (they may raise), so the shape checks inside later blocks
    (every ViT encoder block asserts its input is 3-D) would keep those blocks alive: the
    asserts that come after the last operation the cuts need are dropped, with what only they
    used; the asserts on the way to the cuts (e.g. ViT's input size checks) stay.
    """
    table = _check_layers(arch, layers)
    try:
        extractor = create_feature_extractor(model, return_nodes={table[layer]: layer for layer in layers}, suppress_diff_warning=True)
    except torch.fx.proxy.TraceError as err:
        raise NotTraceable(f"torch.fx cannot trace {arch}, so it cannot be cut at graph nodes: {err}") from err
    _drop_later_asserts(extractor)
    return freeze(extractor)


def _drop_later_asserts(module: torch.fx.GraphModule) -> None:
    """Remove the asserts after the last node the outputs need, then what only they used."""
    graph = module.graph
    order = {node: i for i, node in enumerate(graph.nodes)}
    needed, todo = set(), [node for node in graph.nodes if node.op == "output"]
    while todo:
        node = todo.pop()
        if node not in needed:
            needed.add(node)
            todo.extend(node.all_input_nodes)
    last = max(order[node] for node in needed if node.op != "output")
    dropped = [node for node in graph.nodes if node.op == "call_function" and node.target is torch._assert and order[node] > last]
    for node in dropped:
        graph.erase_node(node)
    if dropped:
        graph.eliminate_dead_code()
        module.recompile()


class SingleCut(nn.Module):
    """The activation at one cut as a plain tensor (what an inversion matches)."""

    def __init__(self, model: nn.Module, arch: str, layer: str):
        super().__init__()
        self.layer = layer
        self.body = cut(model, arch, [layer])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)[self.layer]


# ----------------------------------------------------------------------------- image sizes


class _DeepestCutReached(Exception):
    """Stops a forward pass once the deepest cut has been computed."""


def cut_shapes(arch: str, image_size: int = DEFAULT_IMAGE_SIZE) -> dict[str, torch.Size]:
    """The shape of each cut's activation for one `image_size` square image, computing nothing.

    A forward pass of the meta model, recorded by forward hooks on the cut modules and stopped
    after the deepest one -- much cheaper than tracing a feature extractor, and the same output
    for cuts at modules called once, as every cut here is (`cut` returns these shapes too; tested).
    Raises (RuntimeError, ValueError, AssertionError) for a size the model cannot take.
    """
    model = meta_model(arch, image_size if _fixed_size(arch) else DEFAULT_IMAGE_SIZE)
    modules, table, shapes = dict(model.named_modules()), cuts(arch), {}
    deepest = list(table)[-1]

    def record(layer):
        def hook(module, inputs, output):
            shapes[layer] = output.shape
            if layer == deepest:
                raise _DeepestCutReached

        return hook

    handles = [modules[node].register_forward_hook(record(layer)) for layer, node in table.items()]
    try:
        with torch.no_grad():
            model(torch.empty(1, 3, image_size, image_size, device="meta"))
    except _DeepestCutReached:
        pass
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def _reaches_deepest_cut(arch: str, image_size: int) -> bool:
    """Whether a meta forward of an `image_size` square image gets through all five cuts."""
    try:
        cut_shapes(arch, image_size)
    except (RuntimeError, ValueError, AssertionError):  # a shape error, or a size the builder rejects
        return False
    return True


def measure_min_image_size(arch: str, largest: int = 1024) -> int:
    """The smallest square size (pixels) that reaches the deepest cut, tried from 1 upwards."""
    _check_arch(arch)
    for size in range(1, largest + 1):
        if _reaches_deepest_cut(arch, size):
            return size
    raise ValueError(f"{arch} reaches its deepest cut at no size up to {largest} pixels")


def min_image_size(arch: str) -> int:
    """`MIN_IMAGE_SIZE[arch]`, measured on the spot for a model the table does not know."""
    _check_arch(arch)
    return MIN_IMAGE_SIZE[arch] if arch in MIN_IMAGE_SIZE else measure_min_image_size(arch)


def check_image_size(arch: str, image_size: int, imagenet: bool = False) -> None:
    """A ValueError naming the model and the size when `arch` cannot take `image_size` images
    (with its ImageNet weights when `imagenet`)."""
    _check_arch(arch)
    smallest = min_image_size(arch)
    if image_size < smallest:
        raise ValueError(f"{arch} needs images of at least {smallest}x{smallest} pixels; got {image_size}")
    if not _fixed_size(arch):
        return  # convolutional trunks take every size from their minimum on (checked to +39 once)
    if imagenet and image_size != imagenet_image_size(arch):
        trained = imagenet_image_size(arch)
        raise ValueError(
            f"{arch} with ImageNet weights ({imagenet_weights(arch)}) works only at {trained}x{trained} "
            f"pixels (its input size is fixed by the weights); got {image_size}. "
            "Use untrained weights to build it for another size."
        )
    if not _reaches_deepest_cut(arch, image_size):
        raise ValueError(
            f"{arch} cannot be built for {image_size}x{image_size} images (ViT: a multiple of the patch "
            "size; MaxViT: every stage's input divisible by 7)"
        )


# ----------------------------------------------------------------------------- weights and loading


def imagenet_image_size(arch: str) -> int:
    """The input size a fixed-size model (ViT, MaxViT) is built for with its ImageNet weights."""
    return imagenet_weights(arch).meta["min_size"][0]


def constructor_arguments(arch: str, image_size: int | None = None, imagenet: bool = False) -> dict:
    """What torchvision's builder is given beyond `weights=None`, and what a checkpoint records
    (`load` builds a checkpoint's model with them). Fixed-size models (ViT, MaxViT) are built for
    `image_size` (their ImageNet size when None or with ImageNet weights)."""
    if not _fixed_size(arch):
        return _constructor_arguments(arch, DEFAULT_IMAGE_SIZE, imagenet)
    return _constructor_arguments(arch, imagenet_image_size(arch) if imagenet or image_size is None else image_size, imagenet)


def _weights(arch: str, weights: str | Path) -> tuple[dict | None, bool, dict | None]:
    """(state dict or None, ImageNet-trained, constructor arguments a checkpoint records or None)."""
    if weights == UNTRAINED:
        return None, False, None
    if weights == IMAGENET:
        state = imagenet_state_dict(arch)
        return {key: value for key, value in state.items() if not key.startswith(_AUX_KEYS)}, True, None
    checkpoint = read_checkpoint(weights, arch)
    settings = checkpoint.get("settings") or {}
    return checkpoint["state_dict"], settings.get("weights") == IMAGENET, settings.get("constructor")


def load(arch: str, weights: str | Path = UNTRAINED, seed: int = 0, image_size: int | None = None) -> nn.Module:
    """`arch` frozen (see models.freeze), for square images of `image_size` pixels.

    weights: "untrained" (PyTorch's default initialisation, drawn from the MODEL_INIT stream of
    the config's `seed`, see depthrep.seeds; the global random state is left as it was),
    "imagenet" (see weights.imagenet_weights: hash-checked, loaded weights_only) or the path of a
    checkpoint written by weights.save_checkpoint (built with the constructor arguments it
    records, else as an untrained model).
    image_size: checked against the model's minimum (and, for ViT and MaxViT, the size it is
    built for); None builds fixed-size models for their ImageNet size and checks nothing else.
    Raises ValueError for a size the model cannot take, WeightsUnavailable for weights that
    cannot be had or do not fit.
    """
    _check_arch(arch)
    if image_size is not None and weights == IMAGENET:
        check_image_size(arch, image_size, imagenet=True)  # before any download
    state, imagenet, recorded = _weights(arch, weights)
    if image_size is not None:
        check_image_size(arch, image_size, imagenet=imagenet)
    arguments = {**constructor_arguments(arch, image_size, imagenet), **(recorded or {})}
    if image_size is not None and arguments != {**arguments, **_size_argument(arch, image_size)}:
        raise ValueError(f"{arch} from {weights} is built for another image size ({arguments}); got {image_size}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, MODEL_INIT))
        model = _build(arch, arguments)
    if state is not None:
        try:
            model.load_state_dict(state)
        except RuntimeError as err:
            raise WeightsUnavailable(f"weights {weights} do not fit {arch} as built ({arguments}): {err}") from err
    return freeze(model)


def conv1_kernels(arch: str, weights: str | Path) -> torch.Tensor:
    """The weights of the model's first convolution (64 x 3 x 7 x 7 for ResNets): Fig S5's kernels."""
    model = load(arch, weights)
    first = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    return first.weight.detach().cpu()


def describe_cuts(archs=None) -> pd.DataFrame:
    """One row per cut: architecture, cut, node, relative depth, minimum image size, hand-written."""
    rows = []
    for arch in archs or names():
        for layer, node in cuts(arch).items():
            rows.append(
                {
                    "architecture": arch,
                    "cut": layer,
                    "node": node,
                    "relative_depth": relative_depth(arch, layer),
                    "min_image_size": min_image_size(arch),
                    "hand_written": arch in CUTS,
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- the static table

TABLE_MODULE = Path(__file__).with_name("architectures.py")


def _size_step(arch: str) -> int | None:
    """The multiple an untrained fixed-size model's input must be (ViT: its patch size); None
    where the rule is not a multiple (MaxViT, checked when the model is built)."""
    if arch.startswith("vit_"):
        return int(arch.rsplit("_", 1)[-1])
    return None if _fixed_size(arch) else 1


def static_table(archs=None) -> dict[str, dict]:
    """What the torch-free depthrep.models.architectures holds for each architecture: its cuts
    (name: node), their relative depths, the minimum image size, and the size rules of
    fixed-size models (ImageNet size, size step)."""
    table = {}
    for arch in archs or names():
        fixed = _fixed_size(arch)
        table[arch] = {
            "cuts": cuts(arch),
            "relative_depth": {layer: round(relative_depth(arch, layer), 6) for layer in cuts(arch)},
            "min_image_size": min_image_size(arch),
            "size_step": _size_step(arch),
            "imagenet_image_size": imagenet_image_size(arch) if fixed else None,
        }
    return table


def table_source(table: dict[str, dict]) -> str:
    """The text of depthrep/models/architectures.py for `table`."""
    lines = [
        '"""Every torchvision classification model this project can cut, without importing torch.',
        "",
        "GENERATED by `python -m depthrep.models.vision generate` (then `ruff format`) from",
        "depthrep.models.vision (CUTS, relative_depth, MIN_IMAGE_SIZE, the size rules);",
        "tests/test_vision_models.py checks that it equals what that module computes",
        f"(torchvision {torchvision.__version__.split('+')[0]}). Do not edit it by hand.",
        "",
        "ARCHITECTURES[arch]:",
        "    cuts                 {cut name: torchvision graph node}, shallow to deep (five of them)",
        "    relative_depth       {cut name: node index / index of the logits}, in (0, 1]",
        "    min_image_size       the smallest square input that reaches the deepest cut",
        "    size_step            an input side must be a multiple of it (ViT: the patch size); None:",
        "                         another rule, checked when the model is built (MaxViT)",
        "    imagenet_image_size  the only size with ImageNet weights (fixed-size models), else None",
        '"""',
        "",
        "ARCHITECTURES = {",
    ]
    for arch, entry in table.items():
        lines.append(f'    "{arch}": {{')
        for key, value in entry.items():
            lines.append(f'        "{key}": {value!r},'.replace("'", '"'))
        lines.append("    },")
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m depthrep.models.vision table [ARCH ...]` prints the cut table (markdown);
    `... generate` rewrites depthrep/models/architectures.py from this module."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["generate"]:
        TABLE_MODULE.write_text(table_source(static_table()))
        print(f"wrote {TABLE_MODULE}")
        return 0
    if args[:1] == ["table"]:
        print(describe_cuts(args[1:] or None).to_markdown(index=False, floatfmt=".3f"))
        return 0
    print(main.__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())


def imagenet_categories() -> list[str]:
    """The 1000 ImageNet class names, in logit order (torchvision's weights metadata; no download)."""
    return list(torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"])
