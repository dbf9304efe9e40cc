"""Snakemake script: the inversions and trajectories tables from every inversion job."""

from depthrep.files import write_csv
from depthrep.pipeline import joblog, records

joblog.log_to(snakemake.log[0])
write_csv(records.inversion_table(snakemake.input.results), snakemake.output.inversions)
write_csv(records.trajectory_table(snakemake.input.results), snakemake.output.trajectories)
