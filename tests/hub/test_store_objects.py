"""HubStore in process: bulk creation, hooks, validation before writing."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, select

from smartlogistics.hub._errors import HubError
from smartlogistics.hub._tables import hub_changes, hub_objects
from smartlogistics.hub.store import SUBSCRIPTION_REQUEST, ActionRequestView, HubStore
from tests.hub.conftest import AGENT_A, AGENT_B, BASE, piece

A = AGENT_A
B = AGENT_B


def test_create_objects_is_one_transaction(store: HubStore) -> None:
    metas = store.create_objects([piece() for _ in range(5)], A)
    assert len({m.id for m in metas}) == 5
    bad = {"@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"}, "@type": "cargo:Nope"}
    with pytest.raises(HubError) as info:
        store.create_objects([piece(), bad], A)
    assert info.value.status == 400
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(hub_objects)).scalar() == 5
        assert conn.execute(select(func.count()).select_from(hub_changes)).scalar() == 5
    view = store.get_object(metas[0].id, A)
    assert view.body["@id"] == f"{BASE}/logistics-objects/{metas[0].id}"


def test_action_handlers_are_called_in_the_transaction(store: HubStore) -> None:
    seen: list[tuple[str, str]] = []

    def handler(conn: Connection, request: ActionRequestView, transition: str) -> None:
        assert isinstance(conn, Connection)
        seen.append((request.status.rsplit("#", 1)[1], transition))

    store.register_action_handler(SUBSCRIPTION_REQUEST, handler)
    pending = store.create_action_request(SUBSCRIPTION_REQUEST, {"@type": "api:Subscription"}, B)
    assert seen == [("REQUEST_PENDING", "created")]
    accepted = store.set_action_request_status(
        pending.id, "https://onerecord.iata.org/ns/api#REQUEST_ACCEPTED", A
    )
    assert accepted.status.endswith("REQUEST_ACCEPTED")
    assert seen[-1] == ("REQUEST_ACCEPTED", "accepted")
    revoked = store.revoke_action_request(pending.id, B)
    assert revoked.status.endswith("REQUEST_REVOKED")
    assert seen[-1] == ("REQUEST_REVOKED", "revoked")
    with store.engine.connect() as conn:
        kinds = conn.execute(select(hub_changes.c.kind).order_by(hub_changes.c.seq)).scalars()
        assert list(kinds) == [
            "SUBSCRIPTION_REQUEST_PENDING",
            "SUBSCRIPTION_REQUEST_ACCEPTED",
            "SUBSCRIPTION_REQUEST_REVOKED",
        ]


def test_handler_error_fails_the_request(store: HubStore) -> None:
    def refuse(conn: Connection, request: ActionRequestView, transition: str) -> None:
        if transition == "accepted":
            raise HubError(422, "callback not allowed")

    store.register_action_handler(SUBSCRIPTION_REQUEST, refuse)
    view = store.create_action_request(SUBSCRIPTION_REQUEST, {"@type": "api:Subscription"}, A)
    assert view.status.endswith("REQUEST_FAILED")
    assert view.errors[0]["api:hasErrorDetail"][0]["api:hasMessage"] == "callback not allowed"
