"""``lagrangian lsp`` and ``lagrangian playground`` as processes: transports, stdout purity,
exit on a dead client, usage errors, and the playground's HTTP and WebSocket endpoints."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import pytest
from waiting import SAFETY_S, until

LAGRANGIAN = [sys.executable, "-m", "lagrangian.server"]
STATIC = Path(__file__).resolve().parents[2] / "server" / "playground" / "static"


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def unframe(data: bytes) -> list[dict]:
    """Every message of an LSP byte stream; fails on anything that is not a framed message."""
    messages = []
    while data:
        match = re.match(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n", data)
        assert match, f"not LSP framing: {data[:80]!r}"
        end = match.end() + int(match.group(1))
        messages.append(json.loads(data[match.end() : end]))
        data = data[end:]
    return messages


def read_until(stream: IO[bytes], marker: bytes) -> bytes:
    """Bytes from a pipe up to and including the complete message that holds ``marker``."""
    data = b""
    deadline = time.monotonic() + SAFETY_S
    descriptor = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 0.1)
        if ready:
            chunk = os.read(descriptor, 65536)
            assert chunk, "the server closed its output"
            data += chunk
            if marker in data:
                try:
                    unframe(data)
                    return data
                except (AssertionError, json.JSONDecodeError):
                    continue  # the message is not complete yet
    raise AssertionError(f"{marker!r} not seen within {SAFETY_S:.0f} s (a hang?)")


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "capabilities": {}, "initializationOptions": {}},
}
SHUTDOWN = {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}
EXIT = {"jsonrpc": "2.0", "method": "exit"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LAGRANGIAN, *args], capture_output=True, text=True, timeout=SAFETY_S)


def test_usage_errors_are_one_line() -> None:
    for args, expected in (
        (("lsp", "--tcp", "nonsense"), "--tcp wants HOST:PORT"),
        (("lsp", "--ws", "127.0.0.1:99999"), "--ws wants HOST:PORT"),
        (("playground", "--port", "70000", "--no-browser"), "--port must be between"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2
        assert expected in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("lsp", "--tcp", f"127.0.0.1:{port}")
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_stdio_speaks_only_protocol_on_stdout() -> None:
    messages = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": "file:///x.lag",
                    "languageId": "lagrangian",
                    "version": 1,
                    "text": "scalar H (1, 2, 1/2)\nL = - m2 H^dagger H H\n",
                }
            },
        },
    ]
    process = subprocess.Popen(
        [*LAGRANGIAN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"".join(frame(m) for m in messages))
    process.stdin.flush()
    early = read_until(process.stdout, b"textDocument/publishDiagnostics")
    process.stdin.write(frame(SHUTDOWN) + frame(EXIT))
    process.stdin.flush()
    out, err = process.communicate(timeout=SAFETY_S)
    assert process.returncode == 0, err.decode()
    received = unframe(early + out)
    assert received[0]["id"] == 1 and "capabilities" in received[0]["result"]
    published = [m for m in received if m.get("method") == "textDocument/publishDiagnostics"]
    assert published and published[0]["params"]["version"] == 1
    assert {d["code"] for d in published[0]["params"]["diagnostics"]} == {
        "hypercharge",
        "gauge-noninvariant",
    }


def test_server_exits_when_stdin_closes() -> None:
    process = subprocess.Popen(
        [*LAGRANGIAN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    process.stdin.write(frame(INITIALIZE))
    process.stdin.close()
    process.wait(timeout=SAFETY_S)
    assert process.returncode is not None


def test_server_exits_when_the_editor_process_dies() -> None:
    # An "editor" that lives until killed (or until this test process ends its stdin).
    editor = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    process = subprocess.Popen(
        [*LAGRANGIAN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    initialize = {**INITIALIZE, "params": {**INITIALIZE["params"], "processId": editor.pid}}
    process.stdin.write(
        frame(initialize) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    )
    process.stdin.flush()
    assert process.stdout is not None
    read_until(process.stdout, b'"serverInfo"')  # initialized, and watching the editor
    assert process.poll() is None
    editor.kill()
    editor.wait()
    process.wait(timeout=SAFETY_S)  # stdin is still open: only the parent watch ends it
    assert process.returncode == 0


def test_tcp_transport() -> None:
    port = free_port()
    process = subprocess.Popen(
        [*LAGRANGIAN, "lsp", "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.PIPE
    )
    try:
        connection = _connect(port)
        with connection:
            connection.sendall(frame(INITIALIZE))
            data = b""
            while b'"id": 1' not in data and b'"id":1' not in data:
                chunk = connection.recv(65536)
                assert chunk, "connection closed before the answer"
                data += chunk
            assert unframe(data)[0]["result"]["serverInfo"]["name"] == "lagrangian"
    finally:
        process.kill()
        process.wait()


def _connect(port: int) -> socket.socket:
    """A connection to the port, once the server listens on it."""

    def attempt() -> socket.socket | None:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=SAFETY_S)
        except OSError:
            return None

    return until(attempt, f"a server listening on port {port}", poll_s=0.1)


@pytest.mark.skipif(not (STATIC / "index.html").is_file(), reason="playground bundle not built")
def test_playground_serves_the_page_and_nothing_else(playground: str) -> None:
    with urllib.request.urlopen(playground, timeout=SAFETY_S) as page:
        assert page.headers["Content-Type"].startswith("text/html")
        assert b"playground.js" in page.read()
    with urllib.request.urlopen(playground + "playground.js", timeout=SAFETY_S) as script:
        assert script.headers["Content-Type"].startswith("text/javascript")
    for path, status in (("../pyproject.toml", 404), ("%2e%2e/cli.py", 404), ("lsp", 426)):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(playground + path, timeout=SAFETY_S)
        error.value.close()
        assert error.value.code == status, path


@pytest.mark.skipif(not (STATIC / "index.html").is_file(), reason="playground bundle not built")
def test_playground_lsp_over_websocket(playground: str) -> None:
    from websockets.sync.client import connect

    url = playground.replace("http://", "ws://") + "lsp"
    with (
        connect(url, open_timeout=SAFETY_S) as first,
        connect(url, open_timeout=SAFETY_S) as second,
    ):
        first.send(json.dumps(INITIALIZE))
        raw = first.recv(timeout=SAFETY_S)
        assert isinstance(raw, str)  # a text frame, as browsers expect
        answer = json.loads(raw)
        assert answer["id"] == 1 and answer["result"]["serverInfo"]["name"] == "lagrangian"
        first.send(json.dumps(SHUTDOWN))
        assert json.loads(first.recv(timeout=SAFETY_S))["id"] == 2
        first.send(json.dumps(EXIT))  # ends this connection only
        second.send(json.dumps(INITIALIZE))
        assert json.loads(second.recv(timeout=SAFETY_S))["id"] == 1
    with connect(url, open_timeout=SAFETY_S) as third:  # the process is still serving
        third.send(json.dumps(INITIALIZE))
        assert json.loads(third.recv(timeout=SAFETY_S))["id"] == 1


def test_module_entry_point_runs_the_cli() -> None:
    result = run_cli("lsp", "--help")
    assert result.returncode == 0
    assert "--tcp HOST:PORT" in result.stdout and "--ws HOST:PORT" in result.stdout


def test_websocket_transport() -> None:
    from websockets.sync.client import connect

    port = free_port()
    process = subprocess.Popen(
        [*LAGRANGIAN, "lsp", "--ws", f"127.0.0.1:{port}"], stderr=subprocess.PIPE
    )
    try:
        _connect(port).close()
        with connect(f"ws://127.0.0.1:{port}/", open_timeout=SAFETY_S) as connection:
            connection.send(json.dumps(INITIALIZE))
            answer = json.loads(connection.recv(timeout=SAFETY_S))
            assert answer["result"]["capabilities"]["completionProvider"]["resolveProvider"]
    finally:
        process.kill()
        process.wait()
