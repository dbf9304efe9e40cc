"""depthrep: a reproduction of "Depth and Representation in Vision Models" (Badger 2022).

The library holds the science (models and their layer cuts, the inversion engine, metrics,
target images); the Snakemake workflow at the repository root only wires it together.
"""

__version__ = "0.1.0"
