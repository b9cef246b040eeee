"""Features from a history's columns: encoders fitted on the training part only.

Each input column (or pair of columns) becomes one *block* of features. A block is fitted
on the training rows only, stores what it learnt as plain JSON (so the artifact reloads
exactly), and transforms any later frame the same way; values it never saw map to
"unknown", which LightGBM treats as missing. Every feature names the *group* it explains,
an input column or a derived pair, so that per-feature contributions can be added back to
what an officer recognises (``description``, ``declared_value per gross_weight_kg``).

Blocks
------
numeric
    The number as is (unparseable → missing).
native categorical
    Low-cardinality codes (≤ ``NATIVE_MAX`` distinct in training): LightGBM's own
    categorical splits over a fixed, stored category → integer mapping.
target + frequency encoding
    High-cardinality codes (parties, flights, HS headings): the smoothed share of
    positives of the code and its log count in training. On the training rows the share
    is *out of fold* (K folds within train), so a row never sees its own label.
HS hierarchy
    From an HS-like column: chapter (2 digits), heading (4) and subheading (6), each as a
    categorical of the right cardinality.
list
    Separated codes (a routing): number of items and a 0/1 flag per frequent item, plus
    the whole list as a categorical.
text
    Length, token count, share of digits, 0/1 flags for a small vocabulary of the most
    informative tokens, and — when an HS column exists — how well the words fit the
    declared chapter (``p(chapter | token)`` fitted on training), which catches goods
    described as something their code is not.
date
    Day of week and hour.
ratio
    Unit values by name hints (value / weight, value / pieces, weight / pieces), and the
    log unit value against the median of its HS chapter in training (undervaluation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from smartlogistics.smartgate.model.spec import ColumnPlan

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = [
    "NATIVE_MAX",
    "Columns",
    "FeatureEncoder",
    "FeatureInfo",
    "category_keys",
    "coverage",
    "numbers",
    "parse_dates",
]

#: Most distinct training values a code may have to be a native LightGBM categorical.
NATIVE_MAX = 100
#: Folds of the out-of-fold target encoding within the training rows.
TE_FOLDS = 5
#: Smoothing weight (pseudo-count at the prior) of the target encoding.
TE_SMOOTHING = 20.0
#: Informative tokens kept per text column; frequent items kept per list column.
TEXT_VOCAB = 40
LIST_VOCAB = 30
#: Tokens whose chapter distribution is kept for the description/chapter fit.
FIT_VOCAB = 5000

_VALUE_HINTS = ("value", "price", "amount", "cif", "fob", "invoice", "worth")
_WEIGHT_HINTS = ("weight", "kg", "mass", "gross", "net", "tonnes")
_COUNT_HINTS = ("pieces", "quantity", "qty", "packages", "count", "units", "pcs", "items")


@dataclass(frozen=True)
class FeatureInfo:
    """One model feature: its name, the group it explains and whether it is categorical."""

    name: str
    group: str
    categorical: bool = False


# --- value normalisation -------------------------------------------------------------------


def category_keys(series: pd.Series[Any]) -> pd.Series[Any]:
    """Values of a code column as stripped strings; missing and empty become NaN.

    Numbers become their shortest text (``80450.0`` → ``"80450"``), so a code given as an
    integer in a JSON record finds the category the CSV spelled the same way.
    """
    import pandas as pd

    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        text = series.str.strip()
    elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    ):
        text = series.map(_number_text, na_action="ignore")
    else:
        text = series.map(_any_text, na_action="ignore")
    out = text.astype(object).where(text.notna() & (text != ""), np.nan)
    return out


def _number_text(value: Any) -> str:
    f = float(value)
    return str(int(f)) if f.is_integer() else repr(f)


def _any_text(value: Any) -> Any:
    if isinstance(value, float):
        return np.nan if math.isnan(value) else _number_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _hashable(value: Any) -> Any:
    """Join list values with ``;`` (the routing convention); leave others as they are."""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def numbers(series: pd.Series[Any]) -> NDArray[np.float64]:
    """Read a column as float64, anything unparseable as NaN."""
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _has_hint(name: str, hints: tuple[str, ...]) -> bool:
    import re

    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    return any(w == h or w.startswith(h) for w in words for h in hints)


# --- the per-transform cache -----------------------------------------------------------------


class Columns:
    """A frame's columns, each factorised once, for every block to share.

    Codes, HS codes, descriptions and routings repeat a lot; blocks compute on the distinct
    values and index the result by row, which is what makes scoring fast. ``unique(col)``
    gives per-row codes into ``keys`` (whose last entry is the missing value).
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.n = len(df)
        self._unique: dict[str, tuple[NDArray[np.int64], pd.Series[Any]]] = {}
        self._numbers: dict[str, NDArray[np.float64]] = {}
        self._tokens: dict[str, tuple[NDArray[np.int64], NDArray[Any]]] = {}
        self._prefix: dict[tuple[str, int], pd.Series[Any]] = {}

    def unique(self, column: str) -> tuple[NDArray[np.int64], pd.Series[Any]]:
        """Per-row codes and the distinct keys (stripped text; last entry missing)."""
        if column not in self._unique:
            import pandas as pd

            series = self.df[column]
            try:
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
            except TypeError:  # lists (a routing as ["PVG", "AMS"]) are not hashable
                series = series.map(_hashable)
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
            keys = category_keys(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
            keys = pd.concat([keys, pd.Series([np.nan], dtype=object)], ignore_index=True)
            codes = np.where(codes < 0, len(keys) - 1, codes).astype(np.int64)
            self._unique[column] = (codes, keys)
        return self._unique[column]

    def keys(self, column: str, prefix: int = 0) -> pd.Series[Any]:
        """Distinct keys of a column, or their first ``prefix`` digits (HS levels)."""
        _, keys = self.unique(column)
        if prefix == 0:
            return keys
        if (column, prefix) not in self._prefix:
            digits = keys.str.replace(r"[^0-9]", "", regex=True)
            cut = digits.str.slice(0, prefix)
            self._prefix[column, prefix] = cut.where(digits.str.len() >= prefix, np.nan)
        return self._prefix[column, prefix]

    def take(self, column: str, per_key: NDArray[np.float64]) -> NDArray[np.float64]:
        """Spread a per-distinct-key array (rows or a matrix) back to the frame's rows."""
        codes, _ = self.unique(column)
        return per_key[codes]

    def row_codes(self, column: str, prefix: int = 0) -> tuple[NDArray[np.int64], list[str]]:
        """Per-row codes of the (prefixed) keys, deduplicated; -1 = missing."""
        import pandas as pd

        codes, _ = self.unique(column)
        kc, uniq = pd.factorize(self.keys(column, prefix), use_na_sentinel=True)
        return kc[codes].astype(np.int64), [str(u) for u in uniq]

    def numbers(self, column: str) -> NDArray[np.float64]:
        """Read a column as float64 (unparseable → NaN), once."""
        if column not in self._numbers:
            self._numbers[column] = numbers(self.df[column])
        return self._numbers[column]

    def tokens(self, column: str) -> tuple[NDArray[np.int64], NDArray[Any]]:
        """Tokens of the distinct keys: CSR offsets (len keys + 1) and the flat tokens."""
        if column not in self._tokens:
            keys = self.keys(column)
            lists = keys.fillna("").astype(str).str.lower().str.findall(r"[a-z0-9]{2,}")
            lengths = np.array([len(t) for t in lists], dtype=np.int64)
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            flat = np.array([tok for t in lists for tok in t], dtype=object)
            self._tokens[column] = (offsets, flat)
        return self._tokens[column]


def _lookup(keys: pd.Series[Any], table: dict[str, float]) -> NDArray[np.float64]:
    out = keys.map(table).astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(out, dtype=np.float64)


# --- blocks ----------------------------------------------------------------------------------


class _Block:
    kind = ""

    def features(self) -> list[FeatureInfo]:
        raise NotImplementedError

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        raise NotImplementedError

    def fit_transform(
        self, cols: Columns, y: NDArray[np.int64], folds: NDArray[np.int64]
    ) -> list[NDArray[np.float64]]:
        """Transform the training rows (out of fold where the block uses the label)."""
        return self.transform(cols)

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError


class _Numeric(_Block):
    kind = "numeric"

    def __init__(self, column: str) -> None:
        self.column = column

    def features(self) -> list[FeatureInfo]:
        return [FeatureInfo(self.column, self.column)]

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        return [cols.numbers(self.column)]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _Numeric:
        return cls(d["column"])


class _NativeCategory(_Block):
    kind = "native"

    def __init__(self, column: str, name: str, prefix: int, categories: list[str]) -> None:
        self.column = column
        self.name = name
        self.prefix = prefix
        self.categories = categories
        self._index = {c: float(i) for i, c in enumerate(categories)}

    def features(self) -> list[FeatureInfo]:
        return [FeatureInfo(self.name, self.column, categorical=True)]

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        return [cols.take(self.column, _lookup(cols.keys(self.column, self.prefix), self._index))]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "column": self.column,
            "name": self.name,
            "prefix": self.prefix,
            "categories": self.categories,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _NativeCategory:
        return cls(d["column"], d["name"], d["prefix"], d["categories"])


class _TargetFrequency(_Block):
    """Smoothed positive share (out of fold on training rows) and log count of a code."""

    kind = "target_frequency"

    def __init__(
        self,
        column: str,
        name: str,
        prefix: int,
        prior: float,
        risk: dict[str, float],
        count: dict[str, float],
    ) -> None:
        self.column = column
        self.name = name
        self.prefix = prefix
        self.prior = prior
        self.risk = risk
        self.count = count

    @classmethod
    def fit(
        cls, column: str, name: str, prefix: int, cols: Columns, y: NDArray[np.int64]
    ) -> _TargetFrequency:
        codes, values = cols.row_codes(column, prefix)
        ok = codes >= 0
        k = len(values)
        total = np.bincount(codes[ok], minlength=k).astype(np.float64)
        pos = np.bincount(codes[ok], weights=y[ok].astype(np.float64), minlength=k)
        prior = float(y.mean()) if len(y) else 0.0
        enc = (pos + TE_SMOOTHING * prior) / (total + TE_SMOOTHING)
        risk = dict(zip(values, enc.tolist(), strict=True))
        count = dict(zip(values, np.log1p(total).tolist(), strict=True))
        return cls(column, name, prefix, prior, risk, count)

    def features(self) -> list[FeatureInfo]:
        return [
            FeatureInfo(f"{self.name} risk", self.column),
            FeatureInfo(f"{self.name} frequency", self.column),
        ]

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        keys = cols.keys(self.column, self.prefix)
        present = keys.notna().to_numpy()
        risk = _lookup(keys, self.risk)
        count = _lookup(keys, self.count)
        risk = np.where(present & np.isnan(risk), self.prior, risk)
        count = np.where(present & np.isnan(count), 0.0, count)
        return [cols.take(self.column, risk), cols.take(self.column, count)]

    def fit_transform(
        self, cols: Columns, y: NDArray[np.int64], folds: NDArray[np.int64]
    ) -> list[NDArray[np.float64]]:
        # Out of fold: a training row's share and count come from the other folds only, as
        # a later row's come from training rows other than itself. The count is scaled up
        # to the whole training part.
        codes, values = cols.row_codes(self.column, self.prefix)
        ok = codes >= 0
        k = len(values)
        yf = y.astype(np.float64)
        total = np.bincount(codes[ok], minlength=k).astype(np.float64)
        pos = np.bincount(codes[ok], weights=yf[ok], minlength=k)
        risk = np.full(len(y), np.nan)
        count = np.full(len(y), np.nan)
        scale = TE_FOLDS / (TE_FOLDS - 1)
        for f in range(TE_FOLDS):
            inside = folds == f
            sel = inside & ok
            c_in = np.bincount(codes[sel], minlength=k).astype(np.float64)
            p_in = np.bincount(codes[sel], weights=yf[sel], minlength=k)
            outside = ~inside
            prior = float(yf[outside].mean()) if outside.any() else self.prior
            enc = (pos - p_in + TE_SMOOTHING * prior) / (total - c_in + TE_SMOOTHING)
            risk[sel] = enc[codes[sel]]
            count[sel] = np.log1p((total - c_in)[codes[sel]] * scale)
        return [risk, count]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "column": self.column,
            "name": self.name,
            "prefix": self.prefix,
            "prior": self.prior,
            "risk": self.risk,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _TargetFrequency:
        return cls(d["column"], d["name"], d["prefix"], d["prior"], d["risk"], d["count"])


def _flags(offsets: NDArray[np.int64], ids: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    """Build a 0/1 matrix (distinct keys by vocabulary) from CSR token ids (NaN = none)."""
    rows = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    hits = ~np.isnan(ids)
    out = np.zeros((len(offsets) - 1, width))
    out[rows[hits], ids[hits].astype(np.int64)] = 1.0
    return out


class _List(_Block):
    """Separated codes (a routing): number of items and a flag per frequent item."""

    kind = "list"

    def __init__(self, column: str, separator: str, items: list[str]) -> None:
        self.column = column
        self.separator = separator
        self.items = items

    @staticmethod
    def _parts(keys: pd.Series[Any], separator: str) -> pd.Series[Any]:
        return keys.fillna("").astype(str).str.upper().str.split(separator, regex=False)

    @classmethod
    def fit(cls, column: str, separator: str, cols: Columns) -> _List:
        codes, keys = cols.unique(column)
        rows_per_key = np.bincount(codes, minlength=len(keys)).astype(np.float64)
        parts = cls._parts(keys, separator)
        counts: dict[str, float] = {}
        for items, weight in zip(parts, rows_per_key, strict=True):
            for item in {i.strip() for i in items if i.strip()}:
                counts[item] = counts.get(item, 0.0) + weight
        ranked = sorted(
            ((k, v) for k, v in counts.items() if v >= 10), key=lambda kv: (-kv[1], kv[0])
        )
        return cls(column, separator, [k for k, _ in ranked[:LIST_VOCAB]])

    def features(self) -> list[FeatureInfo]:
        out = [FeatureInfo(f"{self.column} items", self.column)]
        out += [FeatureInfo(f"{self.column} has {item}", self.column) for item in self.items]
        return out

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        keys = cols.keys(self.column)
        present = keys.notna().to_numpy()
        parts = self._parts(keys, self.separator)
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        index = {item: float(i) for i, item in enumerate(self.items)}
        ids = np.array([index.get(i.strip(), np.nan) for p in parts for i in p], dtype=np.float64)
        per_key = np.column_stack(
            [lengths.astype(np.float64), _flags(offsets, ids, len(self.items))]
        )
        per_key[~present] = np.nan
        matrix = cols.take(self.column, per_key)
        return [matrix[:, j] for j in range(matrix.shape[1])]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "column": self.column,
            "separator": self.separator,
            "items": self.items,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _List:
        return cls(d["column"], d["separator"], d["items"])


class _Text(_Block):
    """Length, tokens, digit share and flags of the most informative tokens of a text."""

    kind = "text"

    def __init__(self, column: str, vocab: list[str]) -> None:
        self.column = column
        self.vocab = vocab

    @classmethod
    def fit(cls, column: str, cols: Columns, y: NDArray[np.int64]) -> _Text:
        codes, keys = cols.unique(column)
        rows = np.bincount(codes, minlength=len(keys)).astype(np.float64)
        positives = np.bincount(codes, weights=y.astype(np.float64), minlength=len(keys))
        offsets, flat = cols.tokens(column)
        docs: dict[str, list[float]] = {}
        for k in range(len(keys)):
            for tok in set(flat[offsets[k] : offsets[k + 1]].tolist()):
                entry = docs.setdefault(tok, [0.0, 0.0])
                entry[0] += rows[k]
                entry[1] += positives[k]
        min_df = max(10, len(y) // 2000)
        p_all = (float(y.sum()) + 1.0) / (len(y) + 2.0)
        base = math.log(p_all / (1 - p_all))
        scored: list[tuple[float, str]] = []
        for tok, (df_, pos) in docs.items():
            if df_ < min_df:
                continue
            p_tok = (pos + 1.0) / (df_ + 2.0)
            scored.append((abs(math.log(p_tok / (1 - p_tok)) - base) * math.sqrt(df_), tok))
        scored.sort(key=lambda st: (-st[0], st[1]))
        return cls(column, [tok for _, tok in scored[:TEXT_VOCAB]])

    def features(self) -> list[FeatureInfo]:
        out = [
            FeatureInfo(f"{self.column} length", self.column),
            FeatureInfo(f"{self.column} tokens", self.column),
            FeatureInfo(f"{self.column} digit share", self.column),
        ]
        out += [FeatureInfo(f"{self.column} has '{t}'", self.column) for t in self.vocab]
        return out

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        keys = cols.keys(self.column)
        present = keys.notna().to_numpy()
        text = keys.fillna("").astype(str)
        length = text.str.len().to_numpy(dtype=np.float64)
        digits = text.str.count(r"[0-9]").to_numpy(dtype=np.float64)
        offsets, flat = cols.tokens(self.column)
        n_tokens = np.diff(offsets).astype(np.float64)
        share = np.divide(digits, length, out=np.zeros(len(keys)), where=length > 0)
        index = {t: float(i) for i, t in enumerate(self.vocab)}
        ids = np.array([index.get(t, np.nan) for t in flat], dtype=np.float64)
        per_key = np.column_stack([length, n_tokens, share, _flags(offsets, ids, len(self.vocab))])
        per_key[~present] = np.nan
        matrix = cols.take(self.column, per_key)
        return [matrix[:, j] for j in range(matrix.shape[1])]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "vocab": self.vocab}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _Text:
        return cls(d["column"], d["vocab"])


class _TextFitsChapter(_Block):
    """How well a text's words fit the declared HS chapter: ``p(chapter | word)``.

    Fitted on training co-occurrence of words and chapters (no labels), with add-one
    smoothing; the best and the mean over the text's words. Goods described as one thing
    and coded as another get low values.
    """

    kind = "text_chapter"

    def __init__(
        self,
        text: str,
        hs: str,
        chapters: list[str],
        tokens: list[str],
        counts: list[list[list[int]]],
    ) -> None:
        self.text = text
        self.hs = hs
        self.chapters = chapters
        self.tokens = tokens
        self.counts = counts
        self._chapter = {ch: float(i) for i, ch in enumerate(chapters)}
        self._token = {t: i for i, t in enumerate(tokens)}
        table = np.ones((len(tokens) + 1, len(chapters) + 1))
        for i, pairs in enumerate(counts):
            for ch, k in pairs:
                table[i, ch] += k
        self._p = table / table.sum(axis=1, keepdims=True)

    @classmethod
    def fit(cls, text: str, hs: str, cols: Columns) -> _TextFitsChapter:
        t_codes, _ = cols.unique(text)
        c_codes, chapter_names = cols.row_codes(hs, 2)
        offsets, flat = cols.tokens(text)
        pairs, weight = np.unique(np.stack([t_codes, c_codes], axis=1), axis=0, return_counts=True)
        counts_by: dict[tuple[str, int], int] = {}
        totals: dict[str, int] = {}
        for (tk, ck), w in zip(pairs.tolist(), weight.tolist(), strict=True):
            for tok in set(flat[offsets[tk] : offsets[tk + 1]].tolist()):
                totals[tok] = totals.get(tok, 0) + w
                if ck >= 0:
                    counts_by[tok, ck] = counts_by.get((tok, ck), 0) + w
        ranked = sorted((t for t, v in totals.items() if v >= 3), key=lambda t: (-totals[t], t))
        keep = sorted(ranked[:FIT_VOCAB])
        ti = {t: i for i, t in enumerate(keep)}
        counts: list[list[list[int]]] = [[] for _ in keep]
        for (tok, ck), k in sorted(counts_by.items()):
            if tok in ti:
                counts[ti[tok]].append([ck, k])
        return cls(text, hs, chapter_names, keep, counts)

    def features(self) -> list[FeatureInfo]:
        group = f"{self.text} vs {self.hs}"
        return [
            FeatureInfo(f"{self.text} fits {self.hs} chapter (best word)", group),
            FeatureInfo(f"{self.text} fits {self.hs} chapter (mean)", group),
        ]

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        t_codes, _ = cols.unique(self.text)
        h_codes, _ = cols.unique(self.hs)
        chapter_of_key = _lookup(cols.keys(self.hs, 2), self._chapter)
        present = cols.keys(self.hs, 2).notna().to_numpy()
        chapter_of_key = np.where(
            present & np.isnan(chapter_of_key), len(self.chapters), chapter_of_key
        )
        offsets, flat = cols.tokens(self.text)
        tid = np.array([self._token.get(t, len(self.tokens)) for t in flat], dtype=np.int64)
        width = int(h_codes.max()) + 1 if len(h_codes) else 1
        pair_codes, inverse = np.unique(t_codes * width + h_codes, return_inverse=True)
        pairs = np.stack([pair_codes // width, pair_codes % width], axis=1)
        best = np.full(len(pairs), np.nan)
        mean = np.full(len(pairs), np.nan)
        for i, (tk, hk) in enumerate(pairs.tolist()):
            ch = chapter_of_key[hk]
            lo, hi = offsets[tk], offsets[tk + 1]
            if np.isnan(ch) or hi == lo:
                continue
            p = self._p[tid[lo:hi], int(ch)]
            best[i] = p.max()
            mean[i] = p.mean()
        inverse = inverse.reshape(-1)
        return [best[inverse], mean[inverse]]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "hs": self.hs,
            "chapters": self.chapters,
            "tokens": self.tokens,
            "counts": self.counts,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _TextFitsChapter:
        return cls(d["text"], d["hs"], d["chapters"], d["tokens"], d["counts"])


class _Date(_Block):
    kind = "date"

    def __init__(self, column: str) -> None:
        self.column = column

    def features(self) -> list[FeatureInfo]:
        return [
            FeatureInfo(f"{self.column} weekday", self.column),
            FeatureInfo(f"{self.column} hour", self.column),
        ]

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        import pandas as pd

        stamps = pd.Series(parse_dates(cols.keys(self.column)))
        weekday = stamps.dt.day_of_week.to_numpy(dtype=np.float64, na_value=np.nan)
        hour = stamps.dt.hour.to_numpy(dtype=np.float64, na_value=np.nan)
        per_key = np.column_stack([weekday, hour])
        matrix = cols.take(self.column, per_key)
        return [matrix[:, 0], matrix[:, 1]]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _Date:
        return cls(d["column"])


def parse_dates(series: pd.Series[Any]) -> pd.Series[Any]:
    """Parse a date column to UTC timestamps (ISO 8601 fast path, then any format)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.to_datetime(series, utc=True)
    text = category_keys(series)
    try:
        return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):
        return pd.to_datetime(text, utc=True, errors="coerce", format="mixed")


class _Ratio(_Block):
    """A unit value (value / weight, say) and its log against the HS chapter's median."""

    kind = "ratio"

    def __init__(
        self, num: str, den: str, hs: str | None, medians: dict[str, float], overall: float
    ) -> None:
        self.num = num
        self.den = den
        self.hs = hs
        self.medians = medians
        self.overall = overall

    def _ratio(self, cols: Columns) -> NDArray[np.float64]:
        a = cols.numbers(self.num)
        b = cols.numbers(self.den)
        out = np.full(len(a), np.nan)
        ok = (b > 0) & ~np.isnan(a)
        out[ok] = a[ok] / b[ok]
        return out

    @staticmethod
    def _log(ratio: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(len(ratio), np.nan)
        ok = ratio > 0
        out[ok] = np.log(ratio[ok])
        return out

    @classmethod
    def fit(cls, num: str, den: str, hs: str | None, cols: Columns) -> _Ratio:
        import pandas as pd

        logr = cls._log(cls(num, den, hs, {}, 0.0)._ratio(cols))
        overall = float(np.nanmedian(logr)) if np.isfinite(logr).any() else 0.0
        medians: dict[str, float] = {}
        if hs is not None:
            codes, names = cols.row_codes(hs, 2)
            frame = pd.DataFrame({"c": codes, "r": logr})
            frame = frame[(frame["c"] >= 0) & frame["r"].notna()]
            grouped = frame.groupby("c")["r"].agg(["median", "count"])
            grouped = grouped[grouped["count"] >= 5]
            medians = {names[int(str(k))]: float(v) for k, v in grouped["median"].items()}
        return cls(num, den, hs, medians, overall)

    def features(self) -> list[FeatureInfo]:
        group = f"{self.num} per {self.den}"
        out = [FeatureInfo(group, group)]
        if self.hs is not None:
            out.append(FeatureInfo(f"{group} vs {self.hs} chapter median (log)", group))
        return out

    def transform(self, cols: Columns) -> list[NDArray[np.float64]]:
        ratio = self._ratio(cols)
        out = [ratio]
        if self.hs is not None:
            med = _lookup(cols.keys(self.hs, 2), self.medians)
            med = cols.take(self.hs, np.where(np.isnan(med), self.overall, med))
            out.append(self._log(ratio) - med)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "num": self.num,
            "den": self.den,
            "hs": self.hs,
            "medians": self.medians,
            "overall": self.overall,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _Ratio:
        return cls(d["num"], d["den"], d["hs"], d["medians"], d["overall"])


_KINDS: dict[str, Any] = {
    cls.kind: cls
    for cls in (_Numeric, _NativeCategory, _TargetFrequency, _List, _Text, _TextFitsChapter)
}
_KINDS.update({_Date.kind: _Date, _Ratio.kind: _Ratio})


def _category_block(
    column: str, name: str, prefix: int, cols: Columns, y: NDArray[np.int64]
) -> _Block:
    codes, values = cols.row_codes(column, prefix)
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    if len(values) <= NATIVE_MAX:
        ranked = sorted(zip(values, counts.tolist(), strict=True), key=lambda kv: (-kv[1], kv[0]))
        return _NativeCategory(column, name, prefix, [k for k, _ in ranked])
    return _TargetFrequency.fit(column, name, prefix, cols, y)


def default_ratios(plans: Sequence[ColumnPlan]) -> list[tuple[str, str]]:
    """Unit-value pairs (numerator, denominator) among numeric columns, by name hints."""
    numeric = [p.name for p in plans if p.kind == "numeric"]
    values = [c for c in numeric if _has_hint(c, _VALUE_HINTS)]
    weights = [c for c in numeric if _has_hint(c, _WEIGHT_HINTS) and c not in values]
    counts = [
        c for c in numeric if _has_hint(c, _COUNT_HINTS) and c not in values and c not in weights
    ]
    pairs = [(v, w) for v in values for w in weights]
    pairs += [(v, q) for v in values for q in counts]
    pairs += [(w, q) for w in weights for q in counts]
    return pairs


def coverage(train: pd.DataFrame, later: pd.DataFrame, column: str) -> float:
    """Share of ``later`` rows (with a value) whose code also occurs in ``train``.

    Codes that do not recur (a waybill, a flight-day) cannot be learnt; the trainer
    leaves out high-cardinality columns whose coverage is low.
    """
    seen = set(category_keys(train[column]).dropna().unique().tolist())
    keys = category_keys(later[column]).dropna()
    if keys.empty:
        return 1.0
    return float(keys.isin(seen).mean())


class FeatureEncoder:
    """The fitted feature blocks of a model: ``transform(frame) -> matrix``.

    Build with :meth:`fit` on the training rows; :meth:`to_json` / :meth:`from_json` store
    and restore it exactly.
    """

    def __init__(self, blocks: list[_Block]) -> None:
        self.blocks = blocks
        self.features: list[FeatureInfo] = [f for b in blocks for f in b.features()]

    @property
    def names(self) -> list[str]:
        """Feature names, in matrix column order."""
        return [f.name for f in self.features]

    @property
    def categorical(self) -> list[int]:
        """Indices of the native categorical features."""
        return [i for i, f in enumerate(self.features) if f.categorical]

    @property
    def groups(self) -> list[str]:
        """The group (input column or derived pair) each feature explains."""
        return [f.group for f in self.features]

    @classmethod
    def fit(
        cls,
        df: pd.DataFrame,
        y: NDArray[np.int64],
        plans: Sequence[ColumnPlan],
        *,
        seed: int,
        ratios: Sequence[tuple[str, str]] | None = None,
    ) -> tuple[FeatureEncoder, NDArray[np.float64]]:
        """Fit every block on the training rows and return the training matrix.

        Parameters
        ----------
        df, y
            Training rows and their 0/1 labels.
        plans
            Column kinds (:func:`~smartlogistics.smartgate.model.spec.infer_columns`).
        seed
            Seeds the fold assignment of the out-of-fold target encoding.
        ratios
            Unit-value pairs; ``None`` picks them by name hints (:func:`default_ratios`).

        Returns
        -------
        tuple[FeatureEncoder, numpy.ndarray]
            The encoder and the training matrix, whose target encodings are out of fold.
        """
        cols = Columns(df.reset_index(drop=True))
        hs_columns = [p.name for p in plans if p.hs and p.kind == "categorical"]
        hs_main = hs_columns[0] if hs_columns else None
        blocks: list[_Block] = []
        for plan in plans:
            name = plan.name
            if plan.kind == "numeric":
                blocks.append(_Numeric(name))
            elif plan.kind == "categorical":
                blocks.append(_category_block(name, name, 0, cols, y))
                if plan.hs:
                    for prefix, level in ((2, "chapter"), (4, "heading"), (6, "subheading")):
                        blocks.append(_category_block(name, f"{name} {level}", prefix, cols, y))
            elif plan.kind == "list":
                blocks.append(_List.fit(name, plan.separator, cols))
                blocks.append(_category_block(name, name, 0, cols, y))
            elif plan.kind == "text":
                blocks.append(_Text.fit(name, cols, y))
                if hs_main is not None:
                    blocks.append(_TextFitsChapter.fit(name, hs_main, cols))
            elif plan.kind == "date":
                blocks.append(_Date(name))
        pairs = default_ratios(plans) if ratios is None else list(ratios)
        for num, den in pairs:
            blocks.append(_Ratio.fit(num, den, hs_main, cols))
        encoder = cls(blocks)
        folds = (np.random.default_rng(seed).permutation(len(df)) % TE_FOLDS).astype(np.int64)
        columns = [c for b in blocks for c in b.fit_transform(cols, y, folds)]
        return encoder, _stack(columns, len(df))

    def transform(self, df: pd.DataFrame) -> NDArray[np.float64]:
        """Build the feature matrix of any frame holding the input columns."""
        cols = Columns(df.reset_index(drop=True))
        columns = [c for b in self.blocks for c in b.transform(cols)]
        return _stack(columns, len(df))

    @property
    def input_columns(self) -> list[str]:
        """Input columns the blocks read, in first-use order."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            for key in ("column", "num", "den", "text", "hs"):
                value = getattr(block, key, None)
                if isinstance(value, str):
                    seen.setdefault(value, None)
        return list(seen)

    def to_json(self) -> list[dict[str, Any]]:
        """Return the blocks as plain JSON."""
        return [b.to_json() for b in self.blocks]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]]) -> FeatureEncoder:
        """Inverse of :meth:`to_json`."""
        return cls([_KINDS[d["kind"]].from_json(d) for d in data])


def _stack(columns: list[NDArray[np.float64]], n: int) -> NDArray[np.float64]:
    if not columns:
        return np.zeros((n, 0))
    out = np.empty((n, len(columns)), dtype=np.float64)
    for j, c in enumerate(columns):
        out[:, j] = c
    return out
