# The target images: downloaded (checksummed) when the config gives a URL, then resized. The
# scripts check the sha256 themselves (their error names the expected and the found value and
# leaves no file); `ensure` makes Snakemake check it too, as a second, independent guard.


rule download_target:
    output:
        ensure(paths.DOWNLOAD, sha256=lambda w: target_spec(w)["sha256"]),
    log:
        paths.log("download_target", "target"),
    benchmark:
        paths.benchmark("download_target", "target")
    localrule: True
    conda:
        "../envs/bookkeeping.yaml"
    params:
        code=code("download_target.py"),
        url=lambda w: target_spec(w)["url"],
        sha256=lambda w: target_spec(w)["sha256"],
    script:
        "../scripts/download_target.py"


rule extract_target:
    input:
        paths.DOWNLOAD,
    output:
        ensure(paths.EXTRACTED, sha256=lambda w: target_spec(w)["member_sha256"]),
    log:
        paths.log("extract_target", "target", "member"),
    benchmark:
        paths.benchmark("extract_target", "target", "member")
    localrule: True
    conda:
        "../envs/bookkeeping.yaml"
    params:
        code=code("extract_target.py"),
        member=lambda w: target_spec(w)["member"],
        sha256=lambda w: target_spec(w)["member_sha256"],
    script:
        "../scripts/extract_target.py"


rule prepare_target:
    input:
        image=lambda w: image_file(w.target),
    output:
        tensor=paths.TARGET,
        png=paths.TARGET_PNG,
    log:
        paths.log("prepare_target", "target"),
    benchmark:
        paths.benchmark("prepare_target", "target")
    # Seconds of work (one image resized): on the submitting host rather than behind a cluster's
    # queue, which every inversion would wait on.
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        code=code("prepare_target.py"),
        spec=target_spec,
        size=lambda w: plan.target_size(config, w.target),
        resize=config["resize"],
    script:
        "../scripts/prepare_target.py"
