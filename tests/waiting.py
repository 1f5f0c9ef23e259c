"""Waiting in tests: on events and conditions, with one generous safety net against hangs.

A test that gives something a fixed budget ("the model loads within 5 s") fails on a busy
machine although nothing is wrong.  Tests here wait for the event they need (a message, a
state, a published result) and pass as soon as it happens; ``SAFETY_S`` only turns a real
hang into a failure instead of a stuck CI job, and is never what a test checks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Far above anything a healthy run needs even on a loaded 2-core machine.
SAFETY_S = 300.0


def until(probe: Callable[[], T], what: str, poll_s: float = 0.01) -> T:
    """``probe()``'s first truthy value; polls a condition that another thread changes."""
    deadline = time.monotonic() + SAFETY_S
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {SAFETY_S:.0f} s (a hang?)")
        time.sleep(poll_s)
    return value
