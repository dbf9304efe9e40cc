# Trained weights: torchvision's ImageNet weights are fetched into the torch cache by a local
# rule (login nodes have the network; compute nodes may not), checked against the hash
# torchvision publishes, and stored as a checkpoint that the jobs using them take as input.


rule fetch_imagenet_weights:
    output:
        paths.IMAGENET_MODEL,
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
