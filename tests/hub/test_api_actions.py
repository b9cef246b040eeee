"""PATCH as change requests, action requests, audit trail, delegations, verifications."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from smartlogistics.hub._tables import hub_changes, hub_object_revisions
from smartlogistics.hub.store import HubStore
from tests.hub.conftest import AGENT_A, AGENT_B, AGENT_C, BASE

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]
CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"


def _create(client: TestClient, auth: Auth, doc: Any, agent: str = AGENT_A) -> str:
    response = client.post("/logistics-objects", json=doc, headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _change(example: Example, name: str, uri: str, revision: int | None = None) -> Any:
    doc = copy.deepcopy(example(name))
    target = doc["api:hasLogisticsObject"]
    target = target[0] if isinstance(target, list) else target
    old = target["@id"]
    target["@id"] = uri
    for op in doc["api:hasOperation"]:
        if op["api:s"] == old:
            op["api:s"] = uri
    if revision is not None:
        doc["api:hasRevision"]["@value"] = str(revision)
    return doc


def _verification(example: Example, uri: str) -> Any:
    doc = example("Verification.json")
    # the example's context maps xsd without its trailing '#', which makes its
    # "xsd:anyURI" an unusable IRI for a JSON-LD processor; a client sends it right
    doc["@context"]["xsd"] = "http://www.w3.org/2001/XMLSchema#"
    doc["api:hasLogisticsObject"] = {"@id": uri}
    return doc


def _patch(client: TestClient, auth: Auth, uri: str, doc: Any, agent: str = AGENT_A) -> Any:
    return client.patch(uri, json=doc, headers=auth(agent))


def _status(client: TestClient, auth: Auth, location: str, agent: str = AGENT_A) -> str:
    body = client.get(location, headers=auth(agent)).json()
    return str(body["api:hasRequestStatus"]["@id"])


def test_holder_patch_is_applied_as_revision_2(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    response = _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    assert response.status_code == 201
    assert response.headers["Type"] == API + "ChangeRequest"
    location = response.headers["Location"]
    assert location.startswith(f"{BASE}/action-requests/")
    assert _status(client, auth, location) == "api:REQUEST_ACCEPTED"
    got = client.get(uri, headers=auth(AGENT_A))
    assert got.headers["Revision"] == "2"
    assert got.headers["Latest-Revision"] == "2"
    body = got.json()
    assert body["cargo:goodsDescription"] == "ONE Record Advertisement Materials"
    assert body["cargo:coload"] is True
    # revision 1 is unchanged in the database (immutable revisions)
    with hub_store.engine.connect() as conn:
        rows = conn.execute(
            select(hub_object_revisions.c.revision, hub_object_revisions.c.body).order_by(
                hub_object_revisions.c.revision
            )
        ).all()
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][1]["cargo:coload"] == {"@type": "xsd:boolean", "@value": "false"}
    assert "cargo:goodsDescription" not in rows[0][1]


def test_outbox_rows_for_create_and_update(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    woken: list[int] = []
    hub_store.add_commit_listener(lambda: woken.append(1))
    uri = _create(client, auth, example("Piece.json"))
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    with hub_store.engine.connect() as conn:
        rows = conn.execute(select(hub_changes).order_by(hub_changes.c.seq)).mappings().all()
    assert [(r["kind"], r["revision"]) for r in rows] == [
        ("LOGISTICS_OBJECT_CREATED", 1),
        ("CHANGE_REQUEST_PENDING", None),
        ("LOGISTICS_OBJECT_UPDATED", 2),
        ("CHANGE_REQUEST_ACCEPTED", 2),
    ]
    assert all(r["object_uri"] == uri and r["object_type"] == CARGO + "Piece" for r in rows)
    assert rows[0]["changed_properties"] == []
    assert rows[2]["changed_properties"] == [CARGO + "coload", CARGO + "goodsDescription"]
    assert len(woken) == 2


def test_embedded_value_added_changed_deleted(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    assert (
        _patch(
            client, auth, uri, _change(example, "Change_example2.json", uri, revision=1)
        ).status_code
        == 201
    )
    weight = client.get(uri, headers=auth(AGENT_A)).json()["cargo:grossWeight"]
    assert weight["@type"] == "cargo:Value"
    assert weight["cargo:numericalValue"] == 20.0
    assert weight["cargo:unit"] == {
        "@id": "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#KGM"
    }
    change3 = _change(example, "Change_example3.json", uri, revision=2)
    for op in change3["api:hasOperation"]:
        op["api:s"] = weight["@id"]
    location = _patch(client, auth, uri, change3).headers["Location"]
    assert _status(client, auth, location) == "api:REQUEST_ACCEPTED"
    assert (
        client.get(uri, headers=auth(AGENT_A)).json()["cargo:grossWeight"]["cargo:numericalValue"]
        == 25.0
    )
    change4 = _change(example, "Change_example4.json", uri, revision=3)
    for op in change4["api:hasOperation"]:
        for o in op["api:o"]:
            if o["api:hasValue"].startswith("internal:"):
                o["api:hasValue"] = weight["@id"]
        if op["api:s"].startswith("internal:"):
            op["api:s"] = weight["@id"]
        if op["api:p"].endswith("numericalValue"):
            op["api:o"][0]["api:hasValue"] = "25"
    location = _patch(client, auth, uri, change4).headers["Location"]
    assert _status(client, auth, location) == "api:REQUEST_ACCEPTED"
    assert "cargo:grossWeight" not in client.get(uri, headers=auth(AGENT_A)).json()


def test_patch_uri_mismatch_is_400_as_example_c6(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    response = _patch(client, auth, uri, example("Change_example6.json"))
    assert response.status_code == 400
    assert response.json()["api:hasTitle"] == "Logistics Object URI does not match"


def test_patch_of_events_is_400_as_example_c7(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    response = _patch(client, auth, uri, _change(example, "Change_example7.json", uri))
    assert response.status_code == 400
    assert response.json()["api:hasTitle"] == "Logistics Events can not be updated"


def test_patch_cannot_touch_foreign_subjects(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    change = _change(example, "Change_example1.json", uri)
    change["api:hasOperation"][0]["api:s"] = f"{BASE}/logistics-objects/other"
    assert _patch(client, auth, uri, change).status_code == 400


def test_stale_revision_fails_with_409_error_and_nothing_applied(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    stale = _change(example, "Change_example5.json", uri, revision=1)
    location = _patch(client, auth, uri, stale).headers["Location"]
    request = client.get(location, headers=auth(AGENT_A)).json()
    assert request["api:hasRequestStatus"]["@id"] == "api:REQUEST_FAILED"
    error = request["api:hasError"][0]
    assert error["api:hasTitle"] == "Conflict with Logistics Object revision number"
    assert error["api:hasErrorDetail"][0]["api:hasCode"] == "409"
    history = [h["api:hasRequestStatus"]["@id"] for h in request["api:hasRequestStatusHistory"]]
    assert history == ["api:REQUEST_PENDING", "api:REQUEST_ACCEPTED"]
    assert client.get(uri, headers=auth(AGENT_A)).headers["Latest-Revision"] == "2"


def test_failing_operation_applies_nothing(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    change = _change(example, "Change_example1.json", uri)
    change["api:hasOperation"][1]["api:o"][0]["api:hasValue"] = "true"  # coload is false
    location = _patch(client, auth, uri, change).headers["Location"]
    assert _status(client, auth, location) == "api:REQUEST_FAILED"
    body = client.get(uri, headers=auth(AGENT_A)).json()
    assert body["api:hasRevision"] == 1
    assert "cargo:goodsDescription" not in body


def test_non_holder_change_is_pending_until_the_holder_decides(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    from smartlogistics.hub.acl import GET_LOGISTICS_OBJECT, PATCH_LOGISTICS_OBJECT

    uri = _create(client, auth, example("Piece.json"))
    change = _change(example, "Change_example1.json", uri)
    assert _patch(client, auth, uri, change, AGENT_B).status_code == 403
    hub_store.grant(
        uri.rsplit("/", 1)[1], AGENT_B, [PATCH_LOGISTICS_OBJECT, GET_LOGISTICS_OBJECT], by=AGENT_A
    )
    first = _patch(client, auth, uri, change, AGENT_B).headers["Location"]
    second = _patch(client, auth, uri, change, AGENT_B).headers["Location"]
    assert _status(client, auth, first, AGENT_B) == "api:REQUEST_PENDING"
    assert client.get(first, headers=auth(AGENT_C)).status_code == 403
    # only the holder may accept
    assert (
        client.patch(
            first, params={"status": "REQUEST_ACCEPTED"}, headers=auth(AGENT_B)
        ).status_code
        == 403
    )
    accepted = client.patch(
        first, params={"status": API + "REQUEST_ACCEPTED"}, headers=auth(AGENT_A)
    )
    assert accepted.status_code == 204
    assert accepted.headers["Location"] == first
    assert accepted.headers["Type"] == API + "ChangeRequest"
    assert _status(client, auth, first) == "api:REQUEST_ACCEPTED"
    # the other pending request on the same revision MUST be rejected
    assert _status(client, auth, second) == "api:REQUEST_REJECTED"
    assert client.get(uri, headers=auth(AGENT_A)).headers["Latest-Revision"] == "2"


def test_state_machine_and_revocation(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    from smartlogistics.hub.acl import PATCH_LOGISTICS_OBJECT

    uri = _create(client, auth, example("Piece.json"))
    hub_store.grant(uri.rsplit("/", 1)[1], AGENT_B, [PATCH_LOGISTICS_OBJECT], by=AGENT_A)
    change = _change(example, "Change_example1.json", uri)
    pending = _patch(client, auth, uri, change, AGENT_B).headers["Location"]
    assert client.delete(pending, headers=auth(AGENT_C)).status_code == 403
    assert client.delete(pending, headers=auth(AGENT_B)).status_code == 204
    revoked = client.get(pending, headers=auth(AGENT_B)).json()
    assert revoked["api:hasRequestStatus"]["@id"] == "api:REQUEST_REVOKED"
    assert revoked["api:isRevokedBy"] == {"@id": AGENT_B}
    again = client.patch(pending, params={"status": "REQUEST_ACCEPTED"}, headers=auth(AGENT_A))
    assert again.status_code == 422
    accepted = _patch(client, auth, uri, change).headers["Location"]
    assert client.delete(accepted, headers=auth(AGENT_A)).status_code == 422
    bad = client.patch(accepted, params={"status": "REQUEST_MAYBE"}, headers=auth(AGENT_A))
    assert bad.status_code == 400
    assert client.get(f"{BASE}/action-requests/nope", headers=auth(AGENT_A)).status_code == 404


def test_action_request_head_and_last_modified(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    location = _patch(client, auth, uri, _change(example, "Change_example1.json", uri)).headers[
        "Location"
    ]
    get = client.get(location, headers=auth(AGENT_A))
    head = client.head(location, headers=auth(AGENT_A))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Type"] == API + "ChangeRequest"
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]
    body = get.json()
    assert body["@type"] == "api:ChangeRequest"
    assert body["api:isRequestedBy"] == {"@id": AGENT_A}
    assert body["api:hasChange"]["api:hasLogisticsObject"] == {"@id": uri}


def test_audit_trail_lists_requests_with_filters(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    hub_store.clock = lambda: t0
    uri = _create(client, auth, example("Piece.json"))
    hub_store.clock = lambda: t0 + timedelta(hours=1)
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    hub_store.clock = lambda: t0 + timedelta(hours=2)
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri, revision=1))
    trail = client.get(f"{uri}/audit-trail", headers=auth(AGENT_A))
    assert trail.status_code == 200
    body = trail.json()
    assert body["@type"] == "api:AuditTrail"
    assert body["api:hasLatestRevision"] == 2
    statuses = [r["api:hasRequestStatus"]["@id"] for r in body["api:hasActionRequest"]]
    assert statuses == ["api:REQUEST_ACCEPTED", "api:REQUEST_FAILED"]
    only = client.get(
        f"{uri}/audit-trail", params={"status": "REQUEST_FAILED"}, headers=auth(AGENT_A)
    ).json()
    assert len(only["api:hasActionRequest"]) == 1
    early = client.get(
        f"{uri}/audit-trail", params={"updated-to": "20261201T103000Z"}, headers=auth(AGENT_A)
    ).json()
    assert len(early["api:hasActionRequest"]) == 1
    bad = client.get(
        f"{uri}/audit-trail", params={"updated-from": "yesterday"}, headers=auth(AGENT_A)
    )
    assert bad.status_code == 400
    assert client.get(f"{uri}/audit-trail", headers=auth(AGENT_B)).status_code == 403


def test_historical_at(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    hub_store.clock = lambda: t0
    uri = _create(client, auth, example("Piece.json"))
    hub_store.clock = lambda: t0 + timedelta(hours=1)
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    hub_store.clock = lambda: t0 + timedelta(hours=3)
    old = client.get(uri, params={"at": "20261201T093000Z"}, headers=auth(AGENT_A))
    assert old.status_code == 200
    assert old.headers["Revision"] == "1"
    assert old.headers["Latest-Revision"] == "2"
    assert old.headers["Location"] == f"{uri}?at=20261201T093000Z"
    assert old.json()["cargo:coload"] == {"@type": "xsd:boolean", "@value": "false"}
    assert (
        client.get(uri, params={"at": "20261201T083000Z"}, headers=auth(AGENT_A)).status_code == 404
    )
    assert (
        client.get(uri, params={"at": "20261201T130000Z"}, headers=auth(AGENT_A)).status_code == 400
    )
    assert client.get(uri, params={"at": "2026-12-01"}, headers=auth(AGENT_A)).status_code == 400


def test_access_delegation_grants_and_revocation_cascades(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    doc = example("AccessDelegation_example1.json")
    doc["api:isRequestedFor"] = [{"@id": AGENT_B}]
    doc["api:hasLogisticsObject"] = [{"@id": uri}]
    response = client.post("/access-delegations", json=doc, headers=auth(AGENT_B))
    assert response.status_code == 201, response.text
    assert response.headers["Type"] == API + "AccessDelegationRequest"
    location = response.headers["Location"]
    assert _status(client, auth, location, AGENT_B) == "api:REQUEST_PENDING"
    assert client.get(uri, headers=auth(AGENT_B)).status_code == 403
    assert (
        client.patch(
            location, params={"status": "REQUEST_ACCEPTED"}, headers=auth(AGENT_A)
        ).status_code
        == 204
    )
    assert client.get(uri, headers=auth(AGENT_B)).status_code == 200
    # B asks access for its partner C; the holder grants it
    doc["api:isRequestedFor"] = [{"@id": AGENT_C}]
    second = client.post("/access-delegations", json=doc, headers=auth(AGENT_B)).headers["Location"]
    client.patch(second, params={"status": "REQUEST_ACCEPTED"}, headers=auth(AGENT_A))
    assert client.get(uri, headers=auth(AGENT_C)).status_code == 200
    # the holder withdraws B's delegation: C's goes with it (trust chain)
    assert client.delete(location, headers=auth(AGENT_A)).status_code == 204
    assert client.get(uri, headers=auth(AGENT_B)).status_code == 403
    assert client.get(uri, headers=auth(AGENT_C)).status_code == 403
    assert _status(client, auth, second) == "api:REQUEST_REVOKED"


def test_access_delegation_needs_one_delegate_and_known_objects(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    doc = example("AccessDelegation_example1.json")
    doc["api:hasLogisticsObject"] = [{"@id": uri}]
    doc["api:isRequestedFor"] = [{"@id": AGENT_B}, {"@id": AGENT_C}]
    assert client.post("/access-delegations", json=doc, headers=auth(AGENT_B)).status_code == 400
    doc["api:isRequestedFor"] = [{"@id": AGENT_B}]
    doc["api:hasLogisticsObject"] = [{"@id": f"{BASE}/logistics-objects/nope"}]
    assert client.post("/access-delegations", json=doc, headers=auth(AGENT_B)).status_code == 404


def test_verification_request(client: TestClient, auth: Auth, example: Example) -> None:
    uri = _create(client, auth, example("Piece.json"))
    doc = _verification(example, uri)
    assert client.post(uri, json=doc, headers=auth(AGENT_B)).status_code == 403
    response = client.post(uri, json=doc, headers=auth(AGENT_A))
    assert response.status_code == 201
    assert response.headers["Type"] == API + "VerificationRequest"
    location = response.headers["Location"]
    assert _status(client, auth, location) == "api:REQUEST_PENDING"
    ack = client.patch(location, params={"status": "REQUEST_ACKNOWLEDGED"}, headers=auth(AGENT_A))
    assert ack.status_code == 204
    assert _status(client, auth, location) == "api:REQUEST_ACKNOWLEDGED"
    trail = client.get(f"{uri}/audit-trail", headers=auth(AGENT_A)).json()
    assert [r["@type"] for r in trail["api:hasActionRequest"]] == ["api:VerificationRequest"]


def test_verification_of_old_revision_fails(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    _patch(client, auth, uri, _change(example, "Change_example1.json", uri))
    doc = _verification(example, uri)
    location = client.post(uri, json=doc, headers=auth(AGENT_A)).headers["Location"]
    assert _status(client, auth, location) == "api:REQUEST_FAILED"


@pytest.mark.parametrize("status", ["REQUEST_PENDING", "REQUEST_FAILED"])
def test_status_values_a_client_cannot_set(
    client: TestClient, auth: Auth, example: Example, status: str
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    doc = _verification(example, uri)
    location = client.post(uri, json=doc, headers=auth(AGENT_A)).headers["Location"]
    assert (
        client.patch(location, params={"status": status}, headers=auth(AGENT_A)).status_code == 400
    )
