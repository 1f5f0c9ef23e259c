"""A model server without a model, for the HTTP tests: an echo route and raw exchanges.

Shared by the behaviour tests (test_model_server.py) and the limit tests
(test_model_server_limits.py); every server listens on an ephemeral loopback port.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from waiting import SAFETY_S

from lagrangian.model.model_server import ModelServer, RequestError, Route, ServerSettings


def echo_validate(body: Any) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get("x"), int):
        raise RequestError("'x' must be an integer")
    return body["x"]


class EchoHandler:
    """Answers x -> {"y": 2x} after a delay; records batch sizes; can be held closed."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.sizes: list[int] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, payloads: list[int]) -> list[Any]:
        self.entered.set()
        self.gate.wait(timeout=SAFETY_S)
        time.sleep(self.delay_s)
        self.sizes.append(len(payloads))
        return [
            RequestError("x must not be 13", 422) if x == 13 else {"y": 2 * x} for x in payloads
        ]


@contextmanager
def serving(handler: Any, **settings: Any) -> Iterator[ModelServer]:
    """A started server with ``POST /v1/echo`` answered by ``handler``."""
    route = Route("/v1/echo", echo_validate, handler)
    server = ModelServer([route], ServerSettings(port=0, **settings), info=lambda: {"name": "echo"})
    with server:
        yield server


def raw_request(
    server: ModelServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, http.client.HTTPResponse]:
    """One raw HTTP exchange (for requests urllib would not send).

    With ``body=None`` no Content-Length header is sent at all.
    """
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SAFETY_S)
    headers = dict(headers or {})
    connection.putrequest(method, path, skip_host="Host" in headers)
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
        headers.setdefault("Content-Type", "application/json")
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    return response.status, data, response
