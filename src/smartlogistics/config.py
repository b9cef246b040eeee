"""Configuration: one settings object for the whole platform.

Read from the environment (prefix ``SMARTLOGISTICS_``) and an optional ``.env`` file,
through :func:`get_settings`, which caches it; nothing reads settings at import time so
tests and commands can change the environment before first use.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # --- hub operations (docs/hub-operations.md) ---
    hub_rate_limit_per_s: float = Field(
        default=1000.0,
        ge=0,
        allow_inf_nan=False,
        description="Requests per second each agent (or client address without a valid "
        "token) may make to the hub, per server process; 0 = no rate limit.",
    )
    hub_rate_burst: int = Field(
        default=2000,
        ge=1,
        description="Largest burst of requests an agent may make at once (token bucket size).",
    )
    hub_access_log: bool = Field(
        default=True, description="Write one JSON access-log line per hub request."
    )
    # --- hub authentication (docs/hub-security.md) ---
    auth: Literal["oidc", "disabled"] = Field(
        default="oidc",
        description="Hub authentication: 'oidc' bearer tokens, or 'disabled' (loopback only).",
    )
    auth_dev_agent: str = Field(
        default="http://127.0.0.1:8080/logistics-objects/dev-agent",
        description="Logistics agent URI every request acts as when auth is 'disabled'.",
    )
    oidc_issuers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Allowed token issuers ('iss'), comma-separated or a JSON list.",
    )
    oidc_jwks: str | None = Field(
        default=None,
        description="Verification keys: a JWKS or PEM file path, or an https JWKS URL.",
    )
    oidc_audience: str | None = Field(
        default=None, description="Required token audience ('aud'); unset = not checked."
    )
    oidc_leeway_s: int = Field(
        default=30, ge=0, le=300, description="Clock skew allowed on exp/nbf/iat (seconds)."
    )
    dev_key_path: Path | None = Field(
        default=None,
        description="Development signing key; unset = <var_dir>/hub/dev-signing-key.pem.",
    )

    # --- hub core (docs/hub-api.md) ---
    hub_base_url: str | None = Field(
        default=None,
        description="Base URL of the hub's ids ({base}/logistics-objects/{id}); unset = "
        "http://<host>:<port> of the hub server (http://127.0.0.1:8080).",
    )
    hub_data_holder: str | None = Field(
        default=None,
        description="Organization URI of the hub's data holder (ServerInformation); unset = "
        "{base}/logistics-objects/data-holder.",
    )

    # --- hub subscriptions and notifications (docs/hub-notifications.md) ---
    hub_notify_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Subscriber endpoints notifications may go to: URL prefixes "
        "('https://partner.example/', 'http://127.0.0.1:8081/') or https host patterns "
        "('partner.example', '*.partner.example'), comma-separated or a JSON list; "
        "empty = no deliveries at all.",
    )
    hub_notify_allow_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Private, loopback or link-local networks (CIDR) that allowed host "
        "names may resolve to; by default such addresses are refused unless the allow-list "
        "entry names the IP literally.",
    )
    hub_notify_max_attempts: int = Field(
        default=12, ge=1, le=1000, description="Attempts per notification before dead letter."
    )
    hub_notify_backoff_s: float = Field(
        default=1.0, gt=0, allow_inf_nan=False, description="First retry delay (seconds)."
    )
    hub_notify_backoff_cap_s: float = Field(
        default=600.0, gt=0, allow_inf_nan=False, description="Largest retry delay (seconds)."
    )
    hub_notify_timeout_s: float = Field(
        default=10.0, gt=0, allow_inf_nan=False, description="Timeout of one delivery POST."
    )
    hub_notify_concurrency: int = Field(
        default=4, ge=1, le=64, description="Deliveries in flight at once per process."
    )
    hub_notify_poll_s: float = Field(
        default=1.0,
        gt=0,
        allow_inf_nan=False,
        description="How often the dispatcher looks for changes committed by other processes.",
    )
    hub_notify_gap_timeout_s: float = Field(
        default=30.0,
        gt=0,
        allow_inf_nan=False,
        description="How long a missing hub_changes seq is awaited (a transaction still "
        "committing) before it is taken as rolled back.",
    )
    hub_notify_token: str | None = Field(
        default=None,
        description="Bearer token sent with notifications (the subscriber's IdP must accept "
        "it); unset = none.",
    )
    hub_notify_run: bool = Field(
        default=True,
        description="Run the notification dispatcher and deliverer inside the hub server.",
    )
    hub_subscription_policy: Literal["auto", "holder"] = Field(
        default="auto",
        description="'auto': accept a subscription request the requester may read the topic "
        "of; 'holder': leave it pending until the holder accepts it.",
    )
    hub_third_party_subscriptions: bool = Field(
        default=False,
        description="Allow subscribing a subscriber other than the authenticated requester.",
    )
    hub_subscription_proposals: Literal["accept", "reject"] = Field(
        default="accept",
        description="Subscriber side: answer publishers' proposals (GET /subscriptions) with "
        "our subscription ('accept') or with an empty list ('reject').",
    )

    @field_validator("hub_notify_allow", "hub_notify_allow_networks", mode="before")
    @classmethod
    def _split_notify_lists(cls, value: object) -> object:
        """Accept ``a,b`` as well as a JSON list from the environment."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("oidc_issuers", mode="before")
    @classmethod
    def _split_issuers(cls, value: object) -> object:
        """Accept ``a,b`` as well as a JSON list from the environment."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
