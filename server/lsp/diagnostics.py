"""Engine diagnostics as LSP diagnostics, and the span/range conversions everyone uses.

The grammar's positions are already LSP's (0-based lines, UTF-16 columns), so a span maps
onto a range one to one; the server pins the position encoding to UTF-16 at ``initialize``
to keep it that way.  Each diagnostic carries its stable code (docs/diagnostics.md) and a
link to that page's anchor, and the code actions key on those codes.
"""

from __future__ import annotations

from lsprotocol import types

from lagrangian.grammar import ast
from lagrangian.server.lsp.documents import Snapshot

SOURCE = "lagrangian"

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}

# Codes that mark a term as dead weight in the editor (greyed out where clients can).
_UNNECESSARY = frozenset({"vanishes-by-symmetry", "duplicate-term"})


def to_position(position: ast.Position) -> types.Position:
    return types.Position(line=position.line, character=position.character)


def to_range(span: ast.Span) -> types.Range:
    return types.Range(start=to_position(span.start), end=to_position(span.end))


def lsp_diagnostic(diagnostic: ast.Diagnostic) -> types.Diagnostic:
    tags = [types.DiagnosticTag.Unnecessary] if diagnostic.code in _UNNECESSARY else None
    return types.Diagnostic(
        range=to_range(diagnostic.span),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Information),
        code=diagnostic.code,
        source=SOURCE,
        tags=tags,
    )


def document_diagnostics(snapshot: Snapshot) -> list[types.Diagnostic]:
    """What to publish for a snapshot: nothing for a LaTeX file that is not ours."""
    if not snapshot.active:
        return []
    return [lsp_diagnostic(d) for d in snapshot.analysis.diagnostics]


def summary(snapshot: Snapshot) -> dict[str, object]:
    """The ``lagrangian.checkDocument`` result: counts and the ``check --format json`` records."""
    from lagrangian.server.output import diagnostic_record

    records = (
        [diagnostic_record(d) for d in snapshot.analysis.diagnostics] if snapshot.active else []
    )
    return {
        "uri": snapshot.uri,
        "version": snapshot.version,
        "errors": sum(r["severity"] == "error" for r in records),
        "warnings": sum(r["severity"] == "warning" for r in records),
        "hints": sum(r["severity"] == "hint" for r in records),
        "terms": len(snapshot.document.terms),
        "diagnostics": records,
    }
