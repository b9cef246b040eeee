"""Structured JSON logs of the hub: one JSON object per line, with the request id.

The hub's operations layer (:mod:`smartlogistics.hub.ops`) writes one access line per
request to the logger :data:`ACCESS_LOGGER`; every other hub log record made while a
request is being served carries that request's id too, through :data:`request_id_var`.
:class:`JsonFormatter` renders any :class:`logging.LogRecord` as one line of JSON, and
:func:`log_config` is the ``logging.config.dictConfig`` document ``hub serve`` gives Uvicorn
(so every worker process logs the same way, Uvicorn's own messages included).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final

__all__ = [
    "ACCESS_LOGGER",
    "REQUEST_FIELDS",
    "JsonFormatter",
    "clean_request_id",
    "log_config",
    "new_request_id",
    "request_id_var",
]

#: Logger of the one-line-per-request access log.
ACCESS_LOGGER: Final = "smartlogistics.hub.access"

#: Fields an access record carries (``extra=``) besides timestamp, level, logger, message.
REQUEST_FIELDS: Final = ("request_id", "method", "path", "status", "duration_ms", "agent")

#: The id of the request being served in this context (``None`` outside requests).
request_id_var: ContextVar[str | None] = ContextVar("hub_request_id", default=None)

_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def new_request_id() -> str:
    """Return a fresh request id (32 hex digits of a random UUID)."""
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str | None:
    """Return ``value`` when it is usable as a request id, else ``None``.

    A client's ``X-Request-ID`` is echoed in the response and written to the logs, so it is
    accepted only when it is 1-128 characters of ``A-Z a-z 0-9 . _ : -``: nothing that could
    split a log line or a header.
    """
    if value is not None and _REQUEST_ID.fullmatch(value):
        return value
    return None


def _timestamp(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON.

    Keys: ``timestamp`` (UTC, RFC 3339 with milliseconds), ``level``, ``logger``,
    ``message``, then the request fields of :data:`REQUEST_FIELDS` present on the record
    (the access log sets them all), ``request_id`` from :data:`request_id_var` for other
    records made during a request, and ``exception`` with the formatted traceback.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one JSON line (no newline inside)."""
        out: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = record.__dict__
        for name in REQUEST_FIELDS:
            if name in fields:
                out[name] = fields[name]
        if "request_id" not in out:
            current = request_id_var.get()
            if current is not None:
                out["request_id"] = current
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"), default=str)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """Return the ``dictConfig`` document of ``hub serve``: JSON lines on stderr.

    The ``smartlogistics`` loggers and Uvicorn's error logger write through
    :class:`JsonFormatter`; Uvicorn's own access log is silenced because the hub writes its
    own (with request id and agent).
    """
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "smartlogistics": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
