"""One HTTP request with a hard total deadline and a cap on the reply size.

``urllib``'s timeout bounds each socket operation, not the request: a server that sends one
byte every few seconds keeps a read alive forever, and a reply is read whole however large.
Here a watchdog shuts the socket down when the request's deadline passes (a blocked ``recv``
returns at once), every read waits at most the time left, and the body is read in pieces
and abandoned as soon as it exceeds the cap.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass

_PIECE = 65536


class DeadlinePassed(Exception):
    """The request's total deadline passed before the reply was complete."""


class ReplyTooLarge(Exception):
    """The reply body is larger than the cap."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    retry_after: str | None


def _connection(url: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    if url.scheme == "https":
        return http.client.HTTPSConnection(url.hostname or "", url.port, timeout=timeout)
    return http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)


def _abort(sock: socket.socket, fired: threading.Event) -> None:
    fired.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def exchange(
    url: str,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    deadline: float,
    max_bytes: int,
) -> Reply:
    """Send one request and read the reply by ``deadline`` (a ``time.monotonic`` value).

    Raises ``DeadlinePassed``, ``ReplyTooLarge`` or ``OSError`` (connection failures).
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlinePassed
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts, remaining)
    fired = threading.Event()
    watchdog: threading.Timer | None = None
    try:
        connection.connect()  # bounded by the timeout; the watchdog covers the rest
        # Kept here: http.client drops ``connection.sock`` once a reply says it will close.
        sock = connection.sock
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, [sock, fired])
        watchdog.daemon = True
        watchdog.start()
        connection.request(method, path or "/", body=body, headers=headers)
        response = connection.getresponse()
        length = response.getheader("Content-Length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            raise ReplyTooLarge
        pieces: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            piece = response.read1(_PIECE)
            if not piece:
                break
            size += len(piece)
            if size > max_bytes:
                raise ReplyTooLarge
            pieces.append(piece)
        if fired.is_set():
            raise DeadlinePassed
        return Reply(response.status, b"".join(pieces), response.getheader("Retry-After"))
    except (OSError, http.client.HTTPException) as error:
        if fired.is_set() or time.monotonic() >= deadline or isinstance(error, TimeoutError):
            raise DeadlinePassed from None
        raise OSError(str(error) or type(error).__name__) from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()
