"""The server under abuse: malformed text, huge documents, rapid edits, cancellation,
random edits (hypothesis); it must keep answering and never publish stale diagnostics."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_client import (
    RecordingClient,
    diagnostics_for,
    end_position,
    open_document,
    replace_all,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

pytestmark = pytest.mark.asyncio(loop_scope="module")

DECLARATIONS = """scalar H (1, 2, 1/2)
scalar S (1, 1, 0) real
fermion L (1, 2, -1/2) left
fermion e (1, 1, 1) left
"""
TEMPLATES = [
    "- m{i} H^dagger H",
    "- l{i} (H^dagger H)^2",
    "- y{i} L e H^dagger + h.c.",
    "- k{i} S H^dagger H",
]


def many_terms(count: int) -> str:
    """``count`` terms, one per line, four invariants written over and over (duplicates)."""
    terms = [TEMPLATES[i % 4].format(i=i) for i in range(count)]
    return DECLARATIONS + "L = " + "\n  ".join(terms) + "\n"


async def status(client: RecordingClient) -> dict:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lagrangian.serverStatus")
    )


async def exercise(client: RecordingClient, uri: str, text: str) -> None:
    """Every read-only feature at a few positions must answer without an error."""
    document = types.TextDocumentIdentifier(uri=uri)
    last = end_position(text)
    for position in (
        types.Position(line=0, character=0),
        last,
        types.Position(line=2, character=3),
    ):
        await client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=position)
        )
        await client.text_document_hover_async(
            types.HoverParams(text_document=document, position=position)
        )
    await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=document)
    )
    await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=document,
            range=types.Range(start=types.Position(line=0, character=0), end=last),
        )
    )
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=document,
            range=types.Range(start=types.Position(line=0, character=0), end=last),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


MALFORMED = {
    "junk": "\x00\x01 scalar ((( fermion ))) L = = = + + h.c. ^^^ __ {{{ \ufffd\n" * 20,
    "unbalanced": DECLARATIONS + "L = (H^dagger (H (H^dagger H\n  - lambda ((H^dagger H)^2\n",
    "astral": DECLARATIONS
    + "L = - m2 H^dagger H - 𝜆 (H^dagger H)^2 # 😀 comment\n  - y😀 L e H^dagger\n",
    "long line": DECLARATIONS + "L = - c " + "H^dagger H " * 20000 + "\n",
    "huge power": DECLARATIONS + "L = - c (H^dagger H)^99 - d H^1000000\n",
    "deep": DECLARATIONS + "L = c " + "(" * 500 + "H" + ")" * 500 + "\n",
    "only declarations gone wrong": "scalar\nfermion X\nscalar Y (1, 2\ngauge SU(\n",
    "latex in lag": "\\mathcal{L} = \\frac{1}{2} \\partial_\\mu \\phi \\partial^\\mu \\phi\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_malformed_documents_get_answers(lsp: RecordingClient, name: str) -> None:
    uri = f"file:///robust/{name.replace(' ', '_')}.lag"
    text = MALFORMED[name]
    open_document(lsp, uri, text)
    await diagnostics_for(lsp, uri, 1)
    await exercise(lsp, uri, text)


async def test_rapid_edits_end_with_the_final_version(lsp: RecordingClient) -> None:
    uri = "file:///robust/rapid.lag"
    base = DECLARATIONS + "L = - m2 H^dagger H\n  "
    typed = "- lambda (H^dagger H)^2 - y L e H^dagger + h.c. - k S H^dagger"
    open_document(lsp, uri, base)
    for version in range(2, len(typed) + 2):  # one burst: faster than any typist
        replace_all(lsp, uri, base + typed[: version - 1], version)
    final = len(typed) + 1
    diagnostics = await diagnostics_for(lsp, uri, final)
    await status(lsp)  # a round trip: anything published before it has arrived
    versions = [p.version for p in lsp.published[uri]]
    assert versions[-1] == final
    assert versions == sorted(versions)
    assert len(versions) < len(typed) // 2  # debounced, not one per keystroke
    codes = sorted(d.code for d in diagnostics if d.code != "anomaly")
    assert codes == ["gauge-noninvariant", "hypercharge"]


@pytest.mark.slow
async def test_five_thousand_terms_do_not_block_the_server(lsp: RecordingClient) -> None:
    uri = "file:///robust/big.lag"
    text = many_terms(5000)
    open_document(lsp, uri, text)
    hover = lsp.protocol.send_request(  # sent now; starts the analysis, answered at its end
        types.TEXT_DOCUMENT_HOVER,
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        ),
    )
    await status(lsp)  # answered while the analysis runs on a worker thread
    assert not hover.done()
    await asyncio.wrap_future(hover)
    diagnostics = await diagnostics_for(lsp, uri, 1)
    assert sum(d.code == "duplicate-term" for d in diagnostics) > 4000
    edited = text.replace("- m20 H^dagger H", "- m20 H^dagger H^dagger", 1)
    replace_all(lsp, uri, edited, 2)
    after = await diagnostics_for(lsp, uri, 2)
    assert any(d.code == "hypercharge" for d in after)
    items = await lsp.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=end_position(edited)
        )
    )
    assert items is not None


async def test_cancelled_request_is_answered_as_cancelled(lsp: RecordingClient) -> None:
    uri = "file:///robust/cancel.lag"
    text = many_terms(3000)
    open_document(lsp, uri, text)
    await diagnostics_for(lsp, uri, 1)
    edited = text.replace("- m12 H^dagger H", "- m12 S H^dagger H", 1)
    replace_all(lsp, uri, edited, 2)  # the next request must wait for a new analysis
    request = lsp.protocol.send_request(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=end_position(edited)
        ),
        msg_id="cancel-me",
    )
    lsp.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wrap_future(request)
    assert (await status(lsp))["heavyModules"]["torch"] is False


EDIT_TEXT = st.sampled_from(
    [
        "H",
        "^dagger",
        " ",
        "\n  ",
        "+ ",
        "- ",
        "(",
        ")",
        "h.c.",
        "lambda",
        "D_mu",
        "sigmabar^mu",
        "eps",
        "scalar X (1, 2, 1/2)\n",
        "#",
        "_{ij}",
        "^2",
        "1/2",
        "L = ",
        "é",
        "𝜆",
    ]
)
EDITS = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.lists(EDIT_TEXT, max_size=4)),
    min_size=1,
    max_size=8,
)


def utf16_position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    column = sum(2 if ord(c) > 0xFFFF else 1 for c in text[start:offset])
    return types.Position(line=line, character=column)


FUZZ_URI = "file:///robust/fuzz.lag"
FUZZ_STATE = {"text": DECLARATIONS + "L = - m2 H^dagger H - lambda (H^dagger H)^2\n", "version": 0}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
async def test_random_incremental_edits_never_crash(lsp: RecordingClient, edits: list) -> None:
    text = FUZZ_STATE["text"]
    if FUZZ_STATE["version"] == 0:
        open_document(lsp, FUZZ_URI, text)
        FUZZ_STATE["version"] = 1
    for start_share, length_share, pieces in edits:
        start = int(start_share * len(text))
        end = min(len(text), start + int(length_share * 20))
        new = "".join(pieces)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=utf16_position(text, start), end=utf16_position(text, end)),
            text=new,
        )
        text = text[:start] + new + text[end:]
        FUZZ_STATE["version"] += 1
        lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=FUZZ_URI, version=FUZZ_STATE["version"]
                ),
                content_changes=[change],
            )
        )
        position = utf16_position(text, min(len(text), start + len(new)))
        await lsp.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=FUZZ_URI), position=position
            )
        )
        await lsp.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=FUZZ_URI), position=position
            )
        )
    FUZZ_STATE["text"] = text
    await diagnostics_for(lsp, FUZZ_URI, FUZZ_STATE["version"])
    summary = await lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="lagrangian.checkDocument", arguments=[{"uri": FUZZ_URI}]
        )
    )
    assert summary["version"] == FUZZ_STATE["version"]
