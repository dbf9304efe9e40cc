# The target images: downloaded (checksummed) when the config gives a URL, then resized.


rule download_target:
    output:
        "results/downloads/{target}.zip",
    log:
        "results/logs/download_target/{target}.log",
    benchmark:
        "results/benchmarks/download_target/{target}.tsv"
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        url=lambda w: target_spec(w)["url"],
        sha256=lambda w: target_spec(w)["sha256"],
    script:
        "../scripts/download_target.py"


rule extract_target:
    input:
        "results/downloads/{target}.zip",
    output:
        "results/downloads/{target}/{member}",
    log:
        "results/logs/extract_target/{target}_{member}.log",
    benchmark:
        "results/benchmarks/extract_target/{target}_{member}.tsv"
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        member=lambda w: target_spec(w)["member"],
        sha256=lambda w: target_spec(w)["member_sha256"],
    script:
        "../scripts/extract_target.py"


rule prepare_target:
    input:
        image=target_file,
    output:
        tensor="results/targets/{target}.pt",
        png="results/targets/{target}.png",
    log:
        "results/logs/prepare_target/{target}.log",
    benchmark:
        "results/benchmarks/prepare_target/{target}.tsv"
    conda:
        "../envs/torch.yaml"
    params:
        spec=target_spec,
        size=config["image_size"],
        resize=config["resize"],
    script:
        "../scripts/prepare_target.py"
