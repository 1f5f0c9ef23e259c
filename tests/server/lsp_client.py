"""A pytest-lsp client for end-to-end tests of ``lagrangian lsp``, with small helpers.

The client records every ``publishDiagnostics`` with its version (pytest-lsp keeps only
the latest list), answers ``workspace/applyEdit`` by recording the edit, and the helpers
apply text edits the way an editor does, so tests can check that an edit leaves a
document that parses and checks cleanly.  Tests wait on what the server sends
(``wait_until``), never for a fixed time: every notification wakes the waiters.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from waiting import SAFETY_S

T = TypeVar("T")

SERVER_COMMAND = [sys.executable, "-m", "lagrangian.server", "lsp"]
REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
ARTIFACTS = REPOSITORY / "tests" / "artifacts"


class RecordingClient(LanguageClient):
    """Keeps every diagnostics publication and every edit the server asked to apply."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(list)
        self.applied: list[types.ApplyWorkspaceEditParams] = []
        self.accept_edits = True
        self.server_capabilities: types.ServerCapabilities | None = None
        self.registrations: list[types.Registration] = []
        self.code_lens_refreshes = 0
        self.news = asyncio.Event()

    def notice(self) -> None:
        """Wake everyone waiting in ``wait_until``: something arrived from the server."""
        self.news.set()
        self.news = asyncio.Event()


def _publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published[params.uri].append(params)


def _apply(
    client: RecordingClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    client.applied.append(params)
    return types.ApplyWorkspaceEditResult(applied=client.accept_edits)


def _register(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations += params.registrations


def _refresh_code_lenses(client: RecordingClient, params: None) -> None:
    client.code_lens_refreshes += 1


def _noticing(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A notification handler that also wakes the waiters after recording."""

    @functools.wraps(handler)
    def handle(client: RecordingClient, params: Any) -> Any:
        result = handler(client, params)
        client.notice()
        return result

    return handle


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.WORKSPACE_APPLY_EDIT] = _apply
    features[types.CLIENT_REGISTER_CAPABILITY] = _register
    features[types.WORKSPACE_CODE_LENS_REFRESH] = _refresh_code_lenses
    for method in (
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        types.PROGRESS,
        types.WINDOW_LOG_MESSAGE,
    ):
        features[method] = _noticing(features[method])
    register_lsp_features(client, features)
    return client


def capabilities(name: str = "visual-studio-code") -> types.ClientCapabilities:
    return client_capabilities(name)


async def start(
    initialization_options: Any = None,
    caps: types.ClientCapabilities | None = None,
    configuration: dict[str, Any] | None = None,
) -> tuple[RecordingClient, float]:
    """A started, initialized client and the seconds from spawning to ``initialize``'s answer."""
    began = time.perf_counter()
    config = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)
    client = await config.start()
    assert isinstance(client, RecordingClient)
    if configuration is not None:
        client.set_configuration(configuration)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps or capabilities(),
            initialization_options=initialization_options,
        )
    )
    seconds = time.perf_counter() - began
    client.server_capabilities = result.capabilities
    return client, seconds


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


def open_document(
    client: LanguageClient, uri: str, text: str, language: str = "lagrangian", version: int = 1
) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=version, text=text
            )
        )
    )


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """A full-text change (valid with incremental sync too: a change without range)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_until(client: RecordingClient, probe: Callable[[], T | None], what: str) -> T:
    """``probe()``'s first truthy value, re-checked whenever the server sends something.

    ``SAFETY_S`` only stops a hang; a slow machine just makes the wait longer.
    """

    async def watch() -> T:
        while True:
            news = client.news
            value = probe()
            if value:
                return value
            await news.wait()

    try:
        return await asyncio.wait_for(watch(), SAFETY_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"{what}: nothing within {SAFETY_S:.0f} s (a hang?)") from None


async def diagnostics_for(
    client: RecordingClient, uri: str, version: int
) -> list[types.Diagnostic]:
    """The diagnostics published for ``version`` of ``uri`` (waits for them)."""
    params = await wait_until(
        client,
        lambda: next((p for p in client.published[uri] if p.version == version), None),
        f"diagnostics for {uri} version {version}",
    )
    return list(params.diagnostics)


def position_of(text: str, needle: str, after: bool = False) -> types.Position:
    """The position of ``needle``'s start (or end) in ``text`` (ASCII text: UTF-16 = chars)."""
    offset = text.index(needle) + (len(needle) if after else 0)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return types.Position(line=line, character=column)


def end_position(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=len(lines[-1]))


def offset_of(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: position.line]) + position.character


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Edits of one change set, all against ``text``, applied as an editor would."""
    spans = sorted(
        (offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits
    )
    out, last = [], 0
    for start, end, new in spans:
        assert start >= last, "overlapping edits"
        out += [text[last:start], new]
        last = end
    return "".join([*out, text[last:]])


def workspace_edits(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    edits: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            edits += [e for e in change.edits if isinstance(e, types.TextEdit)]
    if edit.changes:
        edits += edit.changes.get(uri, [])
    return edits
