"""The browser tests' database: a real twin run, stored as the demo stores it."""

from __future__ import annotations

from pathlib import Path

from smartlogistics.config import Settings

#: One simulated day of 5 % of the region's weekly demand: every page has data, and the
#: run takes about half a minute on the shared 2-core machine.
DAYS = 1
DEMAND_SCALE = 0.05


def make_twin_database(path: Path, settings: Settings) -> str:
    """Run the twin into a new SQLite database at ``path``; return its URL.

    As ``smartlogistics demo`` does: the synchromodal run's shipments and milestones go to
    the hub on that database (``BackgroundHub``, ids under the settings' hub base URL, owned
    by the twin's agent), and the results are saved with ``twin.results.save_run``.
    """
    from smartlogistics.db import make_engine, upgrade
    from smartlogistics.twin import TwinScenario, run_twin
    from smartlogistics.twin._hubport import BackgroundHub
    from smartlogistics.twin.results import save_run
    from smartlogistics.web.app import hub_base_url

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        base = hub_base_url(settings)
        hub = BackgroundHub(url, base, f"{base}/logistics-objects/digital-twin")
        result = run_twin(TwinScenario(days=DAYS, demand_scale=DEMAND_SCALE), hub=hub)
        save_run(engine, result, label="browser tests")
    finally:
        engine.dispose()
    return url
