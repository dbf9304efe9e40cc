# Trained weights: torchvision's ImageNet weights are fetched into the torch cache by a local
# rule (login nodes have the network; compute nodes may not) and recorded with their sha256.


rule fetch_imagenet_weights:
    output:
        "results/weights/{model}_imagenet.json",
    log:
        "results/logs/fetch_imagenet_weights/{model}.log",
    benchmark:
        "results/benchmarks/fetch_imagenet_weights/{model}.tsv"
    localrule: True
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/fetch_imagenet_weights.py"
