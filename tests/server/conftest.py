"""Fixtures for the language-server tests: a shared server per test module."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from lsp_client import ARTIFACTS, RecordingClient, start, stop
from playground_runner import playground_process


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


@pytest.fixture
def playground() -> Iterator[str]:
    """A running ``lagrangian playground`` on a free port; yields its URL."""
    with playground_process() as url:
        yield url
