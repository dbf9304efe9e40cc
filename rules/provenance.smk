# results/provenance.json: git commit, config, versions, the environment report, devices,
# seeds, and the sha256 of every input file and every output of this run.


rule environment:
    output:
        paths.ENVIRONMENT,
    log:
        paths.log("environment"),
    benchmark:
        paths.benchmark("environment")
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        code=code("environment.py"),
    script:
        "../scripts/environment.py"


rule provenance:
    input:
        outputs=[p for p in all_outputs() if p != paths.PROVENANCE],
        inputs=input_files(),
        results=[job.result for job in plan.inversion_jobs(config)],
        environment=paths.ENVIRONMENT,
    output:
        paths.PROVENANCE,
    log:
        paths.log("provenance"),
    benchmark:
        paths.benchmark("provenance")
    localrule: True
    conda:
        "../envs/bookkeeping.yaml"
    params:
        code=code("provenance.py"),
        config=config,
    script:
        "../scripts/provenance.py"
