"""Snakemake script: bring torchvision's ImageNet weights into the torch cache and record them."""

from depthrep.files import sha256, write_json
from depthrep.models import weights
from depthrep.pipeline import joblog

joblog.log_to(snakemake.log[0])
arch = snakemake.wildcards.model
weights.imagenet_state_dict(arch)
path = weights.imagenet_weights_file(arch)
write_json({"model": arch, "file": str(path), "sha256": sha256(path)}, snakemake.output[0])
