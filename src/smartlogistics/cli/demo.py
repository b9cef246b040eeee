"""``smartlogistics demo``: the main job — a simulated week of the region, then the dashboard.

The digital twin runs for ``--days`` (7) with a progress bar: the region's demand, SmartGate
at Schiphol, the synchromodal planner against today's practice and road-only on the same
demand and disruptions, every shipment, waybill, transport movement and milestone written
to the ONE Record hub in-process (a separate writer process on the same database). The run
is stored in the platform database (``settings.database_url``, SQLite under ``./var/`` by
default) in one transaction at its end, so an interrupted demo (Ctrl-C) stores nothing
and the next one starts clean. Then the dashboard is served at
``http://127.0.0.1:{port}`` (``--no-serve`` to skip). A port already in use is refused
before the simulation starts.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from typing import Annotated, Any

import typer

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.cli.twin import base_scenario, kpi_table, progress_bar
from smartlogistics.config import Settings, get_settings

__all__ = ["HOST", "demo", "demo_payload", "demo_settings"]

#: Where the demo serves the dashboard.
HOST = "127.0.0.1"


def demo_settings(settings: Settings, port: int) -> Settings:
    """Return the demo server's settings: loopback, ``port``, a hub that accepts dev tokens.

    When no OIDC keys are configured, the hub mounted at ``/hub`` verifies tokens signed
    with the development key under ``./var/`` (``smartlogistics hub token --agent URI``
    mints them), so a newcomer can call the ONE Record API of the demo. Authentication stays
    on: only the holder of that local key can mint a token, and the demo binds 127.0.0.1.
    """
    update: dict[str, Any] = {"host": HOST, "port": port}
    if settings.auth == "oidc" and not settings.oidc_jwks:
        from smartlogistics.hub.security import DEV_ISSUER, dev_signing_key

        update["oidc_jwks"] = str(dev_signing_key(settings).jwks_path)
        update["oidc_issuers"] = [DEV_ISSUER]
    return settings.model_copy(update=update)


def demo_payload(result: Any) -> dict[str, Any]:
    """``{"days", "seed", "policies", "smartgate", "hub"}`` of a twin result."""
    data = result.to_json()
    return {key: data[key] for key in ("days", "seed", "policies", "smartgate", "hub")}


def demo(
    days: Annotated[int, typer.Option("--days", help="Simulated days.")] = 7,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of every random stream.", show_default=False)
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port of the dashboard.")
    ] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")
    ] = True,
    as_json: JsonFlag = False,
) -> None:
    """Simulate a week of the Amsterdam region, store it, and serve the dashboard."""
    scenario = base_scenario(days, seed, [])
    sock: socket.socket | None = None
    if serve:  # bind first: a busy port is refused before the simulation, and kept for us
        from smartlogistics.cli.hub import bind_socket

        sock = bind_socket(HOST, port)
    try:
        _run_demo(scenario, port, sock, as_json=as_json)
    finally:
        if sock is not None:
            sock.close()


def _run_demo(scenario: Any, port: int, sock: socket.socket | None, *, as_json: bool) -> None:
    from smartlogistics.db import make_engine, upgrade
    from smartlogistics.twin import run_twin
    from smartlogistics.twin._hubport import BackgroundHub
    from smartlogistics.twin.results import save_run
    from smartlogistics.web.app import hub_base_url

    settings = demo_settings(get_settings(), port)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    base = hub_base_url(settings)
    hub = BackgroundHub(settings.database_url, base, f"{base}/logistics-objects/digital-twin")
    try:
        with progress_bar("demo", enabled=sys.stderr.isatty()) as progress:
            result = run_twin(scenario, progress=progress, hub=hub)
    except KeyboardInterrupt:
        hub.terminate()
        engine.dispose()
        sys.stderr.write("interrupted: nothing was stored; run the demo again to start over\n")
        raise typer.Exit(130) from None
    run_id = save_run(engine, result, label="demo")
    engine.dispose()
    if as_json:
        print_json(demo_payload(result))
    else:
        console.print(kpi_table(result))
        cmp = result.comparison
        console.print(
            f"synchromodal vs today's practice: cost {100 * cmp['cost_vs_greedy']:+.1f} %, "
            f"CO2e vs road-only {100 * cmp['wtw_vs_road_only']:+.1f} %; "
            f"hub: {result.hub['objects']:,} objects, {result.hub['events']:,} events; "
            f"stored as run {run_id}"
        )
    if sock is None:
        return
    import uvicorn

    from smartlogistics.web import create_app

    console.print(f"dashboard: http://{HOST}:{port}  (Ctrl-C to stop)")
    console.print(
        f"ONE Record hub: {base}  (token: smartlogistics hub token --agent https://example.org/me)"
    )
    config = uvicorn.Config(create_app(settings), host=HOST, port=port, log_level="warning")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the demo quietly
        uvicorn.Server(config).run(sockets=[sock])
