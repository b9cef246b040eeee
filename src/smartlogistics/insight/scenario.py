"""Scenarios of the labour model: named parameters that override the defaults.

A scenario file (YAML or JSON) is a mapping of a few named parameters; anything not
named keeps its default, and an unknown name is an error (a typo must not silently run
the default). The parameters:

``name``
    A label for the output.
``growth_shift``
    Added to every segment's annual growth rate (``0.01`` = one point faster).
``growth``
    ``{segment: rate}``: a segment's annual growth rate for every projected year,
    replacing its growth path (``growth_shift`` still adds to it).
``automation_pace``
    Multiplies every occupation's automation rate (``0`` = no automation, ``2`` = twice
    as fast).
``retirement_age_shift``
    Whole years by which the retirement profile moves (``2`` = everyone retires two
    years later).
``education_inflow_scale``, ``migration_inflow_scale``
    Multiply the inflow from education and from migration.
``turnover_scale``
    Multiplies every turnover rate.
``gap_threshold``
    Gap as a share of demand from which a year counts as a bottleneck year.
``volumes``
    ``{segment: annual volume}`` in the segment's unit, replacing the base-year
    throughput (for example the digital twin's annualised volumes); the growth paths
    apply from there, the intensities stay calibrated on the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import ValueObject, parse_model

__all__ = ["SCENARIO_PARAMETERS", "Scenario", "load_scenario", "scenario_from_mapping"]


class Scenario(ValueObject):
    """Overrides of the labour model's defaults (see the module docstring)."""

    name: Annotated[str, Field(min_length=1)] = "default"
    growth_shift: Annotated[float, Field(gt=-1, le=1)] = 0.0
    growth: dict[str, Annotated[float, Field(gt=-1, le=1)]] = Field(default_factory=dict)
    automation_pace: Annotated[float, Field(ge=0, le=10)] = 1.0
    retirement_age_shift: Annotated[int, Field(ge=-10, le=10)] = 0
    education_inflow_scale: Annotated[float, Field(ge=0, le=100)] = 1.0
    migration_inflow_scale: Annotated[float, Field(ge=0, le=100)] = 1.0
    turnover_scale: Annotated[float, Field(ge=0, le=100)] = 1.0
    gap_threshold: Annotated[float, Field(gt=0, le=1)] = 0.10
    volumes: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the scenario's parameters as plain JSON."""
        return self.model_dump(mode="json")


#: The parameter names a scenario file may use.
SCENARIO_PARAMETERS: tuple[str, ...] = tuple(Scenario.model_fields)


def scenario_from_mapping(doc: object, where: str = "scenario") -> Scenario:
    """Validate a scenario mapping; an unknown parameter is named.

    Parameters
    ----------
    doc
        The mapping read from the file (or given by a caller).
    where
        Name of the document in messages (the file name).

    Raises
    ------
    InvalidInputError
        ``<where>``: ``unknown parameter 'x'; known: ...``, or the path of a bad value
        (``<where>.automation_pace``).
    """
    if doc is None:
        return Scenario()
    if not isinstance(doc, Mapping):
        raise InvalidInputError(where, "expected a mapping of parameter names to values")
    for key in doc:
        if key not in SCENARIO_PARAMETERS:
            raise InvalidInputError(
                where, f"unknown parameter {key!r}; known: {', '.join(SCENARIO_PARAMETERS)}"
            )
    return parse_model(Scenario, dict(doc), where)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a YAML or JSON file (JSON is read as YAML).

    Raises
    ------
    InvalidInputError
        The file name for an unreadable or malformed file or an unknown parameter; the
        file name and parameter (``s.yaml.automation_pace``) for a bad value.
    """
    import yaml

    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(str(target), "no such file") from None
    except OSError as exc:
        raise InvalidInputError(str(target), f"cannot read it: {exc.strerror}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(str(target), f"not valid YAML or JSON: {exc}") from None
    return scenario_from_mapping(doc, str(target))
