"""Snakemake script: train the noise-label ResNet (Sec 5, Fig 10, S4, S5), resuming a killed run.

params.data           NoiseSettings fields: images, classes, image_size, mean, std, seed
params.training       TrainSettings fields: epochs, batch_size, lr, seed, shuffle, evaluate_train, log_every
params.arch           torchvision ResNet name (the paper: resnet50)
params.checkpoint     resume file written after every epoch; deliberately NOT a declared output, so
                      Snakemake leaves it in place when a job is killed and the rerun resumes from it
params.workers        DataLoader worker processes generating the noise (0: in the training process)
params.deterministic, params.device, threads: as for every job (depthrep.runtime.configure)
output.model          checkpoint for models.load_resnet(arch, path)
output.history        per-epoch CSV (depthrep.training)
log[0]                job log (a line per epoch and every log_every batches)
"""

from depthrep import io, noise_data, runtime, training

runtime.log_to(snakemake.log[0])
p = snakemake.params
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
history = noise_data.train_noise_model(
    noise_data.NoiseSettings(**p.data), training.TrainSettings(**p.training), snakemake.output.model, p.checkpoint,
    arch=p.arch, device=device, workers=p.workers,
)
io.write_csv(history, snakemake.output.history)
