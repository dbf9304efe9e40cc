# The ResNet figures, and one target rule per figure (snakemake fig3 builds Fig 3 and only
# what it needs).


rule resnet_figure:
    input:
        figure_inputs,
    output:
        png=report(
            "results/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
        pdf="results/figures/{figure}.pdf",
    log:
        "results/logs/figures/{figure}.log",
    benchmark:
        "results/benchmarks/figures/{figure}.tsv"
    wildcard_constraints:
        figure="|".join(plan.resnet_figures(config)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        spec=lambda w: config["figures"][w.figure],
        reduced=config["reduced"],
    script:
        "../scripts/resnet_figure.py"


for figure_name in config["figures"]:

    rule:
        name:
            figure_name
        input:
            lambda w, name=figure_name: (
                plan.require_figure(config, name) or figure_files(name)
            ),
        localrule: True
