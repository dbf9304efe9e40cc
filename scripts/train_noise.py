"""Snakemake script: train the noise-label ResNet (Sec 5, Fig 10, S4, S5), resuming a killed run.

params.data      NoiseSettings fields: images, classes, image_size, mean, std, seed
params.training  TrainSettings fields: epochs, batch_size, lr, seed, shuffle, evaluate_train, log_every
params.resume    resume file written after every epoch; deliberately NOT a declared output, so
                 Snakemake leaves it in place when a job is killed and the rerun resumes from it
params.workers   DataLoader worker processes generating the noise (0: in the training process)
output.epochs    the checkpoints of training.keep_epochs, in that order (states noise@<epoch>)
"""

from depthrep.experiments import noise_labels
from depthrep.files import write_csv
from depthrep.pipeline import joblog, runtime
from depthrep.training.fit import TrainSettings

joblog.log_to(snakemake.log[0])
p = snakemake.params
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
settings = TrainSettings(**p.training)
kept = dict(zip(settings.keep_epochs, snakemake.output.epochs, strict=True))
history = noise_labels.train_noise_model(
    noise_labels.NoiseSettings(**p.data),
    settings,
    snakemake.output.model,
    p.resume,
    arch=snakemake.wildcards.model,
    device=device,
    workers=p.workers,
    keep_path=kept.__getitem__,
)
write_csv(history, snakemake.output.history)
