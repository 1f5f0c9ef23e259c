"""Completions in the document's notation, end to end against the real server.

A ``.tex`` document written in four-component (Dirac) notation gets its missing terms in
Dirac notation (``\\overline{Q_L} \\tilde H u_R``, ``M \\overline{T} T``), barred spinors
among the field items and ``\\slashed{D}`` among the words; inserted, such an item reads
back clean.  A ``.tex`` document in two-component notation keeps the Weyl spelling.
"""

from __future__ import annotations

import re

import pytest
from lsp_client import (
    RecordingClient,
    apply_text_edits,
    diagnostics_for,
    open_document,
    position_of,
    replace_all,
)
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIELDS = (
    "% lagrangian: scalar H (1,2,1/2); fermion Q_L (3,2,1/6) left; fermion u_R (3,1,2/3) right\n"
    "% lagrangian: fermion d_R (3,1,-1/3) right; fermion T (3,1,2/3) dirac\n"
)
DIRAC = FIELDS + (
    "\\begin{equation}\n"
    "\\mathcal{L} = \\bar Q_L i\\slashed{D} Q_L + \\bar u_R i\\slashed{D} u_R"
    " + \\bar d_R i\\slashed{D} d_R + \\overline{T} i\\slashed{D} T\n"
    "  + (D_\\mu H)^\\dagger (D^\\mu H) - \\mu^2 H^\\dagger H - \\lambda (H^\\dagger H)^2 \n"
    "\\end{equation}\n"
)
WEYL = FIELDS + (
    "\\begin{equation}\n"
    "\\mathcal{L} = i Q_L^\\dagger \\bar\\sigma^\\mu D_\\mu Q_L"
    " + (D_\\mu H)^\\dagger (D^\\mu H) - \\mu^2 H^\\dagger H \n"
    "\\end{equation}\n"
)


async def opened_items(client: RecordingClient, uri: str, text: str) -> list[types.CompletionItem]:
    """Open ``text`` as a LaTeX document and complete where a new term would start."""
    open_document(client, uri, text, language="latex")
    await diagnostics_for(client, uri, 1)
    end = position_of(text, " \n\\end{equation}", after=False)
    position = types.Position(line=end.line, character=end.character + 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    assert isinstance(result, types.CompletionList)
    return list(result.items)


def item_with(items: list[types.CompletionItem], fragment: str) -> types.CompletionItem:
    found = [i for i in items if fragment in i.label]
    assert len(found) == 1, (fragment, [i.label for i in items])
    return found[0]


async def test_dirac_document_gets_dirac_completions(lsp: RecordingClient) -> None:
    uri = "file:///tests/notation/dirac.tex"
    items = await opened_items(lsp, uri, DIRAC)
    labels = [i.label for i in items]
    # the Yukawas as papers write them: the up-type ones with the tilded doublet
    up = item_with(items, "\\overline{Q_{L}} \\tilde{H} u_{R} + \\text{h.c.}")
    item_with(items, "\\overline{Q_{L}} H d_{R} + \\text{h.c.}")
    item_with(items, "\\overline{Q_{L}} \\tilde{H} T_{R} + \\text{h.c.}")
    # the vector-like quark's Dirac mass is hermitian; its mixing with u_R is not
    mass = item_with(items, "\\overline{T} T")
    assert "h.c." not in mass.label
    item_with(items, "\\overline{T_{L}} u_{R} + \\text{h.c.}")
    assert not any("\\bar{\\sigma}" in label or "^{\\dagger} \\sigma" in label for label in labels)
    # fields and words in the same notation
    assert "\\overline{Q_L}" in labels and "Q_L^\\dagger" not in labels
    assert "\\overline{T}" in labels and "i\\slashed{D}" in labels
    assert "\\bar\\sigma^\\mu" not in labels
    # an inserted item reads back clean
    assert isinstance(up.text_edit, types.TextEdit)
    edited = _unsnippet(apply_text_edits(DIRAC, [up.text_edit]))
    replace_all(lsp, uri, edited, 2)
    diagnostics = await diagnostics_for(lsp, uri, 2)
    line = edited.splitlines().index(next(r for r in edited.splitlines() if "\\tilde{H}" in r))
    assert [d for d in diagnostics if d.range.start.line == line] == [], edited


async def test_two_component_document_keeps_weyl_completions(lsp: RecordingClient) -> None:
    labels = [i.label for i in await opened_items(lsp, "file:///tests/notation/weyl.tex", WEYL)]
    assert not any("\\overline" in label or "\\slashed" in label for label in labels), labels
    assert "i u^{\\dagger}_{R} \\sigma^{\\mu} D_{\\mu} u_{R}" in labels
    assert "Q_L^\\dagger" in labels and "\\bar\\sigma^\\mu" in labels


def _unsnippet(text: str) -> str:
    """The inserted text with the snippet's tab stop and escapes resolved, as a client
    with snippets leaves it after the user accepts the proposed coupling name."""
    text = re.sub(r"\$\{1:((?:[^}\\]|\\.)*)\}", r"\1", text).replace("$0", "")
    for escaped, plain in (("\\\\", "\x00"), ("\\$", "$"), ("\\}", "}"), ("\x00", "\\")):
        text = text.replace(escaped, plain)
    return text
