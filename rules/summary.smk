# results/summary.md: what this run made, with which preset, and what it left out and why.


rule summary:
    input:
        figures=[f for name in plan.made_figures(config) for f in figure_files(name)],
        inversions="results/tables/inversions.csv",
        noise=[plan.noise_history_path(m) for m in plan.used_models(config, plan.NOISE)],
    output:
        report(
            "results/summary.md", caption="../report/summary.rst", category="Summary"
        ),
    log:
        "results/logs/summary.log",
    benchmark:
        "results/benchmarks/summary.tsv"
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        config=config,
        noise_models=plan.used_models(config, plan.NOISE),
    script:
        "../scripts/summary.py"
