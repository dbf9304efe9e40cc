"""Snakemake script: draw one fully connected figure from its experiment's table and images."""

import pandas as pd

from depthrep.experiments.mlp_sweeps import FigureData
from depthrep.models.weights import load_tensors
from depthrep.pipeline import joblog
from depthrep.plotting.mlp import DRAWINGS

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
data = FigureData(pd.read_csv(snakemake.input.table), load_tensors(snakemake.input.images))
DRAWINGS[p.kind](data, out.png, out.pdf, f"{p.caption}\n{p.settings}", p.reduced)
