"""Terms as the editor shows them: signed text, coupling position, kind names, field labels.

Completion, code actions, hover and the commands all print engine terms into a document
and describe terms to the user; these helpers keep that wording and spelling in one place.
A document's own term is printed from its tree when the printer can, and otherwise shown
as the user wrote it, so nothing a user types can make a feature fail.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from lagrangian.grammar import ast, print_factor, print_term
from lagrangian.physics.paper.latex import dirac_term

if TYPE_CHECKING:
    from lagrangian.grammar.printer import Style
    from lagrangian.physics.api import EngineTerm
    from lagrangian.physics.fields import Field, Model
    from lagrangian.physics.monomials import Occurrence
    from lagrangian.physics.paper.latex import Notation
    from lagrangian.server.lsp.documents import Snapshot

# How each term kind is named, and how important it is when completing (lower first):
# kinetic terms make a field propagate, masses and Yukawas matter before the potential.
KIND_LABELS = {
    "kinetic": "kinetic term",
    "gauge_kinetic": "gauge kinetic term",
    "scalar_mass": "scalar mass",
    "fermion_mass": "fermion mass",
    "yukawa": "Yukawa coupling",
    "quartic": "quartic coupling",
    "trilinear": "trilinear coupling",
    "linear": "tadpole (linear term)",
    "operator": "operator",
    "effective": "effective operator",
}
KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_LABELS)}


# How a U(1) factor is written when it is the hypercharge (as physics.checks reads it).
HYPERCHARGE_NAMES = frozenset({"U1", "U(1)", "U1Y"})


def charge_name(factor: str) -> str:
    """``hypercharge`` for the hypercharge factor, ``U1' charge`` for any other U(1)."""
    return "hypercharge" if factor in HYPERCHARGE_NAMES else f"{factor} charge"


def charge_symbol(factor: str) -> str:
    """``Y`` for the hypercharge factor, ``Q(U1')`` for any other U(1)."""
    return "Y" if factor in HYPERCHARGE_NAMES else f"Q({factor})"


# What only four-component (Dirac) notation writes: a bar or overline on a spinor (not the
# two-component printer's \bar{\sigma}), gamma matrices, slashes, tildes, chiral projectors.
_DIRAC = re.compile(
    r"\\(?:overline|slashed|not\b|gamma|tilde|widetilde)"
    r"|\\bar(?![\s{]*\\sigma)"
    r"|\bP_\{?(?:\\rm\s*|\\mathrm\{)?[LR]\b"
)
_COMMENT_LINE = re.compile(r"(?<!\\)%.*")


def document_notation(snapshot: Snapshot) -> Notation:
    """``four-component`` for a ``.tex`` document that writes Dirac notation anywhere
    outside its comments, else ``two-component``: engine terms go in as the document
    writes its own."""
    if snapshot.syntax != "latex":
        return "two-component"
    text = _COMMENT_LINE.sub("", snapshot.text)
    return "four-component" if _DIRAC.search(text) else "two-component"


def engine_text(model: Model, term: EngineTerm, style: Style, notation: Notation) -> str:
    """An engine term printed for a document: in Dirac notation for a four-component one."""
    if style == "latex" and notation == "four-component":
        return dirac_term(model, term)
    return print_term(term.tree, style)


def document_texts(snapshot: Snapshot, terms: list[EngineTerm], style: Style) -> list[str]:
    """Engine terms printed to go into ``snapshot``'s document, in its notation."""
    notation = document_notation(snapshot)
    return [engine_text(snapshot.analysis.model, t, style, notation) for t in terms]


def signed(text: str) -> str:
    """A printed term with an explicit leading sign, to follow another term."""
    return text if text.startswith(("-", "+")) else f"+ {text}"


def unsigned(text: str) -> str:
    """A printed term without its leading sign, to follow a sign already typed."""
    return text[2:] if text.startswith(("- ", "+ ")) else text


def written_text(snapshot_text: str, term: ast.Term, style: Style) -> str:
    """A document term printed canonically, or its source text if it cannot be printed."""
    try:
        return print_term(term, style)
    except ValueError:
        if term.span is None:
            return ""
        end = term.hc_span.end.offset if term.hc_span else term.span.end.offset
        return snapshot_text[term.span.start.offset : end]


def coupling_text(term: EngineTerm, style: Style) -> str | None:
    """The coupling as printed (``lambda_2``), or None for terms without one (kinetic)."""
    if term.term.kind in ("kinetic", "gauge_kinetic"):
        return None
    first = term.tree.factors[0]
    return print_factor(first, style) if isinstance(first, ast.Symbol) else None


def field_label(model: Model, occurrence: Occurrence, style: Style = "text") -> str:
    """``H`` or ``H^dagger`` for one field occurrence."""
    name = model.fields[occurrence.index].name
    if not occurrence.conjugate:
        return name
    return f"{name}^\\dagger" if style == "latex" else f"{name}^dagger"


def quantum_numbers(field: Field, conjugate: bool = False) -> str:
    """``(1, 2, 1/2)``, or the conjugate representation's numbers."""
    if conjugate and not field.real:
        field = replace(field, rep=field.rep.conjugate())
    return field.quantum_numbers()


def term_detail(model: Model, term: EngineTerm) -> str:
    """``quartic coupling · H^dagger (1, 2, -1/2) H (1, 2, 1/2) ...`` for a completion item."""
    t = term.term
    label = KIND_LABELS.get(t.kind, t.kind)
    if t.kind == "gauge_kinetic" and t.strength is not None:
        factor = model.factor_label(t.strength)
        return f"{label} · {factor} field strength {model.strengths[t.strength]}"
    parts = [
        f"{field_label(model, o)} {quantum_numbers(model.fields[o.index], o.conjugate)}"
        for o in _distinct(t.occurrences)
    ]
    return f"{label} · " + ", ".join(parts)


def _distinct(occurrences: tuple[Occurrence, ...]) -> list[Occurrence]:
    seen: list[Occurrence] = []
    for o in occurrences:
        if o not in seen:
            seen.append(o)
    return seen
