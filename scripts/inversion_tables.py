"""Snakemake script: the inversions and trajectories tables from every inversion job."""

from depthrep import io, runtime, tables

runtime.log_to(snakemake.log[0])
io.write_csv(tables.inversion_table(snakemake.input), snakemake.output.inversions)
io.write_csv(tables.trajectory_table(snakemake.input), snakemake.output.trajectories)
