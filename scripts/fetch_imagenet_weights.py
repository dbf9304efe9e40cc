"""Snakemake script: torchvision's ImageNet weights, checked against the hash torchvision
publishes, stored as a checkpoint (with the source file's URL and sha256) for the jobs that use them."""

from depthrep.files import sha256
from depthrep.models import logits, weights
from depthrep.pipeline import joblog

joblog.log_to(snakemake.log[0])
arch = snakemake.wildcards.model
model = logits.load_logits_model(arch, "imagenet")  # a ResNet, or GoogLeNet (the blog figures)
source = weights.imagenet_weights_file(arch)
weights.save_checkpoint(snakemake.output[0], arch, model, url=weights.imagenet_weights(arch).url, sha256=sha256(source))
