# results/provenance.json: git commit, config hash, versions, devices, seeds, and the sha256
# of every input file and every output of this run.


rule provenance:
    input:
        outputs=[p for p in all_outputs() if p != "results/provenance.json"],
        inputs=input_files(),
        results=inversion_outputs(plan.all_inversions(config)),
    output:
        "results/provenance.json",
    log:
        "results/logs/provenance.log",
    benchmark:
        "results/benchmarks/provenance.tsv"
    localrule: True
    conda:
        "../envs/plotting.yaml"
    params:
        config=config,
        root=workflow.basedir,
    script:
        "../scripts/provenance.py"
