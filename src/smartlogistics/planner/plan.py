"""The plan: what the planner decided, in a form planners, the twin and replanning read.

A :class:`Plan` holds, for every input order, its chain of transport legs (truck or a
dated service departure) with times, cost and emissions, or the reason it is unplannable;
the load of every service departure in the horizon; totals for the optimised plan and the
two baselines (road-only, greedy); the solver's report; and everything replanning needs to
restart from the file alone: the region's name, the input orders and the parameters.

Legs are transport legs only. Terminal handling (at the boarding, transfer and alighting
terminals) is listed per order under ``handling``, with its time window, charge and
emissions; an order's ``cost_eur`` is the sum of its legs' and handlings' costs.

Times are ISO 8601 with offset. :meth:`Plan.to_json` and :meth:`Plan.from_json` round-trip
exactly (``Plan.from_json(p.to_json()) == p``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Service
from smartlogistics.planner.order import Order
from smartlogistics.provenance import Source
from smartlogistics.values import parse_model

__all__ = [
    "DepartureLoad",
    "Handling",
    "Plan",
    "PlanParameters",
    "PlannedLeg",
    "PlannedOrder",
    "PolicyResult",
    "SolverReport",
    "Totals",
]

OrderStatus = Literal["planned", "unplannable"]


def _t(value: datetime) -> str:
    return value.isoformat()


def _pt(value: Any, field_name: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidInputError(field_name, "expected an ISO 8601 time")
    try:
        out = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(field_name, f"not an ISO 8601 time: {value!r}") from None
    if out.tzinfo is None:
        raise InvalidInputError(field_name, f"{value!r} has no UTC offset")
    return out


def _check_aware(*values: datetime | None) -> None:
    for v in values:
        if v is not None and v.tzinfo is None:
            raise InvalidInputError("time", f"{v.isoformat()} has no UTC offset")


@dataclass(frozen=True)
class PlannedLeg:
    """One transport leg of a planned chain.

    Attributes
    ----------
    mode
        ``road``, ``barge``, ``rail``...
    service_id, departure_index
        The service and the index of its dated departure in the horizon (``None`` for a
        truck).
    origin, destination
        Location ids (``from`` / ``to`` in JSON).
    depart, arrive
        Departure from ``origin`` and arrival at ``destination``.
    teu, tonnes
        What the leg carries: the order's container slots and weight.
    distance_km
        Road route distance for a truck; the sum of the mode's shortest paths between the
        stops ridden for a service.
    cost_eur
        Truck trip or service tariff for the order (handling excluded).
    category
        Emissions transport operation category.
    wtw_kg, ttw_kg
        ISO 14083 default-intensity emissions of the order on this leg.
    """

    mode: str
    service_id: str | None
    departure_index: int | None
    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    teu: float
    tonnes: float
    distance_km: float
    cost_eur: float
    category: str
    wtw_kg: float
    ttw_kg: float

    def __post_init__(self) -> None:
        _check_aware(self.depart, self.arrive)
        if self.arrive < self.depart:
            raise InvalidInputError("arrive", "before depart")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "mode": self.mode,
            "service_id": self.service_id,
            "departure_index": self.departure_index,
            "from": self.origin,
            "to": self.destination,
            "depart": _t(self.depart),
            "arrive": _t(self.arrive),
            "teu": self.teu,
            "tonnes": self.tonnes,
            "distance_km": self.distance_km,
            "cost_eur": self.cost_eur,
            "category": self.category,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlannedLeg:
        """Inverse of :meth:`to_json`."""
        return cls(
            mode=data["mode"],
            service_id=data["service_id"],
            departure_index=data["departure_index"],
            origin=data["from"],
            destination=data["to"],
            depart=_pt(data["depart"], "depart"),
            arrive=_pt(data["arrive"], "arrive"),
            teu=data["teu"],
            tonnes=data["tonnes"],
            distance_km=data["distance_km"],
            cost_eur=data["cost_eur"],
            category=data["category"],
            wtw_kg=data["wtw_kg"],
            ttw_kg=data["ttw_kg"],
        )


@dataclass(frozen=True)
class Handling:
    """Handling of an order at a terminal (a hub operation in ISO 14083 terms)."""

    location: str
    start: datetime
    end: datetime
    cost_eur: float
    category: str
    wtw_kg: float
    ttw_kg: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "location": self.location,
            "start": _t(self.start),
            "end": _t(self.end),
            "cost_eur": self.cost_eur,
            "category": self.category,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Handling:
        """Inverse of :meth:`to_json`."""
        return cls(
            location=data["location"],
            start=_pt(data["start"], "start"),
            end=_pt(data["end"], "end"),
            cost_eur=data["cost_eur"],
            category=data["category"],
            wtw_kg=data["wtw_kg"],
            ttw_kg=data["ttw_kg"],
        )


@dataclass(frozen=True)
class PlannedOrder:
    """The plan of one order.

    Attributes
    ----------
    id, status, reason
        ``status`` is ``"planned"`` or ``"unplannable"``; ``reason`` says why an order is
        unplannable (``None`` when planned).
    legs, handling
        The chain (empty when unplannable).
    release, due, arrival
        From the order, and the delivery time of the chain (``None`` when unplannable).
    late_hours
        ``max(0, arrival - due)`` in hours (0 when unplannable).
    cost_eur
        Transport and handling cost of the chain.
    co2_cost_eur, lateness_penalty_eur, bonus_eur, objective_eur
        The other parts of the objective; ``objective = cost + CO2 + lateness - bonus``.
    wtw_kg, ttw_kg
        Emissions of the chain (legs and handling).
    main_mode
        Mode of the first service leg, ``road`` for a direct truck (``None`` if unplannable).
    """

    id: str
    status: OrderStatus
    reason: str | None
    legs: tuple[PlannedLeg, ...]
    handling: tuple[Handling, ...]
    release: datetime
    due: datetime
    arrival: datetime | None
    late_hours: float
    cost_eur: float
    co2_cost_eur: float
    lateness_penalty_eur: float
    bonus_eur: float
    objective_eur: float
    wtw_kg: float
    ttw_kg: float
    main_mode: str | None

    def __post_init__(self) -> None:
        if self.status not in ("planned", "unplannable"):
            raise InvalidInputError("status", f"unknown status {self.status!r}")
        if self.status == "unplannable" and not self.reason:
            raise InvalidInputError("reason", f"order {self.id!r}: unplannable needs a reason")
        if self.status == "planned" and not self.legs:
            raise InvalidInputError("legs", f"order {self.id!r}: a planned order needs legs")
        _check_aware(self.release, self.due, self.arrival)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "id": self.id,
            "status": self.status,
            "reason": self.reason,
            "legs": [leg.to_json() for leg in self.legs],
            "handling": [h.to_json() for h in self.handling],
            "release": _t(self.release),
            "due": _t(self.due),
            "arrival": _t(self.arrival) if self.arrival is not None else None,
            "late_hours": self.late_hours,
            "cost_eur": self.cost_eur,
            "co2_cost_eur": self.co2_cost_eur,
            "lateness_penalty_eur": self.lateness_penalty_eur,
            "bonus_eur": self.bonus_eur,
            "objective_eur": self.objective_eur,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
            "main_mode": self.main_mode,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlannedOrder:
        """Inverse of :meth:`to_json`."""
        return cls(
            id=data["id"],
            status=data["status"],
            reason=data["reason"],
            legs=tuple(PlannedLeg.from_json(x) for x in data["legs"]),
            handling=tuple(Handling.from_json(x) for x in data["handling"]),
            release=_pt(data["release"], "release"),
            due=_pt(data["due"], "due"),
            arrival=_pt(data["arrival"], "arrival") if data["arrival"] is not None else None,
            late_hours=data["late_hours"],
            cost_eur=data["cost_eur"],
            co2_cost_eur=data["co2_cost_eur"],
            lateness_penalty_eur=data["lateness_penalty_eur"],
            bonus_eur=data["bonus_eur"],
            objective_eur=data["objective_eur"],
            wtw_kg=data["wtw_kg"],
            ttw_kg=data["ttw_kg"],
            main_mode=data["main_mode"],
        )


@dataclass(frozen=True)
class DepartureLoad:
    """Capacity and load of one dated service departure.

    Loads are the peak over the departure's segments (stop to next stop): the number that
    must fit the vessel or train. Load factors are peak load / capacity (0 when the
    capacity is 0).
    """

    service_id: str
    index: int
    depart: datetime
    arrive: datetime
    capacity_teu: float
    load_teu: float
    capacity_tonnes: float
    load_tonnes: float
    reefer_capacity_teu: float
    load_reefer_teu: float
    orders: int

    @property
    def load_factor_teu(self) -> float:
        """Peak TEU load / TEU capacity."""
        return self.load_teu / self.capacity_teu if self.capacity_teu > 0 else 0.0

    @property
    def load_factor_tonnes(self) -> float:
        """Peak tonnes / tonnes capacity."""
        return self.load_tonnes / self.capacity_tonnes if self.capacity_tonnes > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (with the load factors)."""
        return {
            "service_id": self.service_id,
            "index": self.index,
            "depart": _t(self.depart),
            "arrive": _t(self.arrive),
            "capacity_teu": self.capacity_teu,
            "load_teu": self.load_teu,
            "capacity_tonnes": self.capacity_tonnes,
            "load_tonnes": self.load_tonnes,
            "reefer_capacity_teu": self.reefer_capacity_teu,
            "load_reefer_teu": self.load_reefer_teu,
            "orders": self.orders,
            "load_factor_teu": self.load_factor_teu,
            "load_factor_tonnes": self.load_factor_tonnes,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DepartureLoad:
        """Inverse of :meth:`to_json` (the load factors are recomputed)."""
        return cls(
            service_id=data["service_id"],
            index=data["index"],
            depart=_pt(data["depart"], "depart"),
            arrive=_pt(data["arrive"], "arrive"),
            capacity_teu=data["capacity_teu"],
            load_teu=data["load_teu"],
            capacity_tonnes=data["capacity_tonnes"],
            load_tonnes=data["load_tonnes"],
            reefer_capacity_teu=data["reefer_capacity_teu"],
            load_reefer_teu=data["load_reefer_teu"],
            orders=data["orders"],
        )


@dataclass(frozen=True)
class Totals:
    """Totals of one policy over all input orders.

    Attributes
    ----------
    orders, planned, unplannable, late
        Counts; ``late`` counts planned orders delivered after their due time.
    cost_eur
        Transport and handling cost.
    co2_cost_eur, lateness_penalty_eur, bonus_eur, objective_eur
        The rest of the objective (``objective = cost + CO2 + lateness - bonus``).
    wtw_kg, ttw_kg
        Emissions, kg CO2e.
    on_time_share
        Orders delivered on time / all orders (an unplannable order is not on time).
    modal_split_tkm, modal_split_teu
        Tonne-km by mode of every leg; TEU (container slots) by each order's main mode.
    """

    orders: int
    planned: int
    unplannable: int
    late: int
    cost_eur: float
    co2_cost_eur: float
    lateness_penalty_eur: float
    bonus_eur: float
    objective_eur: float
    wtw_kg: float
    ttw_kg: float
    on_time_share: float
    modal_split_tkm: Mapping[str, float] = field(default_factory=dict)
    modal_split_teu: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (modal shares added)."""
        tkm = sum(self.modal_split_tkm.values())
        teu = sum(self.modal_split_teu.values())
        return {
            "orders": self.orders,
            "planned": self.planned,
            "unplannable": self.unplannable,
            "late": self.late,
            "cost_eur": self.cost_eur,
            "co2_cost_eur": self.co2_cost_eur,
            "lateness_penalty_eur": self.lateness_penalty_eur,
            "bonus_eur": self.bonus_eur,
            "objective_eur": self.objective_eur,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
            "on_time_share": self.on_time_share,
            "modal_split_tkm": dict(self.modal_split_tkm),
            "modal_split_teu": dict(self.modal_split_teu),
            "modal_share_tkm": {m: v / tkm for m, v in self.modal_split_tkm.items()}
            if tkm > 0
            else {},
            "modal_share_teu": {m: v / teu for m, v in self.modal_split_teu.items()}
            if teu > 0
            else {},
        }

    @classmethod
    def summing(
        cls,
        *,
        orders: int,
        planned: int,
        late: int,
        cost_eur: float,
        wtw_kg: float,
        ttw_kg: float,
        lateness_penalty_eur: float,
        bonus_eur: float,
        co2_price_eur_per_tonne: float,
        modal_split_tkm: Mapping[str, float],
        modal_split_teu: Mapping[str, float],
    ) -> Totals:
        """Totals from the sums of a policy's orders; the derived figures are computed here.

        The CO2 cost, the objective, the unplannable count and the on-time share follow
        from the sums the same way for every policy, so they are derived in one place.
        Modes with no activity are left out of the modal splits.
        """
        co2_cost = co2_price_eur_per_tonne / 1000.0 * wtw_kg
        return cls(
            orders=orders,
            planned=planned,
            unplannable=orders - planned,
            late=late,
            cost_eur=cost_eur,
            co2_cost_eur=co2_cost,
            lateness_penalty_eur=lateness_penalty_eur,
            bonus_eur=bonus_eur,
            objective_eur=cost_eur + co2_cost + lateness_penalty_eur - bonus_eur,
            wtw_kg=wtw_kg,
            ttw_kg=ttw_kg,
            on_time_share=(planned - late) / orders if orders else 1.0,
            modal_split_tkm={k: v for k, v in modal_split_tkm.items() if v > 0},
            modal_split_teu={k: v for k, v in modal_split_teu.items() if v > 0},
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Totals:
        """Inverse of :meth:`to_json` (shares are recomputed)."""
        names = (
            "orders", "planned", "unplannable", "late", "cost_eur", "co2_cost_eur",
            "lateness_penalty_eur", "bonus_eur", "objective_eur", "wtw_kg", "ttw_kg",
            "on_time_share",
        )  # fmt: skip
        return cls(
            **{k: data[k] for k in names},
            modal_split_tkm=dict(data["modal_split_tkm"]),
            modal_split_teu=dict(data["modal_split_teu"]),
        )


@dataclass(frozen=True)
class PolicyResult:
    """Totals and departure loads of one baseline policy."""

    totals: Totals
    departures: tuple[DepartureLoad, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form: the totals' keys plus ``departures``."""
        return {**self.totals.to_json(), "departures": [d.to_json() for d in self.departures]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PolicyResult:
        """Inverse of :meth:`to_json`."""
        return cls(
            totals=Totals.from_json(data),
            departures=tuple(DepartureLoad.from_json(d) for d in data["departures"]),
        )


@dataclass(frozen=True)
class SolverReport:
    """How the MIP went.

    Attributes
    ----------
    status
        ``"optimal"`` (within ``mip_gap``), ``"time_limit"``, ``"infeasible"``, ... or
        ``"trivial"`` when no order had a choice to make.
    objective, bound, gap
        Objective of the plan (all orders, including those with one option), HiGHS's best
        bound on it, and the relative gap ``(objective - bound) / objective`` (``None``
        when HiGHS found no finite bound).
    seconds
        Wall time of the MIP.
    candidates, columns, rows
        Candidates generated; columns and rows of the MIP.
    fixed_orders
        Orders with a single option (decided without the MIP).
    timings_s
        Wall time per phase (``candidates``, ``mip``, ``baselines``, ``output``).
    mip_gap
        The relative gap HiGHS was asked for when it differs from the plan parameters'
        ``mip_gap`` (a replan's), else ``None`` (and left out of the JSON).
    """

    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    candidates: int
    columns: int
    rows: int
    fixed_orders: int
    timings_s: Mapping[str, float] = field(default_factory=dict)
    mip_gap: float | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        extra = {"mip_gap": self.mip_gap} if self.mip_gap is not None else {}
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": self.seconds,
            "candidates": self.candidates,
            "columns": self.columns,
            "rows": self.rows,
            "fixed_orders": self.fixed_orders,
            "timings_s": dict(self.timings_s),
            **extra,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SolverReport:
        """Inverse of :meth:`to_json`."""
        return cls(**{**data, "timings_s": dict(data["timings_s"])})


@dataclass(frozen=True)
class PlanParameters:
    """Parameters of the run, so that a plan can be reproduced or replanned."""

    co2_price_eur_per_tonne: float
    candidates_per_template: int
    time_limit_s: float
    mip_gap: float
    cost_model: str
    timezone: str
    seed: int | None = None
    lateness_policy: str = "hard_when_feasible"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "co2_price_eur_per_tonne": self.co2_price_eur_per_tonne,
            "candidates_per_template": self.candidates_per_template,
            "time_limit_s": self.time_limit_s,
            "mip_gap": self.mip_gap,
            "cost_model": self.cost_model,
            "timezone": self.timezone,
            "seed": self.seed,
            "lateness_policy": self.lateness_policy,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanParameters:
        """Inverse of :meth:`to_json`."""
        return cls(**data)


@dataclass(frozen=True)
class Plan:
    """A synchromodal plan with its baselines and solver report (see the module doc).

    ``applied_disruptions`` lists the disruption files (their JSON) that replanning has
    applied to reach this plan, oldest first, so that a later replan keeps their effects.
    ``services`` is the service plan the plan was made with when it was not the region's
    own (a what-if plan from a services file), with the citations it uses in
    ``service_sources``; empty means the region's packaged services.
    Keeping it in the plan lets replanning restart from the plan file alone.
    """

    region: str
    parameters: PlanParameters
    input_orders: tuple[Order, ...]
    orders: tuple[PlannedOrder, ...]
    departures: tuple[DepartureLoad, ...]
    totals: Totals
    baselines: Mapping[str, PolicyResult]
    solver: SolverReport
    schema_version: int = 1
    applied_disruptions: tuple[Mapping[str, Any], ...] = ()
    services: tuple[Service, ...] = ()
    service_sources: Mapping[str, Source] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.orders) != len(self.input_orders):
            raise InvalidInputError(
                "orders", f"{len(self.orders)} planned orders for {len(self.input_orders)} inputs"
            )

    def order(self, id: str) -> PlannedOrder:
        """Return the planned order ``id``.

        Raises
        ------
        InvalidInputError
            Unknown id (field ``order``).
        """
        for o in self.orders:
            if o.id == id:
                return o
        raise InvalidInputError("order", f"no order {id!r} in the plan")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (the plan file)."""
        return {
            "schema_version": self.schema_version,
            "region": self.region,
            "parameters": self.parameters.to_json(),
            "orders": [o.to_json() for o in self.orders],
            "departures": [d.to_json() for d in self.departures],
            "totals": self.totals.to_json(),
            "baselines": {k: v.to_json() for k, v in self.baselines.items()},
            "solver": self.solver.to_json(),
            "input_orders": [o.to_json() for o in self.input_orders],
            "applied_disruptions": [dict(d) for d in self.applied_disruptions],
            "services": [s.model_dump(mode="json") for s in self.services],
            "service_sources": {
                k: v.model_dump(mode="json") for k, v in self.service_sources.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        """Read a plan file's JSON (what :meth:`to_json` wrote).

        Raises
        ------
        InvalidInputError
            A missing key or a malformed value, naming the field.
        """
        if not isinstance(data, Mapping):
            raise InvalidInputError("plan", "expected a JSON object")
        try:
            return cls(
                schema_version=data.get("schema_version", 1),
                region=data["region"],
                parameters=PlanParameters.from_json(data["parameters"]),
                input_orders=tuple(
                    parse_model(Order, o, f"input_orders[{i}]")
                    for i, o in enumerate(data["input_orders"])
                ),
                orders=tuple(PlannedOrder.from_json(o) for o in data["orders"]),
                departures=tuple(DepartureLoad.from_json(d) for d in data["departures"]),
                totals=Totals.from_json(data["totals"]),
                baselines={k: PolicyResult.from_json(v) for k, v in data["baselines"].items()},
                solver=SolverReport.from_json(data["solver"]),
                applied_disruptions=tuple(data.get("applied_disruptions", ())),
                services=tuple(
                    parse_model(Service, s, f"services[{i}]")
                    for i, s in enumerate(data.get("services", ()))
                ),
                service_sources={
                    k: parse_model(Source, v, f"service_sources.{k}")
                    for k, v in data.get("service_sources", {}).items()
                },
            )
        except KeyError as exc:
            raise InvalidInputError(str(exc.args[0]), "missing in the plan file") from None
        except TypeError as exc:
            raise InvalidInputError("plan", f"malformed plan file: {exc}") from None
