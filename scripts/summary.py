"""Snakemake script: results/summary.md."""

from pathlib import Path

import pandas as pd

from depthrep import runtime, summary

runtime.log_to(snakemake.log[0])
noise = {Path(path).stem.removeprefix("noise_training_"): pd.read_csv(path) for path in snakemake.input.noise}
summary.write(snakemake.params.config, pd.read_csv(snakemake.input.inversions), snakemake.output[0], noise)
