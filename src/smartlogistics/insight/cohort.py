"""The cohort projection of an occupation's workforce, in exact arithmetic.

The workforce of an occupation is a vector of persons by single year of age,
``N_t(a)`` for ``a = a_min .. a_max``. One year later (``t -> t + 1``):

1. each age's workers retire with probability ``r(a)``;
2. those who stay leave the occupation with probability ``q(a)`` (turnover);
3. the rest age one year: ``N_{t+1}(a + 1) = N_t(a) (1 - r(a)) (1 - q(a)) + I(a + 1)``,
   where ``I(a)`` is the inflow from education and migration at age ``a``;
4. the youngest age holds only inflow, ``N_{t+1}(a_min) = I(a_min)``, and those who
   stay at ``a_max`` leave the workforce (counted as *aged out*).

The flows of each year are kept: ``retired = sum N_t(a) r(a)``, ``left = sum N_t(a)
(1 - r(a)) q(a)``, ``aged_out``, ``inflow = sum I(a)``, so ``total_{t+1} = total_t -
retired - left - aged_out + inflow`` holds exactly. All numbers are
:class:`fractions.Fraction`, so a projection computed by hand is reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from smartlogistics.errors import InvalidInputError

__all__ = ["CohortYear", "project_cohorts"]


@dataclass(frozen=True, slots=True)
class CohortYear:
    """The workforce in one year, by age, and the flows that led to it.

    Attributes
    ----------
    year
        Calendar year.
    persons
        Persons by age, from the youngest modelled age up.
    retired, left, aged_out, inflow
        Flows from the previous year into this one (all zero in the start year).
    total
        Persons of all ages.
    """

    year: int
    persons: tuple[Fraction, ...]
    retired: Fraction
    left: Fraction
    aged_out: Fraction
    inflow: Fraction
    total: Fraction


def project_cohorts(
    initial: Sequence[Fraction],
    *,
    start_year: int,
    years: int,
    retirement: Sequence[Fraction],
    turnover: Sequence[Fraction],
    inflow: Sequence[Fraction],
) -> list[CohortYear]:
    """Project a workforce by single-year age cohorts.

    Parameters
    ----------
    initial
        Persons by age in ``start_year`` (youngest first).
    start_year
        Year of ``initial``.
    years
        Number of years to project.
    retirement, turnover
        Annual retirement probability and turnover probability by age (same length).
    inflow
        Persons entering at each age, every year (same length).

    Returns
    -------
    list of CohortYear
        ``years + 1`` entries: the start year, then each projected year.

    Raises
    ------
    InvalidInputError
        When the vectors differ in length, a probability is outside 0..1, a count is
        negative, or ``years`` is negative.
    """
    n = len(initial)
    for name, vector in (("retirement", retirement), ("turnover", turnover), ("inflow", inflow)):
        if len(vector) != n:
            raise InvalidInputError(name, f"has {len(vector)} ages, the workforce {n}")
    if years < 0:
        raise InvalidInputError("years", "must not be negative")
    for name, vector in (("retirement", retirement), ("turnover", turnover)):
        if any(not 0 <= p <= 1 for p in vector):
            raise InvalidInputError(name, "probabilities must lie in 0..1")
    if any(x < 0 for x in (*initial, *inflow)):
        raise InvalidInputError("initial", "persons must not be negative")
    zero = Fraction(0)
    current = tuple(Fraction(x) for x in initial)
    out = [CohortYear(start_year, current, zero, zero, zero, zero, sum(current, zero))]
    entering = tuple(Fraction(x) for x in inflow)
    for step in range(1, years + 1):
        retired = left = zero
        stay: list[Fraction] = []
        for persons, r, q in zip(current, retirement, turnover, strict=True):
            going = persons * r
            remaining = persons - going
            leaving = remaining * q
            retired += going
            left += leaving
            stay.append(remaining - leaving)
        nxt = (entering[0], *(s + i for s, i in zip(stay[:-1], entering[1:], strict=True)))
        current = nxt
        out.append(
            CohortYear(
                start_year + step,
                current,
                retired,
                left,
                stay[-1],
                sum(entering, zero),
                sum(current, zero),
            )
        )
    return out
