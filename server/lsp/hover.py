"""Hover: what a field is, and what a term is, in the engine's own words.

Over a field (in a declaration or inside a term) the hover gives its quantum numbers per
gauge factor, its spin and mass dimension and its conjugate; over a conjugated occurrence
it leads with the conjugate.  Over the rest of a term it gives the term's kind, mass
dimension and U(1) charge sums, its LaTeX form, and which invariant of its fields it is:
the only one, or which element (or combination) of the engine's basis, so that a user
writing several quartics of the same fields can see that they are independent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lagrangian.grammar import ast, print_term, term_spelling
from lagrangian.server.lsp.diagnostics import to_range
from lagrangian.server.lsp.terms import (
    KIND_LABELS,
    charge_name,
    field_label,
    quantum_numbers,
    written_text,
)

if TYPE_CHECKING:
    from lagrangian.physics.checks import TermInfo
    from lagrangian.physics.fields import Field, Model
    from lagrangian.server.lsp.documents import Snapshot


def hover(snapshot: Snapshot, offset: int) -> types.Hover | None:
    if not snapshot.active:
        return None
    model = snapshot.analysis.model
    for decl in snapshot.document.fields:
        if _contains(decl.name_span, offset):
            field = model.field(decl.name)
            if field is None:
                return _dirac_hover(model, decl.name, decl.name_span)
            return _hover(field_markdown(model, field, conjugate=False), decl.name_span)
    for factor in snapshot.document.gauge.factors if snapshot.document.gauge else ():
        if _contains(factor.span, offset):
            return _hover(_factor_markdown(model, factor), factor.span)
    for info in snapshot.analysis.terms:
        term = info.term
        if not (_contains(term.span, offset) or _contains(term.hc_span, offset)):
            continue
        for use in info.resolved.fields:
            if _contains(use.span, offset):
                field = model.fields[use.occurrence.index]
                text = field_markdown(model, field, conjugate=use.occurrence.conjugate)
                return _hover(text, use.span)
        for strength in info.resolved.strengths:
            if _contains(strength.span, offset):
                return _hover(_strength_markdown(model, strength.factor), strength.span)
        return _hover(term_markdown(snapshot, info), term.span)
    return None


def field_markdown(model: Model, field: Field, conjugate: bool) -> str:
    """Quantum numbers, spin, dimension and conjugate of a field (or of its conjugate)."""
    names = [model.factor_label(i) for i in range(len(model.group.ns))]
    header = "| " + " | ".join(names) + " |"
    rule = "|" + "---|" * len(names)
    shown = quantum_numbers(field, conjugate)[1:-1].split(", ")
    row = "| " + " | ".join(shown) + " |"
    dagger = "^†" if conjugate and not field.real else ""
    title = f"{field.name}{dagger}"
    lines = [f"**{title}**" + (f" — the conjugate of {field.name}" if conjugate else "")]
    lines += ["", _spin(field, conjugate), "", header, rule, row, ""]
    lines.append(f"Mass dimension {field.dimension!s}.")
    pair = next((d for d in model.dirac if field.name in d[1:]), None)
    if pair is not None:
        side = "left" if field.name == pair[1] else "right"
        lines.append(f"The {side} component of the Dirac fermion {pair[0]}.")
    if field.real:
        lines.append("Real: it is its own conjugate.")
    elif conjugate:
        lines.append(f"Its conjugate is {field.name} {quantum_numbers(field)}.")
    else:
        lines.append(f"Its conjugate {field.name}^† is in {quantum_numbers(field, True)}.")
    return "\n".join(lines)


def _dirac_hover(model: Model, name: str, span: ast.Span | None) -> types.Hover | None:
    """Over the name of a ``dirac`` declaration: its two Weyl components and how a term
    writes each (``Psi_{1L}``, ``P_L Psi_1``), then the left one's quantum numbers."""
    components = model.components(name)
    if components is None:
        return None  # a declaration the model dropped (its diagnostic says why)
    left, right = components
    field = model.field(left)
    assert field is not None
    lines = [
        f"**{name}** — a Dirac fermion: the Weyl fields {left} (left) and {right} (right), "
        f"written `{term_spelling(left)}` and `{term_spelling(right)}` in a term.",
        "",
        field_markdown(model, field, conjugate=False),
    ]
    return _hover("\n".join(lines), span)


def term_markdown(snapshot: Snapshot, info: TermInfo) -> str:
    model = snapshot.analysis.model
    style = "latex"
    facts = [f"**{KIND_LABELS.get(info.kind, info.kind)}**"]
    if info.resolved.fields or info.resolved.strengths:
        facts.append(f"mass dimension {info.dimension!s}")
    facts += [f"{charge_name(name)} sum {total!s}" for name, total in info.charges.items()]
    if info.resolved.fields or info.resolved.strengths:
        facts.append(f"class {_class(model, info)}")
    lines = [
        " · ".join(facts),
        "",
        "```latex",
        written_text(snapshot.text, info.term, style),
        "```",
    ]
    if info.resolved.fields:
        fields = " ".join(field_label(model, u.occurrence) for u in info.resolved.fields)
        lines += ["", f"Fields: {fields}"]
    if info.resolved.couplings:
        lines.append(f"Couplings: {', '.join(info.resolved.couplings)}")
    lines += ["", _which_invariant(snapshot, info)]
    lines += _flavour_couplings(snapshot, info)
    if not info.valid:
        lines.append("This term is not a valid invariant: see its diagnostics.")
    elif info.self_conjugate:
        lines.append("It is its own hermitian conjugate.")
    else:
        lines.append(
            "It is not its own hermitian conjugate"
            + (": `+ h.c.` is written." if info.term.hc else ".")
        )
    return "\n".join(lines)


def _class(model: Model, info: TermInfo) -> str:
    """``psi2phi2D``: fermions, field strengths, scalars and derivatives of the term."""
    from lagrangian.physics.eft.operators import class_name

    r = info.resolved
    fermions = sum(model.fields[u.occurrence.index].is_fermion for u in r.fields)
    return class_name(fermions, len(r.strengths), len(r.fields) - fermions, r.derivatives)


def _which_invariant(snapshot: Snapshot, info: TermInfo) -> str:
    if info.monomial is None or info.multiplicity == 0:
        return ""
    if info.multiplicity == 1:
        return "It is the only independent invariant of these fields."
    count = info.multiplicity
    if info.coefficients is None:
        return (
            f"These fields have {count} independent invariants; "
            "which one this is cannot be told from how it is written."
        )
    basis = [t for t in snapshot.complete() if t.term.occurrences == info.monomial]
    # Written on the conjugate fields: the coordinates are those of its hermitian conjugate.
    of = "the hermitian conjugate of " if info.resolved.occurrences != info.monomial else ""
    parts = [
        (float(c), print_term(t.tree, "text"))
        for c, t in zip(info.coefficients, basis)
        if abs(c) > 1e-9  # exact coordinates give exact zeros; floats, rounding below this
    ]
    if len(parts) == 1:
        return (
            f"It is one of {count} independent invariants of these fields: "
            f"{of}the engine's `{parts[0][1]}`."
        )
    combination = " ".join(f"{c:+.3g} × `{text}`" for c, text in parts)
    return (
        f"These fields have {count} independent invariants; this one is {of}the "
        f"combination {combination} of the engine's."
    )


def _flavour_couplings(snapshot: Snapshot, info: TermInfo) -> list[str]:
    """With flavoured fields: the engine's couplings of this monomial and their symmetry."""
    if info.monomial is None:
        return []
    notes = [t.note for t in snapshot.complete() if t.term.occurrences == info.monomial and t.note]
    return ["", "Flavour couplings: " + " · ".join(f"`{n}`" for n in notes)] if notes else []


def _strength_markdown(model: Model, factor: int) -> str:
    name = model.strengths[factor]
    label = model.factor_label(factor)
    return f"**{name}** — the field strength of {label} ({model.group.names[factor]})"


def _factor_markdown(model: Model, factor: ast.GaugeFactor) -> str:
    n = factor.n
    if n == 1:
        return f"**{factor.name}**: an abelian U(1) factor (charges are exact fractions)"
    return f"**{factor.name}**: SU({n}), {n * n - 1} gauge bosons"


def _spin(field: Field, conjugate: bool) -> str:
    if not field.is_fermion:
        return "Scalar field" + (", real" if field.real else ", complex")
    left = (field.helicity == "left") != conjugate
    return f"{'Left' if left else 'Right'}-handed Weyl spinor (helicity {'-' if left else '+'}1/2)"


def _contains(span: ast.Span | None, offset: int) -> bool:
    return span is not None and span.start.offset <= offset <= span.end.offset


def _hover(markdown: str, span: ast.Span | None) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=to_range(span) if span is not None else None,
    )
