# Trained weights: torchvision's ImageNet weights are fetched into the torch cache by a local
# rule (login nodes have the network; compute nodes may not) and recorded with their sha256.


rule fetch_imagenet_weights:
    output:
        paths.IMAGENET_RECORD,
    log:
        paths.log("fetch_imagenet_weights", "model"),
    benchmark:
        paths.benchmark("fetch_imagenet_weights", "model")
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        code=code("fetch_imagenet_weights.py"),
    script:
        "../scripts/fetch_imagenet_weights.py"
