"""Snakemake script: one inversion job: the target's embedding at every layer of the job in one
forward, then, layer by layer, every seed and learning-rate candidate in one batch."""

import logging

import pandas as pd

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
embedded = embed_target(model, w.model, image, p.shift_std, p.seed, device, layers=p.layers)
descent = Descent.of(p.descent, where=f"runs.{w.run}")
rows, trajectories, inputs = [], [], {}
for number, layer in enumerate(p.layers, start=1):
    logging.info("layer %s (%d of %d)", layer, number, len(p.layers))
    found, trajectory, inputs[layer] = invert_layer(model, w.model, layer, embedded, descent, w.update_rule, device, seed=p.seed)
    rows += [{"layer": layer, **row} for row in found]
    trajectories.append(trajectory.assign(layer=layer))
key = {"run": w.run, "model": w.model, "state": w.state, "target": w.target, "update": w.update_rule}
weights.save_tensors({"a_g": inputs, "shifted": embedded["shifted"]}, out.inputs)
record = records.InversionRecord(key, rows, p.descent, runtime.provenance(device, seed=p.seed))
records.write(record, out.result, pd.concat(trajectories, ignore_index=True), out.trajectory)
