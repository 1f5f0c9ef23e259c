"""Shared helpers: build a model straight from declaration tuples (no parser needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from lagrangian.grammar.ast import FieldDecl, GaugeDecl, GaugeFactor, RepSpec
from lagrangian.physics.fields import Model, build_model
from lagrangian.physics.lagrangian import complete_lagrangian


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


@pytest.fixture
def sm() -> Model:
    return make_model(
        ("scalar", "H", "1 2 1/2"),
        ("fermion", "Q", "3 2 1/6", "left"),
        ("fermion", "u", "-3 1 -2/3", "left"),
        ("fermion", "d", "-3 1 1/3", "left"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "e", "1 1 1", "left"),
    )
