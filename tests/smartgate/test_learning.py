"""Retraining from the decision log's labelled history, given as records."""

from __future__ import annotations

from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import CSV_COLUMNS
from smartlogistics.smartgate.learning import (
    default_spec,
    history_csv,
    history_frame,
    retrain,
    retrain_spec,
)
from smartlogistics.smartgate.model import ColumnSpec, read_table

from ._model_helpers import HISTORY
from .conftest import clean


def _row(i: int, label: int) -> dict[str, Any]:
    record = clean(id=f"C-{i}").to_record()
    return {**record, "date": f"2026-12-0{1 + i % 5}T08:00:00+00:00", "label": label,
            "value_at_stake": None if label == 0 else 12.5}  # fmt: skip


def test_history_csv_columns_and_cells() -> None:
    text = history_csv([_row(0, 1), {**_row(1, 0), "extra": True}])
    header, first, second = text.splitlines()
    assert header.split(",") == [*CSV_COLUMNS, "date", "label", "value_at_stake", "extra"]
    assert ",PVG;AMS," in first and first.endswith(",1,12.5,")
    assert second.endswith(",0,,1")


def test_history_frame_reads_like_read_table(tmp_path: Any) -> None:
    rows = [_row(i, i % 2) for i in range(4)]
    frame, digest = history_frame(rows)
    path = tmp_path / "h.csv"
    path.write_text(history_csv(rows))
    assert frame.equals(read_table(path))
    assert len(digest) == 64


def test_retrain_spec_keeps_the_base_overrides_on_the_log_roles() -> None:
    base = ColumnSpec(
        label="was hit", id="ref", date="when", value="stake",
        exclude=("house_awb", "not in log", "ref"), categorical=("pieces",), numeric=(),
    )  # fmt: skip
    spec = retrain_spec(base, [*CSV_COLUMNS, "date", "label", "value_at_stake"])
    assert (spec.label, spec.id, spec.date, spec.value) == ("label", "id", "date", "value_at_stake")
    assert (spec.exclude, spec.categorical) == (("house_awb",), ("pieces",))
    assert retrain_spec(None, ["id"]) == default_spec()


def test_retrain_refuses_too_little() -> None:
    with pytest.raises(InvalidInputError, match="history: 3 labelled decisions"):
        retrain([_row(i, 0) for i in range(3)])
    with pytest.raises(InvalidInputError, match="needs at least 5 clean"):
        retrain([_row(i, 1) for i in range(300)])
    with pytest.raises(InvalidInputError, match="row 2 has label 'x', not 0 or 1"):
        retrain([_row(0, 0), {**_row(1, 0), "label": "x"}], min_rows=1)


def test_retrain_trains_on_a_labelled_history() -> None:
    frame = read_table(HISTORY)
    rows: list[dict[str, Any]] = [
        {**{str(k): (None if v != v else v) for k, v in r.items()}, "label": int(r["label"])}
        for r in frame.drop(columns=["is_synthetic"]).to_dict("records")
    ]
    model = retrain(rows, seed=2)
    assert model.version.startswith("sg-")
    assert model.spec == default_spec()
    assert model.meta["data_sha256"] == history_frame(rows)[1]
