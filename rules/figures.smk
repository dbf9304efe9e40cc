# The ResNet figures, Fig S5's kernels, the Sec 7 figure, and one target rule per figure
# (snakemake fig3 builds Fig 3 and only what it needs).


rule resnet_figure:
    input:
        results=lambda w: [job.result for job in figure_jobs(w)],
        trajectories=lambda w: [job.trajectory for job in figure_jobs(w)],
        inputs=lambda w: [job.inputs for job in figure_jobs(w)],
        targets=lambda w: plan.figure_rows(config, w.figure),
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
    log:
        paths.log("resnet_figure", "figure"),
    benchmark:
        paths.benchmark("resnet_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.resnet_figures(config)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("resnet_figure.py"),
        layers=lambda w: [job.layer for job in figure_jobs(w)],
        kind=lambda w: config["figures"][w.figure]["kind"],
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/resnet_figure.py"


rule kernels_figure:
    input:
        lambda w: [
            state_weights(plan.kernels_model(config), s)
            for s in plan.available(config, w.figure)
        ],
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
    log:
        paths.log("kernels_figure", "figure"),
    benchmark:
        paths.benchmark("kernels_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, "kernels")),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("kernels_figure.py"),
        arch=plan.kernels_model(config),
        panels=lambda w: plan.kernel_panels(config, w.figure),
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/kernels_figure.py"


rule sec7_figure:
    input:
        histories=lambda w: [
            paths.CLASSIFIER_HISTORY.format(dataset=d, architecture=a)
            for d in plan.available(config, w.figure)
            for a in config["cifar"]["architectures"]
        ],
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
        gaps=report(
            paths.SEC7_GAPS,
            caption="../report/sec7_gaps.rst",
            category="Tables",
        ),
    log:
        paths.log("sec7_figure", "figure"),
    benchmark:
        paths.benchmark("sec7_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, "sec7")),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("sec7_figure.py"),
        datasets=lambda w: config["cifar"]["datasets"],
        unavailable=lambda w: plan.missing_states(config, w.figure),
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/sec7_figure.py"


for figure_name in config["figures"]:

    rule:
        name:
            figure_name
        input:
            lambda w, name=figure_name: (
                plan.require_figure(config, name) or paths.figure_files(name)
            ),
        localrule: True
