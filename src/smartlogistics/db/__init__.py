"""The platform's one database: engines, tables and the one Alembic migration history.

SQLite (embedded, ``./var/smartlogistics.db``) is the default; PostgreSQL is production.
Only the infrastructure parts (``db`` itself, ``hub``, ``web``, ``cli``) import this
package; the domain parts (``smartgate``, ``planner``, ...) stay free of the database.
"""

from smartlogistics.db.decision_log import DecisionLog
from smartlogistics.db.engine import make_engine
from smartlogistics.db.migrate import current_revision, head_revision, upgrade
from smartlogistics.db.schema import metadata, smartgate_decisions, smartgate_outcomes

__all__ = [
    "DecisionLog",
    "current_revision",
    "head_revision",
    "make_engine",
    "metadata",
    "smartgate_decisions",
    "smartgate_outcomes",
    "upgrade",
]
