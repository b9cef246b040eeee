"""Mode-free transport orders: what a shipper asks the Circle Lines planner to move.

An order says where from, where to, when it is ready and when it is due, how much and what
kind of cargo; it does not say how. The planner chooses the chain of legs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.values import ValueObject

__all__ = ["TEU_EQUIVALENT_TONNES", "CargoClass", "Order"]

#: Tonnes of loose cargo (air cargo, flowers) that take one TEU slot when stuffed into a
#: container for a barge or train. Assumption: a 20 ft box holds about 10 t of such
#: low-density cargo before it is full by volume; replace with unit counts where known.
TEU_EQUIVALENT_TONNES = 10.0


class CargoClass(StrEnum):
    """Kind of cargo, which decides what capacity and terminals it may use."""

    DRY_CONTAINER = "dry_container"
    REEFER_CONTAINER = "reefer_container"
    AIR_CARGO = "air_cargo"
    FLOWERS = "flowers"
    DANGEROUS_GOODS = "dangerous_goods"

    @property
    def needs_cooling(self) -> bool:
        """Reefers and flowers need cooled capacity (reefer plugs, cooled handling)."""
        return self in (CargoClass.REEFER_CONTAINER, CargoClass.FLOWERS)

    @property
    def is_containerised(self) -> bool:
        """Whether the order is counted in containers (TEU) rather than by weight."""
        return self not in (CargoClass.AIR_CARGO, CargoClass.FLOWERS)


def _to_modes(value: Any) -> Any:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return tuple(Mode.parse(v) if isinstance(v, str) else v for v in value)
    return value


class Order(ValueObject):
    """One transport order.

    Attributes
    ----------
    id
        The shipper's or forwarder's order reference, unique in a batch.
    origin, destination
        Location ids of the region (checked against the region when planned or read).
    release
        When the cargo is ready for pick-up at the origin (ISO 8601 with offset).
    due
        When it must be delivered at the destination; after ``release``.
    teu
        Container slots the order takes. Required (> 0) for container classes; for air
        cargo and flowers it may be 0, and the planner then counts
        ``tonnes / TEU_EQUIVALENT_TONNES`` slots if the cargo goes by barge or train.
    tonnes
        Gross weight of the goods, tonnes (> 0).
    units, unit_kind
        The cargo's own unit count and kind where it has one (ULDs, flower trolleys).
    cargo_class
        Dry container, reefer, air cargo, flowers or dangerous goods.
    preferred_modes, forbidden_modes
        Optional shipper wishes: preferred modes get a small bonus, forbidden ones are never
        used (road for pre- and end-haul excepted only if road itself is not forbidden).
    """

    id: Annotated[str, Field(min_length=1, max_length=100)]
    origin: Annotated[str, Field(min_length=1)]
    destination: Annotated[str, Field(min_length=1)]
    release: AwareDatetime
    due: AwareDatetime
    teu: Annotated[float, Field(ge=0)] = 0.0
    tonnes: Annotated[float, Field(gt=0)]
    units: Annotated[int, Field(ge=0)] | None = None
    unit_kind: str | None = None
    cargo_class: CargoClass = CargoClass.DRY_CONTAINER
    preferred_modes: tuple[Mode, ...] = ()
    forbidden_modes: tuple[Mode, ...] = ()

    @field_validator("preferred_modes", "forbidden_modes", mode="before")
    @classmethod
    def _parse_modes(cls, value: Any) -> Any:
        return _to_modes(value)

    @field_validator("destination")
    @classmethod
    def _not_origin(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("origin"):
            raise ValueError(f"must differ from the origin {value!r}")
        return value

    @field_validator("due")
    @classmethod
    def _after_release(cls, value: datetime, info: ValidationInfo) -> datetime:
        release = info.data.get("release")
        # In UTC: Python compares (and subtracts) datetimes that share a tzinfo object,
        # such as one ZoneInfo, by wall clock, which is wrong across a DST change.
        if release is not None and value.astimezone(UTC) <= release.astimezone(UTC):
            raise ValueError(f"{value.isoformat()} is not after release {release.isoformat()}")
        return value

    @model_validator(mode="after")
    def _class_matches_teu(self) -> Order:
        # A model validator, so the error names ``teu`` (the value to fix), not the class.
        if self.cargo_class.is_containerised and self.teu <= 0:
            raise InvalidInputError("teu", f"a {self.cargo_class.value} order needs teu > 0")
        return self

    @field_validator("forbidden_modes")
    @classmethod
    def _not_both(cls, value: tuple[Mode, ...], info: ValidationInfo) -> tuple[Mode, ...]:
        both = set(value) & set(info.data.get("preferred_modes", ()))
        if both:
            raise ValueError(f"{sorted(m.value for m in both)} both preferred and forbidden")
        return value

    @property
    def slots_teu(self) -> float:
        """Container slots the order takes on a barge or train."""
        if self.teu > 0:
            return self.teu
        return self.tonnes / TEU_EQUIVALENT_TONNES

    @property
    def window_h(self) -> float:
        """Hours between release and due."""
        return (self.due.astimezone(UTC) - self.release.astimezone(UTC)).total_seconds() / 3600.0

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (the format of an orders JSON file's entries)."""
        return self.model_dump(mode="json", exclude_none=True)
