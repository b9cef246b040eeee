"""Shared output helpers: JSON on stdout, Rich tables for people, errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

__all__ = ["console", "print_json"]

console = Console()


def print_json(payload: Any) -> None:
    """Write ``payload`` as indented JSON on stdout (no Rich markup, pipe-safe)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
