"""Running the ``smartlogistics`` command in-process from tests, with its error contract."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from smartlogistics.cli import run


def cli_json(capsys: pytest.CaptureFixture[str], argv: Sequence[str]) -> Any:
    """Run a command that must succeed and return the JSON it printed."""
    code = run(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def cli_error(capsys: pytest.CaptureFixture[str], argv: Sequence[str]) -> str:
    """Run a command that must fail on bad input: exit 2, nothing on stdout, one line."""
    code = run(list(argv))
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("error: ")
    return lines[0]
