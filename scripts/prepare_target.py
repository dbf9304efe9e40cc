"""Snakemake script: resize a target image once, for every job that uses it."""

from depthrep import runtime, targets

runtime.log_to(snakemake.log[0])
source = snakemake.input.image or snakemake.params.spec
targets.prepare(
    source,
    snakemake.params.size,
    snakemake.params.resize,
    snakemake.output.tensor,
    snakemake.output.png,
    origin=targets.describe_source(snakemake.params.spec),
)
