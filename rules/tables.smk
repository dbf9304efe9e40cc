# The m_g / m_s / m_i table (one row per inversion and seed) and the trajectories table.


rule inversion_tables:
    input:
        inversion_outputs(plan.all_inversions(config)),
    output:
        inversions=report(
            "results/tables/inversions.csv",
            caption="../report/inversions.rst",
            category="Tables",
        ),
        trajectories=report(
            "results/tables/trajectories.csv",
            caption="../report/trajectories.rst",
            category="Tables",
        ),
    log:
        "results/logs/inversion_tables.log",
    benchmark:
        "results/benchmarks/inversion_tables.tsv"
    localrule: True
    conda:
        "../envs/plotting.yaml"
    script:
        "../scripts/inversion_tables.py"
