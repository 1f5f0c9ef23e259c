"""One port for the browser playground: its static page over HTTP and LSP over WebSocket.

The page (built by ``playground/`` into ``server/playground/static/``) connects back to
``ws://<host>/lsp`` on the port it was served from, so the page works behind any port
without configuration.  The ``websockets`` package already carries pygls' WebSocket
transport; its ``process_request`` hook answers plain GETs, so the same small dependency
serves the files too (aiohttp would add a second web stack for a handful of static
files).  Every WebSocket connection gets its own language server instance: a reload or
a second tab starts clean, and a page that says ``exit`` closes only its own connection.
JSON-RPC messages travel one per text frame, without ``Content-Length`` headers.

``lagrangian lsp --ws`` uses the same endpoint without the page (any path upgrades).

Anybody who can reach the port is a client, and so is any web page open in the browser
of the person running it, so every connection's server is untrusted (``trust.Policy``):
a WebSocket handshake must come from the page's own origin (or one the operator allowed
with ``--allow-origin``), frames and connections are bounded, and the settings that load
code or call out are the operator's.  docs/security.md has the threat model.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from lagrangian.model.addresses import is_loopback
from lagrangian.server.lsp.settings import Settings
from lagrangian.server.lsp.trust import Limits, Policy

if TYPE_CHECKING:
    from websockets.asyncio.server import ServerConnection
    from websockets.http11 import Request, Response

logger = logging.getLogger("lagrangian.playground")

STATIC_DIR = Path(__file__).parent / "static"
LSP_PATH = "/lsp"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".map": "application/json",
}


@dataclass(frozen=True)
class Endpoint:
    """What one listening port serves, and what its untrusted clients may do.

    ``static_dir`` is the page (None: LSP only, as ``lagrangian lsp --ws``);
    ``operator`` the settings no client can change; ``allow_origins`` the web origins
    besides the page's own whose pages may open the WebSocket.
    """

    static_dir: Path | None = None
    operator: Settings = field(default_factory=Settings)
    limits: Limits = field(default_factory=Limits)
    allow_origins: tuple[str, ...] = ()


def own_origins(host: str, port: int) -> set[str]:
    """The origins a page served from this port has (every loopback spelling on loopback)."""
    if is_loopback(host):
        names = ["127.0.0.1", "localhost", "[::1]"]
    else:
        names = [f"[{host}]" if ":" in host else host]
    return {f"http://{name}:{port}" for name in names}


def normal_origin(origin: str) -> str:
    """``HTTP://Example.org/`` and ``http://example.org`` are one origin."""
    return origin.strip().rstrip("/").lower()


async def serve(
    host: str,
    port: int,
    endpoint: Endpoint,
    ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serve until cancelled; ``ready(host, port)`` is called once listening."""
    from websockets.asyncio.server import serve as ws_serve

    limits = endpoint.limits
    policy = Policy.untrusted(endpoint.operator, limits)
    allowed = {normal_origin(origin) for origin in endpoint.allow_origins}

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        if len(connection.server.handler_tasks) > limits.connections:
            return connection.respond(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"this server has {limits.connections} connections already; try again later\n",
            )
        path = urlparse(request.path).path
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if endpoint.static_dir is None or path == LSP_PATH:
            if not upgrade:
                return connection.respond(
                    HTTPStatus.UPGRADE_REQUIRED, "this endpoint speaks LSP over WebSocket\n"
                )
            origin = request.headers.get("Origin")
            if origin is not None and normal_origin(origin) not in allowed:
                logger.warning("refused a WebSocket from origin %s", origin)
                return connection.respond(
                    HTTPStatus.FORBIDDEN,
                    f"pages from {origin} may not connect; the operator can allow them "
                    "with --allow-origin\n",
                )
            return None
        return static_response(connection, endpoint.static_dir, path)

    async with ws_serve(
        lambda connection: lsp_connection(connection, policy),
        host,
        port,
        process_request=process_request,
        max_size=limits.message_bytes,
        compression=None,
        close_timeout=1,
    ) as server:
        address = next(iter(server.sockets)).getsockname()
        allowed |= own_origins(host, address[1])
        if ready is not None:
            ready(address[0], address[1])
        await server.serve_forever()


class TextFrameWriter:
    """pygls' writer interface over a WebSocket, one JSON-RPC message per *text* frame.

    (pygls' own WebSocket writer sends bytes, which browsers receive as binary ``Blob``
    frames; the playground and other browser clients expect text.)
    """

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection

    def write(self, data: bytes) -> Awaitable[None]:
        return self.connection.send(data.decode("utf-8"))

    def close(self) -> Awaitable[None]:
        return self.connection.close()


async def lsp_connection(connection: ServerConnection, policy: Policy) -> None:
    """One browser connection: a fresh, untrusted language server speaking over this socket."""
    from pygls.exceptions import JsonRpcException
    from websockets.exceptions import ConnectionClosed

    from lagrangian.server.lsp.features import create_server

    server = create_server(policy)
    server.exit_ends_process = False
    protocol = server.protocol
    protocol.set_writer(TextFrameWriter(connection), include_headers=False)
    logger.info("LSP connection from %s", connection.remote_address)
    try:
        async for frame in connection:
            try:
                protocol.handle_message(json.loads(frame, object_hook=protocol.structure_message))
            except Exception as error:  # one bad message must not end the session
                logger.exception("cannot handle a message from %s", connection.remote_address)
                server.report_server_error(error, JsonRpcException)
    except ConnectionClosed:
        pass
    finally:
        server.shutdown_work()
        logger.info("LSP connection from %s closed", connection.remote_address)


def static_response(connection: ServerConnection, root: Path, path: str) -> Response:
    """A file of the page (``/`` is ``index.html``); nothing outside ``root`` is served."""
    from websockets.datastructures import Headers
    from websockets.http11 import Response

    relative = unquote(path).lstrip("/") or "index.html"
    if "\x00" in relative:
        return connection.respond(HTTPStatus.BAD_REQUEST, "malformed path\n")
    base = root.resolve()
    target = (base / relative).resolve()
    if base not in target.parents or not target.is_file():
        return connection.respond(HTTPStatus.NOT_FOUND, f"not found: {path}\n")
    body = target.read_bytes()
    kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    headers = Headers(
        [
            ("Content-Type", kind or "application/octet-stream"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        ]
    )
    return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, body)


def run(host: str, port: int, endpoint: Endpoint, ready: Callable[[str, int], None]) -> None:
    """Serve until interrupted (Ctrl-C ends it quietly)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host, port, endpoint, ready))
