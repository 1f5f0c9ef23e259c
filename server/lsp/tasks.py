"""Cancellation and work-done progress for long requests, independent of the transport.

A request's work runs on a worker thread, where asyncio cancellation cannot reach it; a
``Cancellation`` is the flag both sides share.  The event loop sets it when the client
sends ``$/cancelRequest`` or cancels the progress bar, and the worker polls it between
steps (``check()`` raises ``Cancelled``).  ``Progress`` wraps the three work-done
notifications so a command can report steps without caring whether the client asked for
progress at all.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer


class Cancelled(Exception):
    """The client cancelled the request (or the server is shutting down)."""


class Cancellation:
    """A thread-safe cancel flag with callbacks (for cancelling helper processes too)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class Progress:
    """Work-done progress for one task; a no-op when the client cannot show progress.

    ``report`` may be called from a worker thread: the notification is handed to the
    event loop, which owns the connection.
    """

    def __init__(
        self, server: LanguageServer, token: types.ProgressToken | None, title: str
    ) -> None:
        self.server = server
        self.token = token
        self.title = title
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last = -1

    @classmethod
    async def start(
        cls,
        server: LanguageServer,
        title: str,
        cancel: Cancellation,
        token: types.ProgressToken | None = None,
    ) -> Progress:
        """Begin progress under the client's token, or one the server creates.

        The client's cancel button on the progress sets ``cancel``.
        """
        if token is None and _supports_progress(server):
            token = f"lagrangian/{uuid.uuid4()}"
            try:
                await asyncio.wait_for(server.work_done_progress.create_async(token), 5)
            except Exception:
                token = None
        progress = cls(server, token, title)
        progress._loop = asyncio.get_running_loop()
        if token is not None:
            server.work_done_progress.begin(
                token,
                types.WorkDoneProgressBegin(title=title, cancellable=True, percentage=0),
            )
            future = server.work_done_progress.tokens.get(token)
            if future is not None:
                future.add_done_callback(lambda f: cancel.cancel() if f.cancelled() else None)
        return progress

    def report(self, message: str, percentage: int | None = None) -> None:
        if self.token is None:
            return
        if percentage is not None:
            percentage = max(self._last, min(100, max(0, int(percentage))))
            self._last = percentage
        value = types.WorkDoneProgressReport(message=message, percentage=percentage)
        self._call(lambda: self.server.work_done_progress.report(self.token, value))

    def end(self, message: str) -> None:
        if self.token is None:
            return
        token, self.token = self.token, None
        value = types.WorkDoneProgressEnd(message=message)
        self._call(lambda: self.server.work_done_progress.end(token, value))
        self._call(lambda: self.server.work_done_progress.tokens.pop(token, None))

    def _call(self, action: Callable[[], object]) -> None:
        loop = self._loop
        if loop is None:
            action()
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            action()
        else:
            loop.call_soon_threadsafe(action)


def _supports_progress(server: LanguageServer) -> bool:
    window = server.client_capabilities.window
    return bool(window and window.work_done_progress)
