"""Snakemake script: Fig S5, the Conv1 kernels of ResNet50 models side by side.

params.sources   {panel label: weights ("imagenet", "untrained" or a checkpoint path), or null}, in panel
                 order, e.g. {"ImageNet-trained": "imagenet", "noise-trained": <the noise model file>}
params.reasons   {panel label: why it has no weights} for the null sources (e.g. "offline")
params.reduced   the preset's reduced note, or null
output.png, output.pdf, log[0]
"""

from depthrep import runtime
from depthrep.plotting import training as plots

runtime.log_to(snakemake.log[0])
p = snakemake.params
plots.draw_kernels(plots.kernel_panels("resnet50", p.sources, p.reasons), snakemake.output.png, snakemake.output.pdf, p.reduced)
