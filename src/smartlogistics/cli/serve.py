"""``smartlogistics serve``: run the platform's web app on Uvicorn.

The app is the dashboard, the SmartGate and planner APIs and the ONE Record hub under
``/hub``. Because the hub is part of it, the same rule as ``hub serve`` holds: with
``SMARTLOGISTICS_AUTH=disabled`` only a loopback address may be bound. The socket is bound
before Uvicorn starts, so a busy port is one clear line and exit code 2.

Uvicorn imports ``smartlogistics.web:create_app`` as a factory in each worker, so every
worker runs the app's lifespan once (database migrated, SmartGate model loaded) and reads
its settings from the environment (``SMARTLOGISTICS_*``). FastAPI, Uvicorn and SQLAlchemy
are imported only when the command runs, so the command line stays light.
"""

from __future__ import annotations

from typing import Annotated

import typer

from smartlogistics.config import get_settings

__all__ = ["APP_FACTORY", "serve"]

#: The import string of the app factory Uvicorn runs.
APP_FACTORY = "smartlogistics.web:create_app"


def serve(
    host: Annotated[
        str | None,
        typer.Option("--host", help="Address to bind (default: SMARTLOGISTICS_HOST, 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="Port (default: SMARTLOGISTICS_PORT, 8000)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (each loads the model).")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
) -> None:
    """Serve the dashboard and the platform's HTTP APIs (hub under /hub) until stopped."""
    import uvicorn

    from smartlogistics.cli.hub import bind_socket
    from smartlogistics.hub.security import check_bind_allowed

    settings = get_settings()
    bind_host = host if host is not None else settings.host
    bind_port = port if port is not None else settings.port
    check_bind_allowed(settings, bind_host)
    sock = bind_socket(bind_host, bind_port)
    shown = f"[{bind_host}]" if ":" in bind_host else bind_host
    typer.echo(f"serving Smart Logistics Amsterdam on http://{shown}:{sock.getsockname()[1]}")
    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        access_log=access_log,
    )
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
