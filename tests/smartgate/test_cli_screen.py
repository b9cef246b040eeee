"""``smartlogistics smartgate screen|outcomes|report|retrain``: JSON contracts and bad input."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.config import get_settings
from smartlogistics.smartgate.decision import Decision

from ._model_helpers import DATA, HISTORY, run_cli, small_model

CONSIGNMENTS = DATA / "consignments.csv"
DECISION_KEYS = {
    "consignment_id", "input_hash", "lane", "status_code", "stage", "score", "threshold",
    "decided_by", "agencies", "reasons", "rule_set_version", "rule_versions",
    "model_version", "decided_at",
}  # fmt: skip


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = run_cli(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = run_cli(list(argv))
    out = capsys.readouterr()
    assert code == 2, out.err
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """SMARTLOGISTICS_DATABASE_URL pointing at a fresh SQLite file (not yet migrated)."""
    path = tmp_path / "var" / "log.db"
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_model().save(tmp_path_factory.mktemp("model") / "m")


def test_screen_rules_only_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    decisions = _json(capsys, "smartgate", "screen", "--data", str(CONSIGNMENTS), "--json")
    assert isinstance(decisions, list) and len(decisions) == 3
    assert all(set(d) == DECISION_KEYS for d in decisions)
    assert [d["consignment_id"] for d in decisions] == ["SG-0001", "SG-0002", "SG-0003"]
    assert [(d["lane"], d["status_code"]) for d in decisions] == [
        ("GREEN", "7I"), ("RFI", "7H"), ("GREEN", "7I"),
    ]  # fmt: skip
    assert decisions[1]["reasons"][0]["rule"] == "data_quality"
    assert all(d["score"] is None and d["model_version"] is None for d in decisions)


def test_screen_json_file_with_model(
    capsys: pytest.CaptureFixture[str], model_dir: Path, tmp_path: Path
) -> None:
    decisions = _json(
        capsys, "smartgate", "screen", "--model", str(model_dir), "--data",
        str(DATA / "consignments.json"), "--capacity-share", "0.5", "--json",
    )  # fmt: skip
    model = small_model()
    assert all(d["model_version"] == model.version for d in decisions)
    assert all(isinstance(d["score"], float) for d in decisions)
    flagged = [d for d in decisions if d["lane"] != "GREEN"]
    assert flagged and all(any(r["kind"] == "model" for r in d["reasons"]) for d in flagged)


def test_screen_a_generated_history_as_it_is(
    capsys: pytest.CaptureFixture[str], model_dir: Path
) -> None:
    decisions = _json(
        capsys, "smartgate", "screen", "--model", str(model_dir), "--data", str(HISTORY), "--json"
    )  # fmt: skip
    assert len(decisions) == 1200
    assert {d["lane"] for d in decisions} <= {"GREEN", "RFI", "RED", "DNL"}


def test_screen_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model_dir: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,pieces,gross_weight_kg\nA,1,2\nB,1,-3\n")
    assert _error(capsys, "smartgate", "screen", "--data", str(bad), "--json") == (
        "error: consignments[1].gross_weight_kg: consignment 'B' (line 3):"
        " Input should be greater than 0"
    )
    text = tmp_path / "bad.json"
    text.write_text('{"consignments": [{"id": "A"}, {"id": "B", "hs_code": "84713"}]}')
    line = _error(capsys, "smartgate", "screen", "--data", str(text), "--json")
    assert line.startswith("error: consignments[1].hs_code: consignment 'B'")
    line = _error(
        capsys, "smartgate", "screen", "--data", str(CONSIGNMENTS), "--capacity-share", "0",
    )  # fmt: skip
    assert line.startswith("error: --capacity-share: must be in (0, 1]")
    line = _error(
        capsys, "smartgate", "screen", "--model", str(tmp_path), "--data", str(CONSIGNMENTS)
    )  # fmt: skip
    assert line.startswith("error: model: ") and "is not a model artifact" in line
    line = _error(capsys, "smartgate", "screen", "--data", str(tmp_path / "none.csv"))
    assert line.startswith("error: file: no such file")


def _outcomes_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_log_outcomes_report(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    logged = _json(
        capsys, "smartgate", "screen", "--data", str(CONSIGNMENTS), "--log", "--json"
    )  # fmt: skip
    assert database.is_file()  # created and migrated on first use
    assert all(set(d) == DECISION_KEYS | {"id"} for d in logged)
    ids = [d["id"] for d in logged]
    assert len(set(ids)) == 3
    outcomes = _outcomes_csv(
        tmp_path / "outcomes.csv",
        [
            {"decision_id": ids[0], "illicit": "0", "value_at_stake": "", "agency": "customs",
             "notes": "", "inspected_at": "2026-12-02T10:00:00+01:00"},
            {"decision_id": ids[1], "illicit": "yes", "value_at_stake": "120.5", "agency": "",
             "notes": "undervalued", "inspected_at": ""},
        ],
    )  # fmt: skip
    recorded = _json(capsys, "smartgate", "outcomes", "--data", str(outcomes), "--json")
    assert (recorded["recorded"], recorded["illicit"]) == (2, 1)
    assert recorded["outcomes"][1]["value_at_stake"] == 120.5
    assert recorded["outcomes"][0]["inspected_at"] == "2026-12-02T09:00:00+00:00"
    report = _json(capsys, "smartgate", "report", "--json")
    assert report["decisions"] == 3
    assert report["lanes"] == {"GREEN": 2, "RFI": 1, "RED": 0, "DNL": 0}
    assert report["recall"] == 0.0  # the illicit one went RFI, not RED/DNL
    later = _json(capsys, "smartgate", "report", "--since", "2999-01-01", "--json")
    assert later["decisions"] == 0
    assert _error(capsys, "smartgate", "report", "--since", "yesterday") == (
        "error: --since: expected an ISO 8601 date or time, not 'yesterday'"
    )


def test_outcomes_bad_rows_name_row_and_field(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    ids = [
        d["id"]
        for d in _json(
            capsys, "smartgate", "screen", "--data", str(CONSIGNMENTS), "--log", "--json"
        )
    ]
    path = tmp_path / "o.csv"
    path.write_text(f"decision_id,illicit\n{ids[0]},1\n{ids[1]},maybe\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)) == (
        "error: outcomes[1].illicit: line 3: expected 1/0, true/false or yes/no, not 'maybe'"
    )
    path.write_text(f"decision_id,illicit,value_at_stake\n{ids[0]},1,-5\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)).startswith(
        "error: outcomes[0].value_at_stake: line 2: expected a number >= 0"
    )
    path.write_text(f"decision_id,illicit,inspected_at\n{ids[0]},1,2026-12-01T10:00\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)).startswith(
        "error: outcomes[0].inspected_at: line 2: expected ISO 8601 with a UTC offset"
    )
    path.write_text(f"decision_id,illicit\n{ids[0]},1\nnope,0\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)) == (
        "error: outcomes[1].decision_id: line 3: no decision 'nope' in the log"
    )
    path.write_text("decision_id,verdict\nx,1\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)).startswith(
        "error: columns: unknown column 'verdict' (line 1)"
    )
    path.write_text("decision_id\nx\n")
    assert _error(capsys, "smartgate", "outcomes", "--data", str(path)) == (
        "error: columns: missing required column 'illicit' (line 1)"
    )
    # nothing of the refused files was recorded
    assert _json(capsys, "smartgate", "report", "--json")["inspected_with_outcome"] == 0


def test_database_failure_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", f"sqlite:///{blocker}/sub/log.db")
    get_settings.cache_clear()
    try:
        line = _error(capsys, "smartgate", "report", "--json")
    finally:
        get_settings.cache_clear()
    assert line.startswith("error: database: cannot create the database: ")


def test_retrain_from_the_log(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path, model_dir: Path
) -> None:
    rows = list(csv.DictReader(HISTORY.open()))
    labels = {r["id"]: r["label"] for r in rows}
    header = HISTORY.read_text().splitlines()[0]
    lines = HISTORY.read_text().splitlines()[1:]
    too_few = _error(capsys, "smartgate", "retrain", "--out", str(tmp_path / "m0"), "--json")
    assert too_few == (
        "error: history: 0 labelled decisions; retraining needs at least 200"
        " (record more inspection outcomes)"
    )
    for part in range(5):  # five batches: five decision times for the time-ordered split
        chunk = tmp_path / f"part{part}.csv"
        chunk.write_text("\n".join([header, *lines[part * 240 : (part + 1) * 240]]) + "\n")
        logged = _json(capsys, "smartgate", "screen", "--data", str(chunk), "--log", "--json")
        outcomes = _outcomes_csv(
            tmp_path / f"o{part}.csv",
            [{"decision_id": d["id"], "illicit": labels[d["consignment_id"]]} for d in logged],
        )
        _json(capsys, "smartgate", "outcomes", "--data", str(outcomes), "--json")
    out = tmp_path / "retrained"
    result = _json(
        capsys, "smartgate", "retrain", "--out", str(out), "--base-model", str(model_dir),
        "--seed", "4", "--json",
    )  # fmt: skip
    assert result["rows"] == 1200
    assert result["positives"] == sum(int(v) for v in labels.values())
    assert result["base_model"] == small_model().version
    assert result["version"].startswith("sg-") and (out / "model.json").is_file()
    screened = _json(
        capsys, "smartgate", "screen", "--model", str(out), "--data", str(CONSIGNMENTS), "--json"
    )  # fmt: skip
    assert all(d["model_version"] == result["version"] for d in screened)


def test_retrain_refuses_one_class(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    header, *lines = HISTORY.read_text().splitlines()
    chunk = tmp_path / "part.csv"
    chunk.write_text("\n".join([header, *lines[:250]]) + "\n")
    logged = _json(capsys, "smartgate", "screen", "--data", str(chunk), "--log", "--json")
    outcomes = _outcomes_csv(
        tmp_path / "o.csv", [{"decision_id": d["id"], "illicit": "0"} for d in logged]
    )
    _json(capsys, "smartgate", "outcomes", "--data", str(outcomes), "--json")
    assert _error(capsys, "smartgate", "retrain", "--out", str(tmp_path / "m")) == (
        "error: history: 0 illicit and 250 clean of 250 labelled decisions;"
        " retraining needs at least 5 illicit"
    )


def test_decision_keys_match_the_contract() -> None:
    from smartlogistics.smartgate.lanes import Lane, Stage

    d = Decision("c", "0" * 64, Lane.GREEN, Stage.PRE_LOADING, "7I", None, None, (), (), (), "rs")
    assert set(d.to_json()) == DECISION_KEYS
