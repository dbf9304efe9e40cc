"""Snakemake script: results/provenance.json."""

from pathlib import Path

from depthrep.pipeline import joblog, provenance

joblog.log_to(snakemake.log[0])
provenance.write(
    snakemake.output[0],
    config=snakemake.params.config,
    root=Path(snakemake.scriptdir).parent,  # the workflow's folder (not a parameter: a copy of it is the same run)
    inputs=list(snakemake.input.inputs),
    outputs=list(snakemake.input.outputs),
    result_files=list(snakemake.input.results),
    environment=snakemake.input.environment,
)
