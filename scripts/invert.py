"""Snakemake script: one inversion job: the target's embedding at the layer, then every seed and
learning-rate candidate in one batch."""

from depthrep.engine import Descent
from depthrep.experiments.layer_inversion import embed_target, invert_layer
from depthrep.models import vision, weights
from depthrep.pipeline import joblog, records, runtime

joblog.log_to(snakemake.log[0])
p, w, out = snakemake.params, snakemake.wildcards, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
image = weights.load_tensors(snakemake.input.target)["image"]
source = weights.weights_source(snakemake.input.weights)
model = vision.load(w.model, source, seed=p.seed, image_size=image.shape[-1]).to(device)
embedded = embed_target(model, w.model, image, p.shift_std, p.seed, device, layers=[w.layer])
descent = Descent.of(p.descent, where=f"runs.{w.run}")
rows, trajectory, inputs = invert_layer(model, w.model, w.layer, embedded, descent, w.update_rule, device, seed=p.seed)
key = {"run": w.run, "model": w.model, "state": w.state, "target": w.target, "layer": w.layer, "update": w.update_rule}
weights.save_tensors({"a_g": inputs, "shifted": embedded["shifted"]}, out.inputs)
records.write(
    records.InversionRecord(key, rows, p.descent, runtime.provenance(device, seed=p.seed)), out.result, trajectory, out.trajectory
)
