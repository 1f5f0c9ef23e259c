"""Code actions: the fixes the diagnostics point at, and "add all missing terms".

Each quick fix answers one diagnostic code of the snapshot the action is computed on:
``missing-hc`` gets ``+ h.c.``; ``vanishes-by-symmetry`` and ``duplicate-term`` get the
term removed; ``unknown-field`` gets the nearest declared names; a ``syntax`` error on a
misspelt word gets the words the grammar expected there (its message lists them); a
``bad-representation`` gets the irreps of that SU(N) closest in dimension.  The source
action appends every missing term the engine knows, so a document can be completed in one
step from any editor.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from lsprotocol import types

from lagrangian.grammar import ast, term_spelling
from lagrangian.server.lsp import edits as lsp_edits
from lagrangian.server.lsp.diagnostics import lsp_diagnostic
from lagrangian.server.lsp.terms import document_texts

if TYPE_CHECKING:
    from lagrangian.physics.checks import TermInfo
    from lagrangian.server.lsp.documents import Snapshot

ADD_MISSING_KIND = "source.addMissingTerms"
_QUOTED_WORD = re.compile(r"'([A-Za-z][A-Za-z0-9]*)'")
_MAX_SUGGESTIONS = 3


def code_actions(
    snapshot: Snapshot, start: int, end: int, only: list[str] | None
) -> list[types.CodeAction]:
    """Actions for the diagnostics overlapping ``[start, end]`` and the source action."""
    if not snapshot.active:
        return []
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        for diagnostic in snapshot.analysis.diagnostics:
            span = diagnostic.span
            if span.start.offset <= end and start <= span.end.offset:
                actions += _fixes(snapshot, diagnostic)
    if _wanted(ADD_MISSING_KIND, only):
        action = add_missing_action(snapshot)
        if action is not None:
            actions.append(action)
    return actions


def add_missing_action(snapshot: Snapshot) -> types.CodeAction | None:
    missing = snapshot.missing()
    style = "latex" if snapshot.syntax == "latex" else "text"
    edit = lsp_edits.append_terms(snapshot, document_texts(snapshot, missing, style))
    if edit is None:
        return None
    count = len(missing)
    return types.CodeAction(
        title=f"Add the {count} missing term{'s' if count != 1 else ''} of the Lagrangian",
        kind=ADD_MISSING_KIND,
        edit=lsp_edits.workspace_edit(snapshot, [edit]),
    )


def _fixes(snapshot: Snapshot, diagnostic: ast.Diagnostic) -> list[types.CodeAction]:
    code = diagnostic.code
    if code == "missing-hc":
        info = _term_at(snapshot, diagnostic.span)
        edit = lsp_edits.add_hc(snapshot, info.term) if info else None
        return _quickfix(snapshot, diagnostic, "Add '+ h.c.'", edit, preferred=True)
    if code in ("vanishes-by-symmetry", "duplicate-term"):
        info = _term_at(snapshot, diagnostic.span)
        edit = lsp_edits.remove_term(snapshot, info.term) if info else None
        what = "vanishing" if code == "vanishes-by-symmetry" else "duplicate"
        return _quickfix(snapshot, diagnostic, f"Remove the {what} term", edit, preferred=True)
    if code == "unknown-field":
        return _rename_unknown(snapshot, diagnostic)
    if code == "syntax":
        return _expected_word(snapshot, diagnostic)
    if code == "bad-representation":
        return _nearest_irreps(snapshot, diagnostic)
    return []


def _rename_unknown(snapshot: Snapshot, diagnostic: ast.Diagnostic) -> list[types.CodeAction]:
    match = re.match(r"'([^']+)'", diagnostic.message)
    if match is None:
        return []
    name = match.group(1)
    start = diagnostic.span.start.offset
    if snapshot.text[start : start + len(name)] != name:
        return []
    span = ast.Span(diagnostic.span.start, snapshot.position(start + len(name)))
    # written as a term reads them: Psi_{1L}, not Psi_1L (that is Psi_1 times L)
    declared = [term_spelling(f.name) for f in snapshot.analysis.model.fields]
    return _nearest_words(snapshot, diagnostic, span, name, declared)


def _expected_word(snapshot: Snapshot, diagnostic: ast.Diagnostic) -> list[types.CodeAction]:
    span = diagnostic.span
    found = snapshot.text[span.start.offset : span.end.offset]
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", found):
        return []
    expected = [w for w in _QUOTED_WORD.findall(diagnostic.message) if w != found]
    return _nearest_words(snapshot, diagnostic, span, found, expected)


def _nearest_words(
    snapshot: Snapshot, diagnostic: ast.Diagnostic, span: ast.Span, word: str, words: list[str]
) -> list[types.CodeAction]:
    """One quick fix per close match of ``word`` among ``words``, replacing it at ``span``."""
    actions: list[types.CodeAction] = []
    for candidate in _nearest(word, words):
        edit = lsp_edits.replace_span(span, candidate)
        actions += _quickfix(snapshot, diagnostic, f"Change '{word}' to '{candidate}'", edit)
    return actions


def _nearest_irreps(snapshot: Snapshot, diagnostic: ast.Diagnostic) -> list[types.CodeAction]:
    from lagrangian.server.lsp.completion import su_irrep_names

    group = snapshot.analysis.model.group
    for decl in snapshot.document.fields:
        for position, rep in enumerate(decl.reps):
            if rep.span != diagnostic.span or position >= len(group.ns) or group.ns[position] == 1:
                continue
            digits = re.search(r"\d+", rep.text)
            typed = int(digits.group()) if digits else 1
            names = sorted(su_irrep_names(group.ns[position]), key=lambda nd: abs(nd[1] - typed))
            actions: list[types.CodeAction] = []
            for name, dim in names[:_MAX_SUGGESTIONS]:
                edit = lsp_edits.replace_span(rep.span, name)
                title = f"Change '{rep.text}' to '{name}' (dimension {dim})"
                actions += _quickfix(snapshot, diagnostic, title, edit)
            return actions
    return []


def _nearest(word: str, candidates: list[str]) -> list[str]:
    return difflib.get_close_matches(word, candidates, n=_MAX_SUGGESTIONS, cutoff=0.5)


def _term_at(snapshot: Snapshot, span: ast.Span) -> TermInfo | None:
    for info in snapshot.analysis.terms:
        term_span = info.term.span
        if term_span is not None and term_span.start.offset <= span.start.offset <= (
            (info.term.hc_span or term_span).end.offset
        ):
            return info
    return None


def _quickfix(
    snapshot: Snapshot,
    diagnostic: ast.Diagnostic,
    title: str,
    edit: types.TextEdit | None,
    preferred: bool = False,
) -> list[types.CodeAction]:
    if edit is None:
        return []
    return [
        types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[lsp_diagnostic(diagnostic)],
            edit=lsp_edits.workspace_edit(snapshot, [edit]),
            is_preferred=preferred or None,
        )
    ]


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether ``kind`` is asked for: ``only`` lists kinds or their prefixes."""
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)
