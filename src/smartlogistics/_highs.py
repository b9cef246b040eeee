"""Creating HiGHS solver instances quietly (private, shared by the planner and design).

HiGHS prints a licence banner on the C-level stdout when a process builds its first
instance, before any option can switch output off; it would corrupt ``--json`` output of
the CLI. Every HiGHS instance of the platform is therefore made here.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy

__all__ = ["new_highs", "solver_threads"]

_lock = threading.Lock()
_banner_shown = False


def new_highs() -> highspy.Highs:
    """Return a new HiGHS instance with its console output off."""
    global _banner_shown
    with _lock:
        if _banner_shown:
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            _banner_shown = True
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w", encoding="utf-8") as devnull:
                    os.dup2(devnull.fileno(), 1)
                    h = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def solver_threads() -> int:
    """Threads for HiGHS: at most 2 (the machines this runs on have 2 cores)."""
    return max(1, min(2, os.cpu_count() or 1))
