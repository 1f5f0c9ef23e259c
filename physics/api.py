"""The engine's answers as plain records: what the CLI prints and the editor shows.

One record per independent invariant, with the keys of the ``lagrangian generate --format
json`` contract (``kind``, ``fields``, ``hc``, ``text``, ``latex``, ``tokens``, ``source``),
so the command line, the language server and the model server all speak the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lagrangian.grammar import ast, print_declaration, print_term
from lagrangian.physics.fields import Field, Model
from lagrangian.physics.lagrangian import LagrangianTerm, complete_lagrangian
from lagrangian.physics.render import coupling_names, to_ast
from lagrangian.physics.tokens import term_tokens


@dataclass(frozen=True)
class EngineTerm:
    """An engine term together with its syntax tree."""

    term: LagrangianTerm
    tree: ast.Term

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
        }


def engine_terms(model: Model, terms: list[LagrangianTerm] | None = None) -> list[EngineTerm]:
    """Syntax trees for ``terms`` (default: the complete Lagrangian), couplings numbered."""
    terms = complete_lagrangian(model) if terms is None else terms
    names = coupling_names(terms)
    return [EngineTerm(t, to_ast(model, t, name)) for t, name in zip(terms, names)]


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
