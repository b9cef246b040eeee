"""``smartlogistics hub``: serve the ONE Record data hub, migrate its database, mint tokens.

- ``hub serve [--host 127.0.0.1] [--port 8080] [--base-url URL] [--workers N]`` runs
  :func:`smartlogistics.hub.app.create_hub_app` on Uvicorn; object ids are
  ``{base-url}/logistics-objects/{id}`` (default base ``http://{host}:{port}``).
- ``hub migrate [--json]`` brings ``SMARTLOGISTICS_DATABASE_URL`` to the newest revision.
- ``hub token --agent URI`` mints a development ID token.

Uvicorn, FastAPI and SQLAlchemy are imported only when a command runs.
"""

from __future__ import annotations

import errno
import logging.config
import os
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from smartlogistics.cli._output import print_json
from smartlogistics.cli.region import JsonFlag

if TYPE_CHECKING:
    from smartlogistics.config import Settings

__all__ = ["APP_FACTORY", "bind_socket", "check_base_url", "default_base_url", "hub_app"]

hub_app = typer.Typer(help="ONE Record 2.3 data hub.", no_args_is_help=True)


@hub_app.command("token")
def token(
    agent: Annotated[
        str,
        typer.Option("--agent", help="logistics_agent_uri of the token (absolute http(s) URI)."),
    ],
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 3600,
    issuer: Annotated[
        str | None,
        typer.Option("--issuer", help="The 'iss' claim (default the development issuer)."),
    ] = None,
    audience: Annotated[
        str | None, typer.Option("--audience", help="An 'aud' claim to include.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Mint a development ID token signed with the key under ./var/ (ES256).

    A hub verifies it with SMARTLOGISTICS_OIDC_JWKS=var/hub/dev-signing-key.jwks.json and
    the issuer in SMARTLOGISTICS_OIDC_ISSUERS. For demos and tests only.
    """
    from smartlogistics.config import get_settings
    from smartlogistics.errors import InvalidInputError
    from smartlogistics.hub.security import DEV_ISSUER, check_agent_uri, dev_signing_key, mint_token

    try:
        check_agent_uri(agent, "agent")
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.problem, param_hint="--agent") from None
    if ttl <= 0:
        raise typer.BadParameter(f"must be greater than 0, got {ttl}", param_hint="--ttl")
    key = dev_signing_key(get_settings())
    now = int(datetime.now(UTC).timestamp())
    minted = mint_token(
        agent, ttl_s=ttl, issuer=issuer or DEV_ISSUER, key=key, audience=audience, now=now
    )
    if as_json:
        expires = datetime.fromtimestamp(now + ttl, UTC).isoformat().replace("+00:00", "Z")
        print_json({"token": minted, "expires_at": expires, "agent": agent})
        return
    typer.echo(minted)


#: Import string of the hub app factory the Uvicorn worker processes call (``--workers``).
APP_FACTORY = "smartlogistics.hub.app:create_hub_app"


def default_base_url(host: str, port: int) -> str:
    """Return ``http://{host}:{port}`` (IPv6 literals in brackets): the default base URL."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def check_base_url(value: str) -> str:
    """Check a ``--base-url``: absolute http(s) with a host, no query or fragment.

    Returns
    -------
    str
        The URL without a trailing slash (object ids are ``{base}/logistics-objects/{id}``).

    Raises
    ------
    InvalidInputError
        Naming ``base_url``.
    """
    from urllib.parse import urlsplit

    from smartlogistics.errors import InvalidInputError

    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError as exc:
        raise InvalidInputError("base_url", f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError("base_url", f"must be an absolute http(s) URL, got {value!r}")
    if parts.query or parts.fragment or parts.username is not None:
        raise InvalidInputError("base_url", "must not have a query, fragment or credentials")
    if any(c.isspace() for c in value):
        raise InvalidInputError("base_url", "must not contain white space")
    return value.rstrip("/")


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket before Uvicorn starts, so a busy port is one clear error.

    Raises
    ------
    InvalidInputError
        ``port`` when the address is in use, ``host`` when it cannot be bound otherwise.
    """
    from smartlogistics.errors import InvalidInputError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInputError(
                "port", f"{port} is already in use on {host}; choose another with --port"
            ) from None
        raise InvalidInputError("host", f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _migrate(url: str) -> tuple[str, str | None, str | None]:
    """Migrate the database at ``url`` to head; return (shown URL, before, after)."""
    from sqlalchemy.exc import SQLAlchemyError

    from smartlogistics.db import current_revision, make_engine, upgrade
    from smartlogistics.errors import InvalidInputError

    engine = make_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        lines = str(orig if orig is not None else exc).strip().splitlines() or [type(exc).__name__]
        raise InvalidInputError("database_url", f"cannot migrate {shown}: {lines[0]}") from None
    finally:
        engine.dispose()
    return shown, before, after


@hub_app.command("migrate")
def migrate(as_json: JsonFlag = False) -> None:
    """Migrate the configured database (SMARTLOGISTICS_DATABASE_URL) to the newest revision."""
    from smartlogistics.config import get_settings

    shown, before, after = _migrate(get_settings().database_url)
    if as_json:
        print_json({"database": shown, "from": before, "revision": after})
        return
    typer.echo(f"{shown}: {before or 'empty'} -> {after}")


@hub_app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to bind.")] = 8080,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Base of the object ids ({base-url}/logistics-objects/{id}); "
            "default http://{host}:{port}.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning or error.")
    ] = "info",
) -> None:
    """Serve the ONE Record 2.3.0 hub on Uvicorn until stopped (Ctrl+C or SIGTERM).

    The database is migrated to the newest revision first; the listening socket is bound
    before the workers start, so a busy port or (with SMARTLOGISTICS_AUTH=disabled) a
    non-loopback host stops the command with one line and exit code 2. Logs are JSON lines
    on stderr, one access line per request.
    """
    from smartlogistics.config import get_settings
    from smartlogistics.errors import InvalidInputError
    from smartlogistics.hub.security import Authenticator, check_bind_allowed

    level = log_level.lower()
    if level not in ("debug", "info", "warning", "error"):
        raise InvalidInputError(
            "log_level", f"use debug, info, warning or error, not {log_level!r}"
        )
    settings = get_settings()
    check_bind_allowed(settings, host)
    base = check_base_url(base_url) if base_url is not None else default_base_url(host, port)
    if settings.auth != "disabled":
        Authenticator.from_settings(settings)  # bad OIDC settings stop here, not in a worker
    _migrate(settings.database_url)
    sock = bind_socket(host, port)
    try:
        _run(sock, settings, host=host, port=port, base=base, workers=workers, level=level)
    finally:
        sock.close()


def _run(
    sock: socket.socket,
    settings: Settings,
    *,
    host: str,
    port: int,
    base: str,
    workers: int,
    level: str,
) -> None:
    """Run Uvicorn on the bound socket: the app in-process, or ``workers`` processes."""
    import uvicorn

    from smartlogistics.errors import InvalidInputError
    from smartlogistics.hub._ops_logging import log_config

    logging.config.dictConfig(log_config(level.upper()))  # JSON lines from here on
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": False,
        "log_config": log_config(level.upper()),
        "log_level": level,
        "server_header": False,
        "lifespan": "on",
    }
    if workers > 1:
        # Worker processes build the app from the environment, so hand the base URL down.
        os.environ["SMARTLOGISTICS_HUB_BASE_URL"] = base
        config = uvicorn.Config(APP_FACTORY, factory=True, **common)
    else:
        from smartlogistics.hub.app import create_hub_app

        config = uvicorn.Config(create_hub_app(settings, base_url=base), **common)
    listening = default_base_url(host, sock.getsockname()[1])
    typer.echo(f"ONE Record hub on {listening}, ids {base}/logistics-objects/")
    server = uvicorn.Server(config)
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if workers == 1 and not server.started:
        raise InvalidInputError("", "the hub did not start (see the log above)")
