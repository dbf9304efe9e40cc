"""Snakemake script: draw one ResNet figure from its inversion records."""

from depthrep.pipeline import joblog
from depthrep.plotting import resnet

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
if p.kind == "images":
    resnet.draw_images(i.targets, i.results, i.inputs, p.layers, p.caption, out.png, out.pdf, p.reduced)
else:
    resnet.draw_trajectories(i.results, p.layers, p.caption, out.png, out.pdf, p.reduced)
