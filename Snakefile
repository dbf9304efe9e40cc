# depthrep: reproduce "Depth and Representation in Vision Models" (Badger 2022).
# snakemake --cores 2 --configfile presets/cpu.yaml   (the laptop run; see README.md)
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/targets.smk"
include: "rules/weights.smk"
include: "rules/training.smk"
include: "rules/inversions.smk"
include: "rules/tables.smk"
include: "rules/mlp.smk"
include: "rules/figures.smk"
include: "rules/beyond.smk"
include: "rules/blog.smk"
include: "rules/summary.smk"
include: "rules/provenance.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
