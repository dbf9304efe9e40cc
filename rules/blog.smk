# The blog posts (issue 15). "Autoencoders: learning by copying": the autoencoder is trained once
# (train_autoencoder, a GPU job resumable after any epoch), one job computes every autoencoder
# figure's table and images, one local job draws them all. Input Generation III: one job per
# training state computes the parts its figures need, one local job draws every similarity
# figure. (A job per family rather than per figure: the tiny preset that the tests run stays
# small; a caption change redraws the family.)


rule train_autoencoder:
    input:
        cifar=autoencoder_cifar_record(),
    output:
        model=paths.AUTOENCODER_MODEL,
        history=report(
            paths.AUTOENCODER_HISTORY,
            caption="../report/autoencoder_training.rst",
            category="Tables",
        ),
    log:
        paths.log("train_autoencoder"),
    benchmark:
        paths.benchmark("train_autoencoder")
    conda:
        "../envs/torch.yaml"
    threads: lambda w: 1 + config["autoencoder"]["workers"]
    resources:
        mem_mb=lambda w: plan.autoencoder_resources(config)["mem_mb"],
        runtime=lambda w: plan.autoencoder_resources(config)["runtime"],
    params:
        code=code("train_autoencoder.py"),
        data=lambda w: plan.autoencoder_data_settings(config),
        widths=lambda w: config["autoencoder"]["widths"],
        training=lambda w: training_settings("autoencoder"),
        resume=paths.AUTOENCODER_RESUME,
        workers=lambda w: config["autoencoder"]["workers"],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/train_autoencoder.py"


rule autoencoder_experiment:
    input:
        model=paths.AUTOENCODER_MODEL,
        cifar=autoencoder_cifar_record(),
    output:
        tables=expand(paths.AUTOENCODER_TABLE, figure=plan.autoencoder_figures(config)),
        images=expand(paths.AUTOENCODER_IMAGES, figure=plan.autoencoder_figures(config)),
    log:
        paths.log("autoencoder_experiment"),
    benchmark:
        paths.benchmark("autoencoder_experiment")
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.autoencoder_resources(config)["mem_mb"],
        runtime=lambda w: plan.autoencoder_experiment_runtime(config),
    params:
        code=code("autoencoder_experiment.py"),
        specs=lambda w: figure_specs(plan.autoencoder_figures(config)),
        runs=lambda w: {
            spec["run"]: config["runs"][spec["run"]]
            for spec in figure_specs(plan.autoencoder_figures(config)).values()
            if "run" in spec
        },
        data=lambda w: plan.autoencoder_data_settings(config),
        widths=lambda w: config["autoencoder"]["widths"],
        seed=config["seed"],
        shift_std=config["shift_std"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/autoencoder_experiment.py"


rule autoencoder_figures:
    input:
        tables=expand(paths.AUTOENCODER_TABLE, figure=plan.autoencoder_figures(config)),
        images=expand(paths.AUTOENCODER_IMAGES, figure=plan.autoencoder_figures(config)),
        history=paths.AUTOENCODER_HISTORY,
    output:
        figure_outputs(plan.autoencoder_figures(config)),
    log:
        paths.log("autoencoder_figures"),
    benchmark:
        paths.benchmark("autoencoder_figures")
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("autoencoder_figures.py"),
        figures=plan.autoencoder_figures(config),
        kinds=lambda w: {
            name: config["figures"][name]["kind"]
            for name in plan.autoencoder_figures(config)
        },
        captions=lambda w: {
            name: plan.figure_title(config, name)
            + "\n"
            + plan.autoencoder_settings_line(config)
            for name in plan.autoencoder_figures(config)
        },
        reduced=config["reduced"],
    script:
        "../scripts/autoencoder_figures.py"


rule similarity_experiment:
    input:
        weights=lambda w: plan.similarity_weights(config, w.state),
        photos=[paths.TARGET.format(target=t) for t in plan.similarity_targets(config)],
    output:
        tables=expand(
            paths.MODEL_SIMILARITY_TABLE,
            part=plan.similarity_parts(config),
            allow_missing=True,
        ),
        images=paths.MODEL_SIMILARITY_IMAGES,
    log:
        paths.log("similarity_experiment", "state"),
    benchmark:
        paths.benchmark("similarity_experiment", "state")
    wildcard_constraints:
        state=one_of(plan.similarity_states(config)),
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.similarity_resources(config)["mem_mb"],
        runtime=lambda w: plan.similarity_resources(config)["runtime"],
    params:
        code=code("similarity_experiment.py"),
        settings=lambda w: config["model_similarity"],
        parts=plan.similarity_parts(config),
        photos=plan.similarity_targets(config),
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/similarity_experiment.py"


rule similarity_figures:
    input:
        tables=expand(
            paths.MODEL_SIMILARITY_TABLE,
            state=plan.similarity_states(config),
            part=plan.similarity_parts(config),
        ),
        images=expand(
            paths.MODEL_SIMILARITY_IMAGES, state=plan.similarity_states(config)
        ),
    output:
        figure_outputs(plan.similarity_figures(config)),
    log:
        paths.log("similarity_figures"),
    benchmark:
        paths.benchmark("similarity_figures")
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        code=code("similarity_figures.py"),
        figures=plan.similarity_figures(config),
        kinds=lambda w: {
            name: config["figures"][name]["kind"]
            for name in plan.similarity_figures(config)
        },
        states=lambda w: {
            name: plan.available(config, name)
            for name in plan.similarity_figures(config)
        },
        captions=lambda w: {
            name: plan.figure_title(config, name)
            for name in plan.similarity_figures(config)
        },
        all_states=plan.similarity_states(config),
        table_of=lambda w: {
            s: {
                p: paths.MODEL_SIMILARITY_TABLE.format(state=s, part=p)
                for p in plan.similarity_parts(config)
            }
            for s in plan.similarity_states(config)
        },
        models=lambda w: config["model_similarity"]["models"],
        settings=lambda w: plan.similarity_settings_line(config),
        reduced=config["reduced"],
    script:
        "../scripts/similarity_figures.py"
