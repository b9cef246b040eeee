"""Exact rational numbers for the labour model.

The cohort projection and the demand calculation run in :class:`fractions.Fraction`, so a
hand-computed projection can be reproduced exactly and no rounding accumulates over
fifteen projected years. Inputs arrive as floats (from YAML, CSV or JSON); each float is
turned into the decimal it was written as (``0.07`` becomes ``7/100``, not the binary
double nearest to it) through its shortest ``repr``.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["exact"]


def exact(value: float | int | Fraction) -> Fraction:
    """Return ``value`` as the exact decimal fraction it was written as.

    Parameters
    ----------
    value
        A float (read as its shortest decimal representation), an int or a Fraction.

    Returns
    -------
    Fraction
        ``exact(0.1) == Fraction(1, 10)``.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))
