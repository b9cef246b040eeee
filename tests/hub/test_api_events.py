"""Logistics events over HTTP, one test per rule of logistics-events.md (API 2.3.0).

Runs on SQLite and PostgreSQL (the ``client`` fixture is parametrised through ``database``).
The request bodies are the specification's examples (``tests/data/hub/examples``), with
their object URIs replaced by the objects the test creates.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from smartlogistics.hub import acl
from smartlogistics.hub._tables import hub_changes, hub_events
from smartlogistics.hub.jsonld import expand
from smartlogistics.hub.store import HubStore
from tests.hub.conftest import AGENT_A, AGENT_B, BASE, JSONLD

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]

EVENT_TYPE = "https://onerecord.iata.org/ns/cargo#LogisticsEvent"
DEP = "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP"
MAN = "https://onerecord.iata.org/ns/code-lists/StatusCode#MAN"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _create(client: TestClient, auth: Auth, example: Example, agent: str = AGENT_A) -> str:
    response = client.post("/logistics-objects", json=example("Piece.json"), headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _event(
    example: Example,
    object_uri: str | None,
    *,
    code: str = DEP,
    date: str = "2023-04-01T10:38:01.000Z",
) -> dict[str, Any]:
    doc: dict[str, Any] = example("LogisticsEvent.json")
    if object_uri is None:
        del doc["cargo:eventFor"]
    else:
        doc["cargo:eventFor"] = {"@type": "cargo:Piece", "@id": object_uri}
    doc["cargo:eventCode"] = {"@id": code}
    doc["cargo:eventDate"]["@value"] = date
    return doc


def _post(client: TestClient, auth: Auth, object_uri: str, doc: Any, agent: str = AGENT_A) -> str:
    response = client.post(f"{object_uri}/logistics-events", json=doc, headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == JSONLD
    body: dict[str, Any] = response.json()
    assert body["@type"] == "api:Error"
    for detail in body["api:hasErrorDetail"]:
        assert detail["api:hasCode"] == str(status)
    return body


# --- Create a Logistics Event ------------------------------------------------------------


def test_post_event_returns_201_with_location_and_type_and_no_body(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    response = client.post(
        f"{uri}/logistics-events", json=_event(example, uri), headers=auth(AGENT_A)
    )
    assert response.status_code == 201
    assert response.content == b""
    assert re.fullmatch(re.escape(f"{uri}/logistics-events/") + UUID, response.headers["Location"])
    assert response.headers["Type"] == EVENT_TYPE
    assert response.headers["Content-Type"] == JSONLD


def test_every_event_gets_its_own_uri_under_its_object(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    doc = _event(example, uri)
    doc["@id"] = f"{uri}/logistics-events/chosen-by-the-client"
    first, second = _post(client, auth, uri, doc), _post(client, auth, uri, doc)
    assert first != second
    assert not first.endswith("chosen-by-the-client")
    assert client.get(first, headers=auth(AGENT_A)).json()["@id"] == first


def test_post_event_to_an_unknown_object_is_404(
    client: TestClient, auth: Auth, example: Example
) -> None:
    # Example A2
    uri = f"{BASE}/logistics-objects/1a8ded38-1804-467c-c369-81a411416b7c"
    response = client.post(
        f"{uri}/logistics-events", json=_event(example, uri), headers=auth(AGENT_A)
    )
    body = _error(response, 404)
    assert body["api:hasErrorDetail"][0]["api:hasResource"] == uri


def test_post_event_needs_post_logistics_event_permission(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    uri = _create(client, auth, example, AGENT_A)
    doc = _event(example, uri)
    refused = client.post(f"{uri}/logistics-events", json=doc, headers=auth(AGENT_B))
    body = _error(refused, 403)
    assert "POST_LOGISTICS_EVENT" in body["api:hasErrorDetail"][0]["api:hasMessage"]
    hub_store.grant(uri.rsplit("/", 1)[1], AGENT_B, [acl.GET_LOGISTICS_EVENT], by=AGENT_A)
    still = client.post(f"{uri}/logistics-events", json=doc, headers=auth(AGENT_B))
    _error(still, 403)  # reading events is another permission
    hub_store.grant(uri.rsplit("/", 1)[1], AGENT_B, [acl.POST_LOGISTICS_EVENT], by=AGENT_A)
    assert _post(client, auth, uri, doc, AGENT_B).startswith(f"{uri}/logistics-events/")


def test_post_event_without_a_token_is_401(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    headers = {k: v for k, v in auth(AGENT_A).items() if k != "Authorization"}
    response = client.post(f"{uri}/logistics-events", json=_event(example, uri), headers=headers)
    _error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_post_event_that_is_not_json_ld_is_415(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    headers = {**auth(AGENT_A), "Content-Type": "text/turtle"}
    response = client.post(f"{uri}/logistics-events", content=b"<a> <b> <c> .", headers=headers)
    _error(response, 415)


def test_event_without_event_date_is_400(client: TestClient, auth: Auth, example: Example) -> None:
    uri = _create(client, auth, example)
    doc = _event(example, uri)
    del doc["cargo:eventDate"]
    body = _error(client.post(f"{uri}/logistics-events", json=doc, headers=auth(AGENT_A)), 400)
    [detail] = body["api:hasErrorDetail"]
    assert detail["api:hasProperty"] == "https://onerecord.iata.org/ns/cargo#eventDate"
    assert detail["api:hasMessage"] == "eventDate: a logistics event MUST have an eventDate"


@pytest.mark.parametrize(
    ("change", "prop", "words"),
    [
        ({"cargo:noSuchThing": "x"}, "https://onerecord.iata.org/ns/cargo#noSuchThing", "unknown"),
        ({"cargo:eventName": 42}, "https://onerecord.iata.org/ns/cargo#eventName", "string"),
        (
            {"cargo:eventDate": {"@type": XSD_DATETIME, "@value": "yesterday"}},
            "https://onerecord.iata.org/ns/cargo#eventDate",
            "dateTime",
        ),
        ({"cargo:grossWeight": {"@type": "cargo:Value"}}, None, "not allowed"),
    ],
)
def test_event_the_ontology_refuses_is_400_naming_the_property(
    client: TestClient,
    auth: Auth,
    example: Example,
    change: dict[str, Any],
    prop: str | None,
    words: str,
) -> None:
    uri = _create(client, auth, example)
    doc = {**_event(example, uri), **change}
    body = _error(client.post(f"{uri}/logistics-events", json=doc, headers=auth(AGENT_A)), 400)
    assert body["api:hasTitle"] == "Invalid resource"
    detail = body["api:hasErrorDetail"][0]
    if prop is not None:
        assert detail["api:hasProperty"] == prop
    assert words in detail["api:hasMessage"]
    assert (
        client.get(f"{uri}/logistics-events", headers=auth(AGENT_A)).json()["api:hasTotalItems"]
        == 0
    )


def test_a_logistics_object_is_not_an_event(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    piece = example("Piece.json")
    body = _error(client.post(f"{uri}/logistics-events", json=piece, headers=auth(AGENT_A)), 400)
    messages = [d["api:hasMessage"] for d in body["api:hasErrorDetail"]]
    assert any("expected cargo:LogisticsEvent, got cargo:Piece" in m for m in messages)


def test_event_for_another_object_is_400(client: TestClient, auth: Auth, example: Example) -> None:
    uri, other = _create(client, auth, example), _create(client, auth, example)
    doc = _event(example, other)
    body = _error(client.post(f"{uri}/logistics-events", json=doc, headers=auth(AGENT_A)), 400)
    detail = body["api:hasErrorDetail"][0]
    assert detail["api:hasProperty"] == "https://onerecord.iata.org/ns/cargo#eventFor"


def test_an_event_is_linked_to_exactly_its_one_object(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    without = _post(client, auth, uri, _event(example, None))
    with_list = _event(example, uri)
    with_list["cargo:eventFor"] = [with_list["cargo:eventFor"]]
    listed = _post(client, auth, uri, with_list)
    for event_uri in (without, listed):
        body = client.get(event_uri, headers=auth(AGENT_A)).json()
        assert body["cargo:eventFor"] == {"@id": uri, "@type": "cargo:Piece"}


def test_expanded_input_is_accepted_and_stored_like_compacted(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    compacted = _event(example, uri)
    expanded = expand(copy.deepcopy(compacted))
    a = client.get(_post(client, auth, uri, compacted), headers=auth(AGENT_A)).json()
    b = client.get(_post(client, auth, uri, expanded), headers=auth(AGENT_A)).json()
    for body in (a, b):
        del body["@id"], body["cargo:creationDate"]
    assert a == b


def test_creation_date_is_when_the_hub_received_the_event(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    before = datetime.now(UTC).replace(microsecond=0)
    event = client.get(_post(client, auth, uri, _event(example, uri)), headers=auth(AGENT_A))
    after = datetime.now(UTC)
    created = event.json()["cargo:creationDate"]
    assert created["@type"] == "xsd:dateTime"
    stamp = datetime.fromisoformat(created["@value"])
    assert before <= stamp <= after  # not the example's 2023-04-01 creationDate
    assert event.json()["cargo:eventDate"]["@value"] == "2023-04-01T10:38:01.000Z"


def test_each_event_records_a_logistics_event_received_change(
    client: TestClient, auth: Auth, example: Example, database: Engine
) -> None:
    uri = _create(client, auth, example)
    event_uri = _post(client, auth, uri, _event(example, uri))
    with database.connect() as conn:
        rows = conn.execute(
            select(hub_changes).where(hub_changes.c.kind == "LOGISTICS_EVENT_RECEIVED")
        ).all()
        stored = conn.execute(select(hub_events.c.created_at)).scalar_one()
    [row] = rows
    assert row.object_uri == uri
    assert row.object_type == "https://onerecord.iata.org/ns/cargo#Piece"
    assert row.event_uri == event_uri
    assert row.changed_properties == []
    assert row.created_at.replace(tzinfo=UTC) == stored.replace(tzinfo=UTC)


# --- immutability ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_events_can_not_be_changed_or_deleted_over_http(
    client: TestClient, auth: Auth, example: Example, method: str
) -> None:
    uri = _create(client, auth, example)
    event_uri = _post(client, auth, uri, _event(example, uri))
    before = client.get(event_uri, headers=auth(AGENT_A)).json()
    for target in (event_uri, f"{uri}/logistics-events"):
        response = client.request(method, target, json=_event(example, uri), headers=auth(AGENT_A))
        body = _error(response, 400)  # Error_400_example2.json
        verb = "deleted" if method == "DELETE" else "updated"
        assert body["api:hasTitle"] == f"Logistics Events can not be {verb}"
        assert body["api:hasErrorDetail"][0]["api:hasResource"] == target
    assert client.get(event_uri, headers=auth(AGENT_A)).json() == before


def test_the_event_store_refuses_update_and_delete_in_the_database(
    client: TestClient, auth: Auth, example: Example, database: Engine
) -> None:
    uri = _create(client, auth, example)
    _post(client, auth, uri, _event(example, uri))
    for statement in ("UPDATE hub_events SET event_code = 'x'", "DELETE FROM hub_events"):
        with pytest.raises(DBAPIError), database.begin() as conn:
            conn.execute(text(statement))
    with database.connect() as conn:
        assert conn.execute(select(hub_events.c.event_code)).scalar_one() == DEP


# --- Get a Logistics Event ---------------------------------------------------------------


def test_get_event_returns_it_with_the_specified_headers(
    client: TestClient, auth: Auth, example: Example
) -> None:
    # Example B1 (LogisticsEvent_with_id.json, with this hub's ids)
    uri = _create(client, auth, example)
    event_uri = _post(client, auth, uri, _event(example, uri))
    response = client.get(event_uri, headers=auth(AGENT_A))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSONLD
    assert response.headers["Content-Language"] == "en-US"
    assert response.headers["Location"] == event_uri
    assert response.headers["Type"] == EVENT_TYPE
    assert re.fullmatch(
        r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", response.headers["Last-Modified"]
    )
    body = response.json()
    expected = example("LogisticsEvent_with_id.json")
    assert body["@id"] == event_uri
    assert body["@type"] == expected["@type"]
    for key in ("cargo:eventName", "cargo:eventTimeType"):
        assert body[key] == expected[key]
    assert body["cargo:eventDate"] == {
        "@type": "xsd:dateTime",  # the same IRI as the example's, compacted
        "@value": expected["cargo:eventDate"]["@value"],
    }
    assert body["cargo:partialEventIndicator"] is False
    assert body["cargo:eventCode"] == {"@id": DEP}
    assert body["cargo:recordingOrganization"] == {
        "@id": expected["cargo:recordingOrganization"]["@id"],
        "@type": "cargo:Company",
    }
    assert body["cargo:eventFor"] == {"@id": uri, "@type": "cargo:Piece"}


def test_get_unknown_event_or_object_is_404(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    missing = f"{uri}/logistics-events/afb4b8cf-288a-459c-97fd-ccd538ec527f"
    body = _error(client.get(missing, headers=auth(AGENT_A)), 404)
    assert body["api:hasErrorDetail"][0]["api:hasResource"] == missing
    # Example B2: the object does not exist either
    unknown = f"{BASE}/logistics-objects/1a8ded38-1804-467c-c369-81a411416b7c"
    _error(client.get(f"{unknown}/logistics-events/x", headers=auth(AGENT_A)), 404)


def test_get_event_needs_get_logistics_event_permission(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    uri = _create(client, auth, example)
    event_uri = _post(client, auth, uri, _event(example, uri))
    _error(client.get(event_uri, headers=auth(AGENT_B)), 403)
    _error(client.get(f"{uri}/logistics-events", headers=auth(AGENT_B)), 403)
    hub_store.grant(uri.rsplit("/", 1)[1], AGENT_B, [acl.GET_LOGISTICS_OBJECT], by=AGENT_A)
    _error(client.get(event_uri, headers=auth(AGENT_B)), 403)  # object access is not enough
    hub_store.grant(uri.rsplit("/", 1)[1], AGENT_B, [acl.GET_LOGISTICS_EVENT], by=AGENT_A)
    assert client.get(event_uri, headers=auth(AGENT_B)).status_code == 200
    assert client.get(f"{uri}/logistics-events", headers=auth(AGENT_B)).status_code == 200


# --- Get Logistics Events of a Logistics Object ------------------------------------------


def _list(client: TestClient, auth: Auth, uri: str, query: str = "") -> dict[str, Any]:
    response = client.get(f"{uri}/logistics-events{query}", headers=auth(AGENT_A))
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == JSONLD
    assert response.headers["Content-Language"] == "en-US"
    body: dict[str, Any] = response.json()
    return body


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    item = body.get("api:hasItem")
    return [] if item is None else item if isinstance(item, list) else [item]


def test_empty_list_is_a_collection_without_items(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    expected = example("LogisticsEvents_empty_list.json")
    body = _list(client, auth, uri)
    assert {k: v for k, v in body.items() if k != "@context"} == {
        "@id": f"{uri}/logistics-events",
        "@type": expected["@type"],
        "api:hasTotalItems": expected["api:hasTotalItems"],
    }
    for prefix in ("cargo", "api"):
        assert body["@context"][prefix] == expected["@context"][prefix]


def test_one_event_is_the_item_itself_and_several_are_a_list(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    first = _post(client, auth, uri, _event(example, uri))
    one = _list(client, auth, uri)
    assert one["api:hasTotalItems"] == 1  # LogisticsEvents_filtered_list.json
    assert isinstance(one["api:hasItem"], dict)
    assert one["api:hasItem"]["@id"] == first
    assert "@context" not in one["api:hasItem"]
    second = _post(client, auth, uri, _event(example, uri, code=MAN))
    many = _list(client, auth, uri)
    assert many["api:hasTotalItems"] == 2  # LogisticsEvents_list.json
    assert [item["@id"] for item in many["api:hasItem"]] == [first, second]
    assert many["@id"] == example("LogisticsEvents_list.json")["@id"].replace(
        "https://1r.example.com/logistics-objects/1a8ded38-1804-467c-a369-81a411416b3c", uri
    )


def test_list_endpoint_with_trailing_slash_is_the_same_list(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    _post(client, auth, uri, _event(example, uri))
    response = client.get(f"{uri}/logistics-events/", headers=auth(AGENT_A))
    assert response.status_code == 200
    assert response.json()["api:hasTotalItems"] == 1
    assert response.json()["@id"] == f"{uri}/logistics-events"


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("?event-code=DEP", ["DEP", "DEP"]),
        (f"?event-code={quote(DEP, safe='')}", ["DEP", "DEP"]),
        ("?event-code=MAN,FOH", ["MAN"]),
        ("?event-code=FOH&event-code=DEP", ["DEP", "DEP"]),
        ("?event-code=StatusCode", ["DEP", "MAN", "DEP"]),
        ("?event-code=XYZ", []),
    ],
)
def test_event_code_filter_matches_codes_containing_the_text(
    client: TestClient, auth: Auth, example: Example, query: str, codes: list[str]
) -> None:
    uri = _create(client, auth, example)
    for code in (DEP, MAN, DEP):
        _post(client, auth, uri, _event(example, uri, code=code))
    body = _list(client, auth, uri, query)
    assert body["api:hasTotalItems"] == len(codes)
    assert [i["cargo:eventCode"]["@id"].rsplit("#", 1)[1] for i in _items(body)] == codes


def test_occurred_filters_use_the_event_date(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    dates = ["2023-04-01T10:00:00Z", "2023-04-02T10:00:00Z", "2023-04-03T10:00:00Z"]
    for date in dates:
        _post(client, auth, uri, _event(example, uri, date=date))

    def occurred(query: str) -> list[str]:
        return [i["cargo:eventDate"]["@value"] for i in _items(_list(client, auth, uri, query))]

    assert occurred("?occurred-after=20230401T100000Z") == dates[1:]  # strictly after
    assert occurred("?occurred-before=20230403T100000Z") == dates[:2]
    assert occurred("?occurred-after=2023-04-01T12:00:00Z&occurred-before=20230403") == dates[1:2]
    assert occurred("?occurred-after=20230401T110000%2B01:00") == dates[1:]  # 10:00 UTC


def test_created_filters_use_the_time_the_hub_received_each_event(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    first = _post(client, auth, uri, _event(example, uri))
    created = _list(client, auth, uri)["api:hasItem"]["cargo:creationDate"]["@value"]
    stamp = datetime.fromisoformat(created)
    second = _post(client, auth, uri, _event(example, uri))
    at = stamp.strftime("%Y%m%dT%H%M%S.%fZ")

    def ids(query: str) -> list[str]:
        return [i["@id"] for i in _items(_list(client, auth, uri, query))]

    assert ids(f"?created-after={at}") == [second]
    assert ids("?created-after=20190926T075830Z") == [first, second]
    assert ids("?created-before=20190926T075830Z") == []
    assert ids("?created-before=29990101T000000Z") == [first, second]


def test_sort_orders_by_event_date_or_creation_date(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    dates = ["2023-04-02T10:00:00Z", "2023-04-03T10:00:00Z", "2023-04-01T10:00:00Z"]
    posted = [_post(client, auth, uri, _event(example, uri, date=d)) for d in dates]

    def ids(query: str) -> list[str]:
        return [i["@id"] for i in _items(_list(client, auth, uri, query))]

    assert ids("?sort=ASC-eventDate") == [posted[2], posted[0], posted[1]]
    assert ids("?sort=DESC-eventDate") == [posted[1], posted[0], posted[2]]
    assert ids("?sort=ASC-creationDate") == posted
    assert ids("?sort=DESC-creationDate") == posted[::-1]
    assert ids("") == posted  # no sort: the order of the event store


def test_limit_and_skip_page_while_the_total_counts_every_match(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example)
    posted = [_post(client, auth, uri, _event(example, uri)) for _ in range(5)]
    page = _list(client, auth, uri, "?limit=2&skip=1")
    assert page["api:hasTotalItems"] == 5
    assert [i["@id"] for i in page["api:hasItem"]] == posted[1:3]
    last = _list(client, auth, uri, "?skip=4&limit=10")
    assert last["api:hasItem"]["@id"] == posted[4]
    assert "api:hasItem" not in _list(client, auth, uri, "?skip=5")
    assert "api:hasItem" not in _list(client, auth, uri, "?limit=0")
    assert _list(client, auth, uri, "?limit=0")["api:hasTotalItems"] == 5


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?created-after=yesterday", "created-after"),
        ("?created-before=2023-13-01", "created-before"),
        ("?occurred-after=20230401T25", "occurred-after"),
        ("?occurred-before=", "occurred-before"),
        ("?sort=ASC-weight", "sort"),
        ("?limit=-1", "limit"),
        ("?limit=two", "limit"),
        ("?skip=1.5", "skip"),
        ("?limit=1&limit=2", "limit"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(
    client: TestClient, auth: Auth, example: Example, query: str, parameter: str
) -> None:
    uri = _create(client, auth, example)
    body = _error(client.get(f"{uri}/logistics-events{query}", headers=auth(AGENT_A)), 400)
    assert body["api:hasTitle"] == "Invalid query parameter request"
    [detail] = body["api:hasErrorDetail"]
    assert detail["api:hasProperty"] == parameter
    assert detail["api:hasMessage"].startswith(f"{parameter}: ")


def test_last_modified_of_the_list_changes_with_every_event(
    hub_settings: Any, database: Engine, auth: Auth, example: Example
) -> None:
    from smartlogistics.hub.app import create_hub_app

    now = [datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)]
    app = create_hub_app(hub_settings, engine=database, base_url=BASE, clock=lambda: now[0])
    with TestClient(app, base_url=BASE) as client:
        uri = _create(client, auth, example)
        listing = f"{uri}/logistics-events"
        empty = client.head(listing, headers=auth(AGENT_A))
        assert empty.headers["Last-Modified"] == "Sun, 01 Mar 2026 08:00:00 GMT"  # creation
        for minute in (5, 9):
            now[0] = now[0].replace(minute=minute)
            _post(client, auth, uri, _event(example, uri))
            head = client.head(listing, headers=auth(AGENT_A))
            assert head.status_code == 200
            assert head.content == b""
            assert head.headers["Last-Modified"] == f"Sun, 01 Mar 2026 08:{minute:02d}:00 GMT"
            assert (
                client.get(listing, headers=auth(AGENT_A)).headers["Last-Modified"]
                == (head.headers["Last-Modified"])
            )


def test_list_of_an_unknown_object_is_404(client: TestClient, auth: Auth) -> None:
    unknown = f"{BASE}/logistics-objects/2a7d1338-9033-13xc-b665-81a411418978"
    _error(client.get(f"{unknown}/logistics-events", headers=auth(AGENT_A)), 404)


# --- Create multiple Logistics Events (2.3.0) --------------------------------------------


def _multi(example: Example, name: str, targets: list[str]) -> dict[str, Any]:
    doc: dict[str, Any] = example(name)
    for ref, target in zip(doc["cargo:eventFor"], targets, strict=True):
        ref["@id"] = target
    return doc


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """The parts of a MultiStatusResponse that do not depend on generated ids."""
    return {
        "@type": body["@type"],
        "totals": [body[f"api:hasTotal{k}"] for k in ("Items", "Created", "Failed")],
        "results": [
            (r["@type"], r["api:hasHTTPStatus"], sorted(k for k in r if not k.startswith("@")))
            for r in body["api:hasCreationResult"]
        ],
    }


def test_multiple_events_all_created_is_207_with_a_result_per_object(
    client: TestClient, auth: Auth, example: Example
) -> None:
    # Example D1: a Shipment and two Pieces, all found and authorized
    targets = [_create(client, auth, example) for _ in range(3)]
    doc = _multi(example, "MultipleEvents_example1.json", targets)
    response = client.post("/logistics-events", json=doc, headers=auth(AGENT_A))
    assert response.status_code == 207
    assert response.headers["Content-Type"] == JSONLD
    body = response.json()
    assert _shape(body) == _shape(example("MultipleEventsResponse_example1.json"))
    assert body["@id"].startswith("internal:")
    for target, result in zip(targets, body["api:hasCreationResult"], strict=True):
        assert result["api:hasLogisticsObject"] == {"@id": target}
        event_uri = result["api:hasLogisticsEvent"]["@id"]
        assert re.fullmatch(re.escape(f"{target}/logistics-events/") + UUID, event_uri)
        event = client.get(event_uri, headers=auth(AGENT_A)).json()
        assert event["cargo:eventFor"] == {"@id": target, "@type": "cargo:Piece"}
        assert event["cargo:eventCode"] == {"@id": DEP}


def test_multiple_events_partial_success_reports_404_and_403_per_object(
    client: TestClient, auth: Auth, example: Example, database: Engine
) -> None:
    # Example D2: one object found, one not found, one the client may not add events to
    mine = _create(client, auth, example, AGENT_A)
    foreign = _create(client, auth, example, AGENT_B)
    missing = f"{BASE}/logistics-objects/piece-not-found"
    doc = _multi(example, "MultipleEvents_example2.json", [mine, missing, foreign])
    response = client.post("/logistics-events", json=doc, headers=auth(AGENT_A))
    assert response.status_code == 207
    body = response.json()
    assert _shape(body) == _shape(example("MultipleEventsResponse_example2.json"))
    ok, not_found, forbidden = body["api:hasCreationResult"]
    assert ok["api:hasLogisticsObject"] == {"@id": mine}
    assert not_found["api:hasLogisticsObject"] == {"@id": missing}
    assert not_found["api:hasError"]["@type"] == "api:Error"
    assert not_found["api:hasError"]["api:hasErrorDetail"][0]["api:hasCode"] == "404"
    assert forbidden["api:hasLogisticsObject"] == {"@id": foreign}
    assert forbidden["api:hasError"]["api:hasErrorDetail"][0]["api:hasCode"] == "403"
    assert (
        "POST_LOGISTICS_EVENT"
        in forbidden["api:hasError"]["api:hasErrorDetail"][0]["api:hasMessage"]
    )
    assert _list(client, auth, mine)["api:hasTotalItems"] == 1
    foreign_list = client.get(f"{foreign}/logistics-events", headers=auth(AGENT_B)).json()
    assert foreign_list["api:hasTotalItems"] == 0
    with database.connect() as conn:
        changes = conn.execute(
            select(hub_changes.c.object_uri, hub_changes.c.event_uri).where(
                hub_changes.c.kind == "LOGISTICS_EVENT_RECEIVED"
            )
        ).all()
    assert [(c.object_uri, c.event_uri) for c in changes] == [
        (mine, ok["api:hasLogisticsEvent"]["@id"])
    ]


def test_multiple_events_without_event_for_is_400(
    client: TestClient, auth: Auth, example: Example
) -> None:
    # Example D3
    response = client.post(
        "/logistics-events", json=example("MultipleEvents_example3.json"), headers=auth(AGENT_A)
    )
    body = _error(response, 400)
    expected = example("MultipleEventsResponse_example3.json")
    assert body["api:hasTitle"] == expected["api:hasTitle"]
    [detail] = body["api:hasErrorDetail"]
    assert detail["api:hasMessage"] == expected["api:hasErrorDetail"][0]["api:hasMessage"]
    assert detail["api:hasProperty"] == "https://onerecord.iata.org/ns/cargo#eventFor"


def test_multiple_events_empty_event_for_is_400(
    client: TestClient, auth: Auth, example: Example
) -> None:
    doc = example("MultipleEvents_example1.json")
    doc["cargo:eventFor"] = []
    _error(client.post("/logistics-events", json=doc, headers=auth(AGENT_A)), 400)


def test_multiple_events_with_an_invalid_event_is_400_and_creates_nothing(
    client: TestClient, auth: Auth, example: Example
) -> None:
    target = _create(client, auth, example)
    doc = _multi(example, "MultipleEvents_example1.json", [target, target, target])
    del doc["cargo:eventDate"]
    _error(client.post("/logistics-events", json=doc, headers=auth(AGENT_A)), 400)
    assert _list(client, auth, target)["api:hasTotalItems"] == 0


def test_multiple_events_fail_as_a_whole_only_for_401_and_415(
    client: TestClient, auth: Auth, example: Example
) -> None:
    target = _create(client, auth, example)
    doc = _multi(example, "MultipleEvents_example1.json", [target] * 3)
    headers = {k: v for k, v in auth(AGENT_A).items() if k != "Authorization"}
    _error(client.post("/logistics-events", json=doc, headers=headers), 401)
    wrong_type = {**auth(AGENT_A), "Content-Type": "application/xml"}
    _error(client.post("/logistics-events", content=b"<x/>", headers=wrong_type), 415)
    assert _list(client, auth, target)["api:hasTotalItems"] == 0


def test_multiple_events_with_one_reference_or_repeats_create_one_event_per_object(
    client: TestClient, auth: Auth, example: Example
) -> None:
    target = _create(client, auth, example)
    single = _event(example, target)  # eventFor as one reference, not a list
    body = client.post("/logistics-events", json=single, headers=auth(AGENT_A)).json()
    assert [r["api:hasHTTPStatus"] for r in body["api:hasCreationResult"]] == [201]
    repeated = _multi(example, "MultipleEvents_example1.json", [target] * 3)
    body = client.post("/logistics-events", json=repeated, headers=auth(AGENT_A)).json()
    assert body["api:hasTotalItems"] == 1
    assert _list(client, auth, target)["api:hasTotalItems"] == 2


def test_multiple_events_for_objects_of_another_server_are_404(
    client: TestClient, auth: Auth, example: Example
) -> None:
    mine = _create(client, auth, example)
    elsewhere = "https://other.example.com/logistics-objects/78fee8e2-772b-4fff-bede-cfda67900d3b"
    doc = _multi(example, "MultipleEvents_example1.json", [mine, elsewhere, f"{mine}/x"])
    body = client.post("/logistics-events", json=doc, headers=auth(AGENT_A)).json()
    assert [r["api:hasHTTPStatus"] for r in body["api:hasCreationResult"]] == [201, 404, 404]
