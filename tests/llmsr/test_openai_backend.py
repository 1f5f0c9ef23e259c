"""The OpenAI-compatible backend against a real local HTTP server (no mocks of the client)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from waiting import SAFETY_S

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import make_backend
from lagrangian.llmsr.config import BufferConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.errors import BackendError
from lagrangian.llmsr.prompts import build_prompt
from lagrangian.llmsr.spec import InputVariable, Specification

GOOD = (
    "```python\ndef equation_v2(cos_theta, params):\n    return params[0] * (1 + cos_theta**2)\n```"
)


class Script:
    """What the fake server answers, in order; then it repeats the last answer."""

    def __init__(self, answers: list[tuple[int, str | dict]]) -> None:
        self.answers = answers
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # lets a "SLOW" answer go (after the client gave up)

    def next(self, body: dict) -> tuple[int, str | dict]:
        with self.lock:
            self.requests.append(body)
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script([(200, GOOD)])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, code: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            if self.path == "/v1/models":
                self._send(200, json.dumps({"data": [{"id": "canned-coder"}]}).encode())
            else:
                self._send(404, b"{}")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body["authorization"] = self.headers.get("Authorization")
            code, answer = script.next(body)
            if answer == "SLOW":
                script.release.wait(SAFETY_S)
                answer = GOOD
            if code != 200:
                self._send(code, b'{"error": "busy"}', {"Retry-After": "0"})
            elif isinstance(answer, dict):
                self._send(200, json.dumps(answer).encode())
            else:
                reply = {"choices": [{"message": {"role": "assistant", "content": answer}}]}
                self._send(200, json.dumps(reply).encode())

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    finally:
        script.release.set()
        httpd.shutdown()
        httpd.server_close()


SPEC = Specification("rate", (InputVariable("cos_theta", kind="cosine"),))


def test_sends_the_llmsr_prompt_and_reads_the_reply(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url, script = server
    monkeypatch.setenv("LAGRANGIAN_LLM_API_KEY", "sekret")
    backend = make_backend(url)
    prompt = build_prompt(SPEC, [], 0)
    assert backend.sample(prompt, 2) == [GOOD, GOOD]
    assert backend.model == "canned-coder"  # type: ignore[attr-defined]
    sent = script.requests[0]
    assert sent["model"] == "canned-coder" and sent["authorization"] == "Bearer sekret"
    assert "equation_v0" in sent["messages"][0]["content"]
    backend.close()


def test_rate_limits_and_errors_are_retried_and_counted(server) -> None:  # type: ignore[no-untyped-def]
    url, script = server
    script.answers[:] = [(429, ""), (503, ""), (200, GOOD)]
    backend = make_backend(url, max_retries=3, backoff=0.01, concurrency=1)
    assert backend.sample(build_prompt(SPEC, [], 0), 1) == [GOOD]
    assert backend.stats.rate_limited == 1 and backend.stats.retries == 2
    backend.close()


def test_timeouts_and_garbage_are_skipped_not_fatal(server) -> None:  # type: ignore[no-untyped-def]
    url, script = server
    script.answers[:] = [(200, "SLOW"), (200, {"unexpected": True}), (200, GOOD)]
    # The slow answer is held until the client has given up; the others come at once.
    backend = make_backend(url, timeout=2.0, max_retries=0, concurrency=1)
    prompt = build_prompt(SPEC, [], 0)
    assert backend.sample(prompt, 1) == []
    script.release.set()
    assert backend.sample(prompt, 1) == []
    assert backend.sample(prompt, 1) == [GOOD]
    assert backend.stats.timeouts == 1 and backend.stats.failures == 2
    backend.close()


def test_unreachable_endpoint_is_a_clean_error() -> None:
    with pytest.raises(BackendError, match="cannot reach LLM endpoint"):
        make_backend("http://127.0.0.1:9/v1", connect_timeout=2)


def test_a_fit_through_the_endpoint(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    c = np.linspace(-0.9, 0.9, 30)
    data = tmp_path / "qed.csv"
    data.write_text("cos_theta,rate\n" + "\n".join(f"{v},{2 * (1 + v * v)}" for v in c))
    config = SearchConfig(buffer=BufferConfig(num_islands=2), sandbox=SandboxConfig(workers=1))
    request = FitRequest(
        data=str(data), target="rate", inputs=("cos_theta",), llm=url, budget=4, config=config
    )
    result = fit_equation(request)
    assert result.best.expression == "2*cos_theta**2 + 2"
    assert result.backend["name"] == "openai" and result.candidates == 4
