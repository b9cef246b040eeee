"""A realistic order generator: a week of the region's demand, drawn from its flows.

The planner, its benchmarks and the twin need order books that look like the region's:
containers between the Amsterdam port terminals and the hinterland, air cargo between
Schiphol, other European airports and distribution centres, flowers from the Aalsmeer
auction. Nobody publishes such order books, so the generator draws them from a demand
model, package data ``planner/data/demand_<region>.yaml``, in which every share and
parameter carries its source or says ``assumption`` and why (see ``docs/orders.md``).

Drawing is deterministic for a seed (Python's :class:`random.Random`; the platform does
not depend on NumPy), so a benchmark or a failing test can be reproduced exactly.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from importlib import resources
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.cargo import default_unit
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region
from smartlogistics.planner.order import CargoClass, Order
from smartlogistics.provenance import Source, check_source, source_refs
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "DemandModel",
    "Flow",
    "available_demand_models",
    "demand_assumptions",
    "generate_orders",
    "load_demand",
]

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHARE_TOLERANCE = 1e-6

Weight = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
SourceText = Annotated[str, Field(min_length=1)]


# -- the demand model file -------------------------------------------------------------


class HourRange(ValueObject):
    """Weight of the local hours ``[from, to)`` in a release profile."""

    start: Annotated[int, Field(alias="from", ge=0, le=23)]
    end: Annotated[int, Field(alias="to", ge=1, le=24)]
    weight: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _ordered(self) -> HourRange:
        if self.end <= self.start:
            raise InvalidInputError("to", f"{self.end} is not after from {self.start}")
        return self


class Profile(ValueObject):
    """When orders of a flow are released: weight per weekday and per local hour."""

    days: Mapping[Day, float]
    hours: Annotated[list[HourRange], Field(min_length=1)]
    source: SourceText

    @model_validator(mode="after")
    def _complete(self) -> Profile:
        for day in _WEEKDAYS:
            if day not in self.days:
                raise InvalidInputError(f"days.{day}", "missing (give all seven weekdays)")
            if self.days[day] < 0:
                raise InvalidInputError(f"days.{day}", "must not be negative")
        covered: set[int] = set()
        for k, rng in enumerate(self.hours):
            hours = set(range(rng.start, rng.end))
            if hours & covered:
                raise InvalidInputError(f"hours[{k}]", "overlaps an earlier hour range")
            covered |= hours
        return self

    def hour_weights(self) -> list[float]:
        """Weight of each local hour 0-23 (0 for hours no range covers)."""
        out = [0.0] * 24
        for rng in self.hours:
            for h in range(rng.start, rng.end):
                out[h] = rng.weight
        return out


class Weights(ValueObject):
    """Relative weights of locations (or cargo classes), with their source."""

    weights: Annotated[dict[str, Weight], Field(min_length=1)]
    source: SourceText


class ClassMix(ValueObject):
    """Relative weights of the cargo classes of a flow."""

    weights: Annotated[dict[CargoClass, Weight], Field(min_length=1)]
    source: SourceText


def _range_check(lo: float, hi: float, name: str) -> None:
    if hi < lo:
        raise InvalidInputError(name, f"upper end {hi:g} is below the lower end {lo:g}")


class Box(ValueObject):
    """One option of a container order: ``count`` boxes of ``unit``."""

    unit: Literal["20ft", "40ft"]
    count: Annotated[int, Field(ge=1)]
    share: Weight
    tonnes_per_teu: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]

    @model_validator(mode="after")
    def _check(self) -> Box:
        lo, hi = self.tonnes_per_teu
        _range_check(lo, hi, "tonnes_per_teu")
        unit = default_unit(self.unit)
        if hi * unit.teu > unit.max_gross_t - unit.tare_t:
            raise InvalidInputError(
                "tonnes_per_teu",
                f"{hi:g} t per TEU overloads a {self.unit} box (at most"
                f" {unit.max_gross_t - unit.tare_t:g} t of goods)",
            )
        return self

    @property
    def teu(self) -> float:
        """TEU of the whole order."""
        return self.count * default_unit(self.unit).teu


class ContainerQuantity(ValueObject):
    """Container orders: a box option by share, goods per TEU drawn uniformly."""

    kind: Literal["containers"]
    boxes: Annotated[list[Box], Field(min_length=1)]
    source: SourceText

    @model_validator(mode="after")
    def _shares(self) -> ContainerQuantity:
        total = sum(box.share for box in self.boxes)
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            raise InvalidInputError("boxes", f"shares add up to {total:g}, not 1")
        return self

    def mean_containers(self) -> float:
        """Return the expected number of boxes per order."""
        return sum(box.share * box.count for box in self.boxes)


class UnitQuantity(ValueObject):
    """Orders counted in the cargo's own units (ULDs, flower trolleys)."""

    kind: Literal["units"]
    unit: str
    count: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]
    net_tonnes_per_unit: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]
    source: SourceText

    @model_validator(mode="after")
    def _check(self) -> UnitQuantity:
        default_unit(self.unit)  # unknown unit: InvalidInputError on "unit"
        _range_check(*self.count, "count")
        lo, hi = self.net_tonnes_per_unit
        _range_check(lo, hi, "net_tonnes_per_unit")
        unit = default_unit(self.unit)
        if hi > unit.max_gross_t - unit.tare_t:
            raise InvalidInputError(
                "net_tonnes_per_unit",
                f"{hi:g} t overloads a {self.unit} (at most {unit.max_gross_t - unit.tare_t:g} t)",
            )
        return self

    def mean_tonnes(self) -> float:
        """Return the expected tonnes per order (mean count times mean tonnes per unit)."""
        return (sum(self.count) / 2) * (sum(self.net_tonnes_per_unit) / 2)


class HoursWindow(ValueObject):
    """Due a uniformly drawn ``min_h``-``max_h`` hours after release."""

    kind: Literal["hours"]
    min_h: Annotated[float, Field(gt=0)]
    max_h: Annotated[float, Field(gt=0)]
    source: SourceText

    @model_validator(mode="after")
    def _check(self) -> HoursWindow:
        _range_check(self.min_h, self.max_h, "max_h")
        return self


class NextMorningWindow(ValueObject):
    """Due the local morning after the release day, between two hours of the day."""

    kind: Literal["next_morning"]
    earliest_h: Annotated[float, Field(ge=0, lt=24)]
    latest_h: Annotated[float, Field(gt=0, le=24)]
    source: SourceText

    @model_validator(mode="after")
    def _check(self) -> NextMorningWindow:
        _range_check(self.earliest_h, self.latest_h, "latest_h")
        return self


class ModeWish(ValueObject):
    """A share of a flow's orders with preferred or forbidden modes."""

    share: Annotated[float, Field(gt=0, le=1)]
    preferred_modes: tuple[Mode, ...] = ()
    forbidden_modes: tuple[Mode, ...] = ()


class ModeWishes(ValueObject):
    """Mode wishes of a flow (the rest of its orders have none)."""

    options: list[ModeWish]
    source: SourceText

    @model_validator(mode="after")
    def _check(self) -> ModeWishes:
        total = sum(option.share for option in self.options)
        if total > 1 + _SHARE_TOLERANCE:
            raise InvalidInputError("options", f"shares add up to {total:g}, more than 1")
        return self


class Flow(ValueObject):
    """One origin-destination stream of the region's demand.

    Attributes
    ----------
    id, name
        Slug and description.
    share
        Order-count share: the fraction of generated orders drawn from this flow.
    origins, destinations
        Location weights; ``reverse_share`` of the orders run destination to origin.
    classes
        Cargo class weights.
    quantity
        Containers (box mix, tonnes per TEU) or units (ULDs, trolleys and their load).
    window
        How the due time follows from the release.
    profile
        Name of the release-time profile.
    mode_wishes
        Shares of orders with preferred or forbidden modes.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: Annotated[str, Field(min_length=1)]
    share: Share
    share_source: SourceText
    origins: Weights
    destinations: Weights
    reverse_share: Share
    reverse_source: SourceText
    classes: ClassMix
    quantity: Annotated[ContainerQuantity | UnitQuantity, Field(discriminator="kind")]
    window: Annotated[HoursWindow | NextMorningWindow, Field(discriminator="kind")]
    profile: str
    mode_wishes: ModeWishes

    @model_validator(mode="after")
    def _check(self) -> Flow:
        containers = isinstance(self.quantity, ContainerQuantity)
        for cls in self.classes.weights:
            where = f"classes.weights.{cls.value}"
            if containers and not cls.is_containerised:
                raise InvalidInputError(
                    where, f"{cls.value} is not counted in containers; use a units quantity"
                )
            unit = None if containers else self.quantity.unit  # type: ignore[union-attr]
            if cls.is_containerised and unit is not None and default_unit(unit).teu == 0:
                raise InvalidInputError(
                    where, f"a {cls.value} order needs TEU, but {unit} units have none"
                )
        return self


class Volume(ValueObject):
    """Orders a week of a group of flows, the basis of their shares."""

    group: Annotated[str, Field(min_length=1)]
    flows: Annotated[list[str], Field(min_length=1)]
    orders_per_week: Annotated[float, Field(gt=0)]
    source: SourceText


class DemandModel(ValueObject):
    """A region's demand model: volumes, release profiles and flows, all sourced."""

    schema_version: Literal[1]
    region: Annotated[str, Field(min_length=1)]
    sources: dict[str, Source]
    volumes: list[Volume]
    profiles: dict[str, Profile]
    flows: Annotated[list[Flow], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> DemandModel:
        ids: dict[str, int] = {}
        for i, flow in enumerate(self.flows):
            if flow.id in ids:
                raise InvalidInputError(f"flows[{i}].id", f"duplicate flow id {flow.id!r}")
            ids[flow.id] = i
            if flow.profile not in self.profiles:
                known = ", ".join(self.profiles) or "none"
                raise InvalidInputError(
                    f"flows[{i}].profile", f"unknown profile {flow.profile!r}; known: {known}"
                )
        total = sum(flow.share for flow in self.flows)
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            raise InvalidInputError("flows", f"shares add up to {total:g}, not 1")
        for k, volume in enumerate(self.volumes):
            for j, name in enumerate(volume.flows):
                if name not in ids:
                    raise InvalidInputError(f"volumes[{k}].flows[{j}]", f"unknown flow {name!r}")
        for path, _, text in self.sourced():
            check_source(text, self.sources, path)
        return self

    def sourced(self) -> Iterator[tuple[str, Any, str]]:
        """Yield ``(path, value, source)`` for every sourced number or block of numbers."""
        for k, v in enumerate(self.volumes):
            yield f"volumes[{k}].orders_per_week", v.orders_per_week, v.source
        for name, p in self.profiles.items():
            hours = [{"from": r.start, "to": r.end, "weight": r.weight} for r in p.hours]
            yield f"profiles.{name}", {"days": dict(p.days), "hours": hours}, p.source
        for i, f in enumerate(self.flows):
            at = f"flows[{i}]"
            yield f"{at}.share", f.share, f.share_source
            yield f"{at}.origins", dict(f.origins.weights), f.origins.source
            yield f"{at}.destinations", dict(f.destinations.weights), f.destinations.source
            yield f"{at}.reverse_share", f.reverse_share, f.reverse_source
            classes = {c.value: w for c, w in f.classes.weights.items()}
            yield f"{at}.classes", classes, f.classes.source
            yield f"{at}.quantity", f.quantity.model_dump(exclude={"source"}), f.quantity.source
            yield f"{at}.window", f.window.model_dump(exclude={"source"}), f.window.source
            wishes = [o.model_dump(mode="json") for o in f.mode_wishes.options]
            yield f"{at}.mode_wishes", wishes, f.mode_wishes.source

    def flow(self, id: str) -> Flow:
        """Return the flow ``id``.

        Raises
        ------
        InvalidInputError
            Unknown id (field ``flow``).
        """
        for flow in self.flows:
            if flow.id == id:
                return flow
        raise InvalidInputError("flow", f"unknown flow {id!r}")


def available_demand_models() -> list[str]:
    """Regions with a packaged demand model, sorted (``["amsterdam"]``)."""
    folder = resources.files("smartlogistics.planner").joinpath("data")
    return sorted(
        entry.name.removeprefix("demand_").removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.startswith("demand_") and entry.name.endswith(".yaml")
    )


@functools.lru_cache(maxsize=8)
def load_demand(region: str = "amsterdam") -> DemandModel:
    """Return the packaged demand model of ``region``, parsed once and cached.

    Raises
    ------
    InvalidInputError
        ``region`` when there is no demand model for it; the path in the file
        (``demand.flows[2].share``) for a problem in the packaged data.
    """
    known = available_demand_models()
    if region not in known:
        raise InvalidInputError(
            "region", f"no demand model for region {region!r}; known: {', '.join(known)}"
        )
    path = resources.files("smartlogistics.planner").joinpath("data", f"demand_{region}.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("sources"), dict):
        # Source ids are the table's keys, as in the region files.
        data["sources"] = {
            key: {"id": key, **entry} if isinstance(entry, dict) else entry
            for key, entry in data["sources"].items()
        }
    return parse_model(DemandModel, data, "demand")


def demand_assumptions(region: str = "amsterdam") -> list[dict[str, Any]]:
    """List every sourced parameter of a demand model with its status, for docs and the UI.

    Parameters
    ----------
    region
        Name of the packaged demand model.

    Returns
    -------
    list of dict
        One entry per parameter block, in file order: ``path`` (``flows[0].share``),
        ``flow`` (its id, or ``None``), ``value`` (plain JSON types), ``source`` (the
        source string) and ``status``: ``"assumption"`` when any reference is an
        assumption, else ``"derived"`` when any is derived, else ``"sourced"``.
    """
    model = load_demand(region)
    out: list[dict[str, Any]] = []
    for path, value, text in model.sourced():
        keys = {ref.key for ref in source_refs(text)}
        status = (
            "assumption" if "assumption" in keys else "derived" if "derived" in keys else "sourced"
        )
        flow = None
        if path.startswith("flows["):
            flow = model.flows[int(path[6 : path.index("]")])].id
        out.append({"path": path, "flow": flow, "value": value, "source": text, "status": status})
    return out


# -- binding the model to a region -----------------------------------------------------


@dataclass(frozen=True)
class _Picker:
    """Weighted choice by one uniform draw (cumulative weights and bisection)."""

    items: tuple[Any, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Sequence[tuple[Any, float]]) -> _Picker:
        items = tuple(item for item, _ in weights)
        return cls(items, tuple(itertools.accumulate(w for _, w in weights)))

    def pick(self, rng: random.Random) -> Any:
        x = rng.random() * self.cumulative[-1]
        return self.items[min(bisect.bisect_right(self.cumulative, x), len(self.items) - 1)]


@dataclass(frozen=True)
class _BoundFlow:
    flow: Flow
    classes: _Picker
    ends: Mapping[CargoClass, tuple[_Picker, _Picker]]
    slots: _Picker  # of (start, seconds) release slots
    wishes: tuple[tuple[float, ModeWish], ...]
    boxes: _Picker | None  # container box options, for container flows


def _accepts(region: Region, location: str, cls: CargoClass) -> bool:
    terminal = region.terminals.get(location)
    if terminal is None:
        return False
    if cls.needs_cooling and not terminal.reefer:
        return False
    return not (cls is CargoClass.DANGEROUS_GOODS and not terminal.dangerous_goods)


def _check_locations(region: Region, weights: Weights, path: str) -> None:
    for loc in weights.weights:
        location = region.locations.get(loc)
        if location is None:
            raise InvalidInputError(
                f"{path}.weights.{loc}", f"unknown location {loc!r} in region {region.name!r}"
            )
        if not location.is_freight_node:
            raise InvalidInputError(
                f"{path}.weights.{loc}", f"{loc!r} is a junction, not a freight node"
            )


def _bind(
    model: DemandModel, region: Region, slots: Mapping[str, _Picker]
) -> tuple[_Picker, list[_BoundFlow]]:
    bound: list[_BoundFlow] = []
    for i, flow in enumerate(model.flows):
        at = f"demand.flows[{i}]"
        _check_locations(region, flow.origins, f"{at}.origins")
        _check_locations(region, flow.destinations, f"{at}.destinations")
        ends: dict[CargoClass, tuple[_Picker, _Picker]] = {}
        for cls in flow.classes.weights:
            origins = [(o, w) for o, w in flow.origins.weights.items() if _accepts(region, o, cls)]
            dests = [
                (d, w) for d, w in flow.destinations.weights.items() if _accepts(region, d, cls)
            ]
            if not origins or not any(o != d for o, _ in origins for d, _ in dests):
                raise InvalidInputError(
                    f"{at}.classes.weights.{cls.value}",
                    f"no origin and destination of flow {flow.id!r} accept {cls.value}",
                )
            ends[cls] = (_Picker.of(origins), _Picker.of(dests))
        cumulative = 0.0
        wishes: list[tuple[float, ModeWish]] = []
        for option in flow.mode_wishes.options:
            cumulative += option.share
            wishes.append((cumulative, option))
        bound.append(
            _BoundFlow(
                flow=flow,
                classes=_Picker.of(list(flow.classes.weights.items())),
                ends=ends,
                slots=slots[flow.profile],
                wishes=tuple(wishes),
                boxes=_Picker.of([(b, b.share) for b in flow.quantity.boxes])
                if isinstance(flow.quantity, ContainerQuantity)
                else None,
            )
        )
    flows = _Picker.of([(k, f.share) for k, f in enumerate(model.flows) if f.share > 0])
    return flows, bound


def _release_slots(profile: Profile, start: datetime, end: datetime, zone: ZoneInfo) -> _Picker:
    """Hour slots of ``[start, end)`` weighted by the profile at their local start."""
    hour_weights = profile.hour_weights()
    day_weights = [profile.days[d] for d in _WEEKDAYS]
    slots: list[tuple[tuple[datetime, float], float]] = []
    t = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    while t < stop:
        seconds = min(3600.0, (stop - t).total_seconds())
        local = t.astimezone(zone)
        weight = day_weights[local.weekday()] * hour_weights[local.hour]
        slots.append(((t, seconds), weight * seconds / 3600.0))
        t += timedelta(hours=1)
    if not any(w > 0 for _, w in slots):
        # The profile puts no weight in this window (e.g. one Sunday night): spread evenly
        # rather than fail, so any start and length can be generated.
        slots = [(slot, slot[1]) for slot, _ in slots]
    return _Picker.of([(slot, w) for slot, w in slots if w > 0])


# -- generation ------------------------------------------------------------------------


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError("tz", f"unknown time zone {tz!r}") from None


def _start(start: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(start, datetime):
        if start.tzinfo is None or start.utcoffset() is None:
            return start.replace(tzinfo=zone)
        return start.astimezone(zone)
    if isinstance(start, date):
        return datetime.combine(start, time(0), tzinfo=zone)
    raise InvalidInputError("start", f"expected a date or datetime, not {type(start).__name__}")


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(name, f"expected a whole number, not {value!r}")
    if value < 1:
        raise InvalidInputError(name, f"must be at least 1, not {value}")
    return value


def _normalise(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return ``moment`` as local time of ``zone`` with its fixed UTC offset as tzinfo.

    A time in a DST gap moves on. The tzinfo is the fixed offset, as in orders read from
    a file, because Python subtracts and compares datetimes that share one ``ZoneInfo``
    by wall clock, which is an hour off across a DST change.
    """
    local = moment.astimezone(UTC).astimezone(zone)
    offset = local.utcoffset()
    assert offset is not None
    return local.replace(tzinfo=timezone(offset))


def _due(
    window: HoursWindow | NextMorningWindow, release: datetime, rng: random.Random, zone: ZoneInfo
) -> datetime:
    if isinstance(window, HoursWindow):
        minutes = round((window.min_h + rng.random() * (window.max_h - window.min_h)) * 60)
        # In absolute time: wall-clock arithmetic across a DST change would give a local
        # time that does not exist (or is ambiguous) and a window an hour off.
        return _normalise(release.astimezone(UTC) + timedelta(minutes=max(minutes, 1)), zone)
    # The local day after the release day, at a minute between earliest_h and latest_h:
    # always after the release, since the release is on the day before.
    minute = window.earliest_h * 60 + rng.random() * (window.latest_h - window.earliest_h) * 60
    minute = min(int(minute), 24 * 60 - 1)
    day = release.date() + timedelta(days=1)
    return _normalise(datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone), zone)


def _draw(bound: _BoundFlow, rng: random.Random, zone: ZoneInfo) -> dict[str, Any]:
    flow = bound.flow
    cls: CargoClass = bound.classes.pick(rng)
    origins, dests = bound.ends[cls]
    origin = origins.pick(rng)
    destination = dests.pick(rng)
    while destination == origin:
        destination = dests.pick(rng)
    if rng.random() < flow.reverse_share:
        origin, destination = destination, origin
    fields: dict[str, Any] = {"origin": origin, "destination": destination, "cargo_class": cls}
    quantity = flow.quantity
    if bound.boxes is not None:
        box: Box = bound.boxes.pick(rng)
        lo, hi = box.tonnes_per_teu
        fields["teu"] = box.teu
        fields["tonnes"] = round(box.teu * (lo + rng.random() * (hi - lo)), 3)
        fields["units"] = box.count
        fields["unit_kind"] = box.unit
    else:
        assert isinstance(quantity, UnitQuantity)
        count = rng.randint(*quantity.count)
        lo, hi = quantity.net_tonnes_per_unit
        fields["teu"] = round(count * default_unit(quantity.unit).teu, 6)
        fields["tonnes"] = round(count * (lo + rng.random() * (hi - lo)), 3)
        fields["units"] = count
        fields["unit_kind"] = quantity.unit
    slot_start, seconds = bound.slots.pick(rng)
    minutes = int(rng.random() * seconds) // 60
    release = _normalise(slot_start + timedelta(minutes=minutes), zone)
    fields["release"] = release
    fields["due"] = _due(flow.window, release, rng, zone)
    x = rng.random()
    for cumulative, wish in bound.wishes:
        if x < cumulative:
            fields["preferred_modes"] = wish.preferred_modes
            fields["forbidden_modes"] = wish.forbidden_modes
            break
    return fields


def generate_orders(
    region: Region,
    n: int,
    *,
    seed: int,
    start: date | datetime,
    days: int = 7,
    tz: str = "Europe/Amsterdam",
) -> list[Order]:
    """Draw ``n`` orders released in ``[start, start + days)`` from the region's flows.

    Each order draws a flow by its order-count share, a cargo class, an origin and a
    destination whose terminals accept the class, a direction, a quantity, a release time
    from the flow's weekly profile and a due time from its window (see ``docs/orders.md``
    and the demand model file for every number and its source).

    Parameters
    ----------
    region
        The region; its name selects the demand model (``demand_<name>.yaml``), and its
        terminals decide where cooled cargo and dangerous goods may go.
    n
        Number of orders (at least 1).
    seed
        Seed of the random draws: the same seed gives the same list.
    start
        First day (local midnight in ``tz``) or first instant; a naive datetime is local
        time in ``tz``.
    days
        Length of the release period in days (at least 1).
    tz
        IANA time zone of the profiles' weekdays and hours and of the written times.

    Returns
    -------
    list of Order
        Sorted by release; ids ``O-000001``, ``O-000002``, ... in that order.

    Raises
    ------
    InvalidInputError
        ``n``, ``days``, ``tz`` or ``start`` out of range; ``region`` without a demand
        model; ``demand.flows[i]...`` when the model names a location the region lacks.
    """
    n = _positive_int(n, "n")
    days = _positive_int(days, "days")
    zone = _zone(tz)
    first = _start(start, zone)
    end = _normalise(first + timedelta(days=days), zone)  # wall-clock days in the zone
    model = load_demand(region.name)
    slots = {name: _release_slots(p, first, end, zone) for name, p in model.profiles.items()}
    flows, bound = _bind(model, region, slots)
    rng = random.Random(seed)
    drawn = [_draw(bound[flows.pick(rng)], rng, zone) for _ in range(n)]
    drawn.sort(key=lambda fields: fields["release"])  # stable: ties keep draw order
    width = max(6, len(str(n)))
    return [Order(id=f"O-{k:0{width}d}", **fields) for k, fields in enumerate(drawn, start=1)]
