"""depthrep: a reproduction of "Depth and Representation in Vision Models" (Badger 2022).

The library holds the science; the Snakemake workflow at the repository root only wires it
together. Its layers, each importing only those listed before it:

    files, seeds, samples, images   foundations: atomic files, seed streams, target images
    engine        gradient descent on a model's input (eq. 3-5), batched; the paper's distances
    models        any torchvision classifier cut at five layers (the paper's ResNets at Conv1..Conv5
                  among them), MLPs, the Sec 7 classifiers, the blog's autoencoder, weights
    training      one training loop for classifiers and the autoencoder (resumable, kept epochs)
    experiments   the paper's and the blog posts' experiments: functions of models, images and settings
    pipeline      plumbing for the workflow: config plan, result paths, records, tables,
                  summary, provenance, downloads, compare
    plotting      the figures
    cli           `depthrep invert`

The engine and the experiments never import the pipeline; the pipeline's bookkeeping modules
(paths, plan, records, claims, summary, blog_summary, provenance, compare, downloads) import
no torch.
"""

__version__ = "0.2.0"
