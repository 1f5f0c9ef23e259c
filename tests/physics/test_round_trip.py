"""Every term the engine prints parses back to the same invariant.

Random field contents (the enriched sampler, so trilinears, Yukawas and multi-invariant
quartics occur) are turned into a complete Lagrangian, printed as ``.lag`` text and as
LaTeX, parsed, and checked: no diagnostics on any term (an anomalous fermion content keeps
its ``anomaly`` warnings on the declarations), every term recognised as the engine's
own monomial, multi-invariant monomials identified as the right basis element, and nothing
reported missing.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import parse_document, parse_tex, print_term
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.missing import missing_terms
from lagrangian.server.output import render_generated
from lagrangian.training.sampling import SamplingConfig, sample_fields, to_model

CONFIG = SamplingConfig(min_fields=1, max_fields=4)
LEFT_RIGHT = "gauge SU3 x SU2[WL] x SU2[WR] x U1"
STANDARD_MODEL = (
    "scalar H (1,2,1/2); fermion Q (3,2,1/6) left; fermion u (-3,1,-2/3) left; "
    "fermion d (-3,1,1/3) left; fermion L (1,2,-1/2) left; fermion e (1,1,1) left"
)


def assert_round_trip(model, fmt: str) -> None:
    terms = engine_terms(model)
    text = render_generated(model, terms, fmt)
    document = parse_tex(text) if fmt == "latex" else parse_document(text)
    analysis = analyze(document)
    problems = [d for d in analysis.diagnostics if d.code != "anomaly"]
    assert problems == [], (text, problems)
    assert len(analysis.terms) == len(terms)
    for info, engine in zip(analysis.terms, terms):
        assert info.kind == engine.term.kind, (info.term, engine.term)
        if engine.term.pattern is None:
            continue
        assert info.monomial == engine.term.occurrences
        if engine.term.multiplicity > 1:
            index = [t.term for t in terms if t.term.occurrences == info.monomial].index(
                engine.term
            )
            expected = np.eye(engine.term.multiplicity)[index]
            assert info.coefficients is not None
            assert np.allclose(np.abs(info.coefficients), expected, atol=1e-6)
    assert missing_terms(analysis) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9), st.sampled_from(["text", "latex"]))
def test_generated_lagrangians_round_trip(seed, fmt):
    fields = sample_fields(random.Random(seed), CONFIG, "enriched")
    assert_round_trip(to_model(fields), fmt)


@pytest.mark.parametrize("fmt", ["text", "latex"])
@pytest.mark.parametrize(
    "decls",
    [
        "scalar H1 (1,2,1/2); scalar H2 (1,2,1/2)",
        "scalar H (1,2,1/2); scalar Delta (1,3,1); fermion L (1,2,-1/2) left",
        "scalar H (1,2,1/2); scalar S8 (8,2,1/2)",
        "scalar Phi (8,1,0) real; scalar X (6,3,1/3)",
        "fermion Q (3,2,1/6) left; fermion u (-3,1,-2/3) left; scalar S1 (-3,1,1/3); "
        "fermion nR (1,1,0) right",
        STANDARD_MODEL,
        # two SU(2) factors: index names must not repeat across them (issue 11)
        f"{LEFT_RIGHT}; scalar Phi (1,2,2,0)",
        f"{LEFT_RIGHT}; scalar Phi (1,2,2,0); scalar DL (1,3,1,2); scalar DR (1,1,3,2); "
        "fermion QL (3,2,1,1/3) left; fermion QR (-3,1,2,-1/3) left",
        "scalar H (1,2,1/2); scalar S (1,9,0) real",
        # 15 and 5 quartic invariants, products of 58 brackets: exact coordinates (issue 11)
        "scalar H (1,2,1/2); scalar X (1,30,0)",
        "scalar H (1,2,1/2); scalar X (1,29,0) real",
        # kinetic mixing of two U(1) factors
        "gauge SU3 x SU2 x U1 x U1[X]; scalar H (1,2,1/2,0); scalar S (1,1,0,1); "
        "fermion N (1,1,0,-1) left",
    ],
)
def test_textbook_models_round_trip(decls, fmt):
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    document = parse_declarations(decls)
    model, problems = build_model(document.gauge, document.fields)
    assert not problems
    assert_round_trip(model, fmt)


@st.composite
def left_right_fields(draw) -> str:
    """One to three fields under SU(2)_L x SU(2)_R x U(1), doublets and triplets."""
    decls = []
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["scalar", "fermion"]))
        left, right = draw(st.sampled_from(["1", "2", "3"])), draw(st.sampled_from(["1", "2", "3"]))
        charge = draw(st.sampled_from(["0", "1", "-1", "1/2", "2"]))
        tail = " left" if kind == "fermion" else ""
        decls.append(f"{kind} F{k} (1,{left},{right},{charge}){tail}")
    return f"{LEFT_RIGHT}; " + "; ".join(decls)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(left_right_fields())
def test_left_right_field_sets_round_trip(decls):
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    document = parse_declarations(decls)
    model, problems = build_model(document.gauge, document.fields)
    assert not problems
    assert_round_trip(model, "text")


def test_missing_kinetic_mixing_is_reported():
    """Diagonal gauge kinetic terms do not cover the mixing B_{mu nu} X^{mu nu}."""
    text = (
        "gauge SU3 x SU2 x U1 x U1[X]\nscalar S (1,1,1,1)\n"
        "L = (D_mu S)^dagger (D^mu S) - m^2 S^dagger S - lambda (S^dagger S)^2\n"
        "  - 1/4 B_{mu nu} B^{mu nu} - 1/4 X_{mu nu} X^{mu nu}\n"
    )
    analysis = analyze(parse_document(text))
    assert analysis.diagnostics == []
    (missing,) = missing_terms(analysis)
    assert (missing.term.strength, missing.term.partner) == (2, 3)
    assert print_term(missing.tree, "text") == "- 1/2 chi B_{mu nu} X^{mu nu}"


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 30), st.booleans(), st.sampled_from(["1", "3", "-3"]))
def test_large_su2_multiplets_round_trip(dim, real, colour):
    """Every SU(2) multiplet up to the benchmark's dimension 30 beside the Higgs: bases of
    bracket graphs, checked back exactly (real only where the irrep is)."""
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    real = real and dim % 2 == 1 and colour == "1"
    decls = f"scalar H (1,2,1/2); scalar X ({colour},{dim},0){' real' if real else ''}"
    document = parse_declarations(decls)
    model, problems = build_model(document.gauge, document.fields)
    assert not problems
    assert_round_trip(model, "text")
