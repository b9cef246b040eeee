"""The SmartGate HTTP API on SQLite and PostgreSQL: screening, outcomes, look-up, report."""

from __future__ import annotations

from typing import Any

from smartlogistics.db import head_revision
from tests.smartgate.conftest import clean_data
from tests.web.conftest import MakeClient, TestClient

SANCTIONED_PARTY = {"consignee_name": "ACME Trading Co. Ltd"}  # SYN-DP-001, DNL grade


def _report(client: TestClient) -> dict[str, Any]:
    response = client.get("/smartgate/report")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_health_names_the_database_revision_and_rules_only(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["db_revision"] == head_revision()
    assert body["model_version"] is None
    assert body["rule_set_version"].startswith("rs-")


def test_screen_one_clean_consignment_is_green_and_logged(client: TestClient) -> None:
    response = client.post("/smartgate/screen", json=clean_data())
    assert response.status_code == 200
    body = response.json()
    assert (body["lane"], body["status_code"], body["consignment_id"]) == ("GREEN", "7I", "C-1")
    assert (body["score"], body["threshold"], body["model_version"]) == (None, None, None)
    assert body["reasons"] == []
    stored = client.get(f"/smartgate/decisions/{body['id']}").json()
    assert stored["id"] == body["id"]
    assert (stored["lane"], stored["input_hash"]) == ("GREEN", body["input_hash"])
    assert stored["consignment"]["hs_code"] == "847130"
    assert stored["outcomes"] == []


def test_missing_placi_elements_are_an_rfi_naming_them(client: TestClient) -> None:
    body = client.post("/smartgate/screen", json=clean_data(house_awb=None, pieces=None)).json()
    assert (body["lane"], body["status_code"], body["decided_by"]) == (
        "RFI",
        "7H",
        ["data_quality"],
    )
    [reason] = body["reasons"]
    assert reason["message"] == "missing ICS2 pre-loading (7+1) data: pieces, house_awb"
    assert reason["fields"] == ["pieces", "house_awb"]


def test_sanctioned_party_is_do_not_load(client: TestClient) -> None:
    body = client.post("/smartgate/screen", json=clean_data(**SANCTIONED_PARTY)).json()
    assert (body["lane"], body["status_code"], body["decided_by"]) == (
        "DNL", "6H", ["denied_parties"],
    )  # fmt: skip
    assert body["reasons"][0]["fields"] == ["consignee_name"]


def test_batch_decides_in_order_and_logs_every_decision(client: TestClient) -> None:
    batch = [
        clean_data(id="A"),
        clean_data(id="B", consignor_country="KP"),
        clean_data(id="C", description="toy drones with Li-ion packs", hs_code="950300"),
        clean_data(id="D", pieces=None),
    ]
    response = client.post("/smartgate/screen-batch", json=batch)
    assert response.status_code == 200
    body = response.json()
    assert [(d["consignment_id"], d["lane"]) for d in body] == [
        ("A", "GREEN"), ("B", "DNL"), ("C", "RED"), ("D", "RFI"),
    ]  # fmt: skip
    assert len({d["id"] for d in body}) == 4
    assert client.get(f"/smartgate/decisions/{body[2]['id']}").json()["lane"] == "RED"
    report = _report(client)
    assert report["decisions"] == 4
    assert report["lanes"] == {"GREEN": 1, "RFI": 1, "RED": 1, "DNL": 1}
    assert report["inspection_rate"] == 0.5
    wrapped = client.post("/smartgate/screen-batch", json={"consignments": batch[:1]})
    assert [d["lane"] for d in wrapped.json()] == ["GREEN"]
    assert client.post("/smartgate/screen-batch", json=[]).json() == []


def test_rejected_batch_stores_nothing_and_names_the_field(client: TestClient) -> None:
    client.post("/smartgate/screen", json=clean_data())
    before = _report(client)
    batch = [clean_data(id=f"B{i}") for i in range(5)]
    batch[3]["hs_code"] = "84713"
    response = client.post("/smartgate/screen-batch", json=batch)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "value_error",
                "loc": ["body", 3, "hs_code"],
                "msg": "consignment 'B3': expected a 6-digit HS subheading, not '84713'",
            }
        ]
    }
    duplicate = client.post("/smartgate/screen-batch", json={"consignments": batch[:2] * 2})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "consignments", 2, "id"]
    assert _report(client) == before


def test_malformed_single_consignments_are_422_naming_the_field(client: TestClient) -> None:
    cases: list[tuple[Any, list[str | int], str]] = [
        (clean_data(gross_weight_kg=-1), ["body", "gross_weight_kg"], "value_error"),
        (clean_data(consignor_country="XX"), ["body", "consignor_country"], "value_error"),
        (clean_data(weight=3), ["body", "weight"], "value_error"),
        ({"pieces": 2}, ["body", "id"], "value_error"),
        ([clean_data()], ["body"], "value_error"),
        ("text", ["body"], "value_error"),
    ]
    for body, loc, kind in cases:
        response = client.post("/smartgate/screen", json=body)
        assert response.status_code == 422, body
        [error] = response.json()["detail"]
        assert (error["loc"], error["type"]) == (loc, kind), body
        assert error["msg"]
    nan = client.post(
        "/smartgate/screen",
        content=b'{"id": "N", "gross_weight_kg": NaN}',
        headers={"content-type": "application/json"},
    )
    assert nan.status_code == 422
    assert nan.json()["detail"][0]["loc"] == ["body", "gross_weight_kg"]
    broken = client.post(
        "/smartgate/screen", content=b'{"id": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "json_invalid"
    not_json = client.post(
        "/smartgate/screen", content=b"id=1", headers={"content-type": "text/plain"}
    )
    assert not_json.status_code == 422
    assert not_json.json()["detail"][0]["loc"] == ["body"]
    assert _report(client)["decisions"] == 0


def test_outcomes_one_or_many_and_the_report(client: TestClient) -> None:
    batch = [
        clean_data(id="A"),
        clean_data(id="B", consignor_country="KP"),
        clean_data(id="C", description="toy drones with Li-ion packs", hs_code="950300"),
    ]
    green, dnl, red = (d["id"] for d in client.post("/smartgate/screen-batch", json=batch).json())
    one = client.post(
        "/smartgate/outcomes",
        json={
            "decision_id": red,
            "illicit": True,
            "value_at_stake": 1200.5,
            "agency": "customs",
            "notes": "undeclared lithium cells",
            "inspected_at": "2026-12-01T10:00:00+01:00",
        },
    )
    assert one.status_code == 201
    recorded = one.json()
    assert (recorded["decision_id"], recorded["illicit"], recorded["value_at_stake"]) == (
        red, True, 1200.5,
    )  # fmt: skip
    assert recorded["inspected_at"] == "2026-12-01T09:00:00+00:00"
    many = client.post(
        "/smartgate/outcomes",
        json=[{"decision_id": dnl, "illicit": False}, {"decision_id": green, "illicit": True}],
    )
    assert many.status_code == 201
    assert [o["decision_id"] for o in many.json()] == [dnl, green]
    stored = client.get(f"/smartgate/decisions/{red}").json()
    assert [o["notes"] for o in stored["outcomes"]] == ["undeclared lithium cells"]
    assert stored["outcomes"][0]["inspected_at"] == "2026-12-01T09:00:00+00:00"
    report = _report(client)
    assert report["decisions"] == 3
    assert (report["inspected_with_outcome"], report["hits"]) == (2, 1)
    assert report["precision"] == 0.5
    assert report["recall"] == 0.5  # the green one was found illicit by an audit
    assert report["since"] is None
    later = client.get("/smartgate/report", params={"since": "2999-01-01T00:00:00Z"}).json()
    assert later["decisions"] == 0


def test_unknown_decisions_are_404_and_record_nothing(client: TestClient) -> None:
    known = client.post("/smartgate/screen", json=clean_data()).json()["id"]
    missing = client.get("/smartgate/decisions/no-such-id")
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": [
            {"type": "not_found", "loc": ["path", "decision_id"], "msg": "no decision 'no-such-id'"}
        ]
    }
    assert client.get("/smartgate/decisions/" + "x" * 200).status_code == 404
    one = client.post("/smartgate/outcomes", json={"decision_id": "nope", "illicit": True})
    assert one.status_code == 404
    assert one.json()["detail"][0]["loc"] == ["body", "decision_id"]
    many = client.post(
        "/smartgate/outcomes",
        json=[{"decision_id": known, "illicit": True}, {"decision_id": "nope", "illicit": False}],
    )
    assert many.status_code == 404
    assert many.json() == {
        "detail": [
            {"type": "not_found", "loc": ["body", 1, "decision_id"], "msg": "no decision 'nope'"}
        ]
    }
    assert client.get(f"/smartgate/decisions/{known}").json()["outcomes"] == []


def test_malformed_outcomes_are_fastapi_422(client: TestClient) -> None:
    known = client.post("/smartgate/screen", json=clean_data()).json()["id"]
    response = client.post(
        "/smartgate/outcomes",
        json=[
            {"decision_id": known, "illicit": True},
            {"decision_id": known, "illicit": "maybe", "inspected_at": "2026-12-01T10:00:00"},
        ],
    )
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(e["loc"], e["type"]) for e in errors] == [
        (["body", 1, "illicit"], "bool_type"),
        (["body", 1, "inspected_at"], "timezone_aware"),
    ]
    assert all(set(e) >= {"loc", "msg", "type"} for e in errors)
    for bad in (
        {"decision_id": known, "illicit": True, "value_at_stake": -1},
        {"decision_id": known, "illicit": True, "agency": "x" * 51},
        {"decision_id": known, "illicit": True, "extra": 1},
        {"illicit": True},
    ):
        assert client.post("/smartgate/outcomes", json=bad).status_code == 422, bad
    naive = client.get("/smartgate/report", params={"since": "2026-12-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"] == ["query", "since"]
    assert client.get(f"/smartgate/decisions/{known}").json()["outcomes"] == []


def test_bodies_over_the_limit_are_413_and_store_nothing(make_client: MakeClient) -> None:
    client = make_client(max_request_bytes=2_000)
    assert client.post("/smartgate/screen", json=clean_data()).status_code == 200
    big = [clean_data(id=f"C{i}") for i in range(10)]
    assert client.post("/smartgate/screen-batch", json=big).status_code == 413

    def chunks() -> Any:
        yield b"["
        for i in range(10):
            yield (b"," if i else b"") + str(clean_data(id=f"S{i}")).replace("'", '"').encode()
        yield b"]"

    streamed = client.post(
        "/smartgate/screen-batch", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert _report(client)["decisions"] == 1
