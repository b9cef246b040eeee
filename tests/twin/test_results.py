"""Stored runs: one transaction at the end, consistent after an interrupted run, rerunnable."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select, text

from smartlogistics.db import upgrade
from smartlogistics.errors import InvalidInputError
from smartlogistics.hub.store import HubStore
from smartlogistics.twin import run_twin
from smartlogistics.twin._hubport import StoreHub
from smartlogistics.twin._tables import twin_run_series, twin_runs
from smartlogistics.twin.results import latest_run, list_runs, load_run, save_run
from tests.twin._small import SMALL, small_run

BASE = "http://hub.test"
AGENT = f"{BASE}/logistics-objects/digital-twin"


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_save_and_load_round_trip(database: Engine) -> None:
    assert latest_run(database) is None  # not migrated yet: no runs, no error
    upgrade(database)
    assert latest_run(database) is None
    result = small_run()
    rid = save_run(database, result, label="test")
    stored = latest_run(database)
    assert stored is not None and stored.id == rid
    assert stored.result.to_json() == json.loads(json.dumps(result.to_json()))
    assert stored.info.status == "finished"
    assert (stored.info.seed, stored.info.days, stored.info.label) == (SMALL.seed, 1, "test")
    assert stored.info.policies == ("synchromodal", "greedy", "road_only")
    assert load_run(database, rid).to_json() == stored.to_json()
    with database.connect() as conn:
        names = conn.execute(
            select(twin_run_series.c.name, twin_run_series.c.policy).order_by(
                twin_run_series.c.name, twin_run_series.c.policy
            )
        ).all()
    assert ("days", "") in names and ("flows", "greedy") in names
    assert len(names) == 2 + 3 * 5
    second = save_run(database, result)
    assert list_runs(database)[0].id in (rid, second)
    assert len(list_runs(database)) == 2
    with pytest.raises(InvalidInputError) as exc:
        load_run(database, "nope")
    assert exc.value.field == "run_id"


def test_interrupted_run_leaves_the_database_consistent(database: Engine) -> None:
    """Ctrl-C (a KeyboardInterrupt from the progress callback) then a rerun."""
    upgrade(database)
    hub = StoreHub(HubStore(database, base_url=BASE), AGENT)

    def interrupt(fraction: float, message: str) -> None:
        if message.startswith("greedy"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        result = run_twin(SMALL, hub=hub, progress=interrupt, run_id="run-a")
        save_run(database, result)  # pragma: no cover - never reached
    with database.connect() as conn:
        assert conn.execute(select(func.count()).select_from(twin_runs)).scalar_one() == 0
    written = _count(database, "hub_objects")
    events_before = _count(database, "hub_events")
    assert written > 0  # the hub keeps what it committed; every batch was one transaction
    rerun = StoreHub(HubStore(database, base_url=BASE), AGENT)
    result = run_twin(SMALL, hub=rerun, run_id="run-b")
    rid = save_run(database, result)
    stored = latest_run(database)
    assert stored is not None and stored.id == rid
    objects, events = rerun.counts()
    assert result.hub == {"objects": objects, "events": events}
    assert _count(database, "hub_objects") == written + objects
    assert _count(database, "hub_events") == events_before + events
    with database.connect() as conn:
        movements = conn.execute(
            text(
                "SELECT count(*) FROM hub_objects WHERE id LIKE 'run-b-%' AND type_iri = "
                "'https://onerecord.iata.org/ns/cargo#TransportMovement'"
            )
        ).scalar_one()
    assert movements > 0
    assert objects == SMALL.orders + result.smartgate["consignments"] + movements
