"""Snakemake script: take the target image out of its archive, checked against its sha256."""

from depthrep.pipeline import downloads, joblog

joblog.log_to(snakemake.log[0])
downloads.extract_member(snakemake.input[0], snakemake.params.member, snakemake.output[0], snakemake.params.sha256)
