"""Common random numbers: one seeded stream per stochastic source of the twin.

Every source of randomness (demand, consignments, disruptions, customs times) draws from
its own generator, seeded from the scenario's seed and the source's name, and everything
is drawn before the policies run. So the policies see identical demand and disruptions,
and changing one source (say, more disruptions) leaves the others' draws unchanged.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np

__all__ = ["STREAMS", "numpy_rng", "python_rng", "stream_seed"]

#: The twin's random streams.
STREAMS = ("demand", "consignments", "disruptions", "customs")


def stream_seed(seed: int, stream: str) -> int:
    """Return the 32-bit seed of ``stream`` for the scenario ``seed`` (stable across runs)."""
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}")
    digest = hashlib.sha256(f"smartlogistics.twin:{seed}:{stream}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def numpy_rng(seed: int, stream: str) -> np.random.Generator:
    """Return a NumPy generator for ``stream``."""
    return np.random.default_rng(stream_seed(seed, stream))


def python_rng(seed: int, stream: str) -> random.Random:
    """Return a :class:`random.Random` for ``stream``."""
    return random.Random(stream_seed(seed, stream))
