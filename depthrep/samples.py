"""The names of the photos shipped with scikit-image, which stand in for the paper's images
offline: a target given as "sample:<name>" names one of them (depthrep.images reads them).
No torch here: the pipeline checks and describes targets while Snakemake parses the workflow.
"""

from __future__ import annotations

SAMPLE_PREFIX = "sample:"
NAMES = ("astronaut", "chelsea", "coffee", "rocket")  # the colour photos of skimage.data


def is_sample(source) -> bool:
    return isinstance(source, str) and source.startswith(SAMPLE_PREFIX)
