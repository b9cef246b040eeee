"""The platform's FastAPI application: :func:`create_app` and its lifespan.

The app serves the dashboard (``/dashboard/<page>``, its data under ``/api/dashboard/``,
static files under ``/static``, Plotly.js from the installed ``plotly`` wheel at
``/vendor/plotly.min.js``), SmartGate Cargo's API (``/smartgate``), the planner's API
(``/planner``), the ONE Record hub (``/hub``, :func:`smartlogistics.hub.app.create_hub_app`)
and ``GET /health``.

The hub is built in the lifespan, on the platform's engine, and its own lifespan runs
inside the platform's (Starlette does not run a mounted app's lifespan). Its ids are
``settings.hub_base_url`` or ``http://<host>:<port>/hub``. When the hub cannot be built —
by default it asks for OIDC verification keys (``SMARTLOGISTICS_OIDC_JWKS``) or
``SMARTLOGISTICS_AUTH=disabled`` — the platform still starts and ``/hub`` answers 503 with
an ``api:Error`` saying why.

One process serves the app; each worker process runs the lifespan once: it makes the
engine from ``settings.database_url``, migrates the database to the newest Alembic
revision (idempotent; the schema comes only from the migration history), loads the
SmartGate risk model once from ``settings.smartgate_model_dir`` when it is set (rules only
otherwise), builds the :class:`~smartlogistics.smartgate.Screener` with the default rule
set and a :class:`~smartlogistics.smartgate.CapacityThreshold` of
``settings.smartgate_inspection_share``, and keeps them on ``app.state``. At shutdown it
disposes the engine.

Request bodies larger than ``settings.max_request_bytes`` are refused with 413 before the
endpoint reads them (FastAPI's own body limit); bad input is a 422 in FastAPI's standard
shape (:mod:`smartlogistics.web._errors`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Receive, Scope, Send

from smartlogistics import __version__
from smartlogistics.config import Settings, get_settings
from smartlogistics.db import DecisionLog, current_revision, make_engine, upgrade
from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate import CapacityThreshold, RiskScorer, RuleSet, Screener
from smartlogistics.web._deps import SmartGate, SmartGateService
from smartlogistics.web._errors import install_error_handlers
from smartlogistics.web.dashboard import STATIC_DIR
from smartlogistics.web.dashboard import router as dashboard_router
from smartlogistics.web.planner import router as planner_router
from smartlogistics.web.smartgate import router as smartgate_router

__all__ = ["create_app", "hub_base_url"]

_LOG = logging.getLogger("smartlogistics.web")


class _SerialModel:
    """A risk model whose calls are serialised by a lock.

    The web app screens in a threadpool; the model's Python feature code is not promised
    to be thread-safe, and its work is CPU-bound under the GIL anyway, so one call at a
    time costs no throughput and rules out races.
    """

    def __init__(self, model: RiskScorer) -> None:
        self._model = model
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return self._model.version

    def score(self, records: Sequence[Mapping[str, Any]]) -> Any:
        with self._lock:
            return self._model.score(records)

    def explain(
        self, records: Sequence[Mapping[str, Any]], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        with self._lock:
            return self._model.explain(records, top=top)


def _load_model(settings: Settings) -> RiskScorer | None:
    if settings.smartgate_model_dir is None:
        return None
    from smartlogistics.smartgate.model import RiskModel  # pandas/LightGBM only when used

    return _SerialModel(RiskModel.load(settings.smartgate_model_dir))


def hub_base_url(settings: Settings) -> str:
    """Return the base URL of the mounted hub: ``settings.hub_base_url`` or ``http://host:port/hub``."""
    if settings.hub_base_url:
        return settings.hub_base_url.rstrip("/")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}/hub"


class _HubMount:
    """The ASGI app at ``/hub``: the ONE Record hub once the lifespan has built it.

    Until then, or when it could not be built, every request is answered 503 with an
    ``api:Error`` naming the problem.
    """

    def __init__(self) -> None:
        self.app: ASGIApp | None = None
        self.problem = "the hub is not started"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        from smartlogistics.hub._errors import HubError, error_response

        response = error_response(HubError(503, f"ONE Record hub unavailable: {self.problem}"))
        await response(scope, receive, send)


def _start_hub(config: Settings, engine: Engine, mount: _HubMount) -> FastAPI | None:
    """Build the hub app on ``engine``; ``None`` (and the mount says why) when it cannot."""
    from smartlogistics.hub.app import create_hub_app

    try:
        hub = create_hub_app(config, engine=engine, base_url=hub_base_url(config))
    except InvalidInputError as exc:
        mount.problem = str(exc)
        _LOG.warning("ONE Record hub not mounted: %s", exc)
        return None
    return hub


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the platform's web application.

    Parameters
    ----------
    settings
        The settings to run with; by default :func:`smartlogistics.config.get_settings`
        (read when the app is created, not at import).

    Returns
    -------
    FastAPI
        The app with ``GET /health``, the dashboard and the ``/smartgate`` and ``/planner``
        routers. Its lifespan opens the database (migrating it), loads the model once and
        closes the database at shutdown. Building it is cheap: nothing is loaded until the
        lifespan runs.

    Raises
    ------
    InvalidInputError
        At startup: a bad ``database_url`` or a model artifact that cannot be loaded.
    """
    config = settings if settings is not None else get_settings()
    hub_mount = _HubMount()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(config.database_url)
        stack = AsyncExitStack()
        try:
            upgrade(engine)
            screener = Screener(
                RuleSet.default(),
                model=_load_model(config),
                capacity=CapacityThreshold(config.smartgate_inspection_share),
            )
            app.state.engine = engine
            app.state.smartgate = SmartGateService(
                settings=config, engine=engine, log=DecisionLog(engine), screener=screener
            )
            hub = _start_hub(config, engine, hub_mount)
            if hub is not None:
                await stack.enter_async_context(hub.router.lifespan_context(hub))
                hub_mount.app = hub
            app.state.hub = hub
            yield
        finally:
            hub_mount.app = None
            hub_mount.problem = "the platform is shutting down"
            await stack.aclose()
            engine.dispose()

    app = FastAPI(
        title="Smart Logistics Amsterdam",
        version=__version__,
        description=(
            "The Smart Logistics Amsterdam platform: the dashboard of the digital twin and "
            "the HTTP APIs of SmartGate Cargo and the synchromodal planner."
        ),
        lifespan=lifespan,
        max_body_size=config.max_request_bytes,
    )
    app.state.settings = config
    install_error_handlers(app)
    app.include_router(smartgate_router)
    app.include_router(planner_router)
    app.include_router(dashboard_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/hub", hub_mount, name="hub")

    @app.get("/health", tags=["platform"])
    def health(service: SmartGate) -> JSONResponse:
        """Say whether the service can work: database revision, rule set and model versions."""
        body: dict[str, Any] = {
            "status": "ok",
            "version": __version__,
            "db_revision": None,
            "rule_set_version": service.screener.rules.version,
            "model_version": service.model_version,
        }
        try:
            body["db_revision"] = current_revision(service.engine)
        except SQLAlchemyError:
            body["status"] = "unavailable"
            return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    return app
