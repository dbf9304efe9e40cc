"""Snakemake script: one inversion job (every seed and learning-rate candidate in one batch)."""

from depthrep.engine import Descent
from depthrep.experiments.layer_inversion import invert_layer
from depthrep.models import resnet, weights
from depthrep.pipeline import joblog, records, runtime

joblog.log_to(snakemake.log[0])
p, w, out = snakemake.params, snakemake.wildcards, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
model = resnet.load_resnet(w.model, weights.weights_source(snakemake.input.weights), seed=p.seed)
embedded = weights.load_tensors(snakemake.input.embeddings)
descent = Descent.of(p.descent, where=f"runs.{w.run}")
rows, trajectory, inputs = invert_layer(model.to(device), w.layer, embedded, descent, w.update_rule, device, seed=p.seed)
key = {"run": w.run, "model": w.model, "state": w.state, "target": w.target, "layer": w.layer, "update": w.update_rule}
weights.save_tensors(inputs, out.inputs)
records.write(
    records.InversionRecord(key, rows, p.descent, runtime.provenance(device, seed=p.seed)), out.result, trajectory, out.trajectory
)
