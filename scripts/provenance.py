"""Snakemake script: results/provenance.json."""

from depthrep.pipeline import joblog, provenance

joblog.log_to(snakemake.log[0])
provenance.write(
    snakemake.output[0],
    config=snakemake.params.config,
    root=snakemake.params.root,
    inputs=list(snakemake.input.inputs),
    outputs=list(snakemake.input.outputs),
    result_files=list(snakemake.input.results),
    environment=snakemake.input.environment,
)
