"""Snakemake script: the architecture figure (a_g at the named cuts of several models; m_i and
m_g / m_s against relative depth) and its table, from the inversion records."""

from depthrep.files import write_csv
from depthrep.pipeline import claims, joblog
from depthrep.plotting import architectures

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
depths = claims.depth_table(i.results, p.layers)
write_csv(depths, out.table)
architectures.draw_architectures(i.target, depths, i.results, i.inputs, p.layers, p.names, p.caption, out.png, out.pdf, p.reduced)
