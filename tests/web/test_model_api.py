"""The API with a risk model: loaded once at startup, scores and versions in every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.smartgate import ColumnSpec, RiskModel, generate_history, train
from tests.smartgate.conftest import clean_data
from tests.web.conftest import MakeClient

SPEC = ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model trained on 3,000 synthetic rows (a few seconds), saved once."""
    history = generate_history(3000, seed=11).astype(str).replace({"nan": "", "None": ""})
    model = train(history, SPEC, seed=11)
    return model.save(tmp_path_factory.mktemp("model") / "m")


def test_model_backed_screening(make_client: MakeClient, model_dir: Path) -> None:
    version = RiskModel.load(model_dir).version
    client = make_client(smartgate_model_dir=model_dir, smartgate_inspection_share=0.05)
    assert client.get("/health").json()["model_version"] == version
    body = client.post("/smartgate/screen", json=clean_data()).json()
    assert body["model_version"] == version
    assert 0.0 <= body["score"] <= 1.0
    assert body["threshold"] == 0.5  # the capacity's fallback until its window fills
    batch = client.post(
        "/smartgate/screen-batch",
        json=[clean_data(id=f"B{i}", gross_weight_kg=10.0 + i) for i in range(40)]
        + [clean_data(id="K", consignor_country="KP")],
    ).json()
    assert [d["lane"] for d in batch][-1] == "DNL"
    assert all(d["model_version"] == version and d["score"] is not None for d in batch)
    assert [r["kind"] for r in batch[-1]["reasons"]][:1] == ["rule"]
    assert any(r["kind"] == "model" for r in batch[-1]["reasons"])
    stored = client.get(f"/smartgate/decisions/{batch[0]['id']}").json()
    assert stored["model_version"] == version and stored["score"] == batch[0]["score"]


def test_an_unloadable_model_stops_the_startup(make_client: MakeClient, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="model"):
        make_client(smartgate_model_dir=tmp_path / "absent")
