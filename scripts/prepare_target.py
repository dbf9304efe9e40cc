"""Snakemake script: resize a target image once, for every job that uses it."""

from depthrep.pipeline import joblog, plan, targets

joblog.log_to(snakemake.log[0])
p = snakemake.params
source = snakemake.input.image or p.spec
targets.prepare(source, p.size, p.resize, snakemake.output.tensor, snakemake.output.png, origin=plan.describe_source(p.spec))
