"""The planner's cost model: what trucking, waiting and lateness cost, and where it says so.

Service tariffs and terminal handling charges belong to the region (they are properties of
:class:`~smartlogistics.network.Service` and :class:`~smartlogistics.network.Terminal`);
this module holds everything else the objective needs: the truck tariff, the buffer before
a departure per mode, lateness penalties per cargo class and the lateness cap, the
preferred-mode bonus and the change penalty of replanning. The numbers live in
``data/costs_<name>.yaml`` with a ``sources`` table, every number citing a source or
saying ``assumption: why``; :func:`load_cost_model` reads and checks it.

The CO2 price is not part of the file: it is a policy setting
(``Settings.co2_price_eur_per_tonne``, default EUR 100 per tonne CO2e) that a caller may
override per planning run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.planner.order import CargoClass
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = ["LATENESS_POLICIES", "CostModel", "LatenessPolicy", "TruckTariff", "load_cost_model"]

LatenessPolicy = Literal["hard_when_feasible", "soft"]
"""How due dates bind: ``hard_when_feasible`` (a promise) or ``soft`` (penalties only)."""
LATENESS_POLICIES: tuple[str, ...] = ("hard_when_feasible", "soft")

_Positive = Annotated[float, Field(gt=0)]
_NonNegative = Annotated[float, Field(ge=0)]


class TruckTariff(ValueObject):
    """What one truck trip costs: ``max(minimum drayage, fixed + EUR/km x km)``.

    Attributes
    ----------
    min_drayage_20ft_eur
        Minimum charge of a truck carrying at most 1 TEU (Fazi et al. 2020: EUR 140 per
        20 ft container).
    min_drayage_40ft_eur
        Minimum charge of a truck carrying more than 1 TEU, or loose cargo (EUR 200 per
        40 ft container).
    fixed_eur_per_trip, eur_per_km
        The distance tariff above the minimum.
    max_teu, max_tonnes
        What one truck carries; an order needs ``ceil`` by TEU and by tonnes trucks.
    """

    min_drayage_20ft_eur: _NonNegative
    min_drayage_40ft_eur: _NonNegative
    fixed_eur_per_trip: _NonNegative
    eur_per_km: _NonNegative
    max_teu: _Positive
    max_tonnes: _Positive

    def trucks(self, teu: float, tonnes: float) -> int:
        """Trucks an order of ``teu`` TEU (0 for loose cargo) and ``tonnes`` t needs."""
        return max(
            1, math.ceil(teu / self.max_teu - 1e-9), math.ceil(tonnes / self.max_tonnes - 1e-9)
        )

    def minimum_eur(self, teu: float) -> float:
        """Minimum charge per truck for an order of ``teu`` TEU (0 = loose cargo)."""
        return self.min_drayage_20ft_eur if 0 < teu <= 1 else self.min_drayage_40ft_eur

    def trip_eur(self, km: float, teu: float, tonnes: float) -> float:
        """Cost of trucking an order ``km`` kilometres: trucks x max(minimum, distance tariff)."""
        per_truck = max(self.minimum_eur(teu), self.fixed_eur_per_trip + self.eur_per_km * km)
        return self.trucks(teu, tonnes) * per_truck


class CostModel(ValueObject):
    """Everything the planner's objective needs besides the region's tariffs.

    Attributes
    ----------
    name
        The model's name (``"amsterdam"``).
    truck
        The truck tariff.
    buffer_h
        Time an order must be at the terminal, handled, before a departure of each mode.
    lateness_eur_per_h
        Penalty per order and hour late, for every cargo class.
    max_late_h
        An order that no chain delivers within this many hours after its due time is
        unplannable (with the reason) instead of planned absurdly late.
    preferred_mode_bonus_eur
        Subtracted from the objective of a chain that uses a mode the order prefers.
    change_penalty_eur
        Added per order whose chain changes in replanning.
    unserved_penalty_eur
        Objective of leaving an order without a chain in the MIP; only orders without a
        truck option can end there (e.g. when every departure they could use is full).
    lateness_policy
        ``"hard_when_feasible"`` (default): due dates are promises. An order that has an
        on-time candidate may not be planned late; its late candidates are dropped where
        the truck is on time, and otherwise kept only as a fallback priced at half the
        unserved penalty (used when capacity leaves no on-time chain). An order without
        any on-time candidate is planned at the least lateness cost, penalties as below.
        ``"soft"``: lateness only costs its penalty (``lateness_eur_per_h``).
    sources
        Citations by id.
    provenance
        ``source`` string of every number, by dotted field path (``truck.eur_per_km``).
    """

    name: Annotated[str, Field(min_length=1)]
    truck: TruckTariff
    buffer_h: Mapping[Mode, _NonNegative]
    lateness_eur_per_h: Mapping[CargoClass, _NonNegative]
    max_late_h: _Positive
    preferred_mode_bonus_eur: _NonNegative
    change_penalty_eur: _NonNegative
    unserved_penalty_eur: _Positive
    lateness_policy: LatenessPolicy = "hard_when_feasible"
    sources: Mapping[str, Source] = Field(default_factory=dict)
    provenance: Mapping[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> CostModel:
        missing = [c.value for c in CargoClass if c not in self.lateness_eur_per_h]
        if missing:
            raise InvalidInputError("lateness_eur_per_h", f"missing cargo classes {missing}")
        for key, text in self.provenance.items():
            check_source(text, self.sources, key)
        return self

    def buffer_for(self, mode: Mode) -> float:
        """Buffer before a departure of ``mode``, hours (0 when the file gives none)."""
        return self.buffer_h.get(mode, 0.0)

    def lateness_rate(self, cargo: CargoClass) -> float:
        """Penalty per hour late of one order of class ``cargo``, EUR."""
        return self.lateness_eur_per_h[cargo]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (numbers only, without the citations)."""
        return {
            "name": self.name,
            "truck": self.truck.model_dump(mode="json"),
            "buffer_h": {m.value: v for m, v in self.buffer_h.items()},
            "lateness_eur_per_h": {c.value: v for c, v in self.lateness_eur_per_h.items()},
            "max_late_h": self.max_late_h,
            "preferred_mode_bonus_eur": self.preferred_mode_bonus_eur,
            "change_penalty_eur": self.change_penalty_eur,
            "unserved_penalty_eur": self.unserved_penalty_eur,
            "lateness_policy": self.lateness_policy,
        }


def _number(node: object, path: str, provenance: dict[str, str]) -> object:
    """Return the ``value`` of a ``{value, source}`` node, recording its source."""
    if not isinstance(node, dict) or set(node) != {"value", "source"}:
        raise InvalidInputError(path, "expected a mapping with exactly 'value' and 'source'")
    source = node["source"]
    if not isinstance(source, str):
        raise InvalidInputError(f"{path}.source", "must be a string")
    provenance[path] = source
    return node["value"]


def _table(node: object, path: str, provenance: dict[str, str]) -> dict[str, object]:
    if not isinstance(node, dict):
        raise InvalidInputError(path, "expected a mapping")
    return {str(k): _number(v, f"{path}.{k}", provenance) for k, v in node.items()}


def cost_model_from_mapping(data: object) -> CostModel:
    """Build a :class:`CostModel` from the parsed YAML of a cost file.

    Raises
    ------
    InvalidInputError
        Naming the first bad field (``truck.eur_per_km: ...``) or source reference.
    """
    if not isinstance(data, dict):
        raise InvalidInputError("file", "a cost file must be a mapping at the top level")
    known = {
        "schema_version", "name", "sources", "truck", "buffer_h", "lateness_eur_per_h",
        "lateness_policy",
    }  # fmt: skip
    scalars_all = (
        "max_late_h",
        "preferred_mode_bonus_eur",
        "change_penalty_eur",
        "unserved_penalty_eur",
    )
    unknown = sorted(set(data) - known - set(scalars_all))
    if unknown:
        raise InvalidInputError(unknown[0], "unknown key")
    provenance: dict[str, str] = {}
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise InvalidInputError("sources", "expected a mapping of source ids")
    sources = {
        str(k): parse_model(Source, {"id": k, **(v or {})}, f"sources.{k}")
        for k, v in raw_sources.items()
    }
    body: dict[str, object] = {
        "name": data.get("name", ""),
        "truck": _table(data.get("truck"), "truck", provenance),
        "buffer_h": _table(data.get("buffer_h"), "buffer_h", provenance),
        "lateness_eur_per_h": _table(
            data.get("lateness_eur_per_h"), "lateness_eur_per_h", provenance
        ),
    }
    for key in scalars_all:
        if key not in data:
            raise InvalidInputError(key, "required")
        body[key] = _number(data[key], key, provenance)
    if "lateness_policy" in data:
        body["lateness_policy"] = _number(data["lateness_policy"], "lateness_policy", provenance)
    body["sources"] = sources
    body["provenance"] = provenance
    return parse_model(CostModel, body)


@lru_cache(maxsize=8)
def load_cost_model(name: str = "amsterdam") -> CostModel:
    """Load the packaged cost model ``name`` (``data/costs_<name>.yaml``), cached.

    Raises
    ------
    InvalidInputError
        Unknown name (field ``cost_model``) or a bad file (naming the field).
    """
    path = resources.files("smartlogistics.planner") / "data" / f"costs_{name}.yaml"
    if not path.is_file():
        raise InvalidInputError("cost_model", f"no packaged cost model {name!r}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cost_model_from_mapping(data)
