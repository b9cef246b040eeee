"""The input of service network design: a directed network, arcs with costs, commodities.

A :class:`DesignInstance` is the multicommodity capacitated fixed-charge network design
problem (MCND) as data: directed arcs with a variable cost per unit of flow, a capacity
shared by all commodities and a fixed cost paid once if the arc carries any flow, and
commodities, each a splittable demand from an origin to a destination node. It is a
frozen, validated value object; every problem raises
:class:`~smartlogistics.errors.InvalidInputError` naming the field
(``arcs[3].capacity: must be > 0``), so that a user can fix their file line by line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from smartlogistics.errors import InvalidInputError, from_validation_error

__all__ = ["Commodity", "DesignArc", "DesignInstance", "NodeId", "load_instance"]


def _node_id(value: object) -> str | int:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError("must be a string or an integer")


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


NodeId = Annotated[str | int, PlainValidator(_node_id)]
"""A node id as written in the file: a string or an integer (Canad files number nodes)."""


class _FieldProblem(Exception):  # noqa: N818 - internal signal, pydantic lets it through
    """A cross-field problem with the path of the field it concerns.

    Pydantic would wrap a ``ValueError`` raised by a model validator into an error located
    at the model as a whole; this exception passes through so the path survives.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _positive(value: float) -> float:
    if not _finite(value) > 0:
        raise ValueError("must be > 0")
    return value


def _non_negative(value: float) -> float:
    if not _finite(value) >= 0:
        raise ValueError("must be >= 0")
    return value


Positive = Annotated[float, BeforeValidator(_no_bool), AfterValidator(_positive)]
NonNegative = Annotated[float, BeforeValidator(_no_bool), AfterValidator(_non_negative)]


class _Frozen(BaseModel):
    """Immutable, strict value object whose constructor raises ``InvalidInputError``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise from_validation_error(exc) from None
        except _FieldProblem as exc:
            raise InvalidInputError(exc.field, exc.problem) from None

    # Only wraps the base __init__: nested validation keeps its precise error locations.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


class DesignArc(_Frozen):
    """A directed arc that may be opened (built, operated) at a fixed cost.

    Attributes
    ----------
    source, target
        Tail and head node ids (``from`` and ``to`` in files).
    variable_cost
        Cost per unit of flow on the arc, >= 0.
    capacity
        Bound on the total flow of all commodities, > 0.
    fixed_cost
        Paid once if the arc carries any flow, >= 0.
    """

    source: NodeId = Field(alias="from")
    target: NodeId = Field(alias="to")
    variable_cost: NonNegative
    capacity: Positive
    fixed_cost: NonNegative

    @field_validator("target")
    @classmethod
    def _no_loop(cls, value: NodeId, info: ValidationInfo) -> NodeId:
        if "source" in info.data and info.data["source"] == value:
            raise ValueError("must differ from 'from' (no self-loops)")
        return value

    def to_json(self) -> dict[str, Any]:
        """Return the arc as written in an instance file."""
        return {
            "from": self.source,
            "to": self.target,
            "variable_cost": self.variable_cost,
            "capacity": self.capacity,
            "fixed_cost": self.fixed_cost,
        }


class Commodity(_Frozen):
    """A splittable demand to be sent from ``origin`` to ``destination``.

    Attributes
    ----------
    origin, destination
        Distinct node ids.
    demand
        Amount to send, >= 0 (a zero demand is allowed and costs nothing).
    """

    origin: NodeId
    destination: NodeId
    demand: NonNegative

    @field_validator("destination")
    @classmethod
    def _distinct_ends(cls, value: NodeId, info: ValidationInfo) -> NodeId:
        if "origin" in info.data and info.data["origin"] == value:
            raise ValueError("must differ from origin")
        return value

    def to_json(self) -> dict[str, Any]:
        """Return the commodity as written in an instance file."""
        return {"origin": self.origin, "destination": self.destination, "demand": self.demand}


class DesignInstance(_Frozen):
    """An MCND instance: nodes, directed arcs and commodities, cross-checked.

    Arcs and commodities are referred to by their position in these tuples (the solver's
    output uses these indices). Parallel arcs are allowed; node ids must be unique and
    every arc end and commodity end must be a known node.
    """

    nodes: tuple[NodeId, ...]
    arcs: tuple[DesignArc, ...]
    commodities: tuple[Commodity, ...]

    @model_validator(mode="after")
    def _references(self) -> DesignInstance:
        seen: set[NodeId] = set()
        for i, node in enumerate(self.nodes):
            if node in seen:
                raise _FieldProblem(f"nodes[{i}]", f"duplicate node id {node!r}")
            seen.add(node)
        for i, arc in enumerate(self.arcs):
            for name, node in (("from", arc.source), ("to", arc.target)):
                if node not in seen:
                    raise _FieldProblem(f"arcs[{i}].{name}", f"unknown node {node!r}")
        for i, com in enumerate(self.commodities):
            for name, node in (("origin", com.origin), ("destination", com.destination)):
                if node not in seen:
                    raise _FieldProblem(f"commodities[{i}].{name}", f"unknown node {node!r}")
        return self

    @classmethod
    def from_mapping(cls, data: object) -> DesignInstance:
        """Validate parsed JSON (a mapping) as an instance, raising ``InvalidInputError``."""
        if not isinstance(data, Mapping):
            raise InvalidInputError("file", "must be a JSON object with nodes, arcs, commodities")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise from_validation_error(exc) from None
        except _FieldProblem as exc:  # pragma: no cover - model_validate raises via __init__
            raise InvalidInputError(exc.field, exc.problem) from None

    def node_index(self) -> dict[NodeId, int]:
        """Map each node id to its position in :attr:`nodes`."""
        return {node: i for i, node in enumerate(self.nodes)}

    def to_json(self) -> dict[str, Any]:
        """Return the instance in the file format :func:`load_instance` reads."""
        return {
            "nodes": list(self.nodes),
            "arcs": [arc.to_json() for arc in self.arcs],
            "commodities": [com.to_json() for com in self.commodities],
        }


def load_instance(source: str | Path | Mapping[str, Any]) -> DesignInstance:
    """Read an instance from a JSON file path, JSON text or an already parsed mapping.

    A ``str`` whose first non-blank character is ``{`` or ``[`` is JSON text, any other
    ``str`` or a :class:`~pathlib.Path` as a file name.

    Raises
    ------
    InvalidInputError
        ``file: no such file: ...``, ``file: not valid JSON: ...`` or the first invalid
        field of the instance.
    """
    if isinstance(source, Mapping):
        return DesignInstance.from_mapping(source)
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text = source
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInputError("file", f"no such file: {path}")
        text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError("file", f"not valid JSON: {exc}") from None
    return DesignInstance.from_mapping(data)
