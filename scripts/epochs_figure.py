"""Snakemake script: the noise-label model across its training (a_g per kept epoch; m_g, m_s,
m_i against the epoch) and its table, from the inversion records and the training history."""

import pandas as pd

from depthrep.files import write_csv
from depthrep.pipeline import claims, joblog
from depthrep.plotting import architectures

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
epochs = claims.epoch_table(i.results, p.layers, p.epochs)
write_csv(epochs, out.table)
history = pd.read_csv(i.history)
architectures.draw_epochs(i.target, epochs, i.results, i.inputs, p.layers, history, p.caption, out.png, out.pdf, p.reduced)
