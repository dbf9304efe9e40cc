"""Snakemake script: PyTorch's report of the environment the jobs run in (results/environment.json)."""

from depthrep.files import write_json
from depthrep.pipeline import joblog, runtime

joblog.log_to(snakemake.log[0])
write_json(runtime.environment(), snakemake.output[0])
