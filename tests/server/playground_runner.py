"""``lagrangian playground`` as a process, for the tests that drive it over HTTP and WebSocket.

A module of its own (not conftest) so that test modules can import it by a name no other
test folder uses.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

from waiting import SAFETY_S

PLAYGROUND = (
    sys.executable,
    "-m",
    "lagrangian.server",
    "playground",
    "--port",
    "0",
    "--no-browser",
)


@contextlib.contextmanager
def playground_process(*args: str) -> Iterator[str]:
    """A running ``lagrangian playground`` on a free port, with ``args``; yields its URL."""
    process = subprocess.Popen(
        [*PLAYGROUND, *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://[^ ]+/", line)
    try:
        assert match, f"the playground did not start: {line!r}"
        yield match.group()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=SAFETY_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
