# The GPU jobs: one per run, model, state, target and update rule (pipeline.plan.InversionJob),
# inverting every layer the figures ask of it. A job embeds its target at all its layers in one
# forward of a and a' = a + N(0, shift_std), then solves each layer's seeds and learning-rate
# candidates in one batch.


rule invert:
    input:
        target=paths.TARGET,
        weights=weights_input,
    output:
        result=paths.INVERSION_RESULT,
        trajectory=paths.INVERSION_TRAJECTORY,
        inputs=paths.INVERSION_INPUTS,
    log:
        paths.log("invert", "run", "model", "state", "target", "update_rule"),
    benchmark:
        paths.benchmark("invert", "run", "model", "state", "target", "update_rule")
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.inversion_resources(config, w.run)["mem_mb"],
        runtime=lambda w: plan.inversion_resources(
            config, w.run, len(invert_layers(w))
        )["runtime"],
    params:
        code=code("invert.py"),
        layers=invert_layers,
        descent=lambda w: config["runs"][w.run],
        shift_std=config["shift_std"],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/invert.py"
