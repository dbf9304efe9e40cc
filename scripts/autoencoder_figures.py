"""Snakemake script: draw every autoencoder figure from its table and images."""

import pandas as pd

from depthrep.experiments.mlp_sweeps import FigureData
from depthrep.models.weights import load_tensors
from depthrep.pipeline import joblog
from depthrep.plotting.blog import AUTOENCODER_DRAWINGS

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
for n, name in enumerate(p.figures):
    data = FigureData(pd.read_csv(i.tables[n]), load_tensors(i.images[n]))
    AUTOENCODER_DRAWINGS[p.kinds[name]](data, out[2 * n], out[2 * n + 1], p.captions[name], p.reduced)
