"""Model-server exposure to connection floods and slow clients (issue 16, item 6).

Starts the real HTTP server in-process on a loopback port with its default settings and
an echo route (no model: the attacks never reach one), then measures:

- flood: ``--connections`` sockets that connect and send nothing.  Reports the server's
  extra threads (``threading.active_count()``), how many sockets were answered at once
  and with what, and whether a legitimate request made during the flood is answered.
- slow body: one request whose headers arrive at once and whose body arrives one byte
  every ``--interval`` seconds.  Reports how long the server keeps the connection and
  what it answers, observing at most ``--observe`` seconds.

    python benchmarks/model_server_attacks.py [--connections 1000] [--interval 9]
        [--observe 40]
"""

from __future__ import annotations

import argparse
import json
import selectors
import socket
import threading
import time
from typing import Any

from lagrangian.model.client import ModelClient, ModelClientError
from lagrangian.model.model_server import ModelServer, Route, ServerSettings


def _echo(payloads: list[Any]) -> list[Any]:
    return [{"echo": payload} for payload in payloads]


def _first_line(data: bytes) -> str:
    return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "(closed, no answer)"


def flood(server: ModelServer, connections: int, settle_s: float) -> dict[str, Any]:
    """Open half-open connections; count threads, immediate answers, a legitimate request."""
    baseline = threading.active_count()
    sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(connections)]
    selector = selectors.DefaultSelector()
    for sock in sockets:
        selector.register(sock, selectors.EVENT_READ)
    answers: dict[str, int] = {}
    deadline = time.monotonic() + settle_s
    while (remaining := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(remaining):
            selector.unregister(key.fileobj)
            line = _first_line(key.fileobj.recv(4096))  # type: ignore[union-attr]
            answers[line] = answers.get(line, 0) + 1
    threads = threading.active_count() - baseline
    started = time.monotonic()
    at_once = _legitimate(ModelClient(server.url, retries=0, timeout_s=30))
    patient = ModelClient(server.url, retries=60, backoff_s=0.2, max_backoff_s=1, timeout_s=30)
    with_retries = _legitimate(patient)
    for sock in sockets:
        sock.close()
    return {
        "connections": connections,
        "extra_threads": threads,
        f"answered_within_{settle_s:g}_s": answers,
        "legitimate_request_at_once": at_once,
        "legitimate_request_retrying": f"{with_retries}, {time.monotonic() - started:.1f} s "
        "after the flood settled",
    }


def _legitimate(client: ModelClient) -> str:
    try:
        client.request("POST", "/v1/echo", {"x": 1})
    except ModelClientError as error:
        return f"failed: {error}"
    return "answered 200"


def slow_body(server: ModelServer, interval_s: float, observe_s: float) -> dict[str, Any]:
    """Dribble a body; report how long the server holds the connection and its answer."""
    body = json.dumps({"x": "y" * 64}).encode()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(
        b"POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    started = time.monotonic()
    sent = 0
    answer: bytes | None = None  # None: still open; b"": closed without an answer
    sock.settimeout(interval_s)
    while answer is None and time.monotonic() - started < observe_s and sent < len(body):
        try:
            sock.sendall(body[sent : sent + 1])
            sent += 1
            answer = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            answer = b""
    held = time.monotonic() - started
    sock.close()
    return {
        "interval_s": interval_s,
        "bytes_sent": sent,
        "held_s": round(held, 1),
        "observed_up_to_s": observe_s,
        "answer": "(still open)" if answer is None else _first_line(answer),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to collect answers")
    parser.add_argument("--interval", type=float, default=9.0)
    parser.add_argument("--observe", type=float, default=40.0)
    args = parser.parse_args()
    route = Route("/v1/echo", lambda body: body, _echo)
    with ModelServer([route], ServerSettings(port=0)) as server:
        report = {
            "flood": flood(server, args.connections, args.settle),
            "slow_body": slow_body(server, args.interval, args.observe),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
