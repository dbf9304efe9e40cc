"""Snakemake script: one fully connected figure (fig6, fig7, fig8, fig9 or figS2) -- its CSV
table, PNG and PDF. The experiment and the plot live in depthrep.mlp_figures.

params: figure; settings (a flat dict, see depthrep.mlp_figures); image_source (what
depthrep.images.load_image takes: the rule's downloaded or local image file, or
"sample:<name>", e.g. the common.smk helper target_source); reduced; device; deterministic.
"""

import logging

from depthrep import mlp_figures, runtime

runtime.log_to(snakemake.log[0])
params = snakemake.params
device = runtime.configure(params.deterministic, snakemake.threads, params.device)
logging.getLogger("depthrep").info("provenance: %s", runtime.provenance(device, figure=params.figure))
mlp_figures.make_figure(
    params.figure,
    params.image_source,
    params.settings,
    snakemake.output.table,
    snakemake.output.png,
    snakemake.output.pdf,
    reduced=params.reduced,
    device=device,
)
