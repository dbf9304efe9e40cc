"""Snakemake script: one inversion job (every seed and learning-rate candidate in one batch)."""

from depthrep import io, layer_inversion, models, runtime

runtime.log_to(snakemake.log[0])
device = runtime.configure(snakemake.params.deterministic, snakemake.threads, snakemake.params.device)
w = snakemake.wildcards
model = models.load_resnet(w.model, models.weights_source(w.state, snakemake.input.weights), seed=snakemake.params.seed)
embedded = io.load_tensors(snakemake.input.embeddings)
rows, trajectory, inputs = layer_inversion.invert_layer(
    model.to(device), w.layer, embedded, snakemake.params.settings, w.update_rule, device
)
key = {k: w[k] for k in ("run", "model", "state", "target", "layer")} | {"update": w.update_rule}
io.save_tensors(inputs, snakemake.output.inputs)
io.write_csv(trajectory, snakemake.output.trajectory)
io.write_json(
    {"key": key, "rows": rows, "settings": snakemake.params.settings, "provenance": runtime.provenance(device, seed=snakemake.params.seed)},
    snakemake.output.result,
)
