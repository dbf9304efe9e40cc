"""Plumbing for the Snakemake workflow: from a config to jobs, and from jobs to records.

    config      the config's checks (schema, cross-references), run while Snakemake parses it
    plan        which jobs each figure needs, which figures a preset can make and why not
    paths       every result path, as the rules' patterns
    records     the record of an inversion job, and the tables made from them
    joblog      a job's log; runtime: its device, threads, determinism and provenance
    targets, downloads    target images: checksummed downloads, resized once
    mlp_figures the fully connected figures: which experiment and which drawing per kind
    autoencoder_jobs, similarity_jobs   the blog posts' jobs: settings in, tables and images out
    claims      the depth and epoch tables, and the posts' claims stated from them
    summary, blog_summary, provenance, compare    what a run made, how, each claim with its
                numbers, and whether a rerun matches

Everything but runtime, targets, mlp_figures, autoencoder_jobs and similarity_jobs imports no torch: the bookkeeping jobs and
`python -m depthrep.pipeline.compare` start in about a second.
"""
