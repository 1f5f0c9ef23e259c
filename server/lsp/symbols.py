"""Document symbols and inlay hints: the outline of a Lagrangian and per-term facts.

The outline lists the gauge group, every field (kind ``Field``, its declaration as detail:
the playground builds its field table from exactly these), each Lagrangian with its terms
grouped by kind (kinetic, masses, Yukawas, ...), and the fit blocks.  Inlay hints put each
term's U(1) charge sums and mass dimension after it, where a wrong hypercharge shows
before the diagnostic is even read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lagrangian.grammar import ast
from lagrangian.server.lsp.diagnostics import to_position, to_range
from lagrangian.server.lsp.terms import KIND_LABELS, KIND_RANK, charge_symbol, written_text

if TYPE_CHECKING:
    from lagrangian.physics.checks import TermInfo
    from lagrangian.server.lsp.documents import Snapshot

_NAME_LIMIT = 60


def document_symbols(snapshot: Snapshot) -> list[types.DocumentSymbol]:
    if not snapshot.active:
        return []
    document = snapshot.document
    symbols: list[types.DocumentSymbol] = []
    if document.gauge is not None and document.gauge.span is not None:
        names = " x ".join(f.name for f in document.gauge.factors)
        symbols.append(_symbol(f"gauge {names}", types.SymbolKind.Namespace, document.gauge.span))
    for decl in document.fields:
        if decl.span is None:
            continue
        flags = [decl.helicity] if decl.helicity else []
        flags += ["real"] if decl.real else []
        detail = f"{decl.kind} ({', '.join(r.text for r in decl.reps)})"
        detail += "".join(f" {flag}" for flag in flags)
        symbols.append(
            _symbol(decl.name, types.SymbolKind.Field, decl.span, decl.name_span, detail)
        )
    for span in document.lagrangian_spans:
        infos = [i for i in snapshot.analysis.terms if _within(i.term.span, span)]
        children = _grouped_terms(snapshot, infos)
        detail = f"{len(infos)} term{'s' if len(infos) != 1 else ''}"
        name = "\\mathcal{L}" if snapshot.syntax == "latex" else "L"
        symbols.append(
            _symbol(name, types.SymbolKind.Namespace, span, detail=detail, children=children)
        )
    for fit in document.fits:
        if fit.span is not None:
            symbols.append(_symbol(f"fit {fit.name}", types.SymbolKind.Function, fit.span))
    return symbols


def _grouped_terms(snapshot: Snapshot, infos: list[TermInfo]) -> list[types.DocumentSymbol]:
    groups: dict[str, list[TermInfo]] = {}
    for info in infos:
        groups.setdefault(info.kind, []).append(info)
    symbols = []
    for kind in sorted(groups, key=lambda k: KIND_RANK.get(k, len(KIND_RANK))):
        members = groups[kind]
        spans = [_full_span(i.term) for i in members]
        whole = ast.Span(spans[0].start, spans[-1].end)
        children = [
            _symbol(
                _short(written_text(snapshot.text, i.term, "text")),
                types.SymbolKind.Operator,
                span,
                detail=_facts(i),
            )
            for i, span in zip(members, spans)
        ]
        label = KIND_LABELS.get(kind, kind)
        symbols.append(
            _symbol(
                label, types.SymbolKind.Array, whole, detail=str(len(members)), children=children
            )
        )
    return symbols


def inlay_hints(snapshot: Snapshot, start: int, end: int) -> list[types.InlayHint]:
    """``Y = 0 · dim 4`` after each term in ``[start, end]``."""
    if not snapshot.active:
        return []
    hints = []
    for info in snapshot.analysis.terms:
        span = info.term.span
        if span is None or span.end.offset < start or span.start.offset > end:
            continue
        if not (info.resolved.fields or info.resolved.strengths) or info.resolved.unknown:
            continue
        hints.append(
            types.InlayHint(
                position=to_position(span.end),
                label=_facts(info),
                padding_left=True,
                tooltip=f"{KIND_LABELS.get(info.kind, info.kind)}: charge sums and mass dimension",
            )
        )
    return hints


def _facts(info: TermInfo) -> str:
    charges = [f"{charge_symbol(name)} = {total}" for name, total in info.charges.items()]
    return " · ".join([*charges, f"dim {info.dimension}"])


def _full_span(term: ast.Term) -> ast.Span:
    assert term.span is not None
    return ast.Span(term.span.start, (term.hc_span or term.span).end)


def _within(inner: ast.Span | None, outer: ast.Span) -> bool:
    return inner is not None and outer.start.offset <= inner.start.offset <= outer.end.offset


def _short(text: str) -> str:
    return text if len(text) <= _NAME_LIMIT else text[: _NAME_LIMIT - 1] + "…"


def _symbol(
    name: str,
    kind: types.SymbolKind,
    span: ast.Span,
    selection: ast.Span | None = None,
    detail: str | None = None,
    children: list[types.DocumentSymbol] | None = None,
) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=name or "?",
        kind=kind,
        range=to_range(span),
        selection_range=to_range(selection or span),
        detail=detail,
        children=children,
    )
