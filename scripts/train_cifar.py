"""Snakemake script: train one Sec 7 classifier on CIFAR10 or CIFAR100, resuming a killed run.

params.spec      the architecture (depthrep.models.classifiers)
params.training  TrainSettings fields (evaluate_train: true for a fair train/test gap)
params.limits    [train, test]: the first so many images of each split; null for all
params.verify    check the files' md5 sums (false only for a dataset that is not the published one)
params.resume    resume file, NOT a declared output (kept when a job is killed)
output.epochs    the checkpoints of training.keep_epochs, in that order
"""

from depthrep.experiments import cifar
from depthrep.files import write_csv
from depthrep.pipeline import joblog, runtime
from depthrep.training.fit import TrainSettings

joblog.log_to(snakemake.log[0])
p, w = snakemake.params, snakemake.wildcards
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
settings = TrainSettings(**p.training)
kept = dict(zip(settings.keep_epochs, snakemake.output.epochs, strict=True))
history = cifar.train_classifier(
    w.dataset,
    p.root,
    w.architecture,
    p.spec,
    settings,
    p.resume,
    limits=tuple(p.limits),
    verify=p.verify,
    device=device,
    workers=p.workers,
    keep_path=kept.__getitem__,
)
write_csv(history, snakemake.output.history)
