"""Snakemake script: results/summary.md."""

import pandas as pd

from depthrep.pipeline import joblog, summary

joblog.log_to(snakemake.log[0])
p = snakemake.params
noise = {arch: pd.read_csv(path) for arch, path in zip(p.noise_models, snakemake.input.noise, strict=False)}
beyond = {path: pd.read_csv(path) for path in snakemake.input.beyond}
blog = {key: pd.read_csv(path) for key, path in p.blog.items()}  # the blog figures' tables
summary.write(p.config, pd.read_csv(snakemake.input.inversions), snakemake.output[0], noise, beyond, blog)
