"""Snakemake script: draw every Input Generation III figure from the similarity jobs of its states."""

import pandas as pd

from depthrep.models.weights import load_tensors
from depthrep.pipeline import joblog
from depthrep.plotting.blog import SIMILARITY_DRAWINGS

joblog.log_to(snakemake.log[0])
i, p, out = snakemake.input, snakemake.params, snakemake.output
images = {state: load_tensors(path) for state, path in zip(p.all_states, i.images, strict=True)}
for n, name in enumerate(p.figures):
    part, draw = SIMILARITY_DRAWINGS[p.kinds[name]]
    tables = {state: pd.read_csv(p.table_of[state][part]) for state in p.states[name]}
    draw(
        tables, {s: images[s] for s in p.states[name]}, p.models, out[2 * n], out[2 * n + 1], f"{p.captions[name]}\n{p.settings}", p.reduced
    )
