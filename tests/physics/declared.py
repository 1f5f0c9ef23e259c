"""The physics tests' ways to turn declarations into a model, checked clean.

A module of its own, not conftest.py: ``from conftest import`` resolves to whichever
folder's conftest was collected first, so it broke when tests/corpus ran before tests/physics.
"""

from __future__ import annotations

from collections import Counter

from lagrangian.grammar import parse_declarations, parse_document
from lagrangian.grammar.ast import FieldDecl, GaugeDecl, GaugeFactor, RepSpec
from lagrangian.physics.fields import Model, build_model
from lagrangian.physics.lagrangian import complete_lagrangian


def model_of(text: str) -> Model:
    """The model of ``text``: a document (lines) or ``--fields`` declarations (``;``)."""
    document = parse_document(text) if "\n" in text.strip() else parse_declarations(text)
    assert not document.errors, document.errors
    model, problems = build_model(document.gauge, document.fields, document.symmetries)
    assert not problems, problems
    return model


def make_model(*fields: tuple, gauge: tuple[tuple[str, int], ...] | None = None) -> Model:
    """``make_model(("scalar", "H", "1 2 1/2"), ("fermion", "L", "1 2 -1/2", "left"))``."""
    decls = []
    for spec in fields:
        kind, name, reps, *rest = spec
        decls.append(
            FieldDecl(
                kind=kind,
                name=name,
                reps=tuple(RepSpec(r) for r in reps.split()),
                helicity=next((x for x in rest if x in ("left", "right")), None),
                real="real" in rest,
            )
        )
    gauge_decl = (
        GaugeDecl(tuple(GaugeFactor(name, n) for name, n in gauge)) if gauge is not None else None
    )
    model, problems = build_model(gauge_decl, decls)
    assert not problems, problems
    return model


def kinds(model: Model) -> Counter[str]:
    return Counter(t.kind for t in complete_lagrangian(model))
