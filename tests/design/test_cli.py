"""``smartlogistics design solve``: JSON contract, one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.cli import run
from tests._cli import cli_error, cli_json

from .conftest import DATA


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    return cli_json(capsys, argv)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    return cli_error(capsys, argv)


def test_solve_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys, ["design", "solve", str(DATA / "hand.json"), "--time-limit", "10", "--json"]
    )
    assert data["status"] == "optimal"
    assert data["objective"] == 41.0
    assert data["open_arcs"] == [0, 1, 5]
    assert data["flows"] == [[0, 0, 8.0], [1, 0, 8.0], [5, 1, 4.0]]
    assert set(data) == {"status", "objective", "bound", "gap", "seconds", "open_arcs", "flows"}


def test_solve_infeasible_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["design", "solve", str(DATA / "infeasible.json"), "--json"])
    assert data["status"] == "infeasible"
    assert data["objective"] is None and data["gap"] is None


def test_solve_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "solve", str(DATA / "hand.json"), "--method", "matheuristic"]) == 0
    assert "optimal" in capsys.readouterr().out


def test_bad_inputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads((DATA / "hand.json").read_text(encoding="utf-8"))
    data["arcs"][3]["capacity"] = 0
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert _error(capsys, ["design", "solve", str(bad)]) == "error: arcs[3].capacity: must be > 0"
    bad.write_text("{not json", encoding="utf-8")
    assert _error(capsys, ["design", "solve", str(bad)]).startswith("error: file: not valid JSON: ")
    missing = str(tmp_path / "none.json")
    assert _error(capsys, ["design", "solve", missing]) == f"error: file: no such file: {missing}"
    hand = str(DATA / "hand.json")
    line = _error(capsys, ["design", "solve", hand, "--time-limit", "0"])
    assert line.startswith("error: ") and "--time-limit" in line
    line = _error(capsys, ["design", "solve", hand, "--method", "magic"])
    assert line.startswith("error: ") and "--method" in line


def test_registered_in_the_root_command(capsys: pytest.CaptureFixture[str]) -> None:
    from smartlogistics.cli import run

    assert run(["design", "solve", str(DATA / "hand.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == 41.0
