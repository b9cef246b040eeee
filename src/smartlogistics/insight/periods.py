"""Periods of time series and shipments: a year, a quarter, a month or a day.

Statistics come by year or quarter, shipments by day; one small type names them all so
that KPI series and sector trends can be compared and ordered. A period is written
``2024``, ``2024-Q2``, ``2024-05`` or ``2024-05-17``; :meth:`Period.at` coarsens a period
to a given granularity (a day to its month), and :attr:`Period.decimal_year` places its
start on a continuous time axis for interpolating a target trajectory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["GRANULARITIES", "Granularity", "Period", "parse_period"]

Granularity = Literal["year", "quarter", "month", "day"]

#: Granularities from coarse to fine.
GRANULARITIES: tuple[Granularity, ...] = ("year", "quarter", "month", "day")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A period: its first day and its granularity (ordered by start, then granularity).

    Parameters
    ----------
    start
        First day of the period.
    granularity
        ``"year"``, ``"quarter"``, ``"month"`` or ``"day"``.
    """

    start: date
    granularity: Granularity

    def __str__(self) -> str:
        """Write the period as it is parsed: ``2024``, ``2024-Q2``, ``2024-05``, a date."""
        y, m = self.start.year, self.start.month
        if self.granularity == "year":
            return f"{y:04d}"
        if self.granularity == "quarter":
            return f"{y:04d}-Q{(m - 1) // 3 + 1}"
        if self.granularity == "month":
            return f"{y:04d}-{m:02d}"
        return self.start.isoformat()

    @property
    def decimal_year(self) -> float:
        """The start as a decimal year (``2024-Q3`` is ``2024.5``; days by day of year)."""
        year = self.start.year
        days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        return year + (self.start - date(year, 1, 1)).days / days

    def finer_or_equal(self, granularity: Granularity) -> bool:
        """Whether this period is at least as fine as ``granularity`` (a day is finer)."""
        return GRANULARITIES.index(self.granularity) >= GRANULARITIES.index(granularity)

    def at(self, granularity: Granularity) -> Period:
        """Return the period of ``granularity`` that contains this one.

        Raises
        ------
        ValueError
            When this period is coarser than ``granularity`` (a year has no one month).
        """
        if not self.finer_or_equal(granularity):
            raise ValueError(f"{self} is a {self.granularity}, coarser than a {granularity}")
        s = self.start
        if granularity == "year":
            return Period(date(s.year, 1, 1), "year")
        if granularity == "quarter":
            return Period(date(s.year, (s.month - 1) // 3 * 3 + 1, 1), "quarter")
        if granularity == "month":
            return Period(date(s.year, s.month, 1), "month")
        return self


def parse_period(text: str) -> Period:
    """Read ``2024``, ``2024-Q2``, ``2024-05`` or ``2024-05-17``.

    Parameters
    ----------
    text
        The period; surrounding blanks are ignored.

    Returns
    -------
    Period
        The parsed period.

    Raises
    ------
    ValueError
        For any other text or an impossible date, saying which forms are accepted.
    """
    value = text.strip()
    try:
        if match := _YEAR.match(value):
            return Period(date(int(match[1]), 1, 1), "year")
        if match := _QUARTER.match(value):
            return Period(date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1), "quarter")
        if match := _MONTH.match(value):
            return Period(date(int(match[1]), int(match[2]), 1), "month")
        if match := _DAY.match(value):
            return Period(date(int(match[1]), int(match[2]), int(match[3])), "day")
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    raise ValueError(f"{value!r} is not a period; expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD")
