"""Snakemake script: the Input Generation III parts of one training state (class representations,
mimicry, merging): a table per part and every image."""

from depthrep.files import write_csv
from depthrep.models import weights
from depthrep.pipeline import joblog, runtime, similarity_jobs

joblog.log_to(snakemake.log[0])
p, i, out = snakemake.params, snakemake.input, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
checkpoints = dict(zip(p.settings["models"], i.weights, strict=False))  # none for an untrained state
photos = {name: weights.load_tensors(path)["image"] for name, path in zip(p.photos, i.photos, strict=True)}
data, images = similarity_jobs.similarity_parts(snakemake.wildcards.state, checkpoints, p.settings, p.parts, photos, p.seed, device)
for part, path in zip(p.parts, out.tables, strict=True):
    write_csv(data[part].table, path)
weights.save_tensors(images, out.images)
