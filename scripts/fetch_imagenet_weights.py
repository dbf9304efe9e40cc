"""Snakemake script: torchvision's ImageNet weights, checked against the hash torchvision
publishes, stored as a checkpoint (with the source file's URL and sha256, and the constructor
arguments the weights need, e.g. GoogLeNet's transform_input) for the jobs that use them."""

from depthrep.files import sha256
from depthrep.models import IMAGENET, vision, weights
from depthrep.pipeline import joblog

joblog.log_to(snakemake.log[0])
arch = snakemake.wildcards.model
model = vision.load(arch, IMAGENET)
source = weights.imagenet_weights_file(arch)
weights.save_checkpoint(
    snakemake.output[0],
    arch,
    model,
    weights=IMAGENET,
    constructor=vision.constructor_arguments(arch, imagenet=True),
    url=weights.imagenet_weights(arch).url,
    sha256=sha256(source),
)
