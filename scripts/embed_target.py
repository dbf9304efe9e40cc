"""Snakemake script: a target's embeddings at every cut, its shifted input a' and m_s."""

from depthrep import embeddings, io, models, runtime

runtime.log_to(snakemake.log[0])
device = runtime.configure(snakemake.params.deterministic, snakemake.threads, snakemake.params.device)
w = snakemake.wildcards
model = models.load_resnet(w.model, models.weights_source(w.state, snakemake.input.weights), seed=snakemake.params.seed)
image = io.load_tensors(snakemake.input.target)["image"]
record = embeddings.embed_target(model, image, snakemake.params.shift_std, snakemake.params.seed, device)
record["provenance"] = runtime.provenance(device, seed=snakemake.params.seed)
io.save_tensors(record, snakemake.output[0])
