"""Snakemake script: download a target archive, checked against its pinned sha256."""

from depthrep.pipeline import downloads, joblog

joblog.log_to(snakemake.log[0])
downloads.fetch(snakemake.params.url, snakemake.output[0], snakemake.params.sha256)
