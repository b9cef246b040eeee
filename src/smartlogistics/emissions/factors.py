"""Emission intensity factors: transport and hub operation categories and fuel factors.

ISO 14083:2023 and the GLEC Framework compute emissions as *activity * intensity*. The
intensities live in a :class:`FactorTable`: transport operation categories (TOC, kg CO2e
per tonne-km or per TEU-km), hub operation categories (HOC, kg CO2e per tonne handled) and
fuel factors (kg CO2e per kg or litre of fuel, for the primary-data method).

Every row says where its numbers come from (``source``, a key of the table's ``sources``
block with the full citation), which edition (``version``) and how far it can be trusted
(``status``):

``verified``
    the figure was seen in the cited source;
``derived``
    computed by plain arithmetic from verified figures (e.g. WTW - TTW);
``unverified``
    not checked against the source, or estimated by us: usable for planning and
    comparison, never to be presented as GLEC's or ISO's value.

A row whose WTW and TTW halves differ in trust carries ``wtw_status`` and ``ttw_status``;
its ``status`` is then the weaker of the two, so a reader who looks at one column only is
never told more than is known.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, PrivateAttr, computed_field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.provenance import check_source_key
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "FactorSource",
    "FactorStatus",
    "FactorTable",
    "FuelFactor",
    "HubOperationCategory",
    "TransportOperationCategory",
    "load_default_factors",
    "load_factor_table",
]

FactorStatus = Literal["verified", "derived", "unverified"]
"""How far a factor can be trusted; mirrors the [V] / [D] / [U] tags of the facts sheet."""

_WEAKNESS: dict[str, int] = {"verified": 0, "derived": 1, "unverified": 2}


def _weakest(*statuses: FactorStatus) -> FactorStatus:
    return max(statuses, key=lambda s: _WEAKNESS[s])


def _check_split(
    status: FactorStatus,
    wtw_status: FactorStatus | None,
    ttw_status: FactorStatus | None,
    wtw: float,
    ttw: float,
    wtw_field: str,
) -> None:
    if ttw > wtw:
        raise InvalidInputError(
            wtw_field, f"WTW {wtw:g} is below TTW {ttw:g}; WTW = WTT + TTW cannot be smaller"
        )
    weakest = _weakest(wtw_status or status, ttw_status or status)
    if weakest != status:
        raise InvalidInputError(
            "status",
            f"must be the weaker of wtw_status and ttw_status ({weakest!r}), got {status!r}",
        )


class FactorSource(ValueObject):
    """A citation that factor rows refer to by key.

    Attributes
    ----------
    citation
        Full bibliographic reference.
    url
        Where it can be read, if public.
    note
        What exactly was taken from it, and how.
    """

    citation: str
    url: str | None = None
    note: str = ""


class TransportOperationCategory(ValueObject):
    """A transport operation category (TOC): a group of similar transport services.

    The intensities are averages over the category's operations and already include
    average load factors and empty running (ISO 14083 §§ 8-9): a shipment's own mass enters
    only through its transport activity (tonne-km or TEU-km).

    Attributes
    ----------
    id
        Stable identifier used in chain files, the CLI and the planner.
    name
        Human-readable description.
    mode
        Transport mode the category belongs to.
    unit
        Unit of transport activity: ``"t_km"`` (tonne-km) or ``"teu_km"`` (TEU-km).
    wtw_kg_per_unit_km
        Well-to-wheel intensity, kg CO2e per unit of activity.
    ttw_kg_per_unit_km
        Tank-to-wheel intensity, kg CO2e per unit of activity.
    source
        Key of the citation in the table's ``sources`` block.
    version
        Edition of the source, e.g. ``"GLEC v3.0 (2023)"``.
    status
        Trust of the row as a whole: the weaker of ``wtw_status`` and ``ttw_status``.
    wtw_status, ttw_status
        Trust of each half where they differ; ``None`` means "same as ``status``".
    note
        How the figures were obtained, in particular for derived and unverified ones.
    """

    id: str
    name: str
    mode: Mode
    unit: Literal["t_km", "teu_km"] = "t_km"
    wtw_kg_per_unit_km: float
    ttw_kg_per_unit_km: float
    source: str
    version: str
    status: FactorStatus
    wtw_status: FactorStatus | None = None
    ttw_status: FactorStatus | None = None
    note: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def wtt_kg_per_unit_km(self) -> float:
        """Well-to-tank intensity, WTW - TTW (fuel production and distribution)."""
        return self.wtw_kg_per_unit_km - self.ttw_kg_per_unit_km

    @model_validator(mode="after")
    def _consistent(self) -> TransportOperationCategory:
        if self.ttw_kg_per_unit_km < 0:
            raise InvalidInputError("ttw_kg_per_unit_km", "must be ≥ 0")
        _check_split(
            self.status,
            self.wtw_status,
            self.ttw_status,
            self.wtw_kg_per_unit_km,
            self.ttw_kg_per_unit_km,
            "wtw_kg_per_unit_km",
        )
        return self


class HubOperationCategory(ValueObject):
    """A hub operation category (HOC): transshipment, storage... at a hub.

    Hub emissions are per tonne of throughput (ISO 14083 § 10): the tonnes handled, not
    tonne-km.

    Attributes
    ----------
    id, name
        Identifier and description.
    wtw_kg_per_tonne, ttw_kg_per_tonne
        Well-to-wheel and tank-to-wheel intensity, kg CO2e per tonne handled.
    source, version, status, wtw_status, ttw_status, note
        As for :class:`TransportOperationCategory`.
    """

    id: str
    name: str
    wtw_kg_per_tonne: float
    ttw_kg_per_tonne: float
    source: str
    version: str
    status: FactorStatus
    wtw_status: FactorStatus | None = None
    ttw_status: FactorStatus | None = None
    note: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def wtt_kg_per_tonne(self) -> float:
        """Well-to-tank intensity, WTW - TTW."""
        return self.wtw_kg_per_tonne - self.ttw_kg_per_tonne

    @model_validator(mode="after")
    def _consistent(self) -> HubOperationCategory:
        if self.ttw_kg_per_tonne < 0:
            raise InvalidInputError("ttw_kg_per_tonne", "must be ≥ 0")
        _check_split(
            self.status,
            self.wtw_status,
            self.ttw_status,
            self.wtw_kg_per_tonne,
            self.ttw_kg_per_tonne,
            "wtw_kg_per_tonne",
        )
        return self


class FuelFactor(ValueObject):
    """Emission factor of a fuel, for the primary-data (fuel-based) method.

    Attributes
    ----------
    id, name
        Identifier and description.
    unit
        Unit the fuel is measured in: ``"kg"`` or ``"l"`` (litre).
    ttw_kg_co2e_per_unit, wtw_kg_co2e_per_unit
        Tank-to-wheel and well-to-wheel emissions per unit of fuel, kg CO2e (or kg CO2
        where the note says the source gives CO2 only).
    source, status, note
        As for :class:`TransportOperationCategory`.
    """

    id: str
    name: str
    unit: Literal["kg", "l"]
    ttw_kg_co2e_per_unit: float
    wtw_kg_co2e_per_unit: float
    source: str
    status: FactorStatus
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> FuelFactor:
        if self.ttw_kg_co2e_per_unit < 0:
            raise InvalidInputError("ttw_kg_co2e_per_unit", "must be ≥ 0")
        if self.ttw_kg_co2e_per_unit > self.wtw_kg_co2e_per_unit:
            raise InvalidInputError(
                "wtw_kg_co2e_per_unit", "is below ttw_kg_co2e_per_unit; WTW = WTT + TTW"
            )
        return self


def _unknown(kind: str, key: str, known: dict[str, Any]) -> InvalidInputError:
    return InvalidInputError(
        "category" if kind != "fuel" else "fuel",
        f"unknown {kind} {key!r}; known: {', '.join(sorted(known))}",
    )


class FactorTable(ValueObject):
    """A complete set of intensities: the defaults shipped with the platform or a user's own.

    Attributes
    ----------
    sources
        Citations, by key; every row's ``source`` must be one of them.
    default_tocs
        The transport operation category used for a leg of each mode that names none.
    default_hoc
        The hub operation category used for a hub operation that names none.
    tocs, hocs, fuels
        The rows.

    Notes
    -----
    Look-ups by id are dictionary look-ups built once at construction: a chain of ten
    thousand elements costs ten thousand of them, nothing more.
    """

    sources: dict[str, FactorSource]
    default_tocs: dict[Mode, str] = Field(default_factory=dict)
    default_hoc: str | None = None
    tocs: tuple[TransportOperationCategory, ...] = ()
    hocs: tuple[HubOperationCategory, ...] = ()
    fuels: tuple[FuelFactor, ...] = ()

    _toc_by_id: dict[str, TransportOperationCategory] = PrivateAttr(default_factory=dict)
    _hoc_by_id: dict[str, HubOperationCategory] = PrivateAttr(default_factory=dict)
    _fuel_by_id: dict[str, FuelFactor] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> FactorTable:
        groups: list[
            tuple[str, tuple[TransportOperationCategory | HubOperationCategory | FuelFactor, ...]]
        ] = [
            ("tocs", self.tocs),
            ("hocs", self.hocs),
            ("fuels", self.fuels),
        ]
        for name, rows in groups:
            seen: set[str] = set()
            for i, row in enumerate(rows):
                if row.id in seen:
                    raise InvalidInputError(f"{name}[{i}].id", f"duplicate id {row.id!r}")
                seen.add(row.id)
                check_source_key(row.source, self.sources, f"{name}[{i}].source")
        tocs = {t.id: t for t in self.tocs}
        for mode, toc_id in self.default_tocs.items():
            toc = tocs.get(toc_id)
            if toc is None:
                raise InvalidInputError(
                    f"default_tocs.{mode.value}",
                    f"unknown transport operation category {toc_id!r}",
                )
            if toc.mode is not mode:
                raise InvalidInputError(
                    f"default_tocs.{mode.value}",
                    f"category {toc_id!r} is for mode {toc.mode.value}, not {mode.value}",
                )
        if self.default_hoc is not None and self.default_hoc not in {h.id for h in self.hocs}:
            raise InvalidInputError(
                "default_hoc", f"unknown hub operation category {self.default_hoc!r}"
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Build the id indexes."""
        self._toc_by_id = {t.id: t for t in self.tocs}
        self._hoc_by_id = {h.id: h for h in self.hocs}
        self._fuel_by_id = {f.id: f for f in self.fuels}

    def toc(self, category: str) -> TransportOperationCategory:
        """Return the transport operation category ``category``.

        Raises
        ------
        InvalidInputError
            On field ``category`` when the table has no such row; the message lists the
            known ids so a user can correct a typo.
        """
        try:
            return self._toc_by_id[category]
        except KeyError:
            raise _unknown("transport operation category", category, self._toc_by_id) from None

    def hoc(self, category: str) -> HubOperationCategory:
        """Return the hub operation category ``category`` (error on field ``category``)."""
        try:
            return self._hoc_by_id[category]
        except KeyError:
            raise _unknown("hub operation category", category, self._hoc_by_id) from None

    def fuel(self, fuel: str) -> FuelFactor:
        """Return the fuel factor ``fuel`` (error on field ``fuel``)."""
        try:
            return self._fuel_by_id[fuel]
        except KeyError:
            raise _unknown("fuel", fuel, self._fuel_by_id) from None

    def default_toc(self, mode: Mode) -> TransportOperationCategory:
        """Return the category used for a leg of ``mode`` that names none.

        Raises
        ------
        InvalidInputError
            On field ``category`` when this table has no default for the mode.
        """
        toc_id = self.default_tocs.get(mode)
        if toc_id is None:
            raise InvalidInputError(
                "category",
                f"this factor table has no default category for mode {mode.value}; name one",
            )
        return self._toc_by_id[toc_id]

    def default_hub(self) -> HubOperationCategory:
        """Return the category used for a hub operation that names none."""
        if self.default_hoc is None:
            raise InvalidInputError(
                "category", "this factor table has no default hub operation category; name one"
            )
        return self._hoc_by_id[self.default_hoc]

    def citation(self, source: str) -> str:
        """Return the full citation of source key ``source`` (empty string if unknown)."""
        found = self.sources.get(source)
        return found.citation if found is not None else ""


def _parse_table(data: object) -> FactorTable:
    if not isinstance(data, dict):
        raise InvalidInputError("file", "a factor table must be a mapping at the top level")
    return parse_model(FactorTable, data)


def _yaml_error(exc: yaml.YAMLError) -> InvalidInputError:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1} column {mark.column + 1}: " if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return InvalidInputError("file", f"not valid YAML: {where}{problem}")


@functools.lru_cache(maxsize=1)
def load_default_factors() -> FactorTable:
    """Return the platform's default factor table (package data, read once).

    The table is ``smartlogistics/emissions/data/factors.yaml``; ``docs/emissions.md``
    explains the provenance of every row.
    """
    text = (
        resources.files("smartlogistics.emissions")
        .joinpath("data/factors.yaml")
        .read_text(encoding="utf-8")
    )
    return _parse_table(yaml.safe_load(text))


def load_factor_table(path: str | Path) -> FactorTable:
    """Read a user's own factor table, in the format of the default one.

    Parameters
    ----------
    path
        YAML file with ``sources``, ``default_tocs``, ``default_hoc``, ``tocs``, ``hocs``
        and ``fuels`` (all but ``sources`` optional).

    Raises
    ------
    InvalidInputError
        Naming the row and field, e.g. ``tocs[3].wtw_kg_per_unit_km``; ``file`` when the
        file cannot be read or is not YAML.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError("file", f"cannot read {str(path)!r}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None
    return _parse_table(data)
