"""Shared output helpers: JSON on stdout, Rich tables for people, errors on stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

__all__ = ["console", "print_json", "write_json"]

console = Console()


def print_json(payload: Any) -> None:
    """Write ``payload`` as indented JSON on stdout (no Rich markup, pipe-safe)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` as indented JSON to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
