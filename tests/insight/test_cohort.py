"""The cohort projection against a projection computed by hand, exactly."""

from __future__ import annotations

import itertools
from fractions import Fraction as F  # noqa: N817

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight.cohort import project_cohorts


def test_three_ages_two_years_by_hand() -> None:
    """Ages 20, 21, 22; persons 100, 200, 400 in 2025.

    Retirement r = (0, 0, 1/2), turnover q = (1/3, 1/5, 0), inflow I = (50, 10, 0).

    2025 -> 2026:
      age 20: 100 stay after retirement; 100/3 leave; 200/3 stay and become 21
      age 21: 200; 40 leave; 160 stay and become 22
      age 22: 400; 200 retire; 200 stay, but 22 is the top age: aged out
      N(2026) = (50, 200/3 + 10, 160 + 0) = (50, 230/3, 160); total 860/3
      retired 200, left 100/3 + 40 = 220/3, aged out 200, inflow 60
      check: 700 - 200 - 220/3 - 200 + 60 = 860/3
    2026 -> 2027:
      age 20: 50; 50/3 leave; 100/3 stay
      age 21: 230/3; 46/3 leave; 184/3 stay
      age 22: 160; 80 retire; 80 aged out
      N(2027) = (50, 100/3 + 10, 184/3) = (50, 130/3, 184/3); total 464/3
      retired 80, left 50/3 + 46/3 = 32, aged out 80, inflow 60
    """
    years = project_cohorts(
        [F(100), F(200), F(400)],
        start_year=2025,
        years=2,
        retirement=[F(0), F(0), F(1, 2)],
        turnover=[F(1, 3), F(1, 5), F(0)],
        inflow=[F(50), F(10), F(0)],
    )
    assert [y.year for y in years] == [2025, 2026, 2027]
    assert years[0].persons == (F(100), F(200), F(400))
    assert (years[0].retired, years[0].left, years[0].aged_out, years[0].inflow) == (F(0),) * 4
    y1, y2 = years[1], years[2]
    assert y1.persons == (F(50), F(230, 3), F(160))
    assert (y1.retired, y1.left, y1.aged_out, y1.inflow) == (F(200), F(220, 3), F(200), F(60))
    assert y1.total == F(860, 3)
    assert y2.persons == (F(50), F(130, 3), F(184, 3))
    assert (y2.retired, y2.left, y2.aged_out, y2.inflow) == (F(80), F(32), F(80), F(60))
    assert y2.total == F(464, 3)


def test_flows_balance_every_year() -> None:
    years = project_cohorts(
        [F(7), F(11), F(13), F(17)],
        start_year=2000,
        years=6,
        retirement=[F(0), F(1, 10), F(1, 4), F(1, 2)],
        turnover=[F(1, 7), F(1, 9), F(0), F(1, 3)],
        inflow=[F(3), F(1), F(0), F(0)],
    )
    for before, after in itertools.pairwise(years):
        assert after.total == (
            before.total - after.retired - after.left - after.aged_out + after.inflow
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"retirement": [F(0)]}, "retirement"),
        ({"turnover": [F(0), F(2)]}, "turnover"),
        ({"inflow": [F(-1), F(0)]}, "initial"),
        ({"years": -1}, "years"),
    ],
)
def test_bad_vectors_are_refused(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "start_year": 2025,
        "years": 1,
        "retirement": [F(0), F(0)],
        "turnover": [F(0), F(0)],
        "inflow": [F(0), F(0)],
    }
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as err:
        project_cohorts([F(1), F(1)], **args)  # type: ignore[arg-type]
    assert err.value.field == field
