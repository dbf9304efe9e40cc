"""Snakemake script: train the blog's autoencoder (MSE reconstruction), resuming a killed run.

params.data      the data's settings (depthrep.pipeline.plan.autoencoder_data_settings)
params.widths    hidden widths, each wider than the input
params.training  TrainSettings fields
params.resume    resume file, NOT a declared output (kept when a job is killed)
"""

from depthrep.experiments import autoencoder
from depthrep.files import write_csv
from depthrep.pipeline import joblog, runtime
from depthrep.training.fit import TrainSettings

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
train, held_out = autoencoder.load_data(p.data, p.seed)
settings = TrainSettings(**p.training)
history = autoencoder.train_autoencoder(
    train, held_out, p.widths, settings, out.model, p.resume, device=device, workers=p.workers, identity={"data": p.data}
)
write_csv(history, out.history)
