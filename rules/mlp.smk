# The fully connected figures (Fig 6-9, S2): one job per figure runs its experiment (every
# model of it) and writes its table and images (on the GPU when there is one); a local job
# draws the figure, so a caption change redraws it without rerunning the experiment.


rule mlp_experiment:
    input:
        image=lambda w: image_file(mlp_spec(w)["target"]),
    output:
        table=report(
            paths.MLP_TABLE,
            caption="../report/mlp_table.rst",
            category="Tables",
        ),
        images=paths.MLP_IMAGES,
    log:
        paths.log("mlp_experiment", "figure"),
    benchmark:
        paths.benchmark("mlp_experiment", "figure")
    wildcard_constraints:
        figure=one_of(plan.mlp_figures(config)),
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.mlp_resources(config, w.figure)["mem_mb"],
        runtime=lambda w: plan.mlp_resources(config, w.figure)["runtime"],
    params:
        code=code("mlp_experiment.py"),
        spec=lambda w: {k: v for k, v in mlp_spec(w).items() if k != "caption"},
        descent=lambda w: config["runs"][mlp_spec(w)["run"]],
        image_source=lambda w, input: image_source(mlp_spec(w)["target"], input),
        resize=config["resize"],
        seed=config["seed"],
        shift_std=config["shift_std"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/mlp_experiment.py"


rule mlp_figure:
    input:
        table=paths.MLP_TABLE,
        images=paths.MLP_IMAGES,
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=lambda w: {"figure": w.figure, "kind": mlp_spec(w)["kind"]},
        ),
        pdf=paths.FIGURE_PDF,
    log:
        paths.log("mlp_figure", "figure"),
    benchmark:
        paths.benchmark("mlp_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.mlp_figures(config)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("mlp_figure.py"),
        kind=lambda w: mlp_spec(w)["kind"],
        caption=lambda w: plan.figure_title(config, w.figure),
        settings=lambda w: plan.mlp_settings_line(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/mlp_figure.py"
