# The fully connected figures (Fig 6-9, S2): one job per figure runs its experiment (every
# model of it) and writes its table and figure. Solved on the GPU when there is one.


rule mlp_figure:
    input:
        image=mlp_image,
    output:
        table=report(
            "results/tables/{figure}.csv",
            caption="../report/mlp_table.rst",
            category="Tables",
        ),
        png=report(
            "results/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
        pdf="results/figures/{figure}.pdf",
    log:
        "results/logs/mlp_figure/{figure}.log",
    benchmark:
        "results/benchmarks/mlp_figure/{figure}.tsv"
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, "mlp")),
    conda:
        "../envs/plotting.yaml"
    resources:
        runtime=lambda w: plan.mlp_runtime(config, w.figure),
    params:
        figure=lambda w: w.figure,
        settings=mlp_settings,
        image_source=mlp_image_source,
        reduced=config["reduced"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/mlp_figure.py"
