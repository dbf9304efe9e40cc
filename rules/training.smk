# The trained models: the noise-label ResNet (Sec 5; the `noise` training state) and the
# Sec 7 CIFAR classifiers. Training jobs are GPU jobs; a killed one resumes from its last
# finished epoch (the resume file is deliberately not an output, so Snakemake keeps it). Each
# also keeps the weights of the epochs its training.keep_epochs lists (noise@<epoch>).


rule train_noise_classifier:
    output:
        model=paths.NOISE_MODEL,
        history=report(
            paths.NOISE_HISTORY,
            caption="../report/noise_training.rst",
            category="Tables",
        ),
        epochs=kept_epochs("noise_model", paths.NOISE_EPOCH, model="{model}"),
    log:
        paths.log("train_noise_classifier", "model"),
    benchmark:
        paths.benchmark("train_noise_classifier", "model")
    wildcard_constraints:
        model=plan.kernels_model(config),
    conda:
        "../envs/torch.yaml"
    threads: lambda w: 1 + config["noise_model"]["workers"]
    resources:
        mem_mb=lambda w: plan.training_resources(config)["mem_mb"],
        runtime=lambda w: plan.training_resources(config)["runtime"],
    params:
        code=code("train_noise.py"),
        data=lambda w: {**config["noise_model"]["data"], "seed": config["seed"]},
        training=lambda w: training_settings("noise_model"),
        resume=lambda w: paths.NOISE_RESUME.format(model=w.model),
        workers=lambda w: config["noise_model"]["workers"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/train_noise.py"


rule fetch_cifar:
    output:
        paths.CIFAR_RECORD,
    log:
        paths.log("fetch_cifar", "dataset"),
    benchmark:
        paths.benchmark("fetch_cifar", "dataset")
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        code=code("fetch_cifar.py"),
        root=lambda w: config["cifar"]["root"],
        verify=lambda w: config["cifar"]["verify"],
    script:
        "../scripts/fetch_cifar.py"


rule train_cifar_classifier:
    input:
        paths.CIFAR_RECORD,
    output:
        history=paths.CLASSIFIER_HISTORY,
        epochs=kept_epochs(
            "cifar",
            paths.CLASSIFIER_EPOCH,
            dataset="{dataset}",
            architecture="{architecture}",
        ),
    log:
        paths.log("train_cifar_classifier", "dataset", "architecture"),
    benchmark:
        paths.benchmark("train_cifar_classifier", "dataset", "architecture")
    conda:
        "../envs/torch.yaml"
    threads: lambda w: 1 + config["cifar"]["workers"]
    resources:
        mem_mb=lambda w: plan.classifier_resources(config)["mem_mb"],
        runtime=lambda w: plan.classifier_resources(config)["runtime"],
    params:
        code=code("train_cifar.py"),
        root=lambda w: config["cifar"]["root"],
        spec=lambda w: config["cifar"]["architectures"][w.architecture],
        training=lambda w: training_settings("cifar"),
        limits=lambda w: config["cifar"]["limits"],
        verify=lambda w: config["cifar"]["verify"],
        resume=lambda w: paths.CLASSIFIER_RESUME.format(
            dataset=w.dataset, architecture=w.architecture
        ),
        workers=lambda w: config["cifar"]["workers"],
        deterministic=config["deterministic"],
        device=config["device"],
    script:
        "../scripts/train_cifar.py"
