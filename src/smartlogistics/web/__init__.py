"""The platform's web application on FastAPI: the dashboard and every HTTP API.

``create_app(settings=None)`` builds the app (``uvicorn --factory
smartlogistics.web:create_app``, or ``smartlogistics serve`` / ``smartlogistics demo``). It
serves the dashboard of the digital twin (``/dashboard/<page>``, data under
``/api/dashboard/``, ``docs/dashboard.md``), the ONE Record hub (``/hub``), SmartGate Cargo's
API (``/smartgate``, ``docs/api.md``), the planner's API (``POST /planner/plan``) and
``GET /health``.
"""

from smartlogistics.web.app import create_app

__all__ = ["create_app"]
