"""``smartlogistics serve``: Uvicorn on the app factory, with the URL printed."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from smartlogistics.cli.serve import APP_FACTORY, serve
from smartlogistics.config import get_settings
from smartlogistics.web._errors import field_loc, rebase_field


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    app.command("serve")(serve)
    app.command("other")(lambda: None)  # keep "serve" a subcommand
    return app


def test_serve_runs_uvicorn_on_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SMARTLOGISTICS_PORT", "8123")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(_app(), ["serve"])
        assert result.exit_code == 0, result.output
        assert "http://127.0.0.1:8123" in result.output
        assert calls == [
            (
                (APP_FACTORY,),
                {
                    "factory": True,
                    "host": "127.0.0.1",
                    "port": 8123,
                    "workers": 1,
                    "access_log": True,
                },
            )
        ]
        calls.clear()
        args = ["serve", "--host", "::1", "--port", "9000", "--workers", "2", "--no-access-log"]
        result = CliRunner().invoke(_app(), args)
        assert result.exit_code == 0, result.output
        assert "http://[::1]:9000" in result.output
        assert calls[0][1] | {} == {
            "factory": True,
            "host": "::1",
            "port": 9000,
            "workers": 2,
            "access_log": False,
        }
        assert CliRunner().invoke(_app(), ["serve", "--port", "0"]).exit_code == 2
    finally:
        get_settings.cache_clear()


def test_the_factory_string_names_create_app() -> None:
    import importlib

    module, name = APP_FACTORY.split(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_field_paths_become_fastapi_locs() -> None:
    assert field_loc("body[3].hs_code") == ["body", 3, "hs_code"]
    assert field_loc("decision_id") == ["body", "decision_id"]
    assert field_loc("query.since") == ["query", "since"]
    assert field_loc("") == ["body"]
    assert rebase_field("consignments[3].hs_code", "consignments", "body") == "body[3].hs_code"
    assert rebase_field("consignments[0]", "consignments[0]", "body") == "body"
    assert rebase_field("consignments_x", "consignments", "body") == "consignments_x"
