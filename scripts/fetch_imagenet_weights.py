"""Snakemake script: bring torchvision's ImageNet weights into the torch cache and record them."""

from depthrep import downloads, io, models, runtime

runtime.log_to(snakemake.log[0])
arch = snakemake.wildcards.model
models.imagenet_state_dict(arch)
path = models.imagenet_weights_file(arch)
io.write_json({"model": arch, "file": str(path), "sha256": downloads.sha256(path)}, snakemake.output[0])
