"""Snakemake script: a target's embeddings at every cut, its shifted input a' and m_s."""

from depthrep.experiments.layer_inversion import embed_target
from depthrep.models import resnet, weights
from depthrep.pipeline import joblog, runtime

joblog.log_to(snakemake.log[0])
p, w = snakemake.params, snakemake.wildcards
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
model = resnet.load_resnet(w.model, weights.weights_source(snakemake.input.weights), seed=p.seed)
image = weights.load_tensors(snakemake.input.target)["image"]
record = embed_target(model, image, p.shift_std, p.seed, device)
record["provenance"] = runtime.provenance(device, seed=p.seed)
weights.save_tensors(record, snakemake.output[0])
