"""The language server: pygls 2 wiring, threads, debounced diagnostics, settings, commands.

The event loop only talks; every piece of CPU work (parsing, the engine, building items)
runs on a small thread pool, and one ``Snapshot`` per document version is shared by every
feature that asks for it while it is being computed.  Diagnostics are debounced while the
user types and published with the version they were computed for, and only when that is
still the current version, so the last edit always gets its own, never a stale, set.

Nothing heavy is imported on the way to answering ``initialize``: the engine (numpy, the
Lark tables) warms up after ``initialized`` on a worker thread with work-done progress,
and a model provider, when asked for, loads the same way.  torch and transformers are
never imported by this module or the ones it loads at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from lagrangian import __version__
from lagrangian.server.lsp.commands import CommandError
from lagrangian.server.lsp.documents import (
    Snapshot,
    build_snapshot,
    sidecar_path,
    sidecar_uri,
    syntax_of,
)
from lagrangian.server.lsp.providers import (
    CompletionProvider,
    ExactProvider,
    ProposalLike,
    load_model_provider,
    merge,
)
from lagrangian.server.lsp.settings import SECTION, Settings, as_json, read_settings
from lagrangian.server.lsp.tasks import Cancellation, Cancelled, Progress
from lagrangian.server.lsp.trust import Policy
from lagrangian.server.lsp.workspace import LspWorkspace

logger = logging.getLogger("lagrangian.lsp")

T = TypeVar("T")

DEBOUNCE_SECONDS = 0.1
HEAVY_MODULES = ("torch", "transformers", "sympy")
PARENT_POLL_SECONDS = 3.0
COMMANDS = (
    "lagrangian.generateLagrangian",
    "lagrangian.completeLagrangian",
    "lagrangian.checkDocument",
    "lagrangian.fitEquation",
    "lagrangian.serverStatus",
)
_WARM_UP_TEXT = """scalar H (1, 2, 1/2)
fermion Q (3, 2, 1/6) left
fermion u (-3, 1, -2/3) left
L = (D_mu H)^dagger (D^mu H) - m2 H^dagger H - lambda (H^dagger H)^2 - y Q u H + h.c.
"""


class LagrangianProtocol(LanguageServerProtocol):
    """pygls' protocol with two additions the server needs.

    Positions are pinned to UTF-16 (the grammar's spans are UTF-16 columns), lines end
    where LSP says they do (``LspWorkspace``), and a
    ``$/cancelRequest`` also reaches work already running on a thread, through the
    request's registered ``Cancellation`` (pygls alone can only cancel work not started).
    """

    def __init__(self, server: LanguageServer, converter: Any) -> None:
        super().__init__(server, converter)
        self.cancellations: dict[Any, Cancellation] = {}

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = None
        result = yield from super().lsp_initialize(params)
        self._workspace = LspWorkspace.adopt(self.workspace)  # before any document opens
        return result

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Any:
        """Over a shared WebSocket endpoint ``exit`` ends the connection, not the process."""
        server = self._server
        if not isinstance(server, LagrangianServer) or server.exit_ends_process:
            return (yield from super().lsp_exit(*args))
        server.shutdown_work()
        closing = self.writer.close() if self.writer is not None else None
        if inspect.isawaitable(closing):
            server.spawn(closing)
        return None

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        cancellation = self.cancellations.get(msg_id)
        if cancellation is not None:
            cancellation.cancel()
        super()._handle_cancel_notification(msg_id)

    def register_cancellation(self) -> tuple[Any, Cancellation]:
        """A cancellation for the request being handled (keyed by its JSON-RPC id)."""
        msg_id = self.msg_id
        cancellation = Cancellation()
        self.cancellations[msg_id] = cancellation
        return msg_id, cancellation


class LagrangianServer(LanguageServer):
    """Server state: settings, snapshots per document, pending diagnostics, providers.

    ``policy`` says whether the client is trusted (stdio) or not (a network transport);
    see ``lagrangian.server.lsp.trust``.
    """

    protocol: LagrangianProtocol

    def __init__(self, policy: Policy | None = None) -> None:
        super().__init__(
            "lagrangian",
            __version__,
            protocol_cls=LagrangianProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.policy = policy or Policy()
        self.settings = self.policy.operator or Settings()
        self.fits_running = 0
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lagrangian")
        self.snapshots: dict[str, tuple[object, asyncio.Future[Snapshot]]] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.build_locks: dict[str, asyncio.Lock] = {}
        self.proposals: dict[str, tuple[int | None, list[ProposalLike]]] = {}
        self.model_provider: CompletionProvider | None = None
        self.provider_note = "exact engine"
        self.engine_ready = False
        self.parent_pid: int | None = None
        self.setting_problems: list[str] = []
        self.background: set[asyncio.Task[Any]] = set()
        self.exit_ends_process = True
        self.fit_results: dict[str, dict[str, dict[str, Any]]] = {}  # uri -> block -> result

    # -- plumbing -----------------------------------------------------------------------------

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run CPU work on the worker threads, keeping the event loop free."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(function, *args))

    def spawn(self, coroutine: Awaitable[Any]) -> None:
        """A background task that is kept alive until done, its errors logged."""
        task = asyncio.ensure_future(coroutine)
        self.background.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self.background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                logger.error("background task failed", exc_info=finished.exception())

        task.add_done_callback(done)

    def log(self, message: str, level: types.MessageType = types.MessageType.Info) -> None:
        logger.log(logging.WARNING if level <= types.MessageType.Warning else logging.INFO, message)
        with contextlib.suppress(Exception):
            self.window_log_message(types.LogMessageParams(type=level, message=message))

    # -- snapshots ----------------------------------------------------------------------------

    def open_document(self, uri: str) -> Any:
        """The document the client opened; a trusted client's may also come from disk.

        pygls would read any URI from disk; an untrusted client must never make the
        server read a file, so for it only documents it sent exist.  Either way a
        document that cannot be had is a clean ``InvalidParams`` answer, not a traceback.
        """
        document = self.workspace.text_documents.get(unquote(uri))
        if document is not None:
            return document
        if not self.policy.trusted:
            raise JsonRpcInvalidParams(
                f"{uri} is not open: this server only reads documents the client sends"
            )
        document = self.workspace.get_text_document(uri)
        try:
            document.source  # noqa: B018 (read now, so a missing file fails here)
        except (OSError, UnicodeDecodeError, ValueError):
            raise JsonRpcInvalidParams(
                f"{uri} is neither open in the editor nor readable"
            ) from None
        return document

    async def snapshot(self, uri: str) -> Snapshot:
        """The document's snapshot at its current version (shared while being computed)."""
        document = self.open_document(uri)
        text = document.source
        syntax = syntax_of(uri, document.language_id)
        side_text, side_path, side_key = None, None, None
        if syntax == "latex":
            side = self.workspace.text_documents.get(sidecar_uri(uri))
            if side is not None:
                side_text, side_key = side.source, ("open", side.version)
            elif self.policy.trusted:
                side_path = sidecar_path(uri)
                side_key = ("disk", _mtime(side_path))
        key = (document.version, len(text), hash(text), side_key)
        cached = self.snapshots.get(uri)
        if cached is None or cached[0] != key:
            future: asyncio.Future[Snapshot] = asyncio.get_running_loop().create_future()
            self.snapshots[uri] = cached = (key, future)
            args = (uri, document.version, text, syntax, side_text, side_path)
            self.spawn(self._build_in_turn(uri, key, future, args))
        return await asyncio.shield(cached[1])

    async def _build_in_turn(
        self, uri: str, key: object, future: asyncio.Future[Snapshot], args: tuple[Any, ...]
    ) -> None:
        """One build per document at a time; a build overtaken while it waited is skipped.

        Typing into a huge document must not queue one analysis per keystroke: while one
        runs, later versions wait, and only the newest of them is built.  Whoever waited
        for a skipped version gets the newest snapshot instead.
        """
        lock = self.build_locks.setdefault(uri, asyncio.Lock())
        newer: asyncio.Future[Snapshot] | None = None
        async with lock:
            latest = self.snapshots.get(uri)
            if latest is not None and latest[0] != key:
                newer = latest[1]
            else:
                try:
                    future.set_result(await self.run(_build, *args))
                except Exception as error:
                    future.set_exception(error)
        if newer is not None:
            try:
                future.set_result(await asyncio.shield(newer))
            except Exception as error:
                future.set_exception(error)

    # -- diagnostics --------------------------------------------------------------------------

    def schedule_diagnostics(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.ensure_future(self._publish_after(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(
            lambda t: self.pending.pop(uri, None) if self.pending.get(uri) is t else None
        )
        for other in list(self.workspace.text_documents):
            if other != uri and sidecar_uri(other) == uri and syntax_of(other) == "latex":
                self.schedule_diagnostics(other, delay)

    async def _publish_after(self, uri: str, delay: float) -> None:
        from lagrangian.server.lsp.diagnostics import document_diagnostics

        await asyncio.sleep(delay)
        try:
            snapshot = await self.snapshot(uri)
        except Exception as error:  # a bug must cost one publication, not the server
            logger.exception("checking %s failed", uri)
            self.log(f"checking {uri} failed: {error}", types.MessageType.Error)
            return
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != snapshot.version:
            return  # closed, or a newer version will publish its own
        diagnostics = await self.run(document_diagnostics, snapshot)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=snapshot.version
            )
        )

    def forget(self, uri: str, problem: str | None = None) -> None:
        """Drop what is known of a closed document; ``problem`` is left as its diagnostic."""
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.snapshots.pop(uri, None)
        self.build_locks.pop(uri, None)
        self.proposals.pop(uri, None)
        diagnostics = []
        if problem is not None:
            start = types.Position(line=0, character=0)
            diagnostics.append(
                types.Diagnostic(
                    range=types.Range(start=start, end=start),
                    message=problem,
                    severity=types.DiagnosticSeverity.Error,
                    code="limit",
                    source="lagrangian",
                )
            )
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    # -- settings -----------------------------------------------------------------------------

    def read_client_settings(self, raw: Any) -> tuple[Settings, list[str]]:
        """The client's settings over the current ones, less what the operator fixed."""
        settings, problems = read_settings(raw, self.settings)
        settings, refused = self.policy.confine(settings)
        return settings, problems + refused

    def apply_settings(self, raw: Any) -> None:
        settings, problems = self.read_client_settings(raw)
        for problem in problems:
            self.log(f"setting ignored: {problem}", types.MessageType.Warning)
        previous, self.settings = self.settings, settings
        if settings == previous:
            return
        self.log(f"settings: {as_json(settings)}")
        if settings.inlay_hints != previous.inlay_hints and _can_refresh_inlay_hints(self):
            self.spawn(self.workspace_inlay_hint_refresh_async(None))
        model_changed = (settings.model_server_url, settings.device) != (
            previous.model_server_url,
            previous.device,
        )
        if settings.completion_source == "model" and (model_changed or self.model_provider is None):
            self.spawn(self.load_model())

    async def refresh_settings(self, pushed: Any = None) -> None:
        """Re-read settings: pulled with ``workspace/configuration`` where the client can."""
        workspace = self.client_capabilities.workspace
        if workspace is not None and workspace.configuration:
            try:
                answer = await self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                )
            except Exception as error:
                self.log(f"workspace/configuration failed: {error}", types.MessageType.Warning)
                answer = None
            if answer:
                pushed = answer[0]
        if pushed is not None:
            self.apply_settings(pushed)

    # -- providers ----------------------------------------------------------------------------

    def providers(self) -> list[CompletionProvider]:
        exact = ExactProvider(self.settings.max_dimension)
        if self.settings.completion_source == "model" and self.model_provider is not None:
            return [self.model_provider, exact]
        return [exact]

    def propose(self, snapshot: Snapshot, cancel: Cancellation) -> list[ProposalLike]:
        batches = []
        for provider in self.providers():
            try:
                batches.append(provider.propose(snapshot, cancel))
            except Cancelled:
                raise
            except Exception:  # a failing model must leave the exact terms
                logger.exception("completion provider %s failed", provider.name)
        return merge(batches)

    async def load_model(self) -> None:
        cancel = Cancellation()
        progress = await Progress.start(self, "Lagrangian: loading the model", cancel)
        provider, note = await self.run(load_model_provider, self.settings)
        self.model_provider, self.provider_note = provider, note
        self.log(note)
        progress.end(note)

    async def warm_up(self) -> None:
        """Build the parsers and engine caches in the background, with progress."""
        cancel = Cancellation()
        progress = await Progress.start(self, "Lagrangian: loading the engine", cancel)
        started = time.monotonic()
        progress.report("parsers and group theory", 10)
        await self.run(_warm_engine)
        self.engine_ready = True
        message = f"engine ready in {time.monotonic() - started:.2f} s"
        self.log(message)
        progress.end(message)

    def status(self) -> dict[str, Any]:
        """What ``lagrangian.serverStatus`` shows; process details only to a trusted client."""
        status = {
            "version": __version__,
            "settings": as_json(self.settings),
            "engineReady": self.engine_ready,
            "completionProviders": [p.name for p in self.providers()],
            "providerNote": self.provider_note,
            "heavyModules": {name: name in sys.modules for name in HEAVY_MODULES},
            "documents": len(self.workspace.text_documents),
            "trusted": self.policy.trusted,
        }
        if self.policy.trusted:
            status.update(rssBytes=resident_memory(), pid=os.getpid())
        return status

    # -- limits for an untrusted client -------------------------------------------------------

    def admit(self, uri: str) -> bool:
        """Whether an opened or changed document stays; an untrusted client's may not.

        Above the limits on document length and on open documents the server drops the
        document (so a client cannot grow the server's memory by editing) and says so
        with one error diagnostic at its start and a message.
        """
        limits = self.policy.limits
        document = self.workspace.text_documents.get(unquote(uri))
        if self.policy.trusted or document is None:
            return True
        if len(document.source) > limits.document_chars:
            problem = (
                f"this document has {len(document.source):,} characters; this server checks "
                f"documents of up to {limits.document_chars:,}, so it was not kept"
            )
        elif len(self.workspace.text_documents) > limits.documents:
            problem = f"this server keeps at most {limits.documents} open documents per client"
        else:
            return True
        self.workspace.remove_text_document(uri)
        self.forget(uri, problem)
        self.log(f"{uri}: {problem}", types.MessageType.Error)
        return False

    @contextlib.contextmanager
    def fit_slot(self) -> Iterator[None]:
        """Room for one more fit: an untrusted client runs one, all clients a few."""
        slots = self.policy.fit_slots
        if self.policy.trusted or slots is None:
            yield
            return
        limits = self.policy.limits
        if self.fits_running >= limits.fits_per_connection:
            raise CommandError(
                f"a fit is already running on this connection (at most "
                f"{limits.fits_per_connection}); wait for it or cancel it"
            )
        if not slots.take():
            raise CommandError(
                f"this server is running {limits.fits} fits already; try again when one ends"
            )
        self.fits_running += 1
        try:
            yield
        finally:
            self.fits_running -= 1
            slots.give_back()

    # -- commands -----------------------------------------------------------------------------

    async def run_command(
        self,
        title: str,
        body: Callable[[Cancellation, Progress], Awaitable[T]],
    ) -> T:
        """A command with work-done progress, cancellation and readable errors."""
        msg_id, cancel = self.protocol.register_cancellation()
        progress = await Progress.start(self, title, cancel)
        try:
            result = await body(cancel, progress)
        except Cancelled:
            progress.end("cancelled")
            raise JsonRpcRequestCancelled(f"{title}: cancelled") from None
        except CommandError as error:
            progress.end(str(error))
            raise JsonRpcInvalidParams(str(error)) from None
        except BaseException:
            progress.end("failed")
            raise
        finally:
            self.protocol.cancellations.pop(msg_id, None)
        progress.end("done")
        return result

    async def apply(self, edit: types.WorkspaceEdit, label: str) -> bool:
        workspace = self.client_capabilities.workspace
        if workspace is None or not workspace.apply_edit:
            raise CommandError("this editor cannot apply edits from the server")
        result = await self.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=label)
        )
        if not result.applied:
            reason = result.failure_reason or "the editor refused it"
            raise CommandError(f"{label}: the edit was not applied ({reason})")
        return True

    def shutdown_work(self) -> None:
        for cancellation in list(self.protocol.cancellations.values()):
            cancellation.cancel()
        for task in list(self.pending.values()) + list(self.background):
            task.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _build(
    uri: str,
    version: int | None,
    text: str,
    syntax: Any,
    side_text: str | None,
    side_path: Path | None,
) -> Snapshot:
    if side_text is None and side_path is not None and side_path.is_file():
        with contextlib.suppress(OSError, UnicodeDecodeError):
            side_text = side_path.read_text(encoding="utf-8")
    started = time.perf_counter()
    snapshot = build_snapshot(uri, version, text, syntax, side_text)
    logger.debug(
        "checked %s version %s in %.1f ms", uri, version, (time.perf_counter() - started) * 1000
    )
    return snapshot


def _warm_engine() -> None:
    snapshot = build_snapshot("untitled:warm-up.lag", None, _WARM_UP_TEXT, "lag")
    snapshot.missing()
    build_snapshot("untitled:warm-up.tex", None, "% lagrangian: scalar H (1,2,1/2)\n", "latex")
    # What is alive now (modules, parser tables, engine caches) lives as long as the
    # process: keep it out of the full collections, which typing into a large document
    # triggers every few keystrokes and which would otherwise scan it every time
    # (40 of 60 ms per collection with a 5,000-line document open).
    gc.collect()
    gc.freeze()


def _mtime(path: Path | None) -> float | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def resident_memory() -> int | None:
    """This process's resident set size in bytes (Linux and macOS; None elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):
        return None


def _can_refresh_inlay_hints(server: LanguageServer) -> bool:
    workspace = server.client_capabilities.workspace
    return bool(workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support)


def parent_alive(pid: int) -> bool:
    """Whether the editor process that started the server still runs."""
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def watch_parent(server: LagrangianServer, pid: int) -> None:
    """Exit when the editor dies without saying goodbye (LSP's ``processId``)."""
    while True:
        await asyncio.sleep(PARENT_POLL_SECONDS)
        if not parent_alive(pid):
            logger.warning("the editor (process %s) is gone; exiting", pid)
            server.shutdown_work()
            os._exit(0)
