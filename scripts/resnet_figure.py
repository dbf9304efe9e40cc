"""Snakemake script: draw one ResNet figure from its inversion results."""

from depthrep import runtime
from depthrep.plotting import resnet

runtime.log_to(snakemake.log[0])
resnet.draw(snakemake.config, snakemake.wildcards.figure, snakemake.output.png, snakemake.output.pdf)
