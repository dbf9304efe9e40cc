"""Snakemake script: one fully connected figure's experiment (Fig 6-9, S2): its table and images."""

from depthrep.engine import Descent
from depthrep.files import write_csv
from depthrep.images import load_image
from depthrep.models.weights import save_tensors
from depthrep.pipeline import joblog, mlp_figures, runtime

joblog.log_to(snakemake.log[0])
p, out = snakemake.params, snakemake.output
device = runtime.configure(p.deterministic, snakemake.threads, p.device)
image = load_image(p.image_source, p.spec["image_size"], p.resize)
descent = Descent.of(p.descent, where=f"runs.{p.spec['run']}")
data = mlp_figures.compute(p.spec, image, descent, p.seed, p.shift_std, device)
write_csv(data.table, out.table)
save_tensors(data.images, out.images)
