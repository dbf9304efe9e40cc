# results/summary.md: what this run made, with which preset, and what it left out and why.


rule summary:
    input:
        figures=[
            f for name in plan.made_figures(config) for f in paths.figure_files(name)
        ],
        inversions=paths.INVERSION_TABLE,
        noise=noise_histories(),
        beyond=beyond_tables(),
        blog=list(blog_summary.files(config).values()),
    output:
        report(paths.SUMMARY, caption="../report/summary.rst", category="Summary"),
    log:
        paths.log("summary"),
    benchmark:
        paths.benchmark("summary")
    localrule: True
    conda:
        "../envs/bookkeeping.yaml"
    params:
        code=code("summary.py"),
        config=config,
        noise_models=plan.used_models(config, plan.NOISE),
        blog=blog_summary.files(config),
    script:
        "../scripts/summary.py"
