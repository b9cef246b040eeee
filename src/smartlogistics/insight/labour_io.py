"""Analysts' own tables for the labour model: CSV (or JSON) files replacing the defaults.

Each table of :class:`~smartlogistics.insight.labour_data.LabourData` can be replaced
by a file with the columns below (``docs/insight.md`` has examples). A header may carry
the unit in brackets (``share [1]``, ``education_inflow [persons/year]``); a unit other
than the expected one is refused, never converted. Every error names the file, the line
and the column: ``age.csv: line 4, column 'share': expected a number, not 'n/a'``; a
rule that spans rows (shares that do not add up to one) names the file and the table.

A ``source`` column is optional; a row without one is cited as ``user: <file name>``
(the ``user`` source: "tables supplied by the analyst").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._table import Column, Row, TableSpec, check_unit, read_rows
from smartlogistics.insight.labour_data import (
    AgeBandShare,
    GrowthRate,
    InflowAgeShare,
    LabourData,
    MixShare,
    Occupation,
    RetirementRate,
    Segment,
    TurnoverRate,
    default_labour_data,
)
from smartlogistics.provenance import Source
from smartlogistics.values import ValueObject

__all__ = ["LABOUR_TABLES", "load_labour_tables", "read_volumes"]

_SOURCE = Column("source", "text", required=False)
_AGES = (Column("age_from", "integer", "years"), Column("age_to", "integer", "years"))

#: Each replaceable table: its columns and the row model.
LABOUR_TABLES: Mapping[str, tuple[TableSpec, type[ValueObject]]] = {
    "segments": (
        TableSpec("segment", "segments", "segments", (
            Column("id", "text"), Column("name", "text"), Column("unit", "text"),
            Column("base_throughput"), Column("base_jobs", unit="persons"), _SOURCE,
        )),
        Segment,
    ),
    "occupations": (
        TableSpec("occupation", "occupations", "occupations", (
            Column("id", "text"), Column("name", "text"),
            Column("training_years", unit="years"), Column("vacancy_rate", unit="1"),
            Column("automation_rate", unit="1/year"),
            Column("education_inflow", unit="persons/year"),
            Column("migration_inflow", unit="persons/year"), _SOURCE,
        )),
        Occupation,
    ),
    "occupation_mix": (
        TableSpec("share", "occupation mix", "occupation_mix", (
            Column("segment", "text"), Column("occupation", "text"),
            Column("share", unit="1"), _SOURCE,
        )),
        MixShare,
    ),
    "age_profile": (
        TableSpec("band", "age profile", "age_profile", (
            Column("occupation", "text"), *_AGES, Column("share", unit="1"), _SOURCE,
        )),
        AgeBandShare,
    ),
    "turnover": (
        TableSpec("band", "turnover", "turnover", (
            Column("occupation", "text"), *_AGES, Column("rate", unit="1/year"), _SOURCE,
        )),
        TurnoverRate,
    ),
    "retirement": (
        TableSpec("age", "retirement", "retirement", (
            Column("age", "integer", "years"), Column("probability", unit="1/year"), _SOURCE,
        )),
        RetirementRate,
    ),
    "growth": (
        TableSpec("rate", "growth", "growth", (
            Column("segment", "text"), Column("from_year", "integer"),
            Column("to_year", "integer"), Column("rate", unit="1/year"), _SOURCE,
        )),
        GrowthRate,
    ),
    "inflow_ages": (
        TableSpec("band", "inflow ages", "inflow_ages", (
            Column("channel", "text"), *_AGES, Column("share", unit="1"), _SOURCE,
        )),
        InflowAgeShare,
    ),
}  # fmt: skip

_USER = Source(id="user", author="the analyst", title="Tables supplied by the analyst")
_ROW_FIELD = re.compile(r"^(?P<table>\w+)\[(?P<index>\d+)\](?:\.(?P<column>\w+))?$")


def load_labour_tables(
    tables: Mapping[str, str | Path], base: LabourData | None = None
) -> LabourData:
    """Replace tables of ``base`` by the analyst's files.

    Parameters
    ----------
    tables
        ``{table name: file}``; names are the keys of :data:`LABOUR_TABLES`.
    base
        The tables kept where none is given (default: the packaged ones).

    Returns
    -------
    LabourData
        Checked as a whole: a file whose rows break a cross-table rule is named.

    Raises
    ------
    InvalidInputError
        ``table`` for an unknown table name; the file name with ``line N, column 'c'``
        for a bad cell, header or unit; the file name and the rule otherwise.
    """
    base = base or default_labour_data()
    replaced: dict[str, tuple[Any, ...]] = {}
    lines: dict[str, tuple[str, list[Row]]] = {}
    for name, path in tables.items():
        if name not in LABOUR_TABLES:
            raise InvalidInputError(
                "table", f"unknown table {name!r}; known: {', '.join(LABOUR_TABLES)}"
            )
        spec, model = LABOUR_TABLES[name]
        file = str(path)
        rows = read_rows(spec, path)
        if not rows:
            raise InvalidInputError(file, "has no rows")
        replaced[name] = tuple(_row_model(model, row, file) for row in rows)
        lines[name] = (file, rows)
    sources = dict(base.sources)
    if replaced:
        sources.setdefault("user", _USER)
    try:
        return base.replace(sources=sources, **replaced)
    except InvalidInputError as err:
        raise _blame(err, lines) from None


def read_volumes(path: str | Path, data: LabourData | None = None) -> dict[str, float]:
    """Read annual volumes per segment (``segment,volume,unit``), e.g. from the twin.

    The ``unit`` of each row must be the segment's unit (``t/year``), so that tonnes are
    never read as TEU.

    Returns
    -------
    dict
        ``{segment: volume}`` to pass as the scenario's ``volumes``.

    Raises
    ------
    InvalidInputError
        The file name with ``line N, column 'c'`` for an unknown segment, a repeated one,
        a wrong unit or a bad number.
    """
    data = data or default_labour_data()
    spec = TableSpec("volume", "volumes", "volumes", (
        Column("segment", "text"), Column("volume"), Column("unit", "text"),
    ))  # fmt: skip
    file = str(path)
    segments = {s.id: s for s in data.segments}
    out: dict[str, float] = {}
    for row in read_rows(spec, path):
        seg = segments.get(row.text("segment"))
        if seg is None:
            raise InvalidInputError(
                file,
                f"{row.at('segment')}: unknown segment {row.text('segment')!r};"
                f" known: {', '.join(segments)}",
            )
        check_unit(row, "unit", seg.unit, file)
        if seg.id in out:
            raise InvalidInputError(file, f"{row.at('segment')}: {seg.id!r} given twice")
        if row.number("volume") <= 0:
            raise InvalidInputError(file, f"{row.at('volume')}: must be positive")
        out[seg.id] = row.number("volume")
    if not out:
        raise InvalidInputError(file, "has no rows")
    return out


def _row_model(model: type[ValueObject], row: Row, file: str) -> ValueObject:
    values = dict(row.values)
    if values.get("source") is None:
        values["source"] = f"user: {Path(file).name.replace(';', ',')}"
    try:
        return model(**values)
    except InvalidInputError as err:
        raise InvalidInputError(file, f"{row.at(err.field or None)}: {err.problem}") from None


def _blame(err: InvalidInputError, lines: Mapping[str, tuple[str, list[Row]]]) -> InvalidInputError:
    """Name the file (and line) of a cross-table problem in a replaced table."""
    table = err.field.split("[")[0].split(".")[0]
    if table not in lines:
        return err
    file, rows = lines[table]
    match = _ROW_FIELD.match(err.field)
    if match and int(match["index"]) < len(rows):
        row = rows[int(match["index"])]
        return InvalidInputError(file, f"{row.at(match['column'])}: {err.problem}")
    return InvalidInputError(file, f"{table}: {err.problem}")
