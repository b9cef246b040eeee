"""Artifact: exact round trip, version, refusal of other feature sets, records path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model import RiskModel, read_table

from ._model_helpers import HISTORY, records, small_model


def test_round_trip_is_bit_exact(tmp_path: Path) -> None:
    model = small_model()
    df = read_table(HISTORY)
    before = model.score_frame(df)
    model.save(tmp_path / "m")
    again = RiskModel.load(tmp_path / "m")
    after = again.score_frame(df)
    assert before.tobytes() == after.tobytes()
    assert again.version == model.version
    assert again.version.startswith("sg-")
    body = json.loads((tmp_path / "m" / "model.json").read_text())
    assert len(body["meta"]["data_sha256"]) == 64
    assert body["meta"]["lightgbm"]
    assert body["features"][0]["name"] == again.feature_names[0]


def test_records_and_frame_agree() -> None:
    model = small_model()
    df = read_table(HISTORY).head(50)
    assert np.array_equal(model.score(records(df)), model.score_frame(df))


def test_records_may_lack_keys_and_use_lists() -> None:
    model = small_model()
    record = records(read_table(HISTORY).head(1))[0]
    record["routing"] = record["routing"].split(";")
    del record["description"]
    scores = model.score([record])
    assert scores.shape == (1,) and 0.0 < scores[0] < 1.0
    explained = model.explain([record], top=3)
    assert len(explained) == 1 and len(explained[0]) <= 3
    assert all(name in model.encoder.groups for name, _ in explained[0])


def test_explain_adds_contributions_per_column() -> None:
    model = small_model()
    df = read_table(HISTORY).head(20)
    full = model.explain(records(df), top=1000)
    engine = model._get_engine()
    contrib = engine.contributions(model.matrix(df))
    for row, items in zip(contrib, full, strict=True):
        assert sum(v for _, v in items) == pytest.approx(row[:-1].sum(), abs=1e-9)


def test_frame_lacking_columns_is_refused() -> None:
    model = small_model()
    df = read_table(HISTORY).drop(columns=["hs_code", "carrier"])
    with pytest.raises(InvalidInputError) as err:
        model.score_frame(df)
    message = str(err.value)
    assert message.startswith("data: model expects columns pieces, gross_weight_kg, description")
    assert message.endswith("; data lacks hs_code, carrier")


def test_records_of_another_feature_set_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="data lacks"):
        small_model().score([{"weight": 3, "colour": "red"}])


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    path = small_model().save(tmp_path / "m")
    body = json.loads((path / "model.json").read_text())
    body["format_version"] = 99
    (path / "model.json").write_text(json.dumps(body))
    with pytest.raises(InvalidInputError) as err:
        RiskModel.load(path)
    assert str(err.value) == "model: artifact format 99 is not supported (this version reads 1)"


def test_edited_artifact_is_refused(tmp_path: Path) -> None:
    path = small_model().save(tmp_path / "m")
    body = json.loads((path / "model.json").read_text())
    body["features"] = body["features"][:-1]
    (path / "model.json").write_text(json.dumps(body))
    with pytest.raises(InvalidInputError, match=r"feature list in model\.json"):
        RiskModel.load(path)


def test_not_an_artifact(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="is not a model artifact"):
        RiskModel.load(tmp_path)
