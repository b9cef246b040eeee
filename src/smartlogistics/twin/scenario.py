"""The twin's scenario: every knob of a run, named, validated, and settable by name.

A :class:`TwinScenario` is a value object: the simulated period, the seed of every random
stream, how much of the region's demand is simulated, SmartGate's inspectors, the CO2
price, extra Circle Lines capacity and the rates of the stochastic disruptions. Sweeps and
the CLI set fields by name from text (``inspectors=3``); :func:`apply_assignments` turns
``PARAM=VALUE`` strings into a scenario and names the parameter when one is unknown or its
value impossible (``InvalidInputError("inspectors", "must be at least 1, not 0")``).

Defaults and why (every number here is an ``assumption`` unless it says otherwise; see
``docs/twin.md``):

* ``demand_scale`` 0.2: a fifth of the region's weekly orders (the planner's demand model:
  28,120 orders a week, ``planner/data/demand_amsterdam.yaml``). The packaged Circle Lines
  service plan carries about 10,000 TEU a week; at full scale the week asks for about
  29,000 TEU and the services are the bottleneck (planner benchmark), so the twin simulates
  the share of the region's demand the current service plan is sized for, and a newcomer's
  demo finishes in about a minute.
* disruption rates: about one delayed barge departure a day, one lock closure and one
  cancelled train a week, one road congestion episode a day.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import Field, field_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import ValueObject

__all__ = [
    "PARAMETERS",
    "TwinScenario",
    "apply_assignments",
    "parse_assignment",
    "parse_value",
    "parse_values",
]

#: Orders a week of the whole region in the planner's demand model (containers 21,368 +
#: air cargo 3,752 + flowers 3,000; sources in ``planner/data/demand_amsterdam.yaml``).
REGION_ORDERS_PER_WEEK = 21_368 + 3_752 + 3_000


class TwinScenario(ValueObject):
    """One twin run's parameters (all named; see the module doc for the defaults).

    Attributes
    ----------
    days
        Simulated days of demand (1-28); transport in flight at the end is finished.
    seed
        Seed of every random stream (demand, consignments, disruptions, customs times).
    start
        First simulated day (a Monday keeps the week's profile; any date works).
    demand_scale
        Share of the region's weekly orders simulated (0 < x <= 1).
    inspectors
        Customs inspectors at Schiphol working round the clock (a SimPy resource).
    inspection_minutes
        Mean time one red consignment takes an inspector (exponential).
    rfi_response_hours
        Mean time a filer takes to answer a request for information (exponential).
    inspection_share
        Share of consignments the inspectors can take: sets the model's red threshold.
    risk_model
        Score consignments with a risk model trained on SmartGate's synthetic history
        (seeded, once per process); ``False`` screens with the rules only.
    consignments_per_air_order
        House consignments in one air import order (each screened by SmartGate).
    co2_price_eur_per_tonne
        CO2e price in the planner's objective; ``None`` = ``Settings.co2_price_eur_per_tonne``.
    extra_rail_dui_departures
        Extra weekly departures each way of an ACT-Duisburg rail shuttle (the cluster board's
        "extra rail shuttle to Duisburg"); 0 = none.
    barge_delays_per_day, lock_closures_per_week, congestion_per_day,
    train_cancellations_per_week
        Expected numbers of each disruption (Poisson).
    replan_time_limit_s, plan_time_limit_s
        HiGHS limits of the synchromodal policy's replans and daily plans.
    """

    days: Annotated[int, Field(ge=1, le=28)] = 7
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 20260302
    start: date = date(2026, 3, 2)
    demand_scale: Annotated[float, Field(gt=0, le=1)] = 0.2
    inspectors: Annotated[int, Field(ge=1, le=100)] = 2
    inspection_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 40.0
    rfi_response_hours: Annotated[float, Field(gt=0, le=72)] = 2.0
    inspection_share: Annotated[float, Field(gt=0, le=1)] = 0.02
    risk_model: bool = True
    consignments_per_air_order: Annotated[int, Field(ge=1, le=200)] = 8
    co2_price_eur_per_tonne: Annotated[float, Field(ge=0, le=10_000)] | None = None
    extra_rail_dui_departures: Annotated[int, Field(ge=0, le=7)] = 0
    barge_delays_per_day: Annotated[float, Field(ge=0, le=50)] = 1.0
    lock_closures_per_week: Annotated[float, Field(ge=0, le=50)] = 1.0
    congestion_per_day: Annotated[float, Field(ge=0, le=10)] = 1.0
    train_cancellations_per_week: Annotated[float, Field(ge=0, le=50)] = 1.0
    replan_time_limit_s: Annotated[float, Field(gt=0, le=60)] = 10.0
    plan_time_limit_s: Annotated[float, Field(gt=0, le=600)] = 30.0

    @field_validator("start")
    @classmethod
    def _sane_start(cls, value: date) -> date:
        if not 2000 <= value.year <= 2100:
            raise ValueError(f"{value.isoformat()} is outside 2000-2100")
        return value

    @property
    def orders(self) -> int:
        """Transport orders the run generates: the region's week, scaled, over ``days``."""
        return max(1, round(REGION_ORDERS_PER_WEEK * self.demand_scale * self.days / 7))

    def replace(self, **changes: Any) -> TwinScenario:
        """Return a copy with ``changes`` applied and validated (unknown names refused)."""
        for name in changes:
            if name not in PARAMETERS:
                raise InvalidInputError(name, _unknown(name))
        return TwinScenario(**{**self.model_dump(), **changes})

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (``start`` as ISO date)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TwinScenario:
        """Inverse of :meth:`to_json`."""
        return cls(**dict(data))


#: The scenario's parameter names, in declaration order.
PARAMETERS: tuple[str, ...] = tuple(TwinScenario.model_fields)


def _unknown(name: str) -> str:
    return f"unknown twin parameter {name!r}; known: {', '.join(PARAMETERS)}"


@dataclasses.dataclass(frozen=True)
class _Kind:
    base: type
    optional: bool


def _kind(name: str) -> _Kind:
    info = TwinScenario.model_fields[name]
    ann = info.annotation
    optional = False
    args = getattr(ann, "__args__", None)
    if args is not None and type(None) in args:
        optional = True
        ann = next(a for a in args if a is not type(None))
    base = getattr(ann, "__origin__", ann)
    assert isinstance(base, type)
    return _Kind(base, optional)


def parse_value(name: str, text: str) -> Any:
    """Parse one parameter value from text, by the parameter's type.

    Raises
    ------
    InvalidInputError
        Unknown parameter, or text that is not a value of its type (field ``name``).
    """
    if name not in PARAMETERS:
        raise InvalidInputError(name, _unknown(name))
    kind = _kind(name)
    raw = text.strip()
    if kind.optional and raw.lower() in ("", "none", "default"):
        return None
    try:
        if kind.base is bool:
            low = raw.lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind.base is int:
            return int(raw)
        if kind.base is float:
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError(raw)
            return value
        if kind.base is date:
            return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(
            name, f"{raw!r} is not a valid {kind.base.__name__} value"
        ) from None
    return raw  # pragma: no cover - every field has one of the types above


def parse_values(name: str, text: str) -> list[Any]:
    """Parse ``V1,V2,...`` for a sweep: each value parsed and checked in a scenario."""
    values = [parse_value(name, part) for part in text.split(",")]
    if not values:
        raise InvalidInputError(name, "no values given")
    for value in values:
        TwinScenario().replace(**{name: value})  # impossible values fail here, naming it
    return values


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``PARAM=VALUE`` (the CLI's ``--set``).

    Raises
    ------
    InvalidInputError
        ``--set`` when there is no ``=``; the parameter when it is unknown.
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise InvalidInputError("--set", f"expected PARAM=VALUE, not {text!r}")
    if name not in PARAMETERS:
        raise InvalidInputError(name, _unknown(name))
    return name, value


def apply_assignments(base: TwinScenario, assignments: Iterable[str]) -> TwinScenario:
    """Return ``base`` with every ``PARAM=VALUE`` applied (later ones win).

    Raises
    ------
    InvalidInputError
        Naming the parameter: unknown, not parseable, or an impossible value.
    """
    changes: dict[str, Any] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        changes[name] = parse_value(name, value)
    return base.replace(**changes)
