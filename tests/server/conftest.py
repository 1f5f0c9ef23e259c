"""Fixtures for the language-server tests: a shared server per test module."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from lsp_client import ARTIFACTS, RecordingClient, start, stop
from waiting import SAFETY_S


def record_initialize(seconds: float, label: str) -> None:
    """Initialize timings go to tests/artifacts/lsp_initialize.jsonl (recorded, not asserted)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "lsp_initialize.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps({"seconds": round(seconds, 4), "label": label, "pid": os.getpid()}))
        out.write("\n")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lsp(request: pytest.FixtureRequest) -> AsyncIterator[RecordingClient]:
    """One server for a whole test module (tests use distinct document URIs)."""
    client, seconds = await start({"completionSource": "exact"})
    record_initialize(seconds, request.module.__name__)
    yield client
    await stop(client)


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


@pytest.fixture
def playground() -> Iterator[str]:
    """A running ``lagrangian playground`` on a free port; yields its URL."""
    with playground_process() as url:
        yield url
