"""Snakemake script: the Sec 7 figure (standard vs inverted classifiers) and its table of final gaps.

input.histories     every classifier history CSV (written by train_cifar.py)
params.datasets     dataset rows in order, e.g. [cifar10, cifar100]
params.unavailable  {dataset: reason} for datasets that cannot be had (drawn as "not available")
params.reduced      the preset's reduced note, or null
output.png, output.pdf
output.gaps         CSV: dataset, family, design, epochs, train_accuracy, test_accuracy, gap
log[0]
"""

from depthrep import io, runtime
from depthrep.plotting import training as plots

runtime.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
histories = plots.read_histories(snakemake.input.histories)
io.write_csv(plots.final_gaps(histories), out.gaps)
plots.draw_sec7(histories, p.unavailable, p.datasets, out.png, out.pdf, p.reduced)
