"""Snakemake script: the representations figure from its tables and the noise-label training history."""

import pandas as pd

from depthrep.pipeline import joblog
from depthrep.plotting import representations

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
frames = [pd.read_csv(path) for path in (i.similarity, i.spectrum, i.history)]
representations.draw_representations(*frames, p.names, p.caption, out.png, out.pdf, p.reduced)
