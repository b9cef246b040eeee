"""The platform's FastAPI application: :func:`create_app` and its lifespan.

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

import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from smartlogistics import __version__
from smartlogistics.config import Settings, get_settings
from smartlogistics.db import DecisionLog, current_revision, make_engine, upgrade
from smartlogistics.smartgate import CapacityThreshold, RiskScorer, RuleSet, Screener
from smartlogistics.web._deps import SmartGate, SmartGateService
from smartlogistics.web._errors import install_error_handlers
from smartlogistics.web.smartgate import router as smartgate_router

__all__ = ["create_app"]


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
        The app with ``GET /health`` and the ``/smartgate`` router. Its lifespan opens the
        database (migrating it), loads the model once and closes the database at shutdown.

    Raises
    ------
    InvalidInputError
        At startup: a bad ``database_url`` or a model artifact that cannot be loaded.
    """
    config = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(config.database_url)
        try:
            upgrade(engine)
            screener = Screener(
                RuleSet.default(),
                model=_load_model(config),
                capacity=CapacityThreshold(config.smartgate_inspection_share),
            )
            app.state.smartgate = SmartGateService(
                settings=config, engine=engine, log=DecisionLog(engine), screener=screener
            )
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="Smart Logistics Amsterdam",
        version=__version__,
        description="HTTP APIs of the Smart Logistics Amsterdam platform (SmartGate Cargo).",
        lifespan=lifespan,
        max_body_size=config.max_request_bytes,
    )
    install_error_handlers(app)
    app.include_router(smartgate_router)

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
