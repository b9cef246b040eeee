from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.config import Settings, get_settings


def test_defaults_point_at_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMARTLOGISTICS_DATABASE_URL", "SMARTLOGISTICS_CO2_PRICE_EUR_PER_TONNE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///./var/smartlogistics.db"
    assert settings.var_dir == Path("var")
    assert settings.co2_price_eur_per_tonne == 100.0
    assert settings.region == "amsterdam"


def test_environment_prefix_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("SMARTLOGISTICS_CO2_PRICE_EUR_PER_TONNE", "250")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.co2_price_eur_per_tonne == 250.0


def test_get_settings_is_cached_and_read_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setenv("SMARTLOGISTICS_REGION", "elsewhere")
    first = get_settings()
    monkeypatch.setenv("SMARTLOGISTICS_REGION", "amsterdam")
    assert get_settings() is first
    assert first.region == "elsewhere"
    get_settings.cache_clear()
    assert get_settings().region == "amsterdam"
    get_settings.cache_clear()


def test_negative_co2_price_is_rejected_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTLOGISTICS_CO2_PRICE_EUR_PER_TONNE", "-1")
    with pytest.raises(ValueError, match="co2_price_eur_per_tonne"):
        Settings(_env_file=None)
