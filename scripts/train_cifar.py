"""Snakemake script: train one Sec 7 classifier on CIFAR10 or CIFAR100, resuming a killed run.

wildcards.dataset       cifar10 | cifar100
wildcards.architecture  a name such as mlp_standard, mlp_inverted, conv_standard, conv_inverted
params.root             data folder holding cifar-10-batches-py / cifar-100-python (see fetch_cifar.py)
params.spec             the architecture (depthrep.classifiers; defaults in classifiers.ARCHITECTURES)
params.training         TrainSettings fields (set evaluate_train: true for a fair train/test gap)
params.limits           [train, test]: use the first so many images of each split; null for all
params.verify           check the files' md5 sums (false only for a dataset that is not the published one)
params.checkpoint       resume file, NOT a declared output (kept when a job is killed)
params.workers, params.deterministic, params.device, threads: as for every job
output.history          per-epoch CSV with dataset and architecture columns
log[0]                  job log
"""

from depthrep import cifar, io, runtime, training

runtime.log_to(snakemake.log[0])
p, w = snakemake.params, snakemake.wildcards
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
history = cifar.train_classifier(
    w.dataset, p.root, w.architecture, p.spec, training.TrainSettings(**p.training), p.checkpoint,
    limits=tuple(p.limits), verify=p.verify, device=device, workers=p.workers,
)
io.write_csv(history, snakemake.output.history)
