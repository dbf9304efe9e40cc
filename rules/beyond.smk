# Beyond the paper: any torchvision architecture at its named cuts, the noise-label model across
# its training, and representation similarity. The inversions are the `invert` jobs (shared
# with the paper's figures where they coincide); activations are computed once per model,
# state and image set (a GPU job like the inversions) and every comparison reads them.


rule activations:
    input:
        weights=weights_input,
        image=lambda w: copies_image(w.image_set),
        cifar=lambda w: [
            paths.CIFAR_RECORD.format(dataset=d)
            for d in plan.image_set_datasets(config, w.image_set)
        ],
    output:
        paths.ACTIVATIONS,
    log:
        paths.log("activations", "image_set", "model", "state"),
    benchmark:
        paths.benchmark("activations", "image_set", "model", "state")
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.activation_resources(config, w.image_set)["mem_mb"],
        runtime=lambda w: plan.activation_resources(config, w.image_set)["runtime"],
    params:
        code=code("activations.py"),
        spec=lambda w: config["image_sets"][w.image_set],
        noise=lambda w: {k: config["noise_model"]["data"][k] for k in ("mean", "std")},
        copies_source=lambda w, input: copies_source(w.image_set, input),
        resize=config["resize"],
        cifar_root=lambda w: (config.get("cifar") or {}).get("root"),
        cifar_verify=lambda w: (config.get("cifar") or {}).get("verify", True),
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/activations.py"


rule representation_tables:
    input:
        activations=lambda w: [j.path for j in representation_jobs(w)],
    output:
        similarity=report(
            paths.SIMILARITY_TABLE,
            caption="../report/similarity.rst",
            category="Tables",
        ),
        spectrum=report(
            paths.SPECTRUM_TABLE,
            caption="../report/spectrum.rst",
            category="Tables",
        ),
    log:
        paths.log("representation_tables", "figure"),
    benchmark:
        paths.benchmark("representation_tables", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, plan.REPRESENTATIONS_KIND)),
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.representation_resources(config, w.figure)["mem_mb"],
        runtime=lambda w: plan.representation_resources(config, w.figure)["runtime"],
    params:
        code=code("representation_tables.py"),
        jobs=lambda w: [
            {"model": j.model, "state": j.state} for j in representation_jobs(w)
        ],
        compare=lambda w: plan.representation_comparisons(config, w.figure),
        bootstrap=lambda w: config["figures"][w.figure]["bootstrap"],
        keep=lambda w: config["figures"][w.figure]["svcca_keep"],
        seed=config["seed"],
        deterministic=config["deterministic"],
    script:
        "../scripts/representation_tables.py"


rule architectures_figure:
    input:
        results=lambda w: [job.result for job in figure_jobs(w)],
        inputs=lambda w: [job.inputs for job in figure_jobs(w)],
        target=lambda w: figure_jobs(w)[0].target_file,
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
        table=report(
            paths.DEPTH_TABLE,
            caption="../report/depths.rst",
            category="Tables",
        ),
    log:
        paths.log("architectures_figure", "figure"),
    benchmark:
        paths.benchmark("architectures_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, plan.ARCHITECTURES_KIND)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("architectures_figure.py"),
        layers=lambda w: [job.layer for job in figure_jobs(w)],
        names=plan.DISPLAY_NAMES,
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/architectures_figure.py"


rule epochs_figure:
    input:
        results=lambda w: [job.result for job in figure_jobs(w)],
        inputs=lambda w: [job.inputs for job in figure_jobs(w)],
        target=lambda w: figure_jobs(w)[0].target_file,
        history=lambda w: paths.NOISE_HISTORY.format(model=plan.noise_arch(config)),
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
        table=report(
            paths.EPOCH_TABLE,
            caption="../report/epochs.rst",
            category="Tables",
        ),
    log:
        paths.log("epochs_figure", "figure"),
    benchmark:
        paths.benchmark("epochs_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, plan.EPOCHS_KIND)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("epochs_figure.py"),
        layers=lambda w: [job.layer for job in figure_jobs(w)],
        epochs=plan.epoch_numbers(config),
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/epochs_figure.py"


rule representations_figure:
    input:
        similarity=paths.SIMILARITY_TABLE,
        spectrum=paths.SPECTRUM_TABLE,
        history=lambda w: paths.NOISE_HISTORY.format(model=plan.noise_arch(config)),
    output:
        png=report(
            paths.FIGURE_PNG,
            caption="../report/figure.rst",
            category="Figures",
            labels=figure_labels,
        ),
        pdf=paths.FIGURE_PDF,
    log:
        paths.log("representations_figure", "figure"),
    benchmark:
        paths.benchmark("representations_figure", "figure")
    wildcard_constraints:
        figure=one_of(plan.figures_of_kind(config, plan.REPRESENTATIONS_KIND)),
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("representations_figure.py"),
        names=plan.DISPLAY_NAMES,
        caption=lambda w: plan.figure_title(config, w.figure),
        reduced=config["reduced"],
    script:
        "../scripts/representations_figure.py"
