# Per model, training state and target: the embedding at every cut, the shifted input a'
# and m_s = ||O(a') - O(a)|| per cut.


rule embed_target:
    input:
        target=paths.TARGET,
        weights=weights_input,
    output:
        paths.EMBEDDINGS,
    log:
        paths.log("embed_target", "model", "state", "target"),
    benchmark:
        paths.benchmark("embed_target", "model", "state", "target")
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=plan.embedding_resources(config)["mem_mb"],
        runtime=plan.embedding_resources(config)["runtime"],
    params:
        code=code("embed_target.py"),
        shift_std=config["shift_std"],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/embed_target.py"
