"""The engine's answers as plain records: what the CLI prints and the editor shows.

One record per independent invariant, with the keys of the ``lagrangian generate --format
json`` contract (``kind``, ``fields``, ``hc``, ``text``, ``latex``, ``tokens``, ``source``,
``couplings``, ``flavour``),
so the command line, the language server and the model server all speak the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lagrangian.grammar import ast, print_declaration, print_term
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.flavour.indices import with_flavour_indices
from lagrangian.physics.lagrangian import LagrangianTerm, complete_lagrangian
from lagrangian.physics.render import coupling_names, to_ast
from lagrangian.physics.tokens import term_tokens
from lagrangian.physics.young import shape_name


@dataclass(frozen=True)
class EngineTerm:
    """An engine term together with its syntax tree (and, for flavoured terms, a note on
    its coupling's symmetry: ``f: antisymmetric in a b (L); 3 complex couplings``)."""

    term: LagrangianTerm
    tree: ast.Term
    note: str | None = None

    def record(self, model: Model, source: str = "engine") -> dict[str, Any]:
        return {
            "kind": self.term.kind,
            "fields": [
                {"name": model.fields[o.index].name, "conjugate": o.conjugate}
                for o in self.term.occurrences
            ],
            "hc": self.term.hc,
            "text": print_term(self.tree, "text"),
            "latex": print_term(self.tree, "latex"),
            "tokens": " ".join(term_tokens(model, self.term)),
            "source": source,
            "couplings": self.term.couplings,
            "flavour": {
                model.fields[o.index].name + ("^dagger" if o.conjugate else ""): shape_name(shape)
                for o, shape in self.term.flavour
            },
        }


def engine_terms(model: Model, terms: list[LagrangianTerm] | None = None) -> list[EngineTerm]:
    """Syntax trees for ``terms`` (default: the complete Lagrangian), couplings numbered."""
    terms = complete_lagrangian(model) if terms is None else terms
    names = coupling_names(terms, frozenset(model.names()))
    out = []
    for t, name in zip(terms, names):
        tree, note = with_flavour_indices(model, t, to_ast(model, t, name), name)
        out.append(EngineTerm(t, tree, note))
    return out


def parameter_summary(terms: list[EngineTerm]) -> dict[str, dict[str, int]]:
    """Independent parameters per kind: ``{"yukawa": {"complex": 27, "real": 0}}``.

    A term with ``+ h.c.`` has complex couplings, a self-conjugate one real parameters;
    kinetic terms have none.
    """
    summary: dict[str, dict[str, int]] = {}
    for t in terms:
        if t.term.kind in ("kinetic", "gauge_kinetic"):
            continue
        entry = summary.setdefault(t.term.kind, {"complex": 0, "real": 0})
        entry["complex" if t.term.hc else "real"] += t.term.couplings
    return summary


def field_record(model: Model, field: Field) -> dict[str, Any]:
    return {
        "name": field.name,
        "kind": field.kind,
        "representation": field.quantum_numbers(),
        "helicity": field.helicity,
        "real": field.real,
        "dimension": str(field.dimension),
        "flavours": field.flavours,
    }


def declaration_text(field: Field, model: Model) -> str:
    """``fermion Q (3, 2, 1/6) left``: a field back as a declaration."""
    decl = ast.FieldDecl(
        kind=field.kind,
        name=field.name,
        reps=tuple(ast.RepSpec(x.strip()) for x in field.quantum_numbers()[1:-1].split(",")),
        helicity=field.helicity,
        real=field.real,
        flavours=field.flavours,
    )
    return print_declaration(decl, "text")
