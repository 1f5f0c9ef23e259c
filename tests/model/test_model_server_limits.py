"""The model server under attack: connection floods, dribbled requests, abandoned jobs.

Each test reproduces an attack of issue 16 (item 6) on a loopback server configured
with small limits so that it finishes in seconds; waits are on sockets and events with a
bound, so that a server without the limits fails the test instead of hanging it.
"""

from __future__ import annotations

import selectors
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from model_echo_server import EchoHandler, raw_request, serving
from waiting import SAFETY_S

from lagrangian.model.client import ModelClient, ServerUnavailable
from lagrangian.model.model_server import ModelServer

TOKEN = "s3cret"
BOUND_S = SAFETY_S  # a net against a hang, never what a test checks (tests/waiting.py)


def _connect(server: ModelServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=BOUND_S)


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; a timeout if it never does."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_connection_flood_keeps_threads_bounded_and_a_client_is_still_served() -> None:
    with serving(EchoHandler(), max_connections=16, read_deadline_s=2) as server:
        baseline = threading.active_count()
        flood = [_connect(server) for _ in range(200)]  # connect, then send nothing
        selector = selectors.DefaultSelector()
        for sock in flood:
            selector.register(sock, selectors.EVENT_READ)
        answers: list[bytes] = []
        peak = 0
        try:
            while len(answers) < len(flood):
                peak = max(peak, threading.active_count() - baseline)
                ready = selector.select(BOUND_S)
                assert ready, f"{len(flood) - len(answers)} connections neither answered nor closed"
                for key, _ in ready:
                    selector.unregister(key.fileobj)
                    answers.append(_read_until_closed(key.fileobj))  # type: ignore[arg-type]
            refused = [answer for answer in answers if answer]
            assert peak <= 16, f"{peak} threads for {len(flood)} idle connections"
            # 16 held, then closed at the deadline without an answer (more rounds of 16 if
            # connecting took longer than the deadline); every other one refused at once
            assert 16 <= len(flood) - len(refused) <= 16 * 3
            assert all(answer.startswith(b"HTTP/1.1 503 ") for answer in refused)
            assert b"at its limit of 16 connections" in refused[0]
            assert b"Retry-After: 1" in refused[0]
            # the slots are free again (retries: the last ones may be freed a moment later)
            client = ModelClient(server.url, retries=3)
            assert client.request("POST", "/v1/echo", {"x": 21}) == {"y": 42}
        finally:
            selector.close()
            for sock in flood:
                sock.close()


def _headers(length: int, token: str | None) -> bytes:
    lines = ["POST /v1/echo HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
    lines.append("Content-Type: application/json")
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


BODY = b'{"x": 1}' + b" " * 56  # 64 bytes: at one byte per 0.5 s, 32 s to send


def _dribble(sock: socket.socket, data: bytes, stop: threading.Event) -> None:
    """The slow-loris client: one byte every 0.5 s until done, stopped or cut off."""
    for index in range(len(data)):
        if stop.wait(0.5):
            return
        try:
            sock.sendall(data[index : index + 1])
        except OSError:  # the server closed the connection
            return


@pytest.mark.parametrize(
    ("at_once", "dribbled", "status"),
    [
        pytest.param(b"", _headers(len(BODY), None) + BODY, None, id="headers-dribbled-no-token"),
        pytest.param(_headers(len(BODY), TOKEN), BODY, 408, id="body-dribbled"),
        pytest.param(_headers(len(BODY), None), b"", 401, id="no-token-no-body"),
        pytest.param(_headers(10**6, TOKEN), b"", 413, id="too-large"),
    ],
)
def test_a_request_is_cut_off_at_the_deadline_or_refused_before_its_body(
    at_once: bytes, dribbled: bytes, status: int | None
) -> None:
    """Headers are read under the deadline before the token check; a body under it too.

    The 401 and 413 come before any body is sent: a server waiting for the body would
    answer 408 at the deadline instead.  A request whose headers never complete is closed
    without an answer: nothing about it is known, not even whether it may be answered.
    """
    with serving(EchoHandler(), token=TOKEN, max_body_bytes=100, read_deadline_s=2) as server:
        sock = _connect(server)
        stop = threading.Event()
        sock.sendall(at_once)
        sender = threading.Thread(target=_dribble, args=(sock, dribbled, stop), daemon=True)
        sender.start()
        try:
            received = _read_until_closed(sock)
        finally:
            stop.set()
            sender.join(timeout=BOUND_S)
            sock.close()
    if status is None:
        assert received == b""
    else:
        assert received.startswith(f"HTTP/1.1 {status} ".encode()), received[:40]
        assert b"Connection: close" in received
    if status == 408:
        assert b"request not received within 2 s" in received


def test_a_request_answered_504_is_never_run_or_counted() -> None:
    handler = EchoHandler()
    handler.gate.clear()  # the first request holds the model
    with serving(handler, max_batch=1, request_timeout_s=0.5) as server:
        client = ModelClient(server.url, retries=0)
        with ThreadPoolExecutor(max_workers=2) as pool:
            running = pool.submit(client.request, "POST", "/v1/echo", {"x": 1})
            assert handler.entered.wait(BOUND_S)
            queued = pool.submit(client.request, "POST", "/v1/echo", {"x": 2})
            for future in (running, queued):
                with pytest.raises(ServerUnavailable, match=r"504: no answer within 0\.5 s"):
                    future.result(timeout=BOUND_S)
        health = client.health()
        assert health["queue_depth"] == 0  # the queued one was taken off the queue
        assert health["requests_timed_out"] == 2
        handler.gate.set()
        assert client.request("POST", "/v1/echo", {"x": 3}) == {"y": 6}
        health = client.health()
    assert handler.sizes == [1, 1]  # the running job, then x=3: x=2 never reached the model
    assert health["requests_served"] == 1  # x=1's answer came after its 504: not served
    assert health["requests_timed_out"] == 2


def test_web_pages_cannot_post_or_rebind() -> None:
    """A cross-site "simple" POST (text/plain) and a rebound Host name are refused."""
    with serving(EchoHandler()) as server:
        plain = {"Content-Type": "text/plain"}
        status, body, _ = raw_request(server, "POST", "/v1/echo", b'{"x": 1}', plain)
        assert status == 415 and "application/json" in body["error"]["message"]
        rebound = {"Host": f"evil.example:{server.port}"}
        status, body, _ = raw_request(server, "POST", "/v1/echo", b'{"x": 1}', rebound)
        assert status == 403 and "evil.example" in body["error"]["message"]
        for host in (f"localhost:{server.port}", f"[::1]:{server.port}", "127.0.0.1"):
            status, _, _ = raw_request(server, "POST", "/v1/echo", b'{"x": 1}', {"Host": host})
            assert status == 200, host
