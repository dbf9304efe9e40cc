# Per model, training state and target: the embedding at every cut, the shifted input a'
# and m_s = ||O(a') - O(a)|| per cut.


rule embed_target:
    input:
        target="results/targets/{target}.pt",
        weights=weights_input,
    output:
        "results/embeddings/{model}/{state}/{target}.pt",
    log:
        "results/logs/embed_target/{model}_{state}_{target}.log",
    benchmark:
        "results/benchmarks/embed_target/{model}_{state}_{target}.tsv"
    conda:
        "../envs/torch.yaml"
    params:
        shift_std=config["shift_std"],
        seed=config["seed"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/embed_target.py"
