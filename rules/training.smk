# The trained models: the noise-label ResNet (Sec 5; the `noise` training state) and the
# Sec 7 CIFAR classifiers. Training jobs are GPU jobs; a killed one resumes from its last
# finished epoch (the resume file is deliberately not an output, so Snakemake keeps it).


rule train_noise_classifier:
    output:
        model=plan.noise_model_path("{model}"),
        history=report(
            plan.noise_history_path("{model}"),
            caption="../report/noise_training.rst",
            category="Tables",
        ),
    log:
        "results/logs/train_noise_classifier/{model}.log",
    benchmark:
        "results/benchmarks/train_noise_classifier/{model}.tsv"
    wildcard_constraints:
        model=plan.kernels_model(config),
    conda:
        "../envs/torch.yaml"
    threads: lambda w: 1 + config["noise_model"]["workers"]
    resources:
        mem_mb=lambda w: plan.training_resources(config)["mem_mb"],
        runtime=lambda w: plan.training_resources(config)["runtime"],
    params:
        data=lambda w: {**config["noise_model"]["data"], "seed": config["seed"]},
        training=lambda w: training_settings("noise_model"),
        arch=lambda w: w.model,
        checkpoint=lambda w: f"results/models/noise_{w.model}.resume.pt",
        workers=lambda w: config["noise_model"]["workers"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/train_noise.py"


rule fetch_cifar:
    output:
        "results/data/{dataset}.json",
    log:
        "results/logs/fetch_cifar/{dataset}.log",
    benchmark:
        "results/benchmarks/fetch_cifar/{dataset}.tsv"
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        root=lambda w: config["cifar"]["root"],
        verify=lambda w: config["cifar"]["verify"],
    script:
        "../scripts/fetch_cifar.py"


rule train_cifar_classifier:
    input:
        "results/data/{dataset}.json",
    output:
        history="results/classifiers/{dataset}/{architecture}.csv",
    log:
        "results/logs/train_cifar_classifier/{dataset}_{architecture}.log",
    benchmark:
        "results/benchmarks/train_cifar_classifier/{dataset}_{architecture}.tsv"
    conda:
        "../envs/torch.yaml"
    threads: lambda w: 1 + config["cifar"]["workers"]
    params:
        root=lambda w: config["cifar"]["root"],
        spec=lambda w: config["cifar"]["architectures"][w.architecture],
        training=lambda w: training_settings("cifar"),
        limits=lambda w: config["cifar"]["limits"],
        verify=lambda w: config["cifar"]["verify"],
        checkpoint=lambda w: f"results/classifiers/{w.dataset}/{w.architecture}.resume.pt",
        workers=lambda w: config["cifar"]["workers"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/train_cifar.py"
