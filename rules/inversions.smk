# The GPU jobs: one inversion per run, model, state, target, layer and update rule; the
# engine solves every seed and learning-rate candidate of it in one batch.


rule invert:
    input:
        embeddings="results/embeddings/{model}/{state}/{target}.pt",
        weights=weights_input,
    output:
        result="results/inversions/{run}/{model}/{state}/{target}/{layer}_{update_rule}/result.json",
        trajectory="results/inversions/{run}/{model}/{state}/{target}/{layer}_{update_rule}/trajectory.csv",
        inputs="results/inversions/{run}/{model}/{state}/{target}/{layer}_{update_rule}/a_g.pt",
    log:
        "results/logs/invert/{run}_{model}_{state}_{target}_{layer}_{update_rule}.log",
    benchmark:
        "results/benchmarks/invert/{run}_{model}_{state}_{target}_{layer}_{update_rule}.tsv"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=lambda w: plan.inversion_resources(config, w.run)["mem_mb"],
        runtime=lambda w: plan.inversion_resources(config, w.run)["runtime"],
    params:
        settings=lambda w: config["runs"][w.run],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/invert.py"
