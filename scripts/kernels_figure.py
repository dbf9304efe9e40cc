"""Snakemake script: Fig S5, the first convolution's kernels of one model in several training states.

params.panels  [{label, weights ("imagenet", "untrained" or a checkpoint file) or null, reason}]
"""

from depthrep.models.vision import conv1_kernels
from depthrep.pipeline import joblog
from depthrep.plotting import kernels

joblog.log_to(snakemake.log[0])
p = snakemake.params
panels = {panel["label"]: conv1_kernels(p.arch, panel["weights"]) if panel["weights"] else panel["reason"] for panel in p.panels}
kernels.draw_kernels(panels, p.caption, snakemake.output.png, snakemake.output.pdf, p.reduced)
