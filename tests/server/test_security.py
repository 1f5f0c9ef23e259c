"""The attacks of docs/security.md, each against the real playground process on loopback.

Every test is an attack that worked before the untrusted-client mode: a web page of
another origin opening the WebSocket, a never-opened ``file:`` URI read from disk, fit
blocks reading and writing server files or calling an endpoint, oversized frames,
documents and budgets, connection floods, and a malformed static path.  Timeouts here
only guard against a hang; no test passes or fails on time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playground_runner import playground_process
from waiting import SAFETY_S

from lagrangian.grammar import parse_document
from lagrangian.server.lsp.commands import CommandError
from lagrangian.server.lsp.fit import FitScope, fit_request_options

pytestmark = pytest.mark.slow

STATIC = Path(__file__).resolve().parents[2] / "server" / "playground" / "static"
needs_page = pytest.mark.skipif(
    not (STATIC / "index.html").is_file(), reason="playground bundle not built"
)


class Session:
    """One LSP client over the playground's WebSocket, recording every frame it gets."""

    def __init__(self, url: str, origin: str | None = None, options: Any = None) -> None:
        from websockets.sync.client import connect

        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(
            connect(ws_url(url), origin=origin, max_size=None, open_timeout=SAFETY_S)
        )
        self.frames: list[str] = []
        self.next_id = 0
        self.request("initialize", {"capabilities": {}, "initializationOptions": options})
        self.notify("initialized", {})

    def notify(self, method: str, params: Any) -> None:
        self.ws.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

    def request(self, method: str, params: Any) -> dict[str, Any]:
        """The response to one request (server requests meanwhile are answered with null)."""
        self.next_id += 1
        ident = self.next_id
        self.ws.send(
            json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        )
        while True:
            message = self.receive()
            if message.get("id") == ident and "method" not in message:
                return message
            if "method" in message and "id" in message:
                answer = {"jsonrpc": "2.0", "id": message["id"], "result": None}
                self.ws.send(json.dumps(answer))

    def receive(self) -> dict[str, Any]:
        frame = self.ws.recv(timeout=SAFETY_S)
        assert isinstance(frame, str)
        self.frames.append(frame)
        return json.loads(frame)

    def open(self, uri: str, text: str) -> None:
        document = {"uri": uri, "languageId": "lagrangian", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def command(self, name: str, argument: Any) -> dict[str, Any]:
        return self.request("workspace/executeCommand", {"command": name, "arguments": [argument]})

    def diagnostics_for(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri``."""
        while True:
            message = self.receive()
            published = message.get("method") == "textDocument/publishDiagnostics"
            if published and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def close(self) -> None:
        self.stack.close()


def ws_url(url: str) -> str:
    return url.replace("http://", "ws://") + "lsp"


def origin_of(url: str) -> str:
    return url.rstrip("/")


@contextlib.contextmanager
def session(url: str, **options: Any) -> Iterator[Session]:
    client = Session(url, **options)
    try:
        yield client
    finally:
        client.close()


def refused_status(url: str, origin: str) -> int:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(url), origin=origin, open_timeout=SAFETY_S)
    return refused.value.response.status_code


@needs_page
def test_pages_of_other_origins_cannot_open_the_socket() -> None:
    with playground_process("--allow-origin", "https://demo.example.org/") as url:
        assert refused_status(url, "http://evil.example") == 403
        port = url.rstrip("/").rsplit(":", 1)[1]
        # DNS rebinding: the attacker's name pointing at 127.0.0.1 is still another origin
        assert refused_status(url, f"http://evil.example:{port}") == 403
        for origin in (origin_of(url), f"http://localhost:{port}", "https://demo.example.org"):
            with session(url, origin=origin) as client:
                assert client.command("lagrangian.serverStatus", {})["result"]["trusted"] is False
        with session(url) as client:  # not a browser: no Origin header
            assert "result" in client.command("lagrangian.serverStatus", {})


@needs_page
def test_a_never_opened_file_uri_is_never_read(playground: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.lag"
    secret.write_text("MARKER-7f3a9 is a line of a private file\n", encoding="utf-8")
    with session(playground) as client:
        answer = client.command("lagrangian.checkDocument", {"uri": secret.as_uri()})
        assert "is not open" in answer["error"]["message"]
        position = {"line": 0, "character": 0}
        hover = client.request(
            "textDocument/hover", {"textDocument": {"uri": secret.as_uri()}, "position": position}
        )
        assert "is not open" in hover["error"]["message"]
        assert "traceback" not in json.dumps(hover["error"])
        tex = tmp_path / "paper.tex"  # its .lag sidecar on disk is not read either
        secret_sidecar = tmp_path / "paper.lag"
        secret_sidecar.write_text("scalar MARKER_7f3a9 (1,2,1/2)\n", encoding="utf-8")
        client.open(tex.as_uri(), "\\begin{equation} \\mathcal{L} = x \\end{equation}\n")
        client.command("lagrangian.checkDocument", {"uri": tex.as_uri()})
    assert not any("MARKER" in frame for frame in client.frames)


@needs_page
def test_fit_blocks_name_no_server_file(playground: str, tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:MARKER-7f3a9:0:0\n", encoding="utf-8")
    target = tmp_path / "made" / "run.json"
    cases = {
        "out": f'benchmark = qed; budget = 2; out = "{target}"',
        "data": f'data = "{secret}"; target = y; inputs = x; budget = 2',
        "resume": f'resume = "{secret}"',
        "test": f'benchmark = qed; test = "../../{secret.name}"; budget = 2',
    }
    with session(playground) as client:
        for key, settings in cases.items():
            uri = f"file:///untrusted/{key}.lag"
            client.open(uri, f"fit W {{ {settings} }}\n")
            answer = client.command("lagrangian.fitEquation", {"uri": uri})
            assert f"{key} names a file on the server" in answer["error"]["message"], key
    assert not target.parent.exists()
    assert not any("MARKER" in frame for frame in client.frames)


class Listener:
    """A loopback socket that counts the connections made to it (there must be none)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.accepted = 0
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.socket.accept()
                self.accepted += 1
                connection.close()

    def close(self) -> None:
        self.socket.close()


@needs_page
def test_clients_cannot_choose_endpoints_models_or_budgets(playground: str) -> None:
    listener = Listener()
    options = {
        "completionSource": "model",
        "modelServerUrl": listener.url,
        "fit": {"llm": listener.url},
    }
    try:
        with session(playground, options=options) as client:
            client.notify("workspace/didChangeConfiguration", {"settings": options})
            status = client.command("lagrangian.serverStatus", {})["result"]
            assert status["settings"]["modelServerUrl"] == ""
            assert status["settings"]["completionSource"] == "exact"
            assert status["settings"]["fit"]["llm"] == "builtin"
            assert "pid" not in status and "rssBytes" not in status
            client.open(
                "file:///u/llm.lag", f'fit W {{ benchmark = qed; llm = "{listener.url}" }}\n'
            )
            answer = client.command("lagrangian.fitEquation", {"uri": "file:///u/llm.lag"})
            assert "cannot choose an endpoint" in answer["error"]["message"]
            client.open("file:///u/folder.lag", 'fit W { benchmark = qed; llm = "/etc" }\n')
            answer = client.command("lagrangian.fitEquation", {"uri": "file:///u/folder.lag"})
            assert "cannot choose an endpoint or a model folder" in answer["error"]["message"]
            client.open("file:///u/huge.lag", "fit W { benchmark = qed; budget = 1000000 }\n")
            answer = client.command("lagrangian.fitEquation", {"uri": "file:///u/huge.lag"})
            assert "above this server's limit of 400" in answer["error"]["message"]
            client.open(
                "file:///u/ok.lag", "scalar H (1,2,1/2)\nfit W { benchmark = qed; budget = 2 }\n"
            )
            answer = client.command("lagrangian.fitEquation", {"uri": "file:///u/ok.lag"})
            assert answer["result"]["candidates"] == 2  # the operator's builtin proposer ran
            completion = client.request(
                "textDocument/completion",
                {
                    "textDocument": {"uri": "file:///u/ok.lag"},
                    "position": {"line": 2, "character": 0},
                },
            )
            assert "result" in completion
    finally:
        listener.close()
    assert listener.accepted == 0


@needs_page
def test_oversized_frames_and_documents_are_refused(playground: str) -> None:
    from websockets.exceptions import ConnectionClosed

    with session(playground) as client:
        big = "L = " + " + ".join(["lambda H^dagger H"] * 12_000)  # about 230 kB: one frame
        assert 200_000 < len(big) < 1 << 20
        client.open("file:///u/big.lag", "scalar H (1,2,1/2)\n" + big + "\n")
        (problem,) = client.diagnostics_for("file:///u/big.lag")
        assert problem["code"] == "limit" and "up to 200,000" in problem["message"]
        assert client.command("lagrangian.serverStatus", {})["result"]["documents"] == 0
        client.ws.send("x" * (2 << 20))  # a 2 MiB frame ends the connection
        with pytest.raises(ConnectionClosed) as closed:
            client.receive()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


@needs_page
def test_connections_are_bounded_and_come_back(playground: str) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with contextlib.ExitStack() as held:
        for _ in range(32):
            held.enter_context(connect(ws_url(playground), open_timeout=SAFETY_S))
        for _ in range(3):
            with pytest.raises(InvalidStatus) as refused:
                connect(ws_url(playground), open_timeout=SAFETY_S)
            assert refused.value.response.status_code == 503
    with session(playground) as client:  # room again once they are gone
        assert "result" in client.command("lagrangian.serverStatus", {})


@needs_page
def test_a_malformed_static_path_is_a_bad_request(playground: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(playground + "index.html%00.js", timeout=SAFETY_S)
    error.value.close()
    assert error.value.code == 400


def fit_options(text: str, scope: FitScope) -> dict[str, Any]:
    (block,) = parse_document(text).fits
    return fit_request_options(block, scope)


def test_a_trusted_documents_files_stay_in_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "work"
    (workspace / "fits").mkdir(parents=True)
    scope = FitScope(llm="builtin", folder=workspace / "fits", roots=(workspace,))
    options = fit_options('fit A { data = "a0.csv"; out = "../runs/a.json" }\n', scope)
    assert options["data"] == str(workspace / "fits" / "a0.csv")
    assert options["out"] == str(workspace / "runs" / "a.json")
    for value in ("/etc/passwd", "../../outside.csv", "~/.ssh/id_rsa"):
        with pytest.raises(CommandError, match="outside the workspace"):
            fit_options(f'fit A {{ data = "{value}" }}\n', scope)
    anywhere = FitScope(llm="builtin", folder=workspace, roots=(workspace,), anywhere=True)
    assert fit_options('fit A { data = "/etc/hosts" }\n', anywhere)["data"] == "/etc/hosts"


def test_a_trusted_document_may_only_name_the_users_llm() -> None:
    scope = FitScope(llm="http://127.0.0.1:11434/v1")
    assert fit_options("fit A { benchmark = qed }\n", scope)["llm"] == scope.llm
    assert fit_options("fit A { benchmark = qed; llm = builtin }\n", scope)["llm"] == "builtin"
    named = 'fit A { benchmark = qed; llm = "http://127.0.0.1:11434/v1" }\n'
    assert fit_options(named, scope)["llm"] == scope.llm
    with pytest.raises(CommandError, match="cannot choose an endpoint"):
        fit_options('fit A { benchmark = qed; llm = "https://attacker.example/v1" }\n', scope)


@pytest.mark.asyncio
async def test_a_trusted_client_gets_a_clean_error_for_a_missing_file(tmp_path: Path) -> None:
    from lsp_client import start, stop
    from lsprotocol import types
    from pygls.exceptions import JsonRpcInvalidParams

    client, _ = await start({"completionSource": "exact"})
    try:
        readable = tmp_path / "on-disk.lag"
        readable.write_text("scalar H (1,2,1/2)\nL = lambda H H H\n", encoding="utf-8")
        check = types.ExecuteCommandParams(
            command="lagrangian.checkDocument", arguments=[{"uri": readable.as_uri()}]
        )
        summary = await client.workspace_execute_command_async(check)  # stdio: read from disk
        assert summary["errors"] >= 1
        missing = types.TextDocumentIdentifier(uri=(tmp_path / "missing.lag").as_uri())
        hover = types.HoverParams(
            text_document=missing, position=types.Position(line=0, character=0)
        )
        with pytest.raises(JsonRpcInvalidParams, match="neither open in the editor nor readable"):
            await client.text_document_hover_async(hover)
    finally:
        await stop(client)


def framed(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream: Any) -> dict[str, Any]:
    """One framed LSP message from a socket file."""
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    assert length, "the server closed the connection"
    return json.loads(stream.read(length))


def test_tcp_clients_are_untrusted_and_bounded(tmp_path: Path) -> None:
    import subprocess
    import sys

    secret = tmp_path / "secret.lag"
    secret.write_text("MARKER-7f3a9\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "lagrangian.server", "lsp", "--tcp", f"127.0.0.1:{port}"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        while "listening for LSP" not in (line := process.stderr.readline()):
            assert line, "the server did not start"
        with socket.create_connection(("127.0.0.1", port), timeout=SAFETY_S) as connection:
            stream = connection.makefile("rb")
            init = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"capabilities": {}},
            }
            connection.sendall(framed(init))
            assert read_message(stream)["id"] == 1
            arguments = [{"uri": secret.as_uri()}]
            check = {"command": "lagrangian.checkDocument", "arguments": arguments}
            request = {"jsonrpc": "2.0", "id": 2, "method": "workspace/executeCommand"}
            connection.sendall(framed({**request, "params": check}))
            while (answer := read_message(stream)).get("id") != 2:
                pass
            assert "is not open" in answer["error"]["message"]
            assert "MARKER" not in json.dumps(answer)
            connection.sendall(b"Content-Length: %d\r\n\r\n" % (64 << 20))
            assert stream.read() == b""  # refused before 64 MiB were read: the server hung up
    finally:
        process.kill()
        process.wait()
