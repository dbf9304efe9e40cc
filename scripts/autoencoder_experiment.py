"""Snakemake script: every autoencoder figure's table and images (denoising, layer inversions,
manifold walk), from the trained autoencoder and its held-out images."""

from depthrep.files import write_csv
from depthrep.models.weights import save_tensors
from depthrep.pipeline import autoencoder_jobs, joblog, runtime

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
data = autoencoder_jobs.autoencoder_figures(p.specs, p.runs, snakemake.input.model, p.data, p.widths, p.seed, p.shift_std, device)
for name, table, images in zip(p.specs, out.tables, out.images, strict=True):
    write_csv(data[name].table, table)
    save_tensors(data[name].images, images)
