"""One port for the browser playground: its static page over HTTP and LSP over WebSocket.

The page (built by ``playground/`` into ``server/playground_static/``) connects back to
``ws://<host>/lsp`` on the port it was served from, so the page works behind any port
without configuration.  The ``websockets`` package already carries pygls' WebSocket
transport; its ``process_request`` hook answers plain GETs, so the same small dependency
serves the files too (aiohttp would add a second web stack for a handful of static
files).  Every WebSocket connection gets its own language server instance: a reload or
a second tab starts clean, and a page that says ``exit`` closes only its own connection.
JSON-RPC messages travel one per text frame, without ``Content-Length`` headers.

``lagrangian lsp --ws`` uses the same endpoint without the page (any path upgrades).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from websockets.asyncio.server import ServerConnection
    from websockets.http11 import Request, Response

logger = logging.getLogger("lagrangian.playground")

STATIC_DIR = Path(__file__).parent / "playground_static"
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


async def serve(
    host: str,
    port: int,
    static_dir: Path | None,
    ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serve until cancelled; ``ready(host, port)`` is called once listening."""
    from websockets.asyncio.server import serve as ws_serve

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        path = urlparse(request.path).path
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if static_dir is None or path == LSP_PATH:
            if upgrade:
                return None
            return connection.respond(
                HTTPStatus.UPGRADE_REQUIRED, "this endpoint speaks LSP over WebSocket\n"
            )
        return static_response(connection, static_dir, path)

    async with ws_serve(
        lsp_connection,
        host,
        port,
        process_request=process_request,
        max_size=64 * 2**20,
        compression=None,
        close_timeout=1,
    ) as server:
        if ready is not None:
            address = next(iter(server.sockets)).getsockname()
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


async def lsp_connection(connection: ServerConnection) -> None:
    """One browser connection: a fresh language server speaking over this socket."""
    from pygls.exceptions import JsonRpcException
    from websockets.exceptions import ConnectionClosed

    from lagrangian.server.lsp_features import create_server

    server = create_server()
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


def run(host: str, port: int, static_dir: Path | None, ready: Callable[[str, int], None]) -> None:
    """Serve until interrupted (Ctrl-C ends it quietly)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host, port, static_dir, ready))
