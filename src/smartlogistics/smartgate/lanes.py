"""The four lanes of SmartGate and the ONE Record customs status code of each.

ONE Record carries a PLACI outcome as a customs status code (the Cargo-IMP CSN codes) in a
``LogisticsEvent`` on the ``Shipment`` (``../shared/onerecord/spec/orchestration-placi.md``,
process #1 and #7). That page groups the codes by outcome:

============  =====================================  ======================
group         outcome                                codes
============  =====================================  ======================
CO            Customs Release - OK                   SF, 6I, 7I, 8I
CB            Blocked - RFI or RFS (screening)       7H, 7J, 8H, 8J
CD            Customs Hold - DNL                     6H, 6J
============  =====================================  ======================

It does not spell out each code; SmartGate picks them as follows, reading the digit as the
filing stage (7 = pre-loading, PLACI; 8 = pre-arrival, the full entry summary; 6 = a hold)
and the letter as the referral (I = assessment complete, H = request for information,
J = request for screening)::

    lane    pre-loading  pre-arrival   ICS2 referral
    GREEN   7I           8I            IE3N03 assessment complete
    RFI     7H           8H            IE3Q02 request for information
    RED     7J           8J            IE3Q03 high-risk cargo and mail screening request
    DNL     6H           6J            IE3Q01 do not load

The groups are the spec's; the per-code reading is an assumption to verify against the
IATA PLACI guidelines (the spec names no per-code meanings). SF and 6I (released) are
never produced: SmartGate's first decision is always one of the codes above.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

__all__ = [
    "CSN_GROUPS",
    "STATUS_CODES",
    "Lane",
    "Stage",
    "csn_group",
    "status_code",
]


class Lane(StrEnum):
    """Where a consignment goes: released, asked for information, screened, or not loaded."""

    GREEN = "GREEN"
    RFI = "RFI"
    RED = "RED"
    DNL = "DNL"

    @property
    def rank(self) -> int:
        """Precedence when combining: DNL 3 > RFI 2 > RED 1 > GREEN 0.

        RFI ranks above RED because a consignment with incomplete or vague data cannot be
        assessed at all; once the filer answers, it is screened again (and may go red).
        """
        return _RANK[self]


_RANK: Final[Mapping[Lane, int]] = {Lane.GREEN: 0, Lane.RED: 1, Lane.RFI: 2, Lane.DNL: 3}


class Stage(StrEnum):
    """When the data was filed: before loading (PLACI) or before arrival (full ENS)."""

    PRE_LOADING = "pre_loading"
    PRE_ARRIVAL = "pre_arrival"


#: CSN customs status code per lane and stage (see the module docstring).
STATUS_CODES: Final[Mapping[tuple[Lane, Stage], str]] = {
    (Lane.GREEN, Stage.PRE_LOADING): "7I",
    (Lane.GREEN, Stage.PRE_ARRIVAL): "8I",
    (Lane.RFI, Stage.PRE_LOADING): "7H",
    (Lane.RFI, Stage.PRE_ARRIVAL): "8H",
    (Lane.RED, Stage.PRE_LOADING): "7J",
    (Lane.RED, Stage.PRE_ARRIVAL): "8J",
    (Lane.DNL, Stage.PRE_LOADING): "6H",
    (Lane.DNL, Stage.PRE_ARRIVAL): "6J",
}

#: The outcome groups of orchestration-placi.md: CO released, CB blocked, CD customs hold.
CSN_GROUPS: Final[Mapping[str, tuple[str, ...]]] = {
    "CO": ("SF", "6I", "7I", "8I"),
    "CB": ("7H", "7J", "8H", "8J"),
    "CD": ("6H", "6J"),
}


def status_code(lane: Lane, stage: Stage = Stage.PRE_LOADING) -> str:
    """Return the CSN customs status code of ``lane`` at ``stage`` (``RFI`` before loading: 7H)."""
    return STATUS_CODES[(lane, stage)]


def csn_group(code: str) -> str:
    """Return the spec's group of a CSN code: ``"CO"``, ``"CB"`` or ``"CD"``.

    Raises
    ------
    KeyError
        For a code outside the three groups.
    """
    for group, codes in CSN_GROUPS.items():
        if code in codes:
            return group
    raise KeyError(code)
