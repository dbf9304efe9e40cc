# results/provenance.json: git commit, config hash, versions, devices, seeds, and the sha256
# of every input file and every output of this run.


rule provenance:
    input:
        outputs=[p for p in all_outputs() if p != paths.PROVENANCE],
        inputs=input_files(),
        results=[job.result for job in plan.all_inversions(config)],
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
        config=config,
        root=workflow.basedir,
    script:
        "../scripts/provenance.py"
