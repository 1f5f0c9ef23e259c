"""``lagrangian lsp --tcp``: one untrusted client over a TCP socket.

pygls' own ``start_tcp`` reads whatever ``Content-Length`` a client announces and lets
every new connection take over the server's writer.  Whoever reaches a TCP port is not
the editor that started the server, so this transport gives the client an untrusted
``Policy``, refuses a message above the size limit (the connection ends), and serves one
client: a second connection is closed at once, and the server ends with the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from lagrangian.server.lsp.trust import Policy

logger = logging.getLogger("lagrangian.lsp")


class BoundedReader:
    """A stream whose ``readexactly`` refuses a body above ``limit`` bytes.

    An empty answer ends pygls' read loop, and with it the connection, before the
    announced body is read into memory.
    """

    def __init__(self, reader: asyncio.StreamReader, limit: int) -> None:
        self.reader = reader
        self.limit = limit

    async def readline(self) -> bytes:
        return await self.reader.readline()

    async def readexactly(self, n: int) -> bytes:
        if n > self.limit:
            logger.warning(
                "a client announced a %d-byte message (limit %d): closing", n, self.limit
            )
            return b""
        return await self.reader.readexactly(n)


async def serve_tcp(
    host: str, port: int, policy: Policy, ready: Callable[[str, int], None] | None = None
) -> None:
    """Serve one client, then return."""
    from pygls.io_ import run_async

    from lagrangian.server.lsp.features import create_server

    server = create_server(policy)
    server.exit_ends_process = False
    finished = asyncio.Event()
    taken = False

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal taken
        if taken:
            writer.close()
            return
        taken = True
        server.protocol.set_writer(writer)  # type: ignore[arg-type]
        try:
            await run_async(
                stop_event=threading.Event(),
                reader=BoundedReader(reader, policy.limits.message_bytes),
                protocol=server.protocol,
                logger=logger,
                error_handler=server.report_server_error,
            )
        finally:
            server.shutdown_work()
            writer.close()
            finished.set()

    listener = await asyncio.start_server(connection, host, port)
    async with listener:
        address = next(iter(listener.sockets)).getsockname()
        if ready is not None:
            ready(address[0], address[1])
        await finished.wait()


def run_tcp(host: str, port: int, policy: Policy, ready: Callable[[str, int], None]) -> None:
    """Serve one TCP client until it leaves (Ctrl-C ends it quietly)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_tcp(host, port, policy, ready))
