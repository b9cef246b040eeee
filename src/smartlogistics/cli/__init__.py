"""The ``smartlogistics`` command: one entry point for every part of the platform."""

from smartlogistics.cli.app import app, main, run

__all__ = ["app", "main", "run"]
