"""The platform's web application on FastAPI: every HTTP API (the dashboard pages will join it).

``create_app(settings=None)`` builds the app (``uvicorn --factory
smartlogistics.web:create_app``, or ``smartlogistics serve``). Today it serves
``GET /health`` and SmartGate Cargo's API under ``/smartgate`` (``docs/api.md``).
"""

from smartlogistics.web.app import create_app

__all__ = ["create_app"]
