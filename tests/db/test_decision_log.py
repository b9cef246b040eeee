from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from smartlogistics.db import DecisionLog, smartgate_decisions, upgrade
from smartlogistics.errors import InvalidInputError

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _decision(cid: str, lane: str, minutes: int = 0) -> dict[str, Any]:
    return {
        "consignment_id": cid,
        "input_hash": cid.encode().hex().ljust(64, "0")[:64],
        "lane": lane,
        "status_code": {"GREEN": "7I", "RFI": "7H", "RED": "7J", "DNL": "6H"}[lane],
        "score": 0.5,
        "threshold": 0.9,
        "rule_set_version": "rs-1",
        "model_version": "sg-1",
        "reasons": [{"kind": "rule", "rule": "x"}],
        "decided_at": (T0 + timedelta(minutes=minutes)).isoformat(),
    }


@pytest.fixture
def log(database: Engine) -> DecisionLog:
    upgrade(database)
    return DecisionLog(database)


def test_append_get_and_outcomes(log: DecisionLog) -> None:
    ids = log.append([_decision("A", "RED")], [{"id": "A", "pieces": 2}])
    assert len(ids) == 1
    first = log.record_outcome(ids[0], illicit=False, agency="customs")
    second = log.record_outcome(ids[0], illicit=True, value_at_stake=1200.0)
    stored = log.get(ids[0])
    assert stored is not None
    assert stored["lane"] == "RED"
    assert stored["consignment"] == {"id": "A", "pieces": 2}
    assert stored["decided_at"] == "2026-12-01T09:00:00+00:00"
    assert [o["illicit"] for o in stored["outcomes"]] == [False, True]
    assert first["id"] is not None and second["id"] is not None
    assert first["id"] < second["id"]
    assert log.get("missing") is None


def test_report_and_labelled_history(log: DecisionLog) -> None:
    lanes = ["RED", "RED", "GREEN", "GREEN", "RFI", "DNL"]
    ids = log.append(
        [_decision(f"C{i}", lane, i) for i, lane in enumerate(lanes)],
        [{"id": f"C{i}"} for i in range(len(lanes))],
    )
    log.record_outcome(ids[0], illicit=True, value_at_stake=500.0)
    log.record_outcome(ids[1], illicit=False)
    log.record_outcome(ids[2], illicit=True)  # an audit found a missed one
    log.record_outcome(ids[5], illicit=True)
    report = log.report()
    assert report == {
        "decisions": 6,
        "lanes": {"GREEN": 2, "RFI": 1, "RED": 2, "DNL": 1},
        "inspection_rate": 0.5,
        "inspected_with_outcome": 3,
        "hits": 2,
        "precision": 2 / 3,
        "recall": 2 / 3,
    }
    history = log.labelled_history()
    assert [(h["id"], h["label"]) for h in history] == [
        ("C0", 1),
        ("C1", 0),
        ("C2", 1),
        ("C5", 1),
    ]
    assert history[0]["value_at_stake"] == 500.0
    assert history[0]["date"] == "2026-12-01T09:00:00+00:00"
    assert log.report(since=T0 + timedelta(minutes=4))["decisions"] == 2


def test_bad_input_stores_nothing(log: DecisionLog, database: Engine) -> None:
    good, bad = _decision("A", "RED"), _decision("B", "RED")
    del bad["lane"]
    with pytest.raises(InvalidInputError) as info:
        log.append([good, bad], [{"id": "A"}, {"id": "B"}])
    assert (info.value.field, info.value.problem) == ("decisions[1].lane", "missing")
    naive = _decision("C", "GREEN")
    naive["decided_at"] = "2026-12-01T09:00:00"
    with pytest.raises(InvalidInputError) as info:
        log.append([naive], [{"id": "C"}])
    assert info.value.field == "decisions[0].decided_at"
    with database.connect() as conn:
        assert conn.execute(select(func.count()).select_from(smartgate_decisions)).scalar() == 0
    with pytest.raises(InvalidInputError) as info:
        log.record_outcome("nope", illicit=True)
    assert (info.value.field, info.value.problem) == ("decision_id", "no decision 'nope'")
    with pytest.raises(InvalidInputError) as info:
        log.append([good], [])
    assert info.value.field == "consignments"


def test_times_are_stored_in_utc_whatever_their_offset(log: DecisionLog) -> None:
    decision = _decision("A", "RED")
    decision["decided_at"] = "2026-12-01T10:00:00+01:00"
    (decision_id,) = log.append([decision], [{"id": "A"}])
    amsterdam = datetime.fromisoformat("2026-12-01T12:30:00+01:00")
    log.record_outcome(decision_id, illicit=True, inspected_at=amsterdam)
    stored = log.get(decision_id)
    assert stored is not None
    assert stored["decided_at"] == "2026-12-01T09:00:00+00:00"
    assert stored["outcomes"][0]["inspected_at"] == "2026-12-01T11:30:00+00:00"


def test_several_outcomes_are_all_or_nothing(log: DecisionLog) -> None:
    ids = log.append([_decision("A", "RED"), _decision("B", "RED")], [{"id": "A"}, {"id": "B"}])
    with pytest.raises(InvalidInputError) as info:
        log.record_outcomes(
            [
                {"decision_id": ids[0], "illicit": True},
                {"decision_id": "ghost", "illicit": False},
            ]
        )
    assert (info.value.field, info.value.problem) == (
        "outcomes[1].decision_id",
        "no decision 'ghost'",
    )
    first = log.get(ids[0])
    assert first is not None and first["outcomes"] == []
    stored = log.record_outcomes(
        [{"decision_id": ids[0], "illicit": True}, {"decision_id": ids[1], "illicit": False}]
    )
    assert [o["illicit"] for o in stored] == [True, False]
    with pytest.raises(InvalidInputError) as info:
        log.record_outcomes([{"decision_id": ids[0], "illicit": True, "value_at_stake": -1}])
    assert info.value.field == "outcomes[0].value_at_stake"
