"""Snakemake script: the Sec 7 figure (standard vs inverted classifiers) and its table of final gaps."""

from depthrep.experiments import sec7_gaps
from depthrep.files import write_csv
from depthrep.pipeline import joblog
from depthrep.plotting import sec7

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
histories = sec7_gaps.read_histories(snakemake.input.histories)
gaps = sec7_gaps.final_gaps(histories)
write_csv(gaps, out.gaps)
sec7.draw_sec7(histories, gaps, p.unavailable, p.datasets, p.caption, out.png, out.pdf, p.reduced)
