"""The inversion engine: gradient descent on a model's input so that one of its layers
reproduces a target embedding (the paper's eq. 3-5), many problems solved as one batch.

    descent     Descent: the settings of one descent run (iterations, objective, schedules, ...)
    inversion   Problem, invert, sweep: the batched loop and the learning-rate line search
    schedules   Linear: values that change linearly over the iterations
    blur        the 3x3 Gaussian blur of eq. 5, one sigma per problem
    octave      the octave procedure of the blog posts' class representations (jitter, blur,
                resizing between octaves), batched: OctaveDescent, OctaveProblem, generate
    metrics     the paper's distances m_g, m_s, m_i

The engine knows nothing of files, configs or Snakemake.
"""

from .descent import Descent
from .inversion import Problem, Result, SweepResult, initial_inputs, invert, prefers_channels_last, sweep
from .octave import Octave, OctaveDescent, OctaveProblem, OctaveResult, generate
from .schedules import Linear, log_spaced

__all__ = [
    "Descent",
    "Linear",
    "Octave",
    "OctaveDescent",
    "OctaveProblem",
    "OctaveResult",
    "Problem",
    "Result",
    "SweepResult",
    "generate",
    "initial_inputs",
    "invert",
    "log_spaced",
    "prefers_channels_last",
    "sweep",
]
