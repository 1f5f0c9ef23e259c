"""Typing a sign opens the missing terms, and what an item inserts after it reads back."""

from __future__ import annotations

import re

import pytest
from lsp_client import RecordingClient, apply_text_edits, open_document
from lsprotocol import types

from lagrangian.grammar import parse_document
from lagrangian.physics.checks import analyze


def as_inserted(item: types.CompletionItem) -> types.TextEdit:
    """The edit as a snippet-capable editor applies it (tab stops filled with defaults)."""
    edit = item.text_edit
    if item.insert_text_format != types.InsertTextFormat.Snippet:
        return edit
    text = re.sub(r"\$\{\d+:((?:[^}\\]|\\.)*)\}", r"\1", edit.new_text).replace("$0", "")
    text = re.sub(r"\\(.)", r"\1", text)
    return types.TextEdit(range=edit.range, new_text=text)


TEXT = "scalar H (1, 2, 1/2)\nL = (D_mu H)^dagger (D^mu H)\n  {sign}"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("sign", ["+", "-", "+ ", "- "])
async def test_a_sign_triggers_terms_that_read_back(lsp: RecordingClient, sign: str) -> None:
    capabilities = lsp.server_capabilities.completion_provider
    assert {"+", "-"} <= set(capabilities.trigger_characters)
    uri = f"file:///signs/{len(sign)}{'p' if '+' in sign else 'm'}.lag"
    text = TEXT.format(sign=sign)
    open_document(lsp, uri, text)
    position = types.Position(line=2, character=2 + len(sign))
    answer = await lsp.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position,
            context=types.CompletionContext(
                trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character="+"
            ),
        )
    )
    items = answer.items if isinstance(answer, types.CompletionList) else answer
    terms = [i for i in items if i.kind == types.CompletionItemKind.Snippet]
    fields = [i for i in items if i.label == "H^dagger"]
    assert len(terms) == 4 and fields  # W, B kinetic, mass, quartic; and the fields
    for item in [*terms, *fields]:
        completed = apply_text_edits(text, [as_inserted(item)])
        if item in fields:
            completed += " H"  # a field alone is half a term: finish it
        analysis = analyze(parse_document(completed + "\n"))
        assert [d.code for d in analysis.diagnostics if d.severity == "error"] == [], completed
        assert len(analysis.terms) == 2, completed
