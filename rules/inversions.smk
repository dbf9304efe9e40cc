# The GPU jobs: one inversion per run, model, state, target, layer and update rule. A job embeds
# its target at its layer (one forward of a and a' = a + N(0, shift_std)) and solves every seed
# and learning-rate candidate in one batch.


rule invert:
    input:
        target=paths.TARGET,
        weights=weights_input,
    output:
        result=paths.INVERSION_RESULT,
        trajectory=paths.INVERSION_TRAJECTORY,
        inputs=paths.INVERSION_INPUTS,
    log:
        paths.log("invert", "run", "model", "state", "target", "layer", "update_rule"),
    benchmark:
        paths.benchmark(
            "invert", "run", "model", "state", "target", "layer", "update_rule"
        )
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.inversion_resources(config, w.run)["mem_mb"],
        runtime=lambda w: plan.inversion_resources(config, w.run)["runtime"],
    params:
        code=code("invert.py"),
        descent=lambda w: config["runs"][w.run],
        shift_std=config["shift_std"],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/invert.py"
