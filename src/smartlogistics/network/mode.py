"""Transport modes of the region's network."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from smartlogistics.values import parsed_text

__all__ = ["Mode", "ModeField"]

_ALIASES = {
    "road": "road",
    "truck": "road",
    "barge": "barge",
    "iww": "barge",
    "inland_waterway": "barge",
    "inland waterway": "barge",
    "inland-waterway": "barge",
    "rail": "rail",
    "train": "rail",
    "air": "air",
    "sea": "sea",
}


class Mode(StrEnum):
    """A transport mode.

    The value is the short name used in data files, the CLI and JSON; inland waterway
    transport is ``"barge"`` because that is what planners call it.
    """

    ROAD = "road"
    INLAND_WATERWAY = "barge"
    RAIL = "rail"
    AIR = "air"
    SEA = "sea"

    @classmethod
    def parse(cls, text: str) -> Mode:
        """Read a mode from its value or a common alias (``iww``, ``truck``, ``train``)."""
        key = _ALIASES.get(text.strip().lower())
        if key is None:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown mode {text!r}; expected one of {choices}")
        return cls(key)

    @property
    def label(self) -> str:
        """Human-readable name."""
        return "inland waterway" if self is Mode.INLAND_WATERWAY else self.value


ModeField = Annotated[Mode, parsed_text(Mode.parse)]
"""A :class:`Mode` field that also accepts the aliases of :meth:`Mode.parse` (``iww``)."""
