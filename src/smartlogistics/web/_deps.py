"""What the routers need from the running app: its services, kept on ``app.state``.

The lifespan of :func:`~smartlogistics.web.app.create_app` builds one
:class:`SmartGateService` per process (engine, decision log, screener with the model
loaded once) and the routers receive it through the :func:`smartgate_service` dependency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from smartlogistics.config import Settings
from smartlogistics.db import DecisionLog
from smartlogistics.smartgate import Screener

__all__ = [
    "AppSettings",
    "Database",
    "SmartGate",
    "SmartGateService",
    "app_settings",
    "database",
    "smartgate_service",
]


@dataclass(frozen=True)
class SmartGateService:
    """SmartGate as the web app runs it.

    Attributes
    ----------
    settings
        The settings the app was created with.
    engine
        The platform database's engine (migrated at startup).
    log
        The decision log on that engine.
    screener
        Rules, the risk model (``None`` for rules only) and the inspection capacity.
    """

    settings: Settings
    engine: Engine
    log: DecisionLog
    screener: Screener

    @property
    def model_version(self) -> str | None:
        """Version of the loaded risk model, ``None`` when screening by rules only."""
        model = self.screener.model
        return model.version if model is not None else None


async def smartgate_service(request: Request) -> SmartGateService:
    """Return the app's SmartGate service (an ``async`` dependency: no threadpool hop)."""
    service: SmartGateService = request.app.state.smartgate
    return service


SmartGate = Annotated[SmartGateService, Depends(smartgate_service)]
"""Endpoint parameter type that receives the :class:`SmartGateService`."""


async def app_settings(request: Request) -> Settings:
    """Return the settings the app was created with (kept on ``app.state`` at creation)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]
"""Endpoint parameter type that receives the app's :class:`~smartlogistics.config.Settings`."""


async def database(request: Request) -> Engine:
    """Return the platform database's engine (made and migrated by the lifespan)."""
    engine: Engine = request.app.state.engine
    return engine


Database = Annotated[Engine, Depends(database)]
"""Endpoint parameter type that receives the platform database's :class:`~sqlalchemy.Engine`."""
