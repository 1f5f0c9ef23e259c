"""Lines end where LSP says (``\\n``, ``\\r\\n``, ``\\r``), not where ``str.splitlines`` does.

A form feed, U+0085 or U+2028 in a comment made pygls count one line more than the
editor, so every later incremental edit landed on the wrong line.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsp_client import RecordingClient, diagnostics_for, open_document
from lsprotocol import types

from lagrangian.server.lsp.workspace import LspWorkspace

SEPARATORS = ["\x0c", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x0b"]
TEXT = "scalar H (1, 2, 1/2)\n# a comment with a {} inside\nL = - m2 H^dagger H\n"


def edit(line: int, character: int, text: str) -> types.TextDocumentContentChangePartial:
    at = types.Position(line=line, character=character)
    return types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)


def document(text: str) -> object:
    workspace = LspWorkspace(None)
    item = types.TextDocumentItem(uri="file:///t.lag", language_id="lag", version=1, text=text)
    workspace.put_text_document(item)
    return workspace.get_text_document("file:///t.lag")


@pytest.mark.parametrize("separator", SEPARATORS)
def test_an_edit_after_a_unicode_separator_lands_on_its_line(separator: str) -> None:
    text = TEXT.format(separator)
    doc = document(text)
    doc.apply_change(edit(2, len("L = - m2 H^dagger H"), " - lambda H H H"))
    assert doc.source == text.replace("H^dagger H\n", "H^dagger H - lambda H H H\n")


@given(
    lines=st.lists(st.text(st.characters(exclude_characters="\r\n"), max_size=8), min_size=1),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    data=st.data(),
)
def test_edits_land_where_the_client_counts(
    lines: list[str], ending: str, data: st.DataObject
) -> None:
    text = ending.join(lines)
    line = data.draw(st.integers(0, len(lines) - 1))
    column = data.draw(st.integers(0, len(lines[line])))
    doc = document(text)
    doc.apply_change(
        edit(line, sum(2 if ord(c) > 0xFFFF else 1 for c in lines[line][:column]), "X")
    )
    expected = list(lines)
    expected[line] = lines[line][:column] + "X" + lines[line][column:]
    assert doc.source == ending.join(expected)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_server_checks_a_term_typed_after_a_form_feed(lsp: RecordingClient) -> None:
    uri = "file:///lines/form-feed.lag"
    open_document(lsp, uri, TEXT.format("\x0c"))
    lsp.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[edit(2, len("L = - m2 H^dagger H"), " - lambda H H H")],
        )
    )
    diagnostics = await diagnostics_for(lsp, uri, 2)
    assert {(d.range.start.line, d.code) for d in diagnostics} >= {(2, "hypercharge")}
