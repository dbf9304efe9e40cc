# The m_g / m_s / m_i table (one row per inversion and seed) and the trajectories table.


rule inversion_tables:
    input:
        results=[job.result for job in plan.inversion_jobs(config)],
        trajectories=[job.trajectory for job in plan.inversion_jobs(config)],
    output:
        inversions=report(
            paths.INVERSION_TABLE,
            caption="../report/inversions.rst",
            category="Tables",
        ),
        trajectories=report(
            paths.TRAJECTORY_TABLE,
            caption="../report/trajectories.rst",
            category="Tables",
        ),
    log:
        paths.log("inversion_tables"),
    benchmark:
        paths.benchmark("inversion_tables")
    localrule: True
    conda:
        "../envs/bookkeeping.yaml"
    params:
        code=code("inversion_tables.py"),
    script:
        "../scripts/inversion_tables.py"
