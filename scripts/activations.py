"""Snakemake script: the activations of every cut of one model in one state on one image set,
reduced (depthrep.experiments.representations) and stored for every comparison that needs them."""

from depthrep.experiments import representations
from depthrep.models import vision, weights
from depthrep.pipeline import joblog, runtime

joblog.log_to(snakemake.log[0])
p, w, i = snakemake.params, snakemake.wildcards, snakemake.input
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
spec = p.spec
images = representations.load_image_set(spec, p.seed, p.noise, p.copies_source, p.resize, p.cifar_root, p.cifar_verify)
model = vision.load(w.model, weights.weights_source(i.weights), seed=p.seed, image_size=spec["image_size"]).to(device)
reduced = representations.activations(model, w.model, images.images, spec["batch_size"], device, spec["reduce"], p.seed)
settings = {"image_set": w.image_set, **spec, "provenance": runtime.provenance(device, seed=p.seed)}
weights.save_tensors(representations.activations_record(w.model, w.state, images, reduced, settings), snakemake.output[0])
