# The ResNet figures, Fig S5's kernels, the Sec 7 figure, and one target rule per figure (snakemake fig3 builds Fig 3 and only
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
        figure=one_of(plan.resnet_figures(config)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        spec=lambda w: config["figures"][w.figure],
        reduced=config["reduced"],
    script:
        "../scripts/resnet_figure.py"


rule kernels_figure:
    input:
        kernel_weights,
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
        figure=one_of(plan.figures_of_kind(config, "kernels")),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        sources=kernel_sources,
        reasons=kernel_reasons,
        reduced=config["reduced"],
    script:
        "../scripts/kernels_figure.py"


rule sec7_figure:
    input:
        histories=classifier_histories,
    output:
        png=report(
            "results/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
        pdf="results/figures/{figure}.pdf",
        gaps=report(
            "results/tables/{figure}_gaps.csv",
            caption="../report/sec7_gaps.rst",
            category="Tables",
        ),
    log:
        "results/logs/figures/{figure}.log",
    benchmark:
        "results/benchmarks/figures/{figure}.tsv"
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, "sec7")),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        datasets=lambda w: config["cifar"]["datasets"],
        unavailable=lambda w: plan.missing_states(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/sec7_figure.py"


for figure_name in config["figures"]:

    rule:
        name:
            figure_name
        input:
            lambda w, name=figure_name: (
                plan.require_figure(config, name) or figure_files(name)
            ),
        localrule: True
