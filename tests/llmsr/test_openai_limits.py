"""The OpenAI-compatible backend cannot be hung: reply cap, total deadline, bounded give-up.

Each test runs a small fake server on 127.0.0.1.  Servers that stall wait on an event that
the test sets when it is done, so no thread outlives its test, and pass criteria are counts
and messages, not timings (the one time bound is generous: it only proves nothing hangs).
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import make_backend
from lagrangian.llmsr.backends.openai_compatible import OpenAIBackend
from lagrangian.llmsr.config import BufferConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.errors import BackendError, BackendGaveUp
from lagrangian.llmsr.prompts import build_prompt
from lagrangian.llmsr.spec import InputVariable, Specification

SPEC = Specification("rate", (InputVariable("cos_theta", kind="cosine"),))
PROMPT = build_prompt(SPEC, [], 0)
MODELS = json.dumps({"data": [{"id": "fake"}]}).encode()
Post = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@pytest.fixture
def serve() -> Iterator[Callable[[Post], str]]:
    """Start a loopback server whose POST handler is given; stop it (and its stalls) after."""
    stop = threading.Event()
    servers: list[ThreadingHTTPServer] = []

    def start(post: Post) -> str:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(MODELS)))
                self.end_headers()
                self.wfile.write(MODELS)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                post(self, stop)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        servers.append(httpd)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{httpd.server_address[1]}/v1"

    yield start
    stop.set()
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _huge(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A reply far over the cap, without a Content-Length (read until the server closes)."""
    handler.send_response(200)
    handler.end_headers()
    content = json.dumps({"choices": [{"message": {"content": "x" * 200_000}}]}).encode()
    with contextlib.suppress(OSError):
        handler.wfile.write(content)
    handler.close_connection = True


def test_a_reply_over_the_cap_is_refused(serve) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(serve(_huge), max_reply_bytes=10_000, max_retries=0, concurrency=1)
    assert backend.sample(PROMPT, 1) == []
    assert backend.stats.failures == 1 and backend.stats.replies == 0
    backend.close()


def _dribble(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Headers, then one byte at a time until the client goes away or the test ends."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not stop.wait(0.05):
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return


def test_a_server_dribbling_bytes_hits_the_total_deadline(serve) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(serve(_dribble), timeout=0.5, max_retries=1, backoff=0.01)
    started = time.monotonic()
    assert backend.sample(PROMPT, 2) == []
    assert backend.stats.timeouts == 4 and backend.stats.failures == 2
    assert time.monotonic() - started < 30  # generous: it must end, not be fast
    backend.close()


_CODES = itertools.cycle([429, 500, 503])


def _busy(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Rate limited or broken, never a reply."""
    handler.send_response(next(_CODES))
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"{}")


def test_a_server_that_never_succeeds_makes_the_backend_give_up(serve) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(serve(_busy), give_up_seconds=0.5, backoff=0.05, max_retries=50)
    with pytest.raises(BackendGaveUp, match="gave up"):
        for _ in range(1000):
            backend.sample(PROMPT, 2)
    assert backend.stats.retries > 0 and backend.stats.replies == 0
    backend.close()


def test_a_dead_endpoint_stops_the_search_with_a_reason(serve) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(serve(_busy), give_up_seconds=0.5, backoff=0.05)
    backend.url = f"http://127.0.0.1:{_closed_port()}/v1/chat/completions"  # type: ignore[attr-defined]
    config = SearchConfig(buffer=BufferConfig(num_islands=2), sandbox=SandboxConfig(workers=1))
    result = fit_equation(FitRequest(benchmark="qed", budget=40, config=config), backend=backend)
    assert result.candidates == 0
    assert "gave up" in result.stopped and "produced no programs" in result.failure


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_defaults_bound_every_wait() -> None:
    with pytest.raises(BackendError):
        OpenAIBackend(f"http://127.0.0.1:{_closed_port()}/v1", connect_timeout=2)
    values = {
        name: parameter.default
        for name, parameter in inspect.signature(OpenAIBackend).parameters.items()
    }
    assert values["give_up_seconds"] <= 120 and values["timeout"] <= 120
    assert values["max_reply_bytes"] <= 1 << 20
