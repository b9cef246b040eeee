"""Typed KPI records and the recorder the twin's processes write them to.

The SimPy processes do not compute KPIs and nothing patches SimPy: every process gets a
:class:`Recorder` (injected) and hands it one typed record per thing that happened (a
leg driven or ridden, a terminal handling, an order delivered, a departure run, a replan,
a consignment released, a queue sample). :mod:`~smartlogistics.twin.kpis` turns the
records into KPIs. :class:`MemoryRecorder` keeps them in lists; a test can pass any other
object with a ``record`` method.

Times are hours since the run's ``t0`` (Monday 00:00 local time of the first day's week).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

__all__ = [
    "CustomsRecord",
    "DepartureRecord",
    "HandlingRecord",
    "LegKind",
    "LegRecord",
    "MemoryRecorder",
    "OrderRecord",
    "QueueSample",
    "Record",
    "Recorder",
    "ReplanRecord",
]

LegKind = Literal["direct", "pre", "main", "end", "fallback"]
"""What a leg is in its chain: door-to-door truck, pre-haul, a service ride, end-haul, or
a truck that replaces a chain that broke (missed or cancelled departure)."""


@dataclass(frozen=True, slots=True)
class LegRecord:
    """One transport leg as executed."""

    policy: str
    order_id: str
    kind: LegKind
    mode: str
    service_id: str | None
    departure_index: int | None
    origin: str
    destination: str
    depart_h: float
    arrive_h: float
    teu: float
    tonnes: float
    km: float
    trucks: int
    cost_eur: float
    wtw_kg: float
    ttw_kg: float
    sector: str


@dataclass(frozen=True, slots=True)
class HandlingRecord:
    """One terminal handling as executed."""

    policy: str
    order_id: str
    location: str
    start_h: float
    end_h: float
    cost_eur: float
    wtw_kg: float
    ttw_kg: float
    sector: str


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order delivered (or given up as unplannable)."""

    policy: str
    order_id: str
    sector: str
    cargo_class: str
    release_h: float
    ready_h: float
    delivered_h: float | None
    due_h: float
    tonnes: float
    teu: float
    main_mode: str | None
    fallback: bool
    unplannable: bool


@dataclass(frozen=True, slots=True)
class DepartureRecord:
    """One dated departure of a service as it ran (or was cancelled)."""

    policy: str
    service_id: str
    departure_index: int
    mode: str
    depart_h: float
    arrive_h: float
    delay_h: float
    cancelled: bool
    capacity_teu: float
    load_teu: float
    orders: int


@dataclass(frozen=True, slots=True)
class ReplanRecord:
    """A plan or replan of a policy."""

    policy: str
    at_h: float
    trigger: str
    orders: int
    affected: int
    reoptimised: int
    changes: int
    seconds: float
    status: str = ""


@dataclass(frozen=True, slots=True)
class CustomsRecord:
    """One consignment's way through SmartGate and, if red, the inspection."""

    consignment_id: str
    order_id: str
    lane: str
    status_code: str
    arrival_h: float
    released_h: float | None
    waited_h: float
    inspected: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueueSample:
    """The inspection queue at one moment."""

    t_h: float
    waiting: int
    busy: int


Record = (
    LegRecord
    | HandlingRecord
    | OrderRecord
    | DepartureRecord
    | ReplanRecord
    | CustomsRecord
    | QueueSample
)

R = TypeVar("R")


class Recorder(Protocol):
    """Where the processes put their records."""

    def record(self, item: Record) -> None:
        """Keep one record."""
        ...


@dataclass
class MemoryRecorder:
    """A recorder that keeps every record in memory, in arrival order."""

    items: list[Record] = field(default_factory=list)

    def record(self, item: Record) -> None:
        """Append ``item``."""
        self.items.append(item)

    def of(self, kind: type[R]) -> Iterator[R]:
        """Iterate the records of one type."""
        for item in self.items:
            if isinstance(item, kind):
                yield item
