"""Text edits on a document: append terms, replace the Lagrangian, remove a term, add h.c.

Code actions and commands change documents the same few ways, so the edits are built here
once.  Every edit is computed against one snapshot and is exact for that version; the
commands send them as versioned ``documentChanges`` so an editor refuses an edit meant for
text that has since changed.  Appended terms follow the document's own layout: one term
per line in ``.lag`` files, and in LaTeX ``\\\\`` and ``&`` when the Lagrangian already
uses them (an ``align`` environment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lagrangian.grammar import ast
from lagrangian.server.lsp.diagnostics import to_range
from lagrangian.server.lsp.terms import signed

if TYPE_CHECKING:
    from lagrangian.server.lsp.documents import Snapshot

_HEADS = {"lag": "L = ", "latex": "\\mathcal{L} = "}
_HC = {"lag": " + h.c.", "latex": " + \\text{h.c.}"}


def workspace_edit(snapshot: Snapshot, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    """Edits as versioned document changes, so stale edits are refused by the editor."""
    document = types.OptionalVersionedTextDocumentIdentifier(
        uri=snapshot.uri, version=snapshot.version
    )
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
    )


def append_terms(snapshot: Snapshot, texts: list[str]) -> types.TextEdit | None:
    """Printed terms added after the last term of the last Lagrangian (or a new one)."""
    if not texts:
        return None
    document = snapshot.document
    if not document.lagrangian_spans:
        return _new_lagrangian(snapshot, texts)
    end = _end_of_lagrangian(snapshot)
    lagrangian = snapshot.text[document.lagrangian_spans[-1].start.offset : end]
    separator = "\n  "
    if snapshot.syntax == "latex" and "\\\\" in lagrangian and "&" in lagrangian:
        separator = " \\\\\n  & "
    has_terms = any(_inside(t, document.lagrangian_spans[-1]) for t in document.terms)
    pieces = [signed(t) if has_terms or i else t for i, t in enumerate(texts)]
    lead = separator if has_terms else " "
    line_end = snapshot.text.find("\n", end)
    line_end = len(snapshot.text) if line_end < 0 else line_end
    rest = snapshot.text[end:line_end]
    if rest.lstrip().startswith(_COMMENT[snapshot.syntax]):
        # A comment after the last term stays with it: the new terms go on the next line.
        before, newline, after = lead.partition("\n")
        inserted = before + rest + "\n" + (after if newline else "  ") + separator.join(pieces)
        span = ast.Span(snapshot.position(end), snapshot.position(line_end))
        return types.TextEdit(range=to_range(span), new_text=inserted)
    position = snapshot.position(end)
    inserted = lead + separator.join(pieces)
    return types.TextEdit(range=to_range(ast.Span(position, position)), new_text=inserted)


def remove_term(snapshot: Snapshot, term: ast.Term) -> types.TextEdit | None:
    """Delete a term (with its ``+ h.c.``) and the blank before it."""
    if term.span is None:
        return None
    start = term.span.start.offset
    end = (term.hc_span or term.span).end.offset
    previous = [
        (t.hc_span or t.span).end.offset
        for t in snapshot.document.terms
        if t.span is not None and (t.hc_span or t.span).end.offset <= start
    ]
    following = [
        t.span.start.offset
        for t in snapshot.document.terms
        if t.span is not None and t.span.start.offset >= end
    ]
    head_end = _head_end(snapshot, start)
    if previous and max(previous) >= head_end:
        start = max(previous)
    elif following:
        end = min(following)
    span = ast.Span(snapshot.position(start), snapshot.position(end))
    return types.TextEdit(range=to_range(span), new_text="")


def add_hc(snapshot: Snapshot, term: ast.Term) -> types.TextEdit | None:
    if term.span is None:
        return None
    at = term.span.end
    return types.TextEdit(range=to_range(ast.Span(at, at)), new_text=_HC[snapshot.syntax])


def replace_span(span: ast.Span, text: str) -> types.TextEdit:
    return types.TextEdit(range=to_range(span), new_text=text)


def _lagrangian_text(syntax: str, texts: list[str]) -> str:
    pieces = [texts[0], *(signed(t) for t in texts[1:])]
    if syntax == "latex":
        return _HEADS["latex"] + " \\\\\n  & ".join(pieces)
    return _HEADS["lag"] + "\n  ".join(pieces)


def _new_lagrangian(snapshot: Snapshot, texts: list[str]) -> types.TextEdit:
    text = snapshot.text
    body = _lagrangian_text(snapshot.syntax, texts)
    if snapshot.syntax == "latex":
        body = "\\begin{align}\n" + body + "\n\\end{align}\n"
        at = text.rfind("\\end{document}")
        offset = at if at >= 0 else len(text)
    else:
        offset = len(text)
        body += "\n"
    before = text[:offset]
    lead = (
        "" if not before or before.endswith("\n\n") else "\n" if before.endswith("\n") else "\n\n"
    )
    position = snapshot.position(offset)
    return types.TextEdit(range=to_range(ast.Span(position, position)), new_text=lead + body)


_COMMENT = {"lag": "#", "latex": "%"}


def _end_of_lagrangian(snapshot: Snapshot) -> int:
    """Where the last Lagrangian's last term (or its head) ends."""
    span = snapshot.document.lagrangian_spans[-1]
    ends = [
        (t.hc_span or t.span).end.offset
        for t in snapshot.document.terms
        if t.span is not None and _inside(t, span)
    ]
    return max(ends) if ends else _head_end(snapshot, span.end.offset)


def _head_end(snapshot: Snapshot, before: int) -> int:
    """The end of the ``L =`` head of the Lagrangian containing offset ``before``."""
    from lagrangian.grammar.parsers import lagrangian_head

    head = lagrangian_head(snapshot.syntax)
    for span in snapshot.document.lagrangian_spans:
        if span.start.offset <= before <= span.end.offset:
            match = head.match(snapshot.text, span.start.offset)
            return match.end() if match else span.start.offset
    return 0


def _inside(term: ast.Term, span: ast.Span) -> bool:
    return term.span is not None and span.start.offset <= term.span.start.offset <= span.end.offset
