"""Snakemake script: results/summary.md."""

import pandas as pd

from depthrep import runtime, summary

runtime.log_to(snakemake.log[0])
summary.write(snakemake.params.config, pd.read_csv(snakemake.input.inversions), snakemake.output[0])
