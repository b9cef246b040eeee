"""The trained risk model as a versioned artifact directory that reloads exactly.

An artifact is a directory with two files:

``model.txt``
    LightGBM's own model text (best iteration only).
``model.json``
    Everything else: format version, column spec, inferred column kinds, the fitted
    feature blocks (category mappings, target encodings, vocabularies, chapter medians),
    feature names and groups, training parameters, validation metrics, the SHA-256 of the
    training data, the versions of LightGBM and of this package, and the model ``version``
    — a hash of all of the above, so two artifacts with one version are one model.

Floats are stored as JSON's shortest round-trip text and the booster as LightGBM's text,
so a reloaded model scores the same data to the bit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model.features import FeatureEncoder
from smartlogistics.smartgate.model.spec import ColumnPlan, ColumnSpec

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from smartlogistics.smartgate.model._lgbm import Engine
    from smartlogistics.smartgate.model.rows import RowEncoder

__all__ = ["FORMAT_VERSION", "RiskModel"]

#: Version of the artifact layout; an artifact of another format is refused.
FORMAT_VERSION = 1
_MODEL_TEXT = "model.txt"
_MODEL_JSON = "model.json"


class RiskModel:
    """A trained risk model: scores, explanations and the record of how it was made.

    Use :func:`~smartlogistics.smartgate.model.train.train` to make one and
    :meth:`load` to read one back; :meth:`save` writes the artifact directory.
    """

    def __init__(
        self,
        *,
        model_text: str,
        spec: ColumnSpec,
        plans: Sequence[ColumnPlan],
        encoder: FeatureEncoder,
        meta: Mapping[str, Any],
    ) -> None:
        self.model_text = model_text
        self.spec = spec
        self.plans = list(plans)
        self.encoder = encoder
        self.meta = dict(meta)
        self._engine: Engine | None = None
        self._rows: RowEncoder | None = None
        self.training_seconds: float | None = None
        groups = encoder.groups
        self._group_names = list(dict.fromkeys(groups))
        index = {g: i for i, g in enumerate(self._group_names)}
        self._group_matrix = np.zeros((len(groups), len(self._group_names)))
        for i, g in enumerate(groups):
            self._group_matrix[i, index[g]] = 1.0
        self.version = "sg-" + hashlib.sha256(self._canonical().encode()).hexdigest()[:16]

    # --- identity --------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "spec": self.spec.to_json(),
            "columns": [p.to_json() for p in self.plans],
            "features": [
                {"name": f.name, "group": f.group, "categorical": f.categorical}
                for f in self.encoder.features
            ],
            "encoder": self.encoder.to_json(),
            "meta": self.meta,
        }

    def _canonical(self) -> str:
        body = json.dumps(self._body(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(self.model_text.encode()).hexdigest() + body

    @property
    def input_columns(self) -> list[str]:
        """The columns the model reads (all others in a frame are ignored)."""
        return [p.name for p in self.plans if p.kind != "ignored"]

    @property
    def metrics(self) -> dict[str, Any]:
        """Validation metrics recorded at training."""
        return dict(self.meta.get("metrics", {}))

    @property
    def feature_names(self) -> list[str]:
        """Names of the model's features, in matrix order."""
        return self.encoder.names

    def summary(self) -> dict[str, Any]:
        """Describe the model in short JSON: version, columns and their kinds, features, metrics."""
        return {
            "version": self.version,
            "columns": {p.name: p.kind for p in self.plans},
            "features": len(self.encoder.features),
            **{k: v for k, v in self.meta.items() if k != "params"},
        }

    # --- storage ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the artifact directory (created if needed) and return its path."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        (out / _MODEL_TEXT).write_text(self.model_text, encoding="utf-8")
        body = {**self._body(), "version": self.version}
        (out / _MODEL_JSON).write_text(
            json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return out

    @classmethod
    def load(cls, path: str | Path) -> RiskModel:
        """Read an artifact directory written by :meth:`save`.

        Raises
        ------
        InvalidInputError
            ``model: ...`` when the directory is not an artifact, is of another format
            version, or its booster and feature list disagree.
        """
        root = Path(path)
        meta_path = root / _MODEL_JSON
        text_path = root / _MODEL_TEXT
        if not meta_path.is_file() or not text_path.is_file():
            raise InvalidInputError(
                "model", f"{root} is not a model artifact (needs {_MODEL_JSON} and {_MODEL_TEXT})"
            )
        try:
            body = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInputError("model", f"{meta_path} is unreadable: {exc}") from None
        found = body.get("format_version") if isinstance(body, dict) else None
        if found != FORMAT_VERSION:
            raise InvalidInputError(
                "model",
                f"artifact format {found!r} is not supported (this version reads {FORMAT_VERSION})",
            )
        try:
            model = cls(
                model_text=text_path.read_text(encoding="utf-8"),
                spec=ColumnSpec.from_json(body["spec"]),
                plans=[ColumnPlan.from_json(p) for p in body["columns"]],
                encoder=FeatureEncoder.from_json(body["encoder"]),
                meta=body["meta"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError("model", f"{meta_path} is damaged: {exc!r}") from None
        names = [f["name"] for f in body["features"]]
        if names != model.encoder.names:
            raise InvalidInputError(
                "model", "feature list in model.json does not match its encoder blocks"
            )
        engine = model._get_engine()
        if engine.num_features != len(names):
            raise InvalidInputError(
                "model",
                f"booster expects {engine.num_features} features; the artifact lists {len(names)}",
            )
        if body.get("version") != model.version:
            raise InvalidInputError(
                "model", f"version {body.get('version')!r} does not match the content"
            )
        return model

    # --- scoring ---------------------------------------------------------------------------

    def _get_engine(self) -> Engine:
        if self._engine is None:
            from smartlogistics.smartgate.model._lgbm import Engine

            self._engine = Engine(self.model_text)
        return self._engine

    def _check_frame(self, columns: Sequence[str], *, strict: bool) -> list[str]:
        have = set(columns)
        needed = self.input_columns
        lacking = [c for c in needed if c not in have]
        if lacking and (strict or len(lacking) == len(needed)):
            raise InvalidInputError(
                "data",
                f"model expects columns {', '.join(needed)}; data lacks {', '.join(lacking)}",
            )
        return lacking

    def matrix(self, df: pd.DataFrame) -> NDArray[np.float64]:
        """Build the feature matrix of a frame holding every input column."""
        self._check_frame([str(c) for c in df.columns], strict=True)
        return self.encoder.transform(df)

    def score_frame(self, df: pd.DataFrame) -> NDArray[np.float64]:
        """Probabilities for every row of a frame (the batch path).

        Raises
        ------
        InvalidInputError
            ``data: model expects columns ...; data lacks ...`` when a column is missing.
        """
        if len(df) == 0:
            return np.zeros(0)
        return self._get_engine().predict(self.matrix(df))

    def _records_frame(self, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
        import pandas as pd

        needed = self.input_columns
        frame = pd.DataFrame.from_records(list(records))
        self._check_frame([str(c) for c in frame.columns], strict=False)
        for column in needed:
            if column not in frame.columns:
                frame[column] = np.nan
        return frame

    def _small_matrix(self, records: Sequence[Mapping[str, Any]]) -> NDArray[np.float64] | None:
        """Return the features of a small batch without pandas, or ``None`` for the frame path.

        Equal to the frame path's matrix (see :mod:`~smartlogistics.smartgate.model.rows`);
        ``None`` when the batch is larger than ``SMALL_BATCH`` or holds a value only the
        frame path reproduces.
        """
        from smartlogistics.smartgate.model.rows import (
            SMALL_BATCH,
            RowEncoder,
            UnsupportedValueError,
        )

        if len(records) > SMALL_BATCH or not all(isinstance(r, dict) for r in records):
            return None
        self._check_frame([str(k) for r in records for k in r], strict=False)
        if self._rows is None:
            self._rows = RowEncoder(self.encoder)
        try:
            return self._rows.transform(records)
        except UnsupportedValueError:
            return None

    def records_matrix(self, records: Sequence[Mapping[str, Any]]) -> NDArray[np.float64]:
        """Build the feature matrix of records, by the fast path when the batch is small.

        Raises
        ------
        InvalidInputError
            ``data: model expects columns ...`` when no record holds any input column.
        """
        x = self._small_matrix(records)
        if x is None:
            x = self.encoder.transform(self._records_frame(records))
        return x

    def score(self, records: Sequence[Mapping[str, Any]]) -> NDArray[np.float64]:
        """Probabilities for consignments given as mappings (keys may be missing).

        A missing key counts as a missing value; only a batch that holds none of the
        model's columns is refused (it is data for another model). Up to ``SMALL_BATCH``
        (256) records are encoded without pandas, to the same features as the frame path
        (:mod:`~smartlogistics.smartgate.model.rows`): one consignment takes well under a
        millisecond.
        """
        if len(records) == 0:
            return np.zeros(0)
        return self._get_engine().predict(self.records_matrix(records))

    def explain(
        self, records: Sequence[Mapping[str, Any]], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        """Return the largest contributions to each consignment's score, by input column.

        LightGBM's own SHAP values (``pred_contrib=True``, log-odds) of the features a
        column expands into (an HS code's chapter, heading and encodings; a text's flags)
        are added up per column or derived pair, and the ``top`` largest in absolute value
        are returned, largest first (ties in feature-group order); zero contributions are
        left out. Positive values raise the risk. Small batches take the fast path of
        :meth:`score`.
        """
        if len(records) == 0:
            return []
        x = self.records_matrix(records)
        contrib = self._get_engine().contributions(x)[:, :-1]
        grouped = contrib @ self._group_matrix
        out: list[list[tuple[str, float]]] = []
        for row in grouped:
            order = np.argsort(-np.abs(row), kind="stable")
            items = [(self._group_names[j], float(row[j])) for j in order[:top] if row[j] != 0.0]
            out.append(items)
        return out
