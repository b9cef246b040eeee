"""Configuration: one settings object for the whole platform.

Read from the environment (prefix ``SMARTLOGISTICS_``) and an optional ``.env`` file,
through :func:`get_settings`, which caches it; nothing reads settings at import time so
tests and commands can change the environment before first use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """The platform's settings; every field can be set as ``SMARTLOGISTICS_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="SMARTLOGISTICS_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///./var/smartlogistics.db",
        description="SQLAlchemy URL; SQLite embedded by default, PostgreSQL in production.",
    )
    var_dir: Path = Field(
        default=Path("./var"),
        description="Where the platform keeps its state: database, keys, run outputs.",
    )
    region: str = Field(default="amsterdam", description="Region loaded by default.")
    co2_price_eur_per_tonne: float = Field(
        default=100.0, ge=0, description="Shadow price of CO2e used in planning objectives."
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port of the web server.")
    max_request_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=0,
        description="Largest HTTP request body the web app accepts (bytes); larger is a 413.",
    )
    smartgate_model_dir: Path | None = Field(
        default=None,
        description="SmartGate risk model artifact loaded by the web app; unset = rules only.",
    )
    smartgate_inspection_share: float = Field(
        default=0.02,
        gt=0,
        le=1,
        description="Share of consignments the inspectors can take (sets the red threshold).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
