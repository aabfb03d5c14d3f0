"""The synthetic world generator: pure numpy, no Django (an import-linter contract says so).

What other code may use: ``generate_world`` and its parameters, the file schema, and
``read_world`` for loaders and tests.
"""

from msht.synth.engine.parameters import Missingness, SynthParameters, Variation
from msht.synth.engine.world import ProgressCallback, WorldSummary, generate_world, world_identity

__all__ = [
    "Missingness",
    "ProgressCallback",
    "SynthParameters",
    "Variation",
    "WorldSummary",
    "generate_world",
    "world_identity",
]
