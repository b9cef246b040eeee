"""Column spec of a tabular inspection history and the inference of column types.

The risk model trains on *any* table of past declarations with inspection outcomes, so it
cannot know the columns in advance. The user names the roles (label, and optionally id,
date and value at stake), may exclude columns and may force a column to be categorical or
numeric; every other column's kind is inferred here from its name and the shape of its
values:

``numeric``
    Numbers that mean a quantity (weights, values, pieces).
``categorical``
    Codes and names: offices, HS codes, countries, airports, carriers, flights, parties.
    Numeric-looking codes stay codes: digit strings with leading zeros, fixed-length
    alphanumerics, columns whose name says "code" or names a party.
``list``
    Separated lists of codes, such as a routing ``"PVG;DXB;AMS"``.
``text``
    Free text such as a goods description.
``date``
    Dates and timestamps.
``ignored``
    Columns that carry no learnable signal: constant, unique per row, or empty.

Why by hand: a model that treats an HS code as a number splits "080450" < "080510" as if
the order meant something, and one that treats a unique waybill number as a category
learns noise. The inference is deliberately simple and explainable; the artifact records
the kind of every column, so a user sees what was decided and can override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from smartlogistics.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_EXCLUDE",
    "ColumnKind",
    "ColumnPlan",
    "ColumnSpec",
    "infer_columns",
    "is_hs_like",
    "parse_label",
]

ColumnKind = Literal["numeric", "categorical", "list", "text", "date", "ignored"]

#: Columns left out of the features when present, unless named in ``--categorical`` or
#: ``--numeric``: the generator's synthetic marker is constant and says nothing.
DEFAULT_EXCLUDE = ("is_synthetic",)

# Name hints, matched against the lower-cased name split into words ("consignor_country"
# -> {"consignor", "country"}); a hint also matches as a prefix of a word ("hscode").
_CODE_HINTS = (
    "code",
    "hs",
    "cn",
    "tariff",
    "office",
    "country",
    "airport",
    "port",
    "origin",
    "destination",
    "carrier",
    "airline",
    "flight",
    "declarant",
    "broker",
    "agent",
    "consignor",
    "consignee",
    "shipper",
    "importer",
    "exporter",
    "party",
    "eori",
    "tin",
    "vat",
    "currency",
    "mode",
    "type",
    "id",
    "awb",
    "routing",
    "route",
)
_TEXT_HINTS = ("description", "desc", "goods", "remark", "remarks", "text", "comment", "note")
_DATE_HINTS = ("date", "time", "timestamp", "at", "day", "filed", "created")
_HS_HINTS = ("hs", "hscode", "tariff", "commodity", "cn", "taric")

_LIST_SEPARATORS = (";", "|")
_DATE_SHAPE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_CODE_TOKEN = re.compile(r"^[A-Z0-9]{2,5}$")
_SAMPLE = 5000  # values looked at per column when inferring its shape

_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y"})
_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n"})


@dataclass(frozen=True)
class ColumnSpec:
    """The roles of a history's columns, as given by the user.

    Parameters
    ----------
    label
        The inspection outcome: 1/0 or boolean-like (true/false, yes/no, y/n, t/f).
    id
        A row identifier: kept out of the features.
    date
        When the declaration was made: validation is then time-ordered (train on the
        earliest part, validate on the strictly later part).
    value
        Value at stake of a positive (evaded duty, say): used for the revenue metric and
        never as a feature, since it is only known after an inspection.
    exclude
        Columns left out of the features.
    categorical, numeric
        Columns whose inferred kind is overridden.
    """

    label: str
    id: str | None = None
    date: str | None = None
    value: str | None = None
    exclude: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()

    def check(self, columns: list[str], *, where: str = "data") -> None:
        """Refuse a spec that names a column the table lacks or names one twice.

        Raises
        ------
        InvalidInputError
            ``"--exclude: unknown column 'x' (data has: a, b, ...)"`` and the like; the
            CLI's option names are the fields, since that is what the user typed.
        """
        known = set(columns)
        shown = ", ".join(columns[:30]) + (", ..." if len(columns) > 30 else "")
        if self.label not in known:
            raise InvalidInputError(
                "--label", f"{where} has no label column {self.label!r} (it has: {shown})"
            )
        for option, name in (("--id", self.id), ("--date", self.date), ("--value", self.value)):
            if name is not None and name not in known:
                raise InvalidInputError(option, f"{where} has no column {name!r} (it has: {shown})")
        for option, names in (
            ("--exclude", self.exclude),
            ("--categorical", self.categorical),
            ("--numeric", self.numeric),
        ):
            for name in names:
                if name not in known:
                    raise InvalidInputError(option, f"unknown column {name!r} (data has: {shown})")
        both = sorted(set(self.categorical) & set(self.numeric))
        if both:
            raise InvalidInputError("--numeric", f"{both[0]!r} is also given as --categorical")
        roles = [n for n in (self.label, self.id, self.date, self.value) if n is not None]
        if len(set(roles)) != len(roles):
            raise InvalidInputError(
                "--label", "label, id, date and value must be different columns"
            )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, for the artifact."""
        return {
            "label": self.label,
            "id": self.id,
            "date": self.date,
            "value": self.value,
            "exclude": list(self.exclude),
            "categorical": list(self.categorical),
            "numeric": list(self.numeric),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnSpec:
        """Inverse of :meth:`to_json`."""
        return cls(
            label=data["label"],
            id=data["id"],
            date=data["date"],
            value=data["value"],
            exclude=tuple(data["exclude"]),
            categorical=tuple(data["categorical"]),
            numeric=tuple(data["numeric"]),
        )


@dataclass(frozen=True)
class ColumnPlan:
    """What the model does with one input column.

    Parameters
    ----------
    name
        The column's name as in the data (may contain spaces).
    kind
        Its kind (see the module docstring).
    reason
        Why: ``"name hint"``, ``"leading zeros"``, ``"--categorical"``, ...; shown to users.
    hs
        An HS-like code column: it also yields chapter (2 digits), heading (4) and
        subheading (6) features.
    separator
        For ``list`` columns, the separator.
    """

    name: str
    kind: ColumnKind
    reason: str
    hs: bool = False
    separator: str = field(default="")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, for the artifact."""
        return {
            "name": self.name,
            "kind": self.kind,
            "reason": self.reason,
            "hs": self.hs,
            "separator": self.separator,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnPlan:
        """Inverse of :meth:`to_json`."""
        return cls(data["name"], data["kind"], data["reason"], data["hs"], data["separator"])


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", _split_camel(name).lower()) if w]


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name)


def _has_hint(name: str, hints: tuple[str, ...]) -> bool:
    words = _words(name)
    return any(w == h or (len(h) >= 4 and w.startswith(h)) for w in words for h in hints)


def is_hs_like(name: str, values: pd.Series[str] | None = None) -> bool:
    """Whether a column holds HS (or CN/TARIC) codes: by name, checked on the values.

    A column is HS-like when its name has an HS hint (``hs``, ``hs_code``, ``tariff``,
    ``commodity``, ``cn``, ``taric``) and, when values are given, most non-empty values
    are 4 to 10 digits.
    """
    if not _has_hint(name, _HS_HINTS):
        return False
    if values is None:
        return True
    sample = values.dropna().head(_SAMPLE).astype(str).str.replace(r"[ .]", "", regex=True)
    if sample.empty:
        return False
    return bool(sample.str.fullmatch(r"\d{4,10}").mean() >= 0.9)


def parse_label(values: pd.Series[str], column: str) -> pd.Series[int]:
    """Read a label column: 1/0 or boolean-like, nothing else, no gaps.

    Raises
    ------
    InvalidInputError
        Naming the column and the first offending data row (1-based, header not counted).
    """
    import pandas as pd

    text = values.astype("string").str.strip().str.lower()
    ones = text.isin(_TRUE)
    zeros = text.isin(_FALSE)
    bad = ~(ones | zeros)
    if bool(bad.any()):
        pos = int(bad.to_numpy().nonzero()[0][0])
        raw = values.iloc[pos]
        shown = "empty" if raw is None or (isinstance(raw, float) and raw != raw) else repr(raw)
        raise InvalidInputError(
            column, f"label must be 0/1 or boolean-like; data row {pos + 1} is {shown}"
        )
    return pd.Series(ones.to_numpy(dtype=bool).astype("int64"), index=values.index, name=column)


def infer_columns(df: pd.DataFrame, spec: ColumnSpec) -> list[ColumnPlan]:
    """Decide the kind of every column of a training table.

    Parameters
    ----------
    df
        The training table as read (values as strings or numbers).
    spec
        The user's roles and overrides; checked against the table first.

    Returns
    -------
    list[ColumnPlan]
        One plan per column, in table order; role columns (label, id, value) and excluded
        columns are ``ignored`` with the reason, the date column is ``date``.
    """
    columns = [str(c) for c in df.columns]
    spec.check(columns)
    forced_cat = set(spec.categorical)
    forced_num = set(spec.numeric)
    excluded = set(spec.exclude) | (set(DEFAULT_EXCLUDE) - forced_cat - forced_num)
    plans: list[ColumnPlan] = []
    for name in columns:
        series = df[name]
        if name == spec.label:
            plans.append(ColumnPlan(name, "ignored", "label"))
        elif name == spec.id:
            plans.append(ColumnPlan(name, "ignored", "id"))
        elif name == spec.value:
            plans.append(ColumnPlan(name, "ignored", "value at stake (never a feature)"))
        elif name == spec.date:
            plans.append(ColumnPlan(name, "date", "--date"))
        elif name in excluded:
            plans.append(ColumnPlan(name, "ignored", "excluded"))
        elif name in forced_cat:
            plans.append(ColumnPlan(name, "categorical", "--categorical", hs=is_hs_like(name)))
        elif name in forced_num:
            _check_numeric(series, name)
            plans.append(ColumnPlan(name, "numeric", "--numeric"))
        else:
            plans.append(_infer_one(name, series))
    return plans


def _check_numeric(series: pd.Series[Any], name: str) -> None:
    import pandas as pd

    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bool(bad.any()):
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InvalidInputError(
            "--numeric",
            f"column {name!r} is not numeric: data row {pos + 1} is {series.iloc[pos]!r}",
        )


def _infer_one(name: str, series: pd.Series[Any]) -> ColumnPlan:
    import pandas as pd

    present = series.dropna()
    if present.dtype == object or pd.api.types.is_string_dtype(present.dtype):
        present = present.astype(str).str.strip()
        present = present[present != ""]
    n = len(present)
    if n == 0:
        return ColumnPlan(name, "ignored", "empty")
    sample = present.head(_SAMPLE)
    distinct = int(present.nunique())
    if distinct == 1:
        return ColumnPlan(name, "ignored", "constant")
    if pd.api.types.is_bool_dtype(series.dtype):
        return ColumnPlan(name, "numeric", "boolean")
    code_hint = _has_hint(name, _CODE_HINTS)
    if pd.api.types.is_numeric_dtype(present.dtype):
        if code_hint:
            return ColumnPlan(name, "categorical", "name hint", hs=is_hs_like(name))
        return ColumnPlan(name, "numeric", "numbers")
    text = sample.astype(str)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().mean() >= 0.98:
        return _numeric_looking(name, text, distinct, n, code_hint)
    if _has_hint(name, _DATE_HINTS) or text.str.match(_DATE_SHAPE).mean() >= 0.9:
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
        if parsed.notna().mean() >= 0.98:
            return ColumnPlan(name, "date", "dates")
    for sep in _LIST_SEPARATORS:
        if text.str.contains(sep, regex=False).mean() >= 0.2:
            tokens = text.str.split(sep, regex=False).explode().str.strip().str.upper()
            if tokens.str.fullmatch(_CODE_TOKEN).mean() >= 0.9:
                return ColumnPlan(name, "list", f"{sep!r}-separated codes", separator=sep)
    tokens_per_value = float(text.str.count(r"\S+").mean())
    if _has_hint(name, _TEXT_HINTS) and not code_hint:
        return ColumnPlan(name, "text", "name hint")
    if distinct >= 0.95 * n and n >= 10:
        return ColumnPlan(name, "ignored", "unique per row (an identifier)")
    if not code_hint and tokens_per_value >= 3 and distinct >= 0.5 * n:
        return ColumnPlan(name, "text", "free text")
    return ColumnPlan(name, "categorical", "name hint" if code_hint else "labels")


def _numeric_looking(
    name: str, text: pd.Series[str], distinct: int, n: int, code_hint: bool
) -> ColumnPlan:
    if is_hs_like(name, text):
        return ColumnPlan(name, "categorical", "HS code", hs=True)
    leading = text.str.match(r"^0\d").mean()
    if leading >= 0.01:
        return ColumnPlan(name, "categorical", "leading zeros", hs=is_hs_like(name, text))
    if code_hint:
        if distinct >= 0.95 * n and n >= 10:
            return ColumnPlan(name, "ignored", "unique per row (an identifier)")
        return ColumnPlan(name, "categorical", "name hint")
    lengths = text.str.len()
    integral = bool(text.str.fullmatch(r"-?\d+").all())
    if integral and lengths.nunique() == 1 and int(lengths.iloc[0]) >= 4 and distinct <= 0.5 * n:
        return ColumnPlan(name, "categorical", "fixed-length digit codes")
    return ColumnPlan(name, "numeric", "numbers")
