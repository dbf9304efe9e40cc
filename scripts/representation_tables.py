"""Snakemake script: a representations figure's tables, from the activation files: linear CKA
and SVCCA between cuts, states and architectures, and the perturbed-group spectra."""

from depthrep.experiments import representations
from depthrep.files import write_csv
from depthrep.models.weights import load_tensors
from depthrep.pipeline import joblog, runtime

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
runtime.configure(p.deterministic, snakemake.threads, "cpu")
files = {(job["model"], job["state"]): load_tensors(path) for job, path in zip(p.jobs, snakemake.input.activations, strict=True)}
pairs = {name: [tuple(pair) for pair in p.compare[name]] for name in ("within", "states", "architectures")}
table = representations.similarity_table(files, **pairs, bootstrap=p.bootstrap, keep=p.keep, seed=p.seed)
write_csv(table, out.similarity)
write_csv(representations.spectrum_table(files, {(m, s): e for m, s, e in p.compare["epochs"]}), out.spectrum)
